/**
 * Progressive and power pacing: the arithmetic of lines per free agent and the caps
 * (lines, dial rate, leads); the factory and the settings schema.
 */
import { describe, expect, it } from 'vitest';
import { isDialerError } from '../../../server/errors.ts';
import {
  createController,
  DEFAULT_PACING_SETTINGS,
  explainDecision,
  pacingSettingsSchema,
  type PacingSettings,
} from '../../../server/pacing/index.ts';
import { busyAgents, freeAgents, ringingCalls, snapshot, T0 } from './fixtures.ts';

const power = (linesPerAgent: number, maxLines = 100) => createController({ ...DEFAULT_PACING_SETTINGS, mode: 'power', linesPerAgent, maxLines });

describe('progressive', () => {
  it('launches one line per free agent not already covered by a call in flight', () => {
    const controller = createController({ ...DEFAULT_PACING_SETTINGS, mode: 'progressive' });
    const decision = controller.decide(snapshot(T0, [...freeAgents(5, T0), ...busyAgents(3, T0, 60_000)], ringingCalls(2, T0, 4000)));
    expect(decision).toMatchObject({ launch: 3, target: 5, mode: 'progressive' });
    expect(controller.decide(snapshot(T0, freeAgents(2, T0), ringingCalls(4, T0, 4000))).launch).toBe(0);
  });
});

describe('power', () => {
  it('keeps round(k × free agents) calls in flight, counting every phase', () => {
    const calls = [
      ...ringingCalls(1, T0, 3000),
      { id: 'amd', phase: 'answered' as const, launchedAtMs: T0 - 12_000, phaseSinceMs: T0 - 1000 },
      { id: 'wait', phase: 'waiting' as const, launchedAtMs: T0 - 12_000, phaseSinceMs: T0 - 500 },
    ];
    const decision = power(2).decide(snapshot(T0, [...freeAgents(5, T0), ...busyAgents(4, T0, 30_000)], calls));
    expect(decision).toMatchObject({ launch: 7, target: 10, mode: 'power' });
    // 2.5 × 3 = 7.5 rounds to 8.
    expect(power(2.5).decide(snapshot(T0, freeAgents(3, T0))).launch).toBe(8);
    expect(power(2).decide(snapshot(T0, freeAgents(2, T0), ringingCalls(6, T0, 1000))).launch).toBe(0);
  });

  it('caps k to 1–5 lines per free agent', () => {
    expect(power(9).decide(snapshot(T0, freeAgents(4, T0))).target).toBe(20);
    expect(power(0.2).decide(snapshot(T0, freeAgents(4, T0))).target).toBe(4);
  });

  it('never passes the line cap, the dial-rate budget or the leads, and says which bound', () => {
    const agents = freeAgents(10, T0);
    const byLines = power(3, 25).decide(snapshot(T0, agents, ringingCalls(20, T0, 1000)));
    expect(byLines.launch).toBe(5);
    expect(byLines.reason).toContain('capped by lines');
    const byRate = power(3).decide(snapshot(T0, agents, [], { dialsAllowedNow: 4.7 }));
    expect(byRate.launch).toBe(4);
    expect(byRate.reason).toContain('capped by dial-rate');
    const byLeads = power(3).decide(snapshot(T0, agents, [], { leadsAvailable: 2 }));
    expect(byLeads.launch).toBe(2);
    expect(byLeads.reason).toContain('capped by leads');
  });
});

describe('createController', () => {
  it('builds each mode and refuses an unknown one with a DialerError', () => {
    for (const mode of ['progressive', 'power', 'predictive'] as const) expect(createController({ ...DEFAULT_PACING_SETTINGS, mode }).mode).toBe(mode);
    let caught: unknown;
    try {
      createController({ ...DEFAULT_PACING_SETTINGS, mode: 'ratio' } as unknown as PacingSettings);
    } catch (error) {
      caught = error;
    }
    expect(isDialerError(caught, 'validation_failed')).toBe(true);
    expect((caught as Error).message).toContain('ratio');
  });
});

describe('pacingSettingsSchema', () => {
  it('fills the defaults', () => {
    expect(pacingSettingsSchema.parse({})).toEqual({
      mode: 'progressive',
      linesPerAgent: 2,
      abandonTarget: 0.02,
      abandonCeiling: 0.03,
      amdFalsePositiveEstimate: 0.01,
      maxLines: 100,
    });
    expect(pacingSettingsSchema.parse({ mode: 'predictive', abandonTarget: 0.025 })).toMatchObject({ mode: 'predictive', abandonTarget: 0.025 });
  });

  it.each([
    [{ linesPerAgent: 6 }, 'linesPerAgent'],
    [{ linesPerAgent: 0.5 }, 'linesPerAgent'],
    [{ abandonTarget: 0.0005 }, 'abandonTarget'],
    [{ abandonCeiling: 0.031 }, 'abandonCeiling'],
    [{ abandonTarget: 0.025, abandonCeiling: 0.02 }, 'abandonTarget'],
    [{ amdFalsePositiveEstimate: 0.05 }, 'amdFalsePositiveEstimate'],
    [{ maxLines: 0 }, 'maxLines'],
    [{ maxLines: 1001 }, 'maxLines'],
    [{ maxLines: 10.5 }, 'maxLines'],
    [{ mode: 'ratio' }, 'mode'],
    [{ extra: 1 }, ''],
  ])('refuses %j', (input, field) => {
    const result = pacingSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success && field) expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});

describe('explainDecision', () => {
  it('lists every input with a label and a unit', () => {
    const decision = power(2).decide(snapshot(T0, freeAgents(3, T0)));
    const explained = explainDecision(decision);
    expect(explained).toMatchObject({ mode: 'power', launch: 6, reason: decision.reason });
    expect(explained.details).toContain('free agents: 3');
    expect(explained.details).toContain('lines per free agent: 2.00');
    expect(explained.details).toHaveLength(Object.keys(decision.inputs).length);
  });
});
