/**
 * Builders for pacing tests: snapshots, agents, calls, and a deterministic history of
 * observations (a seeded generator, so every run sees the same stream).
 */
import { seededRandom } from '../../../lib/seeded-random.ts';
import type { AgentSnapshot, CallSnapshot, PacingObservation, PacingSettings, PacingSnapshot } from '../../../server/pacing/types.ts';

export const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);

export const SETTINGS: PacingSettings = {
  mode: 'predictive',
  linesPerAgent: 2,
  abandonTarget: 0.02,
  abandonCeiling: 0.03,
  amdFalsePositiveEstimate: 0.01,
  maxLines: 1000,
};

export const EMPTY_LEDGER = { humans24h: 0, abandons24h: 0, humans30d: 0, abandons30d: 0 };

export function freeAgents(count: number, nowMs: number, prefix = 'free'): AgentSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, phase: 'free' as const, phaseSinceMs: nowMs - 1000 }));
}

/** Agents talking for `talkElapsedMs`. */
export function busyAgents(count: number, nowMs: number, talkElapsedMs: number, prefix = 'busy'): AgentSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    phase: 'busy' as const,
    phaseSinceMs: nowMs - talkElapsedMs,
    handleStartedMs: nowMs - talkElapsedMs,
  }));
}

/** Calls ringing for `ageMs`. */
export function ringingCalls(count: number, nowMs: number, ageMs: number, prefix = 'ring'): CallSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, phase: 'ringing' as const, launchedAtMs: nowMs - ageMs, phaseSinceMs: nowMs - ageMs }));
}

export function snapshot(nowMs: number, agents: AgentSnapshot[], calls: CallSnapshot[] = [], extra: Partial<PacingSnapshot> = {}): PacingSnapshot {
  return { nowMs, agents, calls, ledger: EMPTY_LEDGER, dialsAllowedNow: Number.POSITIVE_INFINITY, leadsAvailable: Number.POSITIVE_INFINITY, ...extra };
}

export interface HistoryOptions {
  /** Dial results to generate. */
  dials: number;
  /** Agent releases to generate. */
  releases: number;
  /** First observation, ms. */
  startMs: number;
  /** Spacing of dial results, ms. */
  dialSpacingMs?: number;
  /** Share of dials that become a person. */
  personShare?: number;
  /** Talk time range, ms, drawn uniformly. */
  talkMs?: [number, number];
  /** Wrap-up, ms, fixed. */
  wrapMs?: number;
  seed?: number;
}

/**
 * A stream like the reference profile (pacing.md §5), simplified: exactly
 * `personShare` of the dials are people, evenly spread; they answer at
 * 8–10 s with the AMD verdict 1.5 s later; of the rest a third are machines answered at
 * 20–24 s (verdict 3 s later), a third ring out at 30 s, a third fail (busy) at 3 s.
 */
export function history(options: HistoryOptions): PacingObservation[] {
  const random = seededRandom(options.seed ?? 7);
  const spacing = options.dialSpacingMs ?? 1000;
  const personShare = options.personShare ?? 0.25;
  const [talkLow, talkHigh] = options.talkMs ?? [170_000, 190_000];
  const wrapMs = options.wrapMs ?? 5000;
  const out: PacingObservation[] = [];
  for (let i = 0; i < options.dials; i++) {
    const atMs = options.startMs + i * spacing;
    // Exactly `personShare` of the dials are people, spread evenly.
    const person = Math.floor((i + 1) * personShare) > Math.floor(i * personShare);
    if (person) {
      const answeredAfter = 8000 + random() * 2000;
      out.push({ type: 'call-result', atMs, launchedAtMs: atMs - answeredAfter - 1500, answeredAtMs: atMs - 1500, result: 'human' });
    } else {
      const kind = Math.floor(random() * 3);
      if (kind === 0) {
        const answeredAfter = 20_000 + random() * 4000;
        out.push({ type: 'call-result', atMs, launchedAtMs: atMs - answeredAfter - 3000, answeredAtMs: atMs - 3000, result: 'machine' });
      } else if (kind === 1) {
        out.push({ type: 'call-result', atMs, launchedAtMs: atMs - 30_000, result: 'unanswered' });
      } else {
        out.push({ type: 'call-result', atMs, launchedAtMs: atMs - 3000, result: 'unanswered' });
      }
    }
  }
  const releaseSpacing = (options.dials * spacing) / Math.max(1, options.releases);
  for (let i = 0; i < options.releases; i++) {
    const talkMs = talkLow + random() * (talkHigh - talkLow);
    out.push({ type: 'agent-released', atMs: options.startMs + i * releaseSpacing, handleMs: talkMs + wrapMs, talkMs });
  }
  return out;
}
