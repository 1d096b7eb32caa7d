/**
 * Power pacing: k lines per free agent (pacing.md §1.4, "k per free agent"). The dialer
 * keeps round(k × free agents) calls in flight, counting every call it placed that no
 * agent has yet (ringing, answered with the AMD verdict pending, waiting for an agent).
 * A fixed k is blind to the hit rate and to agents about to free up; the reference DES
 * found k = 2.5 (25 agents) and 5 (100 agents) the best fixed values (§6.2).
 *
 * @module
 */
import { capLaunch, countAgents } from './limits.ts';
import type { PacingController, PacingDecision, PacingSettings, PacingSnapshot } from './types.ts';

/** Bounds of `linesPerAgent`, lines per free agent: below 1 is less than progressive, above 5 floods the lines. */
export const MIN_LINES_PER_AGENT = 1;
export const MAX_LINES_PER_AGENT = 5;

export class PowerController implements PacingController {
  readonly mode = 'power' as const;

  constructor(private readonly settings: Pick<PacingSettings, 'maxLines' | 'linesPerAgent'>) {}

  observe(): void {
    // Power pacing learns nothing: its rule needs only the current state.
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    return decidePower(snapshot, this.settings);
  }
}

/** The power rule for one snapshot. */
export function decidePower(snapshot: PacingSnapshot, settings: Pick<PacingSettings, 'maxLines' | 'linesPerAgent'>): PacingDecision {
  const linesPerAgent = clampLinesPerAgent(settings.linesPerAgent);
  const { free } = countAgents(snapshot);
  const inFlight = snapshot.calls.length;
  const target = Math.round(linesPerAgent * free);
  const { launch, cappedBy } = capLaunch(target - inFlight, snapshot, settings);
  const base = `${free} free agent${free === 1 ? '' : 's'} × ${linesPerAgent} lines = ${target} calls wanted in flight, ${inFlight} in flight: launched ${launch}`;
  return {
    launch,
    target,
    mode: 'power',
    reason: cappedBy ? `${base} (capped by ${cappedBy})` : base,
    inputs: { freeAgents: free, inFlight, linesPerAgent, target, launched: launch },
  };
}

function clampLinesPerAgent(value: number): number {
  if (!Number.isFinite(value)) return MIN_LINES_PER_AGENT;
  return Math.min(MAX_LINES_PER_AGENT, Math.max(MIN_LINES_PER_AGENT, value));
}
