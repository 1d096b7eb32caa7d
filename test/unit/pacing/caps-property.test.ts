/**
 * Property-style: over many random snapshots from a seeded generator, every mode's
 * launch is a whole number ≥ 0 within every cap (lines, dial rate, leads), and the same
 * inputs always give the same decision.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { createController, type PacingController, type PacingMode, type PacingObservation, type PacingSnapshot } from '../../../server/pacing/index.ts';
import type { AgentPhase, CallPhase } from '../../../server/pacing/types.ts';
import { history, SETTINGS, T0 } from './fixtures.ts';

const AGENT_PHASES: AgentPhase[] = ['free', 'busy', 'wrap', 'paused'];
const CALL_PHASES: CallPhase[] = ['ringing', 'answered', 'waiting'];

function randomSnapshot(random: () => number, nowMs: number): { snapshot: PacingSnapshot; maxLines: number } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const agents = Array.from({ length: Math.floor(random() * 120) }, (_, i) => {
    const phaseSinceMs = nowMs - Math.floor(random() * 600_000);
    return { id: `a${i}`, phase: pick(AGENT_PHASES), phaseSinceMs, handleStartedMs: phaseSinceMs - Math.floor(random() * 200_000) };
  });
  const calls = Array.from({ length: Math.floor(random() * 450) }, (_, i) => {
    const launchedAtMs = nowMs - Math.floor(random() * 60_000);
    return { id: `c${i}`, phase: pick(CALL_PHASES), launchedAtMs, phaseSinceMs: launchedAtMs + Math.floor(random() * (nowMs - launchedAtMs)) };
  });
  const humans24h = Math.floor(random() * 5000);
  const abandons24h = Math.floor(random() * random() * humans24h * 0.06);
  const snapshot: PacingSnapshot = {
    nowMs,
    agents,
    calls,
    ledger: { humans24h, abandons24h, humans30d: humans24h * Math.floor(1 + random() * 20), abandons30d: abandons24h * Math.floor(1 + random() * 20) },
    dialsAllowedNow: random() < 0.3 ? Number.POSITIVE_INFINITY : random() * 40,
    leadsAvailable: random() < 0.3 ? Number.POSITIVE_INFINITY : Math.floor(random() * 200),
  };
  return { snapshot, maxLines: 1 + Math.floor(random() * 600) };
}

function trainedController(mode: PacingMode, maxLines: number, observations: readonly PacingObservation[]): PacingController {
  const controller = createController({ ...SETTINGS, mode, maxLines, linesPerAgent: 3 });
  for (const observation of observations) controller.observe(observation);
  return controller;
}

describe('every mode respects the caps', () => {
  const observations = history({ dials: 500, releases: 200, startMs: T0 });
  const nowMs = T0 + 500_000;

  it.each(['progressive', 'power', 'predictive'] as const)('%s: 300 random snapshots', (mode) => {
    const random = seededRandom(mode.length * 1009);
    let predictiveDecisions = 0;
    for (let round = 0; round < 300; round++) {
      const { snapshot, maxLines } = randomSnapshot(random, nowMs);
      const decision = trainedController(mode, maxLines, observations).decide(snapshot);
      const { launch } = decision;
      expect(Number.isInteger(launch)).toBe(true);
      expect(launch).toBeGreaterThanOrEqual(0);
      expect(launch).toBeLessThanOrEqual(Math.max(0, maxLines - snapshot.calls.length));
      expect(launch).toBeLessThanOrEqual(Math.floor(snapshot.dialsAllowedNow));
      expect(launch).toBeLessThanOrEqual(snapshot.leadsAvailable);
      expect(decision.reason.length).toBeGreaterThan(10);
      for (const value of Object.values(decision.inputs)) expect(Number.isFinite(value)).toBe(true);
      // Same history, same snapshot: the same decision.
      expect(trainedController(mode, maxLines, observations).decide(snapshot)).toEqual(decision);
      if (decision.mode === 'predictive') predictiveDecisions += 1;
    }
    // The generator reaches the predictive path, not only its fallbacks.
    if (mode === 'predictive') expect(predictiveDecisions).toBeGreaterThan(50);
  });
});
