import { describe, expect, it } from 'vitest';
import { decideFate, digitsFor, OUTCOME_DEFAULTS } from '../../../sandbox/carrier-model.ts';
import { createPrng } from '../../../sandbox/prng.ts';
import { DEFAULT_SCENARIOS, globMatches, matchScenario, parseScenarioRule } from '../../../sandbox/scenarios.ts';

describe('scenarios', () => {
  it('matches exact numbers, globs and SIP URIs in order', () => {
    expect(globMatches('+1555000*', '+15550001234')).toBe(true);
    expect(globMatches('+1555000*', '+15550011234')).toBe(false);
    expect(globMatches('+15550001234', '+15550001234')).toBe(true);
    expect(globMatches('sip:*', 'sip:agent@sip.telnyx.com')).toBe(true);
    expect(globMatches('sip:*@example.com', 'sip:agent@sip.telnyx.com')).toBe(false);
    expect(matchScenario(DEFAULT_SCENARIOS, '+15550011234')).toMatchObject({ outcome: 'busy' });
    expect(matchScenario(DEFAULT_SCENARIOS, '+15550031234')).toMatchObject({ outcome: 'machine' });
    expect(matchScenario(DEFAULT_SCENARIOS, 'sip:a@sip.telnyx.com')).toMatchObject({ outcome: 'human', talkMs: null });
    expect(matchScenario(DEFAULT_SCENARIOS, '+442071234567')).toMatchObject({ match: '*', ringMs: 5000, talkMs: 60_000 });
  });

  it('explains what is wrong with a rule', () => {
    expect(parseScenarioRule({ match: '', outcome: 'maybe', talkMs: -1, digits: 5 })).toEqual({
      ok: false,
      problems: [
        'rule.match must be a number, a URI or a glob such as "+1555000*"',
        'rule.outcome must be one of human, machine, busy, no-answer, failed, got "maybe"',
        'rule.talkMs must be a number of ms ≥ 0, or null for "until the other side hangs up"',
        'rule.digits must be a string or an array of strings',
      ],
    });
  });
});

describe('decideFate', () => {
  it('fills defaults per outcome; no-answer never answers', () => {
    expect(decideFate({ outcome: 'busy' }, () => 0)).toEqual({
      outcome: 'busy',
      ringMs: OUTCOME_DEFAULTS.busy.ringMs,
      talkMs: null,
      digits: [],
      hangupSource: 'callee',
    });
    expect(decideFate({ outcome: 'no-answer', ringMs: 10 }, () => 0).ringMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('draws from a mix by weight, reproducibly for a seed', () => {
    const rule = { mix: [{ p: 0.7, outcome: 'human' as const }, { p: 0.2, outcome: 'machine' as const }, { p: 0.1, outcome: 'busy' as const }] };
    const draw = (seed: number) => {
      const prng = createPrng(seed, 'fates');
      return Array.from({ length: 1000 }, () => decideFate(rule, () => prng.next()).outcome);
    };
    const outcomes = draw(1);
    expect(draw(1)).toEqual(outcomes);
    const humans = outcomes.filter((outcome) => outcome === 'human').length;
    expect(humans).toBeGreaterThan(650);
    expect(humans).toBeLessThan(750);
    expect(outcomes.filter((outcome) => outcome === 'busy').length).toBeGreaterThan(60);
  });

  it('gives each Gather its scripted keys', () => {
    const fate = decideFate({ outcome: 'human', digits: ['1', '9#'] }, () => 0);
    expect([digitsFor(fate, 0), digitsFor(fate, 1), digitsFor(fate, 2)]).toEqual(['1', '9#', '']);
    expect(digitsFor(decideFate({ outcome: 'human', digits: '5' }, () => 0), 3)).toBe('5');
  });
});
