/**
 * The simulator's validation (pacing.md §3.3), printed by `main.ts` and asserted by
 * `test/unit/pacing-bench/`:
 * (a) progressive matches the §4.1 closed form within 1 point of handle occupancy;
 * (b) the same seed gives a byte-identical event log, another seed a different one;
 * (c) Little's law on lines in flight: mean lines ≈ dial rate × mean time in flight;
 * (d) common random numbers: record i's attempt j has the same fate under two controllers.
 *
 * @module
 */
import { progressiveClosedForm } from './closed-form.ts';
import { buildController, type ControllerParams } from './controllers.ts';
import { pool } from './metrics.ts';
import type { ShiftScenario } from './scenario.ts';
import { simulateShift } from './shift.ts';

export interface CheckResult {
  name: string;
  pass: boolean;
  detail: string;
}

/**
 * (a) A stationary scenario (no hourly share, shocks or breaks) with AMD on. Per-shift
 * handle occupancy of progressive varies by about 0.003 (SD) at 100 agents, so two
 * shifts put the 1-point tolerance at about 5 standard errors.
 */
export function checkClosedForm(scenario: ShiftScenario, seeds: readonly number[]): CheckResult & { simulated: number; closedForm: number; exact: number } {
  const shifts = seeds.map((seed) => simulateShift({ scenario, seed, controller: buildController({ kind: 'progressive' }, scenario) }));
  const simulated = pool(shifts).handleOccupancy;
  const form = progressiveClosedForm(scenario.profile);
  const gapPoints = 100 * Math.abs(simulated - form.handleOccupancy);
  return {
    name: '(a) progressive vs closed form H/(H + E[d]/q)',
    pass: gapPoints <= 1,
    simulated,
    closedForm: form.handleOccupancy,
    exact: form.exactHandleOccupancy,
    detail:
      `${scenario.scenarioId}/${scenario.variantId}, ${seeds.length} shifts: simulated ${simulated.toFixed(4)}, closed form ${form.handleOccupancy.toFixed(4)} ` +
      `(E[d] ${(form.meanDialMs / 1000).toFixed(2)} s, q ${form.q.toFixed(4)}, H ${(form.meanHandleMs / 1000).toFixed(1)} s; ` +
      `with bridge and misrouted machines ${form.exactHandleOccupancy.toFixed(4)}), gap ${gapPoints.toFixed(2)} points (limit 1)`,
  };
}

/** (b) Hashes of the event log: two runs of `seed`, one of `otherSeed`. */
export function checkDeterminism(scenario: ShiftScenario, params: ControllerParams, seed: number, otherSeed: number): CheckResult & { hashes: string[] } {
  const hash = (s: number) => simulateShift({ scenario, seed: s, controller: buildController(params, scenario), hashEventLog: true }).eventLogHash!;
  const hashes = [hash(seed), hash(seed), hash(otherSeed)];
  const [first, second, other] = hashes;
  return {
    name: '(b) same seed ⇒ byte-identical event log',
    pass: first === second && first !== other,
    hashes,
    detail: `${scenario.scenarioId}/${scenario.variantId} ${params.kind}: seed ${seed} twice ${first!.slice(0, 12)}… ${first === second ? '=' : '≠'} ${second!.slice(0, 12)}…; seed ${otherSeed} ${other!.slice(0, 12)}… (${first === other ? 'SAME: bad' : 'differs'})`,
  };
}

/** (c) Over the shift: time-mean of calls in flight against launches/shift × mean time in flight. */
export function checkLittlesLaw(scenario: ShiftScenario, params: ControllerParams, seed: number): CheckResult & { relativeError: number } {
  const m = simulateShift({ scenario, seed, controller: buildController(params, scenario) });
  const meanLines = m.lineMsIntegral / m.shiftMs;
  const dialRatePerMs = m.inflightCalls / m.shiftMs;
  const meanInFlightMs = m.inflightMsSum / m.inflightCalls;
  const predicted = dialRatePerMs * meanInFlightMs;
  const relativeError = Math.abs(meanLines - predicted) / predicted;
  return {
    name: "(c) Little's law on lines in flight",
    pass: relativeError <= 0.02,
    relativeError,
    detail:
      `${scenario.scenarioId}/${scenario.variantId} ${params.kind} seed ${seed}: mean lines ${meanLines.toFixed(3)}, ` +
      `dial rate ${(dialRatePerMs * 1000).toFixed(3)}/s × mean in flight ${(meanInFlightMs / 1000).toFixed(2)} s = ${predicted.toFixed(3)} ` +
      `(error ${(100 * relativeError).toFixed(2)} %, limit 2 %)`,
  };
}

/** (d) The fates of (record, attempt) pairs both controllers dialled must be identical. */
export function checkCommonRandomNumbers(
  scenario: ShiftScenario,
  first: ControllerParams,
  second: ControllerParams,
  seed: number,
): CheckResult & { common: number; mismatches: number } {
  const fates = (params: ControllerParams) => {
    const recordFates = new Map<string, string>();
    simulateShift({ scenario, seed, controller: buildController(params, scenario), recordFates });
    return recordFates;
  };
  const a = fates(first);
  const b = fates(second);
  let common = 0;
  let mismatches = 0;
  for (const [key, fate] of a) {
    const other = b.get(key);
    if (other === undefined) continue;
    common += 1;
    if (other !== fate) mismatches += 1;
  }
  return {
    name: '(d) common random numbers across controllers',
    pass: common > 0 && mismatches === 0,
    common,
    mismatches,
    detail: `${scenario.scenarioId}/${scenario.variantId} seed ${seed}, ${first.kind} vs ${second.kind}: ${common} (record, attempt) pairs dialled by both (${a.size} and ${b.size} dials), ${mismatches} with different fates`,
  };
}

/** All four on the scenarios given (pick V0 ones). */
export function runSelfChecks(large: ShiftScenario, small: ShiftScenario, mid: ShiftScenario): CheckResult[] {
  const ratio: ControllerParams = { kind: 'ratio', level: 1.2 };
  return [
    checkClosedForm(large, [1, 2]),
    checkDeterminism(small, ratio, 1, 2),
    checkLittlesLaw(mid, ratio, 1),
    checkCommonRandomNumbers(mid, { kind: 'progressive' }, ratio, 1),
  ];
}
