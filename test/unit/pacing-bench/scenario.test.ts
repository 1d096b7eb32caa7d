import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CallList } from '../../../bench/pacing/call-list.ts';
import { humanShareAt, matchesFilter, resolveScenarios } from '../../../bench/pacing/scenario.ts';
import { benchScenarios, scenarioById, tinyScenario } from './fixtures.ts';

const file = () => JSON.parse(readFileSync(new URL('../../../bench/pacing/scenarios.json', import.meta.url), 'utf8'));

describe('scenario file', () => {
  it('holds S5, S25 and S100 with their variants', () => {
    const ids = benchScenarios().map((s) => `${s.scenarioId}/${s.variantId}`);
    expect(ids).toEqual([
      'S5/V0', 'S5/V1', 'S5/V2', 'S5/V3', 'S5/V4',
      'S25/V0', 'S25/V1', 'S25/V2', 'S25/V3', 'S25/V4', 'S25/V5',
      'S100/V0', 'S100/V1', 'S100/V2', 'S100/V3', 'S100/V4', 'S100/V6',
    ]);
    expect(scenarioById('S25/V1').profile.amd.enabled).toBe(false);
    expect(scenarioById('S25/V5').profile.amd).toMatchObject({ falsePositive: 0.03, falseNegative: 0.2 });
    expect(scenarioById('S100/V6')).toMatchObject({ cpsCap: 10, maxLines: 400 });
    expect(scenarioById('S5/V0')).toMatchObject({ maxLines: 50, listSize: 10_000, cpsCap: null, breaks: [] });
    expect(scenarioById('S5/V4').breaks.map((b) => b.durationMs)).toEqual([900_000, 1_800_000, 900_000]);
  });

  it('names the field of every problem', () => {
    const broken = file();
    broken.scenarios[1].agents = 2.5;
    broken.scenarios[2].variants.push('V9');
    broken.variants.V5.carrier.amd.falsePositive = 2;
    delete broken.shift.retry.maxAttempts;
    const first = resolveScenarios(broken);
    expect(first.ok).toBe(false);
    expect(first.ok ? [] : first.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^scenarios\[1\]\.agents: /), expect.stringMatching(/^shift\.retry\.maxAttempts: /)]));
    broken.scenarios[1].agents = 25;
    broken.shift.retry.maxAttempts = 3;
    const second = resolveScenarios(broken);
    expect(second.ok ? [] : second.problems).toEqual([
      'variants.V5.carrier (over carrierProfiles.base).amd.falsePositive: Too big: expected number to be <=1',
      'scenarios[2].variants[6]: no variants entry named "V9"',
    ]);
  });

  it('checks tuneOn: another variant, tuned on itself, listed by the same scenario', () => {
    const broken = file();
    broken.variants.V1.tuneOn = 'V9';
    broken.variants.V4.tuneOn = 'V2';
    broken.variants.V5.tuneOn = 'V5';
    broken.variants.V6.tuneOn = 'V1';
    const result = resolveScenarios(broken);
    expect(result.ok ? [] : result.problems).toEqual(
      expect.arrayContaining([
        'variants.V1.tuneOn: no variants entry named "V9"',
        'variants.V4.tuneOn: "V2" must be another variant that is tuned on itself',
        'variants.V5.tuneOn: "V5" must be another variant that is tuned on itself',
      ]),
    );
    const unlisted = file();
    unlisted.scenarios[0].variants = ['V3'];
    expect(resolveScenarios(unlisted)).toEqual({ ok: false, problems: ['scenarios[0].variants[0]: V3 is tuned on V0, which S5 does not list'] });
    expect(scenarioById('S100/V2').tuneOnVariantId).toBe('V0');
    expect(scenarioById('S100/V4').tuneOnVariantId).toBe('V4');
  });

  it('scales the human share by hour and by shock', () => {
    expect(humanShareAt(scenarioById('S25/V2'), 30 * 60_000)).toBe(0.8);
    expect(humanShareAt(scenarioById('S25/V2'), 4.5 * 3_600_000)).toBe(1.2);
    expect(humanShareAt(scenarioById('S25/V3'), 4.2 * 3_600_000)).toBe(0.6);
    expect(humanShareAt(scenarioById('S25/V3'), 4.6 * 3_600_000)).toBe(1);
  });

  it('filters with S/V, S alone or */V', () => {
    const s25v0 = scenarioById('S25/V0');
    expect(matchesFilter(s25v0, ['S25/V0'])).toBe(true);
    expect(matchesFilter(s25v0, ['S25'])).toBe(true);
    expect(matchesFilter(s25v0, ['*/V0'])).toBe(true);
    expect(matchesFilter(s25v0, ['S5', '*/V1'])).toBe(false);
  });
});

describe('call list', () => {
  it('dials in list order, retries no-answers after 2 h and machines after 4 h, at most 3 attempts, never an abandon within 72 h', () => {
    const list = new CallList(tinyScenario({}, { listSize: 4 }), 1, tinyScenario({}).profile);
    const hour = 3_600_000;
    const a = list.take(0)!;
    const b = list.take(0)!;
    const c = list.take(0)!;
    expect([a, b, c]).toEqual([{ record: 0, attempt: 0 }, { record: 1, attempt: 0 }, { record: 2, attempt: 0 }]);
    list.settle(a, 'no-answer', 0);
    list.settle(b, 'machine', 0);
    list.settle(c, 'abandoned', 0);
    expect(list.available(0)).toBe(1);
    expect(list.take(2 * hour - 1)).toEqual({ record: 3, attempt: 0 });
    expect(list.take(2 * hour - 1)).toBeUndefined();
    expect(list.available(2 * hour)).toBe(1);
    const retry = list.take(2 * hour)!;
    expect(retry).toEqual({ record: 0, attempt: 1 });
    list.settle(retry, 'busy', 2 * hour + 1);
    expect(list.take(4 * hour)).toEqual({ record: 1, attempt: 1 });
    expect(list.take(4 * hour)).toBeUndefined();
    const third = list.take(4 * hour + 1)!;
    expect(third).toEqual({ record: 0, attempt: 2 });
    list.settle(third, 'no-answer', 4 * hour + 1);
    // Record 0 used its 3 attempts; record 2 (abandoned) waits 72 h.
    expect(list.available(71 * hour)).toBe(0);
    expect(list.take(72 * hour)).toEqual({ record: 2, attempt: 1 });
    expect(list.uniqueAttempted).toBe(4);
  });

  it('draws the same fate for the same record and attempt, whenever it is asked', () => {
    const list = new CallList(tinyScenario({}, { listSize: 10 }), 9, tinyScenario({}).profile);
    expect(list.fate({ record: 3, attempt: 1 }, 1)).toEqual(list.fate({ record: 3, attempt: 1 }, 1));
    expect(list.fate({ record: 3, attempt: 1 }, 1)).not.toEqual(list.fate({ record: 3, attempt: 2 }, 1));
  });
});
