import { describe, expect, it } from 'vitest';
import type { AgentPhase, PacingSnapshot } from '../../../server/pacing/index.ts';
import { FixedRatioController } from '../../../bench/pacing/baselines/fixed-ratio.ts';
import { VicidialAdaptController } from '../../../bench/pacing/baselines/vicidial-adapt.ts';

function snapshot(nowMs: number, agents: Partial<Record<AgentPhase, number>>, calls: { ringing?: number; waiting?: number } = {}): PacingSnapshot {
  const phases = Object.entries(agents).flatMap(([phase, count]) => Array.from({ length: count }, () => phase as AgentPhase));
  const callPhases = [...Array.from({ length: calls.ringing ?? 0 }, () => 'ringing' as const), ...Array.from({ length: calls.waiting ?? 0 }, () => 'waiting' as const)];
  return {
    nowMs,
    agents: phases.map((phase, i) => ({ id: `a${i}`, phase, phaseSinceMs: 0 })),
    calls: callPhases.map((phase, i) => ({ id: `c${i}`, phase, launchedAtMs: 0, phaseSinceMs: 0 })),
    ledger: { humans24h: 0, abandons24h: 0, humans30d: 0, abandons30d: 0 },
    dialsAllowedNow: Number.POSITIVE_INFINITY,
    leadsAvailable: Number.POSITIVE_INFINITY,
  };
}

describe('fixed ratio (VICIdial RATIO semantics)', () => {
  it('dials round(L × (free + busy)) minus every call in use, talking ones included, once per 2.5 s', () => {
    const controller = new FixedRatioController({ level: 1.5, dialIntervalMs: 2500, maxLines: 100 });
    // 4 free + 6 busy count; wrap-up and paused agents do not. In use: 3 ringing + 6 talking.
    const state = { free: 4, busy: 6, wrap: 2, paused: 1 };
    expect(controller.decide(snapshot(0, state, { ringing: 3 })).launch).toBe(15 - 9);
    expect(controller.decide(snapshot(1000, state, { ringing: 3 })).launch).toBe(0);
    expect(controller.decide(snapshot(2000, state, { ringing: 3 })).launch).toBe(0);
    expect(controller.decide(snapshot(2500, state, { ringing: 9 })).launch).toBe(0);
    expect(controller.decide(snapshot(5100, state, { ringing: 7 })).launch).toBe(2);
  });
});

describe('VICIdial ADAPT_HARD_LIMIT', () => {
  const settings = { dlDiffTarget: 0, maximumLevel: 3, intensity: 0, droppedPercentage: 3, maxLines: 1000 };

  /** Decide once a second over [fromS, toS] with the same state. */
  function feed(controller: VicidialAdaptController, fromS: number, toS: number, agents: Partial<Record<AgentPhase, number>>, waiting = 0): void {
    for (let s = fromS; s <= toS; s++) controller.decide(snapshot(s * 1000, agents, { waiting }));
  }

  it('moves the level every 15 s by (mean ready − mean waiting + dl_diff) / mean agents, skewed by the intensity', () => {
    const controller = new VicidialAdaptController({ ...settings, intensity: 20 });
    feed(controller, 0, 14, { free: 3, busy: 2 });
    expect(controller.level).toBe(1);
    feed(controller, 15, 15, { free: 3, busy: 2 });
    // The 15 samples of 1–15 s: 3 ready, 0 waiting, 5 agents → +60 %, × 1.2 for intensity 20 rising.
    expect(controller.level).toBe(1.72);
    feed(controller, 16, 30, { busy: 5 }, 2);
    // 16–30 s: 0 ready, 2 waiting → −40 %, × |0.2 − 1| = 0.8 falling → × 0.68, to 3 decimals.
    expect(controller.level).toBe(1.17);
  });

  it('aims at waiting agents with a negative dl_diff, and clamps to [1, max]', () => {
    const controller = new VicidialAdaptController({ ...settings, dlDiffTarget: -2 });
    feed(controller, 0, 15, { free: 2, busy: 3 });
    // 2 ready − 0 waiting − 2 = 0: no change.
    expect(controller.level).toBe(1);
    feed(controller, 16, 30, { free: 5 });
    feed(controller, 31, 45, { free: 5 });
    // +60 % twice: 1.6, then 2.56; then capped at 3.
    expect(controller.level).toBe(2.56);
    feed(controller, 46, 60, { free: 5 });
    expect(controller.level).toBe(3);
  });

  it('hard-limits to 1.0 once today’s drops pass 3 % of answers, seen at the next 60 s drop count', () => {
    const controller = new VicidialAdaptController(settings);
    feed(controller, 0, 30, { free: 5 });
    for (let i = 0; i < 100; i++) controller.observe({ type: 'call-result', atMs: 31_000, launchedAtMs: 20_000, answeredAtMs: 29_000, result: 'human' });
    for (let i = 0; i < 4; i++) controller.observe({ type: 'abandoned', atMs: 31_000, launchedAtMs: 20_000 });
    feed(controller, 31, 45, { free: 5 });
    // The drop count is still the one taken at 0 s: the level keeps rising.
    expect(controller.level).toBe(3);
    feed(controller, 46, 60, { free: 5 });
    // At 60 s: more than 50 calls placed today, 4 drops / 100 answers = 4 % > 3 %.
    expect(controller.level).toBe(1);
  });

  it('halves the level when over half of more than 20 calls in the last minute dropped', () => {
    // A 5-line cap makes each dial-loop pass place 5 calls: 24 passes a minute.
    const controller = new VicidialAdaptController({ ...settings, maxLines: 5 });
    feed(controller, 0, 49, { free: 5 });
    for (let i = 0; i < 10_000; i++) controller.observe({ type: 'call-result', atMs: 50_000, launchedAtMs: 40_000, answeredAtMs: 48_000, result: 'human' });
    for (let i = 0; i < 100; i++) controller.observe({ type: 'abandoned', atMs: 50_000, launchedAtMs: 40_000 });
    feed(controller, 50, 60, { free: 5 });
    // 115 calls in (0, 60] s, 100 dropped (87 %); today 100 / 10 000 answers = 1 %: halve 3 → 1.5.
    expect(controller.level).toBe(1.5);
  });
});
