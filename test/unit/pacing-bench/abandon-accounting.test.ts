import { describe, expect, it } from 'vitest';
import { shiftAbandonRate } from '../../../bench/pacing/metrics.ts';
import { simulateShift } from '../../../bench/pacing/shift.ts';
import { ONLY, ScriptedController, tinyScenario } from './fixtures.ts';

const fixed = (ms: number) => ({ kind: 'fixed' as const, ms });
/** Everyone answers after 5 s, greets for 1 s, talks for 10 min: one agent is never free twice. */
const PEOPLE = {
  ...ONLY('human'),
  humanRing: fixed(5000),
  greeting: fixed(1000),
  talk: fixed(600_000),
  wrap: fixed(1000),
};

describe('abandon accounting', () => {
  it('drops a person still waiting 2 s after the greeting (minus the bridge) and counts it', () => {
    const controller = new ScriptedController(2);
    const scenario = tinyScenario({ ...PEOPLE, amd: { ...tinyScenario({}).profile.amd, falsePositive: 0 } });
    const m = simulateShift({ scenario, seed: 1, controller });

    // Both answer at 5 s; AMD says human at 5 + 1 + 0.8 s; one agent takes the first.
    expect(m).toMatchObject({ dials: 2, humansAnswered: 2, connects: 1, pacingAbandons: 1, falsePositiveAbandons: 0, dialerHumans: 2, dialerDrops: 1 });
    const abandoned = controller.observations.filter((o) => o.type === 'abandoned');
    expect(abandoned).toHaveLength(1);
    // Greeting ends at 6 s; the drop comes at 6 s + 2 s − 0.3 s bridge.
    expect(abandoned[0]!.atMs).toBe(7700);
    const connected = controller.observations.find((o) => o.type === 'connected');
    expect(connected!.atMs).toBe(6800 + 300);
    expect(shiftAbandonRate(m)).toBe(0.5);
    // The dialer's own ledger shows its drop to the controller at the next decision.
    expect(controller.snapshots.find((s) => s.nowMs >= 7700)!.ledger).toEqual({ humans24h: 2, abandons24h: 1, humans30d: 2, abandons30d: 1 });
  });

  it('with AMD off routes at answer and drops at greeting end + 2 s − bridge', () => {
    const controller = new ScriptedController(2);
    const scenario = tinyScenario({ ...PEOPLE, amd: { ...tinyScenario({}).profile.amd, enabled: false } });
    const m = simulateShift({ scenario, seed: 1, controller });
    expect(m).toMatchObject({ humansAnswered: 2, connects: 1, pacingAbandons: 1 });
    expect(controller.observations.find((o) => o.type === 'abandoned')!.atMs).toBe(5000 + 1000 + 2000 - 300);
    expect(controller.observations.find((o) => o.type === 'connected')!.atMs).toBe(5000 + 300);
  });

  it('counts an AMD false positive as an abandon the dialer never sees', () => {
    const controller = new ScriptedController(1);
    const scenario = tinyScenario({ ...PEOPLE, amd: { ...tinyScenario({}).profile.amd, falsePositive: 1 } });
    const m = simulateShift({ scenario, seed: 1, controller });
    expect(m).toMatchObject({ humansAnswered: 1, connects: 0, pacingAbandons: 0, falsePositiveAbandons: 1, dialerHumans: 0, dialerDrops: 0 });
    expect(shiftAbandonRate(m)).toBe(1);
    expect(controller.observations.filter((o) => o.type === 'call-result').map((o) => (o as { result: string }).result)).toEqual(['machine']);
  });

  it('does not count a machine the dialer dropped, nor one that reached an agent', () => {
    const controller = new ScriptedController(2);
    const scenario = tinyScenario({
      ...ONLY('machine'),
      machinePickup: fixed(5000),
      amd: { ...tinyScenario({}).profile.amd, falseNegative: 1, machineVerdict: fixed(2500) },
    });
    const m = simulateShift({ scenario, seed: 1, controller });
    // Both judged human at 7.5 s: one reaches the agent (9 s lost), the other is held 0.9 s and dropped.
    expect(m).toMatchObject({ humansAnswered: 0, pacingAbandons: 0, falsePositiveAbandons: 0, machinesToAgents: 1, dialerHumans: 2, dialerDrops: 1 });
    expect(m.misroutedMs).toBe(9000);
    expect(controller.observations.find((o) => o.type === 'abandoned')!.atMs).toBe(7500 + 2000 - 800 - 300);
    expect(shiftAbandonRate(m)).toBe(0);
  });
});
