/**
 * The estimators predictive pacing learns with, against hand-computed values, and their
 * sliding windows following a drift; the truncated Poisson-binomial against brute force.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { AgentReleaseEstimator, DialOutcomeEstimator } from '../../../server/pacing/estimators.ts';
import { TruncatedPoissonBinomial } from '../../../server/pacing/poisson-binomial.ts';
import type { PacingObservation } from '../../../server/pacing/types.ts';
import { history, T0 } from './fixtures.ts';

const S = 1000;

/** Ten dials: 2 people (answered 8 s, verdict 2 s later), 2 machines (22 s, +3 s), 4 ring out (30 s), 2 busy (3 s). */
function tenDials(): PacingObservation[] {
  const dial = (launchedAtMs: number, ringS: number, verdictS: number | undefined, result: 'human' | 'machine' | 'unanswered'): PacingObservation =>
    verdictS === undefined
      ? { type: 'call-result', launchedAtMs, atMs: launchedAtMs + ringS * S, result }
      : { type: 'call-result', launchedAtMs, answeredAtMs: launchedAtMs + ringS * S, atMs: launchedAtMs + (ringS + verdictS) * S, result };
  return [
    dial(T0, 8, 2, 'human'),
    dial(T0 + S, 8, 2, 'human'),
    dial(T0 + 2 * S, 22, 3, 'machine'),
    dial(T0 + 3 * S, 22, 3, 'machine'),
    ...[4, 5, 6, 7].map((i) => dial(T0 + i * S, 30, undefined, 'unanswered')),
    dial(T0 + 8 * S, 3, undefined, 'unanswered'),
    dial(T0 + 9 * S, 3, undefined, 'unanswered'),
  ];
}

describe('DialOutcomeEstimator', () => {
  const estimator = new DialOutcomeEstimator();
  for (const observation of tenDials()) estimator.observe(observation);

  it('shrinks the share of people towards the pessimistic prior of 0.5 with 20 pseudo-dials', () => {
    expect(estimator.results).toBe(10);
    expect(estimator.personResults).toBe(2);
    // (2 + 20 × 0.5) / (10 + 20)
    expect(estimator.overallPersonChance()).toBeCloseTo(0.4, 12);
    expect(estimator.ready).toBe(false);
  });

  it('conditions on how long a call has rung: P(person | still ringing at a)', () => {
    // Every dial still rang at 0 s: (2 + 5 × 0.4) / (10 + 5).
    expect(estimator.freshPersonChance()).toBeCloseTo(4 / 15, 12);
    // At 5 s the busy ones are gone: 8 left, 2 people.
    expect(estimator.personChanceRinging(5 * S)).toBeCloseTo((2 + 2) / (8 + 5), 12);
    // At 10 s the people have answered: 6 left, none a person.
    expect(estimator.personChanceRinging(10 * S)).toBeCloseTo(2 / 11, 12);
    // Beyond anything seen: the overall share, never "surely not a person".
    expect(estimator.personChanceRinging(200 * S)).toBeCloseTo(0.4, 12);
  });

  it('conditions an AMD-pending call on its answer age and how long the verdict is pending', () => {
    // Answered share (2 + 10) / (4 + 20) = 0.5; pooled over answer ages at 0 s pending:
    // (2 + 2.5) / (4 + 5) = 0.5; the 8–12 s row holds the two people: (2 + 2.5) / (2 + 5).
    expect(estimator.personChanceAnswered(8 * S, 0)).toBeCloseTo(4.5 / 7, 12);
    // Answered at 22 s: the machines' row, (0 + 2.5) / (2 + 5).
    expect(estimator.personChanceAnswered(22 * S, 0)).toBeCloseTo(2.5 / 7, 12);
    // Pending 2.5 s: the people's verdicts came at 2 s; pooled (0 + 2.5) / (2 + 5), the
    // empty 8–12 s cell takes the pooled value.
    expect(estimator.personChanceAnswered(8 * S, 2.5 * S)).toBeCloseTo(2.5 / 7, 12);
  });

  it('gives the launch → person time quantiles', () => {
    expect(estimator.personArrivalQuantilesMs([0.1, 0.5, 0.9])).toEqual([10 * S, 10 * S, 10 * S]);
    expect(new DialOutcomeEstimator().personArrivalQuantilesMs([0.5])).toEqual([]);
  });

  it('follows a drift: after the hit rate doubles, the window holds only the new rate', () => {
    const drifting = new DialOutcomeEstimator();
    // 30 min at one dial per 6 s and 25 % people, then 60 min at 50 %.
    const before = history({ dials: 300, releases: 0, startMs: T0, dialSpacingMs: 6000, personShare: 0.25, seed: 1 });
    for (const observation of before) drifting.observe(observation);
    const shareBefore = drifting.personResults / drifting.results;
    expect(drifting.freshPersonChance()).toBeCloseTo(shareBefore, 1);
    const after = history({ dials: 600, releases: 0, startMs: T0 + 30 * 60 * S, dialSpacingMs: 6000, personShare: 0.5, seed: 2 });
    for (const observation of after) drifting.observe(observation);
    // The last 30 min are kept (300 results, the floor), all from the new rate.
    expect(drifting.results).toBe(301);
    const shareAfter = drifting.personResults / drifting.results;
    expect(shareAfter).toBeGreaterThan(0.4);
    expect(drifting.freshPersonChance()).toBeCloseTo(shareAfter, 2);
  });
});

describe('AgentReleaseEstimator', () => {
  // (talk, handle) in s: wrap-ups 20, 20, 15, 30.
  const pairs: Array<[number, number]> = [
    [100, 120],
    [150, 170],
    [200, 215],
    [300, 330],
  ];
  const estimator = new AgentReleaseEstimator();
  pairs.forEach(([talk, handle], i) => estimator.observe({ type: 'agent-released', atMs: T0 + i * S, talkMs: talk * S, handleMs: handle * S }));

  it('gives P(H ≤ e + h | H > e), with one pseudo-sample not released', () => {
    expect(estimator.samples).toBe(4);
    expect(estimator.meanHandleMs()).toBeCloseTo(208.75 * S, 9);
    // H > 110: all four; within 125: one. 1 / (4 + 1).
    expect(estimator.releaseWithin(110 * S, 15 * S)).toBeCloseTo(0.2, 12);
    // H > 160: three; within 180: one. 1 / (3 + 1).
    expect(estimator.releaseWithin(160 * S, 20 * S)).toBeCloseTo(0.25, 12);
    expect(estimator.releaseWithin(400 * S, 60 * S)).toBe(0);
  });

  it('conditions a busy agent on elapsed talk and a wrap-up agent on elapsed wrap-up', () => {
    // Talk > 140: three samples, remaining handle 30, 75, 190 s. Within 20 s: 0, within
    // 40 s: 1; averaged over both horizons 0.5, over 3 + 1.
    expect(estimator.busyReleaseWithin(140 * S, [20 * S, 40 * S])).toBeCloseTo(0.125, 12);
    // Wrap > 10: all four, remaining 10, 10, 5, 20 s; within 10 s: three. 3 / (4 + 1).
    expect(estimator.wrapReleaseWithin(10 * S, [10 * S])).toBeCloseTo(0.6, 12);
  });

  it('follows a drift in handle time', () => {
    const drifting = new AgentReleaseEstimator();
    const release = (atMs: number, talkS: number): PacingObservation => ({ type: 'agent-released', atMs, talkMs: talkS * S, handleMs: (talkS + 10) * S });
    // Two hours of 180 s talk (one release a minute), then an hour of 60 s talk.
    for (let minute = 0; minute < 120; minute++) drifting.observe(release(T0 + minute * 60 * S, 180));
    expect(drifting.releaseWithin(0, 100 * S)).toBe(0);
    for (let minute = 120; minute < 240; minute++) drifting.observe(release(T0 + minute * 60 * S, 60));
    // Only the last hour's floor of 100 releases is kept: all 70 s handles.
    expect(drifting.samples).toBe(100);
    expect(drifting.meanHandleMs()).toBeCloseTo(70 * S, 9);
    expect(drifting.releaseWithin(0, 100 * S)).toBeCloseTo(100 / 101, 12);
  });
});

describe('AgentReleaseEstimator busy table', () => {
  it('stays equal to the definition while releases enter and leave the window and the horizons change', () => {
    const random = seededRandom(7);
    const estimator = new AgentReleaseEstimator();
    const window: Array<{ atMs: number; talkMs: number; handleMs: number }> = [];
    const step = 250;
    // P(handle ≤ g·step + h | talk > g·step), averaged over h, one pseudo-sample not released.
    const direct = (elapsedMs: number, horizonsMs: number[]): number => {
      const e = Math.floor(elapsedMs / step) * step;
      const talking = window.filter((s) => s.talkMs > e);
      const released = horizonsMs.reduce((sum, h) => sum + talking.filter((s) => s.handleMs <= e + h).length, 0);
      return released / horizonsMs.length / (talking.length + 1);
    };
    let horizonsMs = [4_000, 9_000, 14_000];
    for (let i = 0; i < 1500; i++) {
      // Releases 5 s apart with talk up to ~10 min (fractional ms), so the 500-sample cap evicts.
      const talkMs = random() < 0.3 ? random() * 40_000 : 30_000 + random() * 600_000;
      const sample = { atMs: T0 + i * 5_000, talkMs, handleMs: talkMs + random() * 30_000 };
      estimator.observe({ type: 'agent-released', ...sample });
      window.push(sample);
      if (window.length > 500) window.shift();
      if (i % 500 === 499) horizonsMs = horizonsMs.map((h) => h + 500);
      if (i % 50 !== 0 && i % 500 !== 499) continue;
      for (const elapsedMs of [0, 999, 20_000, 61_250.5, 200_000, 400_000, 2_000_000]) {
        expect(estimator.busyReleaseWithin(elapsedMs, horizonsMs)).toBe(direct(elapsedMs, horizonsMs));
      }
    }
    expect(estimator.samples).toBe(500);
  });
});

describe('TruncatedPoissonBinomial', () => {
  it('matches a brute-force enumeration', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 20; round++) {
      const chances = Array.from({ length: 1 + Math.floor(random() * 9) }, () => (random() < 0.2 ? Math.round(random()) : random()));
      const cap = Math.floor(random() * (chances.length + 2));
      const exact = new Array<number>(chances.length + 1).fill(0);
      for (let mask = 0; mask < 1 << chances.length; mask++) {
        let probability = 1;
        let count = 0;
        chances.forEach((p, i) => {
          const on = (mask >> i) & 1;
          probability *= on ? p : 1 - p;
          count += on;
        });
        exact[count]! += probability;
      }
      const dp = new TruncatedPoissonBinomial(cap);
      for (const p of chances) dp.add(p);
      const tail = exact.slice(cap).reduce((a, b) => a + b, 0);
      expect(dp.tail()).toBeCloseTo(tail, 12);
      for (let k = 0; k < cap; k++) expect(dp.at(k)).toBeCloseTo(exact[k] ?? 0, 12);
    }
  });
});
