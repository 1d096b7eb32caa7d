/**
 * Small hand-made scenarios and controllers for the pacing-bench tests.
 */
import type { PacingController, PacingDecision, PacingObservation, PacingSnapshot } from '../../../server/pacing/index.ts';
import { BASE_CARRIER_PROFILE, type CarrierProfile } from '../../../sandbox/carrier-profile.ts';
import { loadScenarioFile, type ShiftScenario } from '../../../bench/pacing/scenario.ts';

/** One agent who logs in at 0, a one-minute shift, no breaks, no caps; `profile` patched. */
export function tinyScenario(profile: Partial<CarrierProfile>, overrides: Partial<ShiftScenario> = {}): ShiftScenario {
  return {
    scenarioId: 'T1',
    variantId: 'V0',
    label: 'test',
    agents: 1,
    profile: { ...BASE_CARRIER_PROFILE, ...profile },
    shiftMs: 60_000,
    loginSpreadMs: 0,
    listSize: 100,
    retry: { noAnswerBusyAfterMs: 7_200_000, machineAfterMs: 14_400_000, maxAttempts: 3, abandonedNoRedialMs: 259_200_000 },
    breaks: [],
    breakJitterMs: 0,
    humanShareByHour: null,
    humanShareShocks: [],
    cpsCap: null,
    maxLines: 10,
    twinOptimumHandleOccupancy: null,
    tuneOnVariantId: 'V0',
    ...overrides,
  };
}

export const ONLY = (outcome: 'human' | 'machine') => ({
  outcomeMix: { human: outcome === 'human' ? 1 : 0, machine: outcome === 'machine' ? 1 : 0, noAnswer: 0, busy: 0, invalid: 0 },
});

/** Launches `count` calls at the first decision with an agent logged in, then nothing; records what it is told. */
export class ScriptedController implements PacingController {
  readonly mode = 'progressive' as const;
  readonly observations: PacingObservation[] = [];
  readonly snapshots: Array<{ nowMs: number; calls: number; ledger: PacingSnapshot['ledger'] }> = [];
  #launched = false;

  constructor(private readonly count: number) {}

  observe(observation: PacingObservation): void {
    this.observations.push(observation);
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    this.snapshots.push({ nowMs: snapshot.nowMs, calls: snapshot.calls.length, ledger: { ...snapshot.ledger } });
    const launch = !this.#launched && snapshot.agents.length > 0 ? this.count : 0;
    if (launch > 0) this.#launched = true;
    return { launch, target: launch, mode: 'progressive', reason: 'scripted', inputs: {} };
  }
}

/** The scenarios of bench/pacing/scenarios.json. */
export function benchScenarios(): ShiftScenario[] {
  const loaded = loadScenarioFile(new URL('../../../bench/pacing/scenarios.json', import.meta.url).pathname);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

export function scenarioById(id: string): ShiftScenario {
  const [scenarioId, variantId] = id.split('/');
  const found = benchScenarios().find((s) => s.scenarioId === scenarioId && s.variantId === variantId);
  if (found === undefined) throw new Error(`no scenario ${id}`);
  return found;
}
