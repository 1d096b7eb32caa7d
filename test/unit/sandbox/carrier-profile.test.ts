import { afterEach, describe, expect, it } from 'vitest';
import { checkFateRule, profileCallFate } from '../../../sandbox/carrier-model.ts';
import {
  BASE_CARRIER_PROFILE,
  drawAttemptFate,
  outcomeShares,
  parseCarrierProfile,
  type AttemptOutcome,
} from '../../../sandbox/carrier-profile.ts';
import { createPrng } from '../../../sandbox/prng.ts';
import { startHarness, texml, type Harness } from './harness.ts';

describe('carrier profile', () => {
  it('accepts the base profile and names the field of each problem', () => {
    expect(parseCarrierProfile(JSON.parse(JSON.stringify(BASE_CARRIER_PROFILE)))).toMatchObject({ ok: true });
    const broken = structuredClone(BASE_CARRIER_PROFILE) as Record<string, any>;
    broken.amd.falsePositive = 1.5;
    broken.humanRing = { kind: 'lognormal', medianMs: -1, sigma: 0.5 };
    delete broken.wrap;
    const parsed = parseCarrierProfile(broken, 'carrier');
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems.some((p) => p.startsWith('carrier.amd.falsePositive:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('carrier.humanRing.medianMs:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('carrier.wrap:'))).toBe(true);
    expect(checkFateRule({ profile: broken, humanShareMultiplier: -2 }, 'rules[0]')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^rules\[0\]\.profile\.amd\.falsePositive:/), 'rules[0].humanShareMultiplier must be a number ≥ 0, got -2']),
    );
  });

  it('draws the outcome mix, and a higher human share turns the same records into people', () => {
    const draws = 20_000;
    const count = (multiplier: number) => {
      const prng = createPrng(7, 'fates');
      return Array.from({ length: draws }, () => drawAttemptFate(BASE_CARRIER_PROFILE, () => prng.next(), { humanShareMultiplier: multiplier }).outcome);
    };
    const base = count(1);
    const more = count(1.2);
    const share = (outcomes: AttemptOutcome[], outcome: AttemptOutcome) => outcomes.filter((o) => o === outcome).length / draws;
    // 0.25 human, less the ~0.4 % who would answer after the 30 s timeout; ±4 standard errors.
    expect(Math.abs(share(base, 'human') - 0.249)).toBeLessThan(0.013);
    expect(Math.abs(share(base, 'invalid') - outcomeShares(BASE_CARRIER_PROFILE.outcomeMix).invalid)).toBeLessThan(0.012);
    expect(Math.abs(share(more, 'human') - 0.3 * 0.996)).toBeLessThan(0.014);
    base.forEach((outcome, index) => {
      if (outcome === 'human') expect(more[index]).toBe('human');
    });
  });

  it('gives people an AMD verdict after greeting + 0.8 s and machines 2–5 s after pickup', () => {
    const prng = createPrng(3, 'fates');
    for (let i = 0; i < 2000; i++) {
      const fate = drawAttemptFate(BASE_CARRIER_PROFILE, () => prng.next());
      if (fate.outcome === 'human') expect(fate.amd!.latencyMs).toBeCloseTo(fate.greetingMs + 800, 6);
      if (fate.outcome === 'machine') expect(fate.amd!.latencyMs).toBeGreaterThanOrEqual(2000);
      if (fate.outcome === 'machine') expect(fate.amd!.latencyMs).toBeLessThanOrEqual(5000);
      if (fate.outcome === 'no-answer') expect(fate.ringMs).toBe(30_000);
    }
  });
});

describe('sandbox calls drawn from a profile', () => {
  let h: Harness;
  afterEach(async () => {
    expect(h.scheduler.errors).toEqual([]);
    await h.close();
  });

  it('get the fate the profile draws from the same random stream, and behave by it', async () => {
    h = await startHarness({ seed: 42 });
    h.sandbox.control.setScenarios([{ match: '*', profile: BASE_CARRIER_PROFILE }]);
    h.on('/texml', texml('<Pause length="3600"/>'));
    const calls = 40;
    for (let i = 0; i < calls; i++) {
      const created = await h.createCall({ To: `+1555900${String(i).padStart(4, '0')}`, Url: `${h.app}/texml`, MachineDetection: 'Enable', Timeout: 30 });
      expect(created.status).toBe(200);
      // Stay under the sandbox's dials-per-second rule.
      await h.scheduler.advance(1000);
    }
    await h.drain();

    const stream = createPrng(42, 'fates');
    const expected = Array.from({ length: calls }, () => drawAttemptFate(BASE_CARRIER_PROFILE, () => stream.next()));
    const views = h.sandbox.control.calls();
    expect(views).toHaveLength(calls);
    const statusOf: Record<AttemptOutcome, string> = { human: 'completed', machine: 'completed', 'no-answer': 'no-answer', busy: 'busy', invalid: 'failed' };
    views.forEach((view, index) => {
      const fate = expected[index]!;
      const callFate = profileCallFate(fate, BASE_CARRIER_PROFILE);
      expect(view.fate).toEqual({ ...callFate, ringMs: Number.isFinite(callFate.ringMs) ? callFate.ringMs : null });
      expect(view.status).toBe(statusOf[fate.outcome]);
      if (fate.amd !== null) expect(view.answered_by).toBe(fate.amd.verdict);
    });
    const outcomes = new Set(expected.map((fate) => fate.outcome));
    expect([...outcomes].sort()).toEqual(expect.arrayContaining(['human', 'invalid', 'machine', 'no-answer']));
  });
});
