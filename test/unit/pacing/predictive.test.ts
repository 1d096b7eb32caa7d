/**
 * Predictive pacing's inner loop: cold start, launches from the learned hit rate, the
 * weight of a call's age and of agents about to free up.
 */
import { describe, expect, it } from 'vitest';
import { explainDecision } from '../../../server/pacing/explain.ts';
import { PredictiveController } from '../../../server/pacing/predictive.ts';
import type { PacingSnapshot } from '../../../server/pacing/types.ts';
import { busyAgents, freeAgents, history, ringingCalls, SETTINGS, snapshot, T0 } from './fixtures.ts';

/** 25 % of 400 dials became people after 8–10 s; handle times 175–195 s (talk 170–190 s, wrap 5 s). */
function trained(dials = 400): { controller: PredictiveController; now: number } {
  const controller = new PredictiveController(SETTINGS);
  for (const observation of history({ dials, releases: 150, startMs: T0 })) controller.observe(observation);
  return { controller, now: T0 + dials * 1000 };
}

describe('predictive pacing, cold start', () => {
  it('does not burst when 25 agents log in at once with no history: progressive', () => {
    const controller = new PredictiveController(SETTINGS);
    const decision = controller.decide(snapshot(T0, freeAgents(25, T0)));
    expect(decision).toMatchObject({ mode: 'progressive', launch: 25 });
    expect(decision.reason).toContain('Learning: 0 of 100 dial results');
  });

  it('ramps from progressive at 100 results to the full model at 400', () => {
    const state = (now: number): PacingSnapshot => snapshot(now, freeAgents(10, now));
    const atFloor = trained(100);
    const early = atFloor.controller.decide(state(atFloor.now));
    expect(early).toMatchObject({ mode: 'predictive', launch: 10 });
    expect(early.inputs.ramp).toBe(0);
    expect(early.inputs.wanted).toBeGreaterThan(10);
    const halfway = trained(250);
    const middle = halfway.controller.decide(state(halfway.now));
    const full = trained(400);
    const last = full.controller.decide(state(full.now));
    expect(middle.inputs.ramp).toBeCloseTo(0.5, 2);
    expect(middle.launch).toBeGreaterThan(10);
    expect(middle.launch).toBeLessThan(last.launch);
    expect(last.inputs.ramp).toBe(1);
  });

  it('ramps on every result seen, not on the window (a small team keeps only its floor of 300)', () => {
    const controller = new PredictiveController(SETTINGS);
    // 400 results, one every 20 s: the 30-min window keeps its floor of 300.
    for (const observation of history({ dials: 400, releases: 100, startMs: T0, dialSpacingMs: 20_000 })) controller.observe(observation);
    const now = T0 + 400 * 20_000;
    const decision = controller.decide(snapshot(now, freeAgents(3, now)));
    expect(decision.inputs.dialResults).toBe(300);
    expect(decision.inputs.ramp).toBe(1);
  });
});

describe('predictive pacing, trained', () => {
  it('with 25 % people and 10 free agents, launches clearly more than 10 and fewer than 10 / 0.25 × 1.5', () => {
    const { controller, now } = trained();
    const decision = controller.decide(snapshot(now, freeAgents(10, now)));
    expect(decision.mode).toBe('predictive');
    expect(decision.launch).toBeGreaterThanOrEqual(15);
    expect(decision.launch).toBeLessThan(60);
    expect(decision.target).toBe(decision.launch);
    expect(decision.inputs.freshPersonChance).toBeGreaterThan(0.2);
    expect(decision.inputs.freshPersonChance).toBeLessThan(0.3);
    expect(decision.inputs.riskLast).toBeLessThanOrEqual(decision.inputs.theta!);
    expect(decision.inputs.riskNext).toBeGreaterThan(decision.inputs.theta!);
    expect(decision.reason).toMatch(/^10 free agents, 0 busy or in wrap-up .*; 0 calls in flight, 0\.0 people expected; risk \d+\.\d % ≤ \d+\.\d %: launched \d+\.$/);
    // Every input has a label for supervisors (an unlabelled one would show its camelCase key).
    const details = explainDecision(decision).details;
    expect(details.filter((line) => /^[a-z]+[A-Z]\w*:/.test(line))).toEqual([]);
    expect(details).toContain(`calls launched: ${decision.launch}`);
  });

  it('counts a call ringing for 25 s for far less than one ringing for 5 s', () => {
    const { controller, now } = trained();
    const young = controller.decide(snapshot(now, freeAgents(10, now), ringingCalls(10, now, 5000)));
    const old = controller.decide(snapshot(now, freeAgents(10, now), ringingCalls(10, now, 25_000)));
    // At 5 s the fast failures are gone: about a third become people. At 25 s only ring-outs remain.
    expect(young.inputs.expectedPeople).toBeGreaterThan(2.5);
    expect(old.inputs.expectedPeople).toBeLessThan(0.5);
    expect(old.launch).toBeGreaterThanOrEqual(young.launch + 5);
  });

  it('counts an AMD-pending call answered early as a likely person, one answered late as a likely machine', () => {
    const { controller, now } = trained();
    const pending = (answeredAfterMs: number) =>
      Array.from({ length: 8 }, (_, i) => ({ id: `amd-${i}`, phase: 'answered' as const, launchedAtMs: now - answeredAfterMs - 500, phaseSinceMs: now - 500 }));
    const early = controller.decide(snapshot(now, freeAgents(10, now), pending(9000)));
    const late = controller.decide(snapshot(now, freeAgents(10, now), pending(22_000)));
    expect(early.inputs.expectedPeople).toBeGreaterThan(6);
    expect(late.inputs.expectedPeople).toBeLessThan(2);
    expect(late.launch).toBeGreaterThan(early.launch);
  });

  it('counts a person waiting for an agent as certain', () => {
    const { controller, now } = trained();
    const waiting = Array.from({ length: 3 }, (_, i) => ({ id: `w-${i}`, phase: 'waiting' as const, launchedAtMs: now - 11_000, phaseSinceMs: now - 200 }));
    const decision = controller.decide(snapshot(now, freeAgents(3, now), waiting));
    expect(decision.inputs.expectedPeople).toBe(3);
    expect(decision.launch).toBe(0);
  });

  it('launches more when busy agents are near the end of a typical handle time', () => {
    const { controller, now } = trained();
    const agents = (talkElapsedMs: number) => [...freeAgents(5, now), ...busyAgents(10, now, talkElapsedMs)];
    const midCall = controller.decide(snapshot(now, agents(60_000)));
    const nearEnd = controller.decide(snapshot(now, agents(186_000)));
    expect(midCall.inputs.expectedReleases).toBeLessThan(0.5);
    expect(nearEnd.inputs.expectedReleases).toBeGreaterThan(4);
    expect(nearEnd.launch).toBeGreaterThan(midCall.launch + 10);
  });

  it('launches nothing for a campaign with no agents, or only paused ones', () => {
    const { controller, now } = trained();
    expect(controller.decide(snapshot(now, [])).launch).toBe(0);
    expect(controller.decide(snapshot(now, [{ id: 'p', phase: 'paused', phaseSinceMs: now - 5000 }])).launch).toBe(0);
  });
});
