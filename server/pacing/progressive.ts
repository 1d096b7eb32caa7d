/**
 * Progressive pacing: one line per free agent. A free agent with a call already ringing
 * for them gets no second one, so a person who answers always finds an agent (the only
 * abandons are AMD false positives and agents leaving mid-ring).
 *
 * @module
 */
import { capLaunch, countAgents } from './limits.ts';
import type { PacingController, PacingDecision, PacingSettings, PacingSnapshot } from './types.ts';

export class ProgressiveController implements PacingController {
  readonly mode = 'progressive' as const;

  constructor(private readonly settings: Pick<PacingSettings, 'maxLines'>) {}

  observe(): void {
    // Progressive pacing learns nothing: its rule needs only the current state.
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    return decideProgressive(snapshot, this.settings);
  }
}

/** The progressive rule, also the predictive controller's fallback. */
export function decideProgressive(snapshot: PacingSnapshot, settings: Pick<PacingSettings, 'maxLines'>, why?: string): PacingDecision {
  const { free } = countAgents(snapshot);
  const inFlight = snapshot.calls.length;
  const { launch, cappedBy } = capLaunch(free - inFlight, snapshot, settings);
  const base = `${free} free agent${free === 1 ? '' : 's'}, ${inFlight} call${inFlight === 1 ? '' : 's'} in flight: one line per free agent`;
  return {
    launch,
    target: free,
    mode: 'progressive',
    reason: [why, base, cappedBy && `capped by ${cappedBy}`].filter(Boolean).join('; '),
    inputs: { freeAgents: free, inFlight, launched: launch },
  };
}
