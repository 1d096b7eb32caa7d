/**
 * The abandon governor: θ follows the measured rate (ledger and own observations),
 * progressive fallback far above target or when the 30-day projection passes the
 * ceiling, with the reason saying so.
 */
import { describe, expect, it } from 'vitest';
import { AbandonGovernor, GOVERNOR_STEP, THETA_STEP } from '../../../server/pacing/governor.ts';
import { PredictiveController } from '../../../server/pacing/predictive.ts';
import type { AbandonLedger, PacingObservation } from '../../../server/pacing/types.ts';
import { freeAgents, history, SETTINGS, snapshot, T0 } from './fixtures.ts';

/** Trained on 400 dials with 100 people (no abandons), now = the end of that history. */
function trained(settings = SETTINGS): { controller: PredictiveController; now: number } {
  const controller = new PredictiveController(settings);
  for (const observation of history({ dials: 400, releases: 150, startMs: T0 })) controller.observe(observation);
  return { controller, now: T0 + 400_000 };
}

const ledger = (humans24h: number, abandons24h: number, humans30d = humans24h, abandons30d = abandons24h): AbandonLedger => ({ humans24h, abandons24h, humans30d, abandons30d });
const person = (atMs: number): PacingObservation => ({ type: 'call-result', atMs, launchedAtMs: atMs - 10_000, answeredAtMs: atMs - 1500, result: 'human' });
const abandon = (atMs: number): PacingObservation => ({ type: 'abandoned', atMs, launchedAtMs: atMs - 12_000 });

describe('governor', () => {
  it('lowers θ and the launch when the 24 h rate is above target', () => {
    const { controller, now } = trained();
    // 0.5 % + 1 % AMD estimate = 1.5 %, under the 2 % target; then 1.3 % + 1 % = 2.3 %.
    const under = controller.decide(snapshot(now, freeAgents(10, now), [], { ledger: ledger(1000, 5) }));
    const over = controller.decide(snapshot(now, freeAgents(10, now), [], { ledger: ledger(1000, 13) }));
    expect(under.mode).toBe('predictive');
    expect(over.mode).toBe('predictive');
    expect(over.inputs.measuredAbandon24h).toBeCloseTo(0.023, 9);
    // Brake e^(−2 × (2.3 − 2) / (3 − 2)) on the aim, and so on θ (θ = aim × the learned
    // ratio, which the first decision's launches moved a little).
    expect(over.inputs.aimedRisk! / under.inputs.aimedRisk!).toBeCloseTo(Math.exp(-0.6), 9);
    expect(over.inputs.theta!).toBeLessThan(under.inputs.theta! * 0.7);
    expect(over.launch).toBeLessThan(under.launch);
  });

  it('falls back to progressive far above target, says why, and resumes only once the rate is back down', () => {
    const { controller, now } = trained();
    const decide = (abandons: number) => controller.decide(snapshot(now, freeAgents(10, now), [], { ledger: ledger(1000, abandons) }));
    const fallback = decide(25);
    expect(fallback).toMatchObject({ mode: 'progressive', launch: 10 });
    expect(fallback.reason).toContain('Governor: the 24 h abandon rate 3.5 % (with the 1.0 % AMD estimate) is far above the 2.0 % target');
    expect(fallback.inputs.fallback).toBe(1);
    // Today is the whole 30-day record here, so the projection is over the ceiling too.
    expect(fallback.reason).toContain('the 30-day abandon projection 3.5 % would pass the 3.0 % ceiling');
    // 2.4 %: under the 2.5 % that started the fallback, not yet under 2.25 %.
    expect(decide(14).mode).toBe('progressive');
    expect(decide(12).mode).toBe('predictive');
  });

  it('falls back when the 30-day projection would pass the ceiling', () => {
    const { controller, now } = trained();
    // 24 h: 1 % + 1 %; 30 days: 2.5 % + 1 % = 3.5 %.
    const decision = controller.decide(snapshot(now, freeAgents(10, now), [], { ledger: ledger(1000, 10, 20_000, 500) }));
    expect(decision.mode).toBe('progressive');
    expect(decision.reason).toMatch(/^Governor: the 30-day abandon projection 3\.4 % would pass the 3\.0 % ceiling/);
    expect(decision.inputs.projectedAbandon30d).toBeCloseTo((500 + 200 + 0.02 * 1000) / 21_000, 9);
  });

  it('acts on its own observations before the ledger shows them', () => {
    const { controller, now } = trained();
    const start = controller.decide(snapshot(now, freeAgents(10, now)));
    expect(start.mode).toBe('predictive');
    // One abandon among the 100 people seen: integral step down, no brake (2 % is not above target).
    controller.observe(abandon(now));
    const afterOne = controller.decide(snapshot(now, freeAgents(10, now)));
    expect(afterOne.inputs.aimedRisk! / start.inputs.aimedRisk!).toBeCloseTo(Math.exp(-GOVERNOR_STEP), 9);
    // 100 more people without an abandon pay it back: 100 × step × (2 % − 1 %).
    for (let i = 1; i <= 100; i++) controller.observe(person(now + i));
    expect(controller.decide(snapshot(now + 200, freeAgents(10, now + 200))).inputs.aimedRisk).toBeCloseTo(start.inputs.aimedRisk!, 9);
    // Five abandons in the last minute: 7 % of (at least) 200 people with the estimate, progressive at once.
    for (let i = 0; i < 5; i++) controller.observe(abandon(now + 300 + i));
    const burst = controller.decide(snapshot(now + 400, freeAgents(10, now + 400)));
    expect(burst.mode).toBe('progressive');
    expect(burst.inputs.measuredAbandonRecent).toBeGreaterThan(0.02);
    expect(burst.reason).toContain('24 h abandon rate');
  });

  it('learns θ / aim from the predicted risks of the calls it launched', () => {
    const governor = new AbandonGovernor(SETTINGS);
    const assess = () => governor.assess(snapshot(T0, freeAgents(1, T0)));
    const first = assess();
    // Aim a* = 2 % − 1 % = 1 %, θ = 2 × aim to start.
    expect(first.aim).toBeCloseTo(0.01, 12);
    expect(first.theta).toBeCloseTo(0.02, 12);
    // Three risk-free launches: each raises log(θ / aim) by 0.01 × (1 % − 0) / 1 %.
    governor.noteLaunches([0, 0, 0]);
    expect(assess().inputs.thetaPerAim).toBeCloseTo(2 * Math.exp(3 * THETA_STEP), 12);
    // Launches at 3 % (three times the aim) lower it by 0.02 each.
    governor.noteLaunches([0.03, 0.03]);
    expect(assess().theta).toBeCloseTo(0.02 * Math.exp(3 * THETA_STEP - 4 * THETA_STEP), 12);
    // Never below the aim itself.
    governor.noteLaunches(new Array(500).fill(0.5));
    expect(assess().theta).toBeCloseTo(0.01, 12);
  });

  it('keeps the aim within a*/8 … 32·a* however long the run of people or abandons', () => {
    const governor = new AbandonGovernor(SETTINGS);
    governor.notePredictive(true);
    // 30 000 people, then 200 abandons: (200 + 1 % × 30 000) / 30 000 = 1.7 %, under
    // target (no brake), but 200 steps down from the top.
    for (let i = 0; i < 30_000; i++) governor.observe(person(T0 + i));
    expect(governor.assess(snapshot(T0 + 30_000, [])).aim).toBeCloseTo(0.01 * 32, 12);
    for (let i = 0; i < 200; i++) governor.observe(abandon(T0 + 30_000 + i));
    const low = governor.assess(snapshot(T0 + 31_000, []));
    expect(low.inputs.brake).toBe(1);
    expect(low.aim).toBeCloseTo(0.01 / 8, 12);
  });

  it('does not bank budget while pacing progressively', () => {
    const { controller, now } = trained();
    // The 100 people of the learning period did not raise θ.
    const first = controller.decide(snapshot(now, freeAgents(10, now)));
    expect(first.inputs.governorLogGain).toBe(0);
    // During a fallback, people do not raise it either.
    controller.decide(snapshot(now, freeAgents(10, now), [], { ledger: ledger(1000, 30) }));
    for (let i = 1; i <= 300; i++) controller.observe(person(now + i));
    expect(controller.decide(snapshot(now + 400, freeAgents(10, now + 400), [], { ledger: ledger(1000, 30) })).mode).toBe('progressive');
    const resumed = controller.decide(snapshot(now + 500, freeAgents(10, now + 500), [], { ledger: ledger(1000, 0) }));
    expect(resumed.mode).toBe('predictive');
    expect(resumed.inputs.governorLogGain).toBe(0);
  });

  it('stays progressive when the AMD estimate alone uses the whole target', () => {
    const { controller, now } = trained({ ...SETTINGS, abandonTarget: 0.01, amdFalsePositiveEstimate: 0.01 });
    const decision = controller.decide(snapshot(now, freeAgents(10, now)));
    expect(decision).toMatchObject({ mode: 'progressive', launch: 10 });
    expect(decision.reason).toContain('uses the whole abandon target');
  });
});
