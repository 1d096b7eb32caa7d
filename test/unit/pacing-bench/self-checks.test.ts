import { describe, expect, it } from 'vitest';
import { progressiveClosedForm } from '../../../bench/pacing/closed-form.ts';
import { checkClosedForm, checkCommonRandomNumbers, checkDeterminism, checkLittlesLaw } from '../../../bench/pacing/self-checks.ts';
import { scenarioById } from './fixtures.ts';

describe('simulator self-checks', () => {
  it('(a) progressive matches the closed form H/(H + E[d]/q) within 1 point of handle occupancy', () => {
    const scenario = scenarioById('S100/V0');
    const form = progressiveClosedForm(scenario.profile);
    // The inputs come from the profile: pacing.md §4.1 quotes E[d] ≈ 18 s, q ≈ 0.2475, H ≈ 177.9 s, occupancy 0.709.
    expect(form.meanHandleMs / 1000).toBeCloseTo(177.9, 0);
    expect(Math.abs(form.handleOccupancy - 0.709)).toBeLessThan(0.005);
    // Two 100-agent shifts: the per-shift SD is about 0.003, so 1 point is about 5 standard errors.
    const check = checkClosedForm(scenario, [1, 2]);
    expect(Math.abs(check.simulated - check.closedForm)).toBeLessThanOrEqual(0.01);
    expect(check.pass).toBe(true);
  });

  it('(b) the same seed gives a byte-identical event log; another seed does not', () => {
    const check = checkDeterminism(scenarioById('S5/V0'), { kind: 'ratio', level: 1.2 }, 1, 2);
    expect(check.hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(check.hashes[1]).toBe(check.hashes[0]);
    expect(check.hashes[2]).not.toBe(check.hashes[0]);
  });

  it("(c) Little's law holds on lines in flight within 2 %", () => {
    const check = checkLittlesLaw(scenarioById('S25/V0'), { kind: 'ratio', level: 1.2 }, 1);
    expect(check.relativeError).toBeLessThan(0.02);
  });

  it('(d) record i attempt j meets the same customer under two different controllers', () => {
    const check = checkCommonRandomNumbers(scenarioById('S25/V0'), { kind: 'progressive' }, { kind: 'ratio', level: 1.2 }, 1);
    expect(check.common).toBeGreaterThan(5000);
    expect(check.mismatches).toBe(0);
  });
});
