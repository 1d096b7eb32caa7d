import { describe, expect, it } from 'vitest';
import { simulateShift } from '../../../bench/pacing/shift.ts';
import { ScriptedController, tinyScenario } from './fixtures.ts';

const NO_ANSWER = { outcomeMix: { human: 0, machine: 0, noAnswer: 1, busy: 0, invalid: 0 } };

describe('carrier caps', () => {
  it('holds launches to the dials-per-second budget', () => {
    const controller = new ScriptedController(7);
    const m = simulateShift({ scenario: tinyScenario(NO_ANSWER, { cpsCap: 2, maxLines: 100 }), seed: 1, controller });
    // The scripted controller asks for 7 once; it is offered 2, and dials nothing more.
    expect(m.dials).toBe(2);
    expect(m.peakCps).toBe(2);
    const greedy = { mode: 'progressive' as const, observe() {}, decide: () => ({ launch: 5, target: 5, mode: 'progressive' as const, reason: 'greedy', inputs: {} }) };
    const capped = simulateShift({ scenario: tinyScenario(NO_ANSWER, { cpsCap: 2, maxLines: 1000, listSize: 1000 }), seed: 1, controller: greedy });
    // 60 s at 2 dials per rolling second.
    expect(capped.peakCps).toBe(2);
    expect(capped.dials).toBe(120);
  });

  it('never has more calls in flight than the line cap', () => {
    const greedy = { mode: 'progressive' as const, observe() {}, decide: () => ({ launch: 50, target: 50, mode: 'progressive' as const, reason: 'greedy', inputs: {} }) };
    const m = simulateShift({ scenario: tinyScenario(NO_ANSWER, { maxLines: 7 }), seed: 1, controller: greedy });
    expect(m.peakLines).toBe(7);
    // Each no-answer holds its line for the 30 s timeout: 7 at 0 s, 7 more at 30 s.
    expect(m.dials).toBe(14);
  });
});
