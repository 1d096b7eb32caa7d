/**
 * Baseline: a fixed dial level with VICIdial RATIO semantics (pacing.md §1.1 A). Every
 * dial-loop pass (2.5 s in `AST_VDauto_dial.pl`) it places
 * `round(level × (free + busy agents)) − (calls in flight + calls connected to agents)`,
 * so the level applies to every line, including those already talking: level 1.3 keeps
 * about 30 % spare lines. Agents in wrap-up or paused do not count (VICIdial tallies
 * READY and INCALL agents only).
 *
 * @module
 */
import { capLaunch, countAgents } from '../../../server/pacing/limits.ts';
import type { PacingController, PacingDecision, PacingSettings, PacingSnapshot } from '../../../server/pacing/index.ts';

export interface FixedRatioSettings extends Pick<PacingSettings, 'maxLines'> {
  /** `auto_dial_level`: lines per dialable agent (≥ 1 to be useful). */
  level: number;
  /** The dial loop's period, ms (VICIdial: 2500). */
  dialIntervalMs: number;
}

export class FixedRatioController implements PacingController {
  /** A fixed lines-per-agent rule is the power family in the controller interface's terms. */
  readonly mode = 'power' as const;
  #nextDialMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: FixedRatioSettings) {}

  observe(): void {
    // RATIO mode learns nothing: the level is fixed by the operator.
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    return ratioDialLoop(snapshot, this.settings.level, this.settings, this.#dialLoopDue(snapshot.nowMs), 'RATIO');
  }

  /** Whether the dial loop runs at `nowMs` (it runs every `dialIntervalMs`; decisions in between place nothing). */
  #dialLoopDue(nowMs: number): boolean {
    if (nowMs < this.#nextDialMs) return false;
    this.#nextDialMs = nextBoundary(this.#nextDialMs, nowMs, this.settings.dialIntervalMs);
    return true;
  }
}

/** The next time after `nowMs` on the grid `previous + k × intervalMs` (or `nowMs + intervalMs` to start). */
export function nextBoundary(previousMs: number, nowMs: number, intervalMs: number): number {
  if (!Number.isFinite(previousMs)) return nowMs + intervalMs;
  return previousMs + (Math.floor((nowMs - previousMs) / intervalMs) + 1) * intervalMs;
}

/** `AST_VDauto_dial.pl`'s goal for one campaign at `level`; launches nothing unless `due`. */
export function ratioDialLoop(
  snapshot: PacingSnapshot,
  level: number,
  settings: Pick<PacingSettings, 'maxLines'>,
  due: boolean,
  label: string,
): PacingDecision {
  if (!due) {
    const inFlight = snapshot.calls.length;
    return { launch: 0, target: inFlight, mode: 'power', reason: `${label} level ${level.toFixed(3)}: between dial-loop passes`, inputs: { level, inFlight } };
  }
  const { free, busy } = countAgents(snapshot);
  // Perl's sprintf("%.0f") rounds halves to even; Math.round rounds them up. The
  // difference is one line on exact halves only.
  const goal = Math.round(level * (free + busy));
  const existing = snapshot.calls.length + busy;
  const { launch, cappedBy } = capLaunch(goal - existing, snapshot, settings);
  return {
    launch,
    target: Math.max(0, goal - busy),
    mode: 'power',
    reason: `${label} level ${level.toFixed(3)}: goal ${goal} lines for ${free + busy} agents, ${existing} in use${cappedBy ? `; capped by ${cappedBy}` : ''}`,
    inputs: { level, freeAgents: free, busyAgents: busy, goal, existing, launched: launch },
  };
}
