/**
 * The benchmark protocol (pacing.md §3.3): grid-tune the parametrised controllers on
 * the tuning seeds (best setting whose pooled abandon ≤ 3 % and every tuning day ≤ 3 %,
 * by handle occupancy), then run every controller on the test seeds, one 8-hour shift
 * per seed (a 30-day "month"). A variant with `tuneOn` (drift, shock) takes the settings
 * tuned on that other variant of its scenario: an operator tunes on normal days.
 *
 * @module
 */
import {
  defaultParams,
  describeParams,
  paramsKey,
  TUNED_KINDS,
  tuningGrid,
  type ControllerKind,
  type ControllerParams,
} from './controllers.ts';
import { pool, type PooledMetrics, type ShiftMetrics } from './metrics.ts';
import { runJobs, scenarioKey, type ShiftJob } from './runner.ts';
import type { ShiftScenario } from './scenario.ts';

export interface BenchOptions {
  scenarios: readonly ShiftScenario[];
  /** Every scenario of the file, where a `tuneOn` variant left out of `scenarios` is found. */
  catalog?: readonly ShiftScenario[];
  /** Controllers to run (those that can be built). */
  kinds: readonly ControllerKind[];
  quick: boolean;
  workers: number;
  tuningSeeds: readonly number[];
  testSeeds: readonly number[];
  onProgress: (phase: 'tuning' | 'test', done: number, total: number) => void;
}

export interface TuningPoint {
  params: ControllerParams;
  pooled: PooledMetrics;
}

export interface TuningResult {
  points: TuningPoint[];
  best: ControllerParams;
  /** False when no grid point met the gate; `best` is then the one with the lowest worst day. */
  bestCompliant: boolean;
}

export interface ResultRow {
  /** `power (tuned)`, `VICIdial ADAPT (defaults)`, … */
  label: string;
  kind: ControllerKind;
  params: ControllerParams;
  setting: string;
  pooled: PooledMetrics;
  /** Per test seed, without the idle histograms. */
  perSeed: ShiftMetrics[];
}

export interface VariantResult {
  scenario: ShiftScenario;
  /** `S25/V0`: the variant whose tuning seeds chose the settings (the scenario itself unless `tuneOn`). */
  tunedOn: string;
  tuning: Partial<Record<ControllerKind, TuningResult>>;
  /** One point per controller setting on the tuning seeds of `tunedOn` (the frontier plot). */
  frontier: Array<TuningPoint & { kind: ControllerKind }>;
  rows: ResultRow[];
}

const NAMES: Record<ControllerKind, string> = {
  progressive: 'progressive',
  predictive: 'predictive',
  power: 'power',
  ratio: 'fixed ratio (VICIdial RATIO)',
  vicidial: 'VICIdial ADAPT_HARD_LIMIT',
};

export async function runBenchmark(options: BenchOptions): Promise<VariantResult[]> {
  const { scenarios, kinds, quick } = options;
  // ---- tuning seeds, on each variant tuned on: every grid point, plus the untuned controllers for the frontier
  const tunedOn = new Map(scenarios.map((scenario) => [scenario, tuningScenarioOf(scenario, options.catalog ?? scenarios)]));
  const tuningSpecs = [...new Set(tunedOn.values())].flatMap((scenario) =>
    kinds.flatMap((kind) => {
      const grid = isTuned(kind) ? tuningGrid(kind, scenario.agents, quick) : [defaultParams(kind)!];
      return grid.map((params) => ({ scenario, params }));
    }),
  );
  const tuningRuns = await runSpecs(tuningSpecs, options.tuningSeeds, false, options, 'tuning');
  const results = tuneVariants(scenarios, tunedOn, kinds, (scenario, kind) =>
    tuningSpecs
      .filter((spec) => spec.scenario === scenario && spec.params.kind === kind)
      .map((spec) => ({ params: spec.params, pooled: pool(tuningRuns.get(specKey(scenario, spec.params))!) })),
  );

  // ---- test seeds
  const rowSpecs = results.flatMap((result) => evaluationRows(result, kinds).map((row) => ({ ...row, result })));
  const testRuns = await runSpecs(
    rowSpecs.map((row) => ({ scenario: row.result.scenario, params: row.params })),
    options.testSeeds,
    true,
    options,
    'test',
  );
  for (const row of rowSpecs) {
    const shifts = testRuns.get(specKey(row.result.scenario, row.params))!;
    row.result.rows.push({
      label: row.label,
      kind: row.params.kind,
      params: row.params,
      setting: describeParams(row.params),
      pooled: pool(shifts),
      perSeed: shifts.map((shift) => ({ ...shift, idleHistogram: [] })),
    });
  }
  return results;
}

/** The variant whose tuning seeds choose `scenario`'s settings: itself, or its `tuneOn` variant in `catalog`. */
export function tuningScenarioOf(scenario: ShiftScenario, catalog: readonly ShiftScenario[]): ShiftScenario {
  if (scenario.tuneOnVariantId === scenario.variantId) return scenario;
  const target = catalog.find((s) => s.scenarioId === scenario.scenarioId && s.variantId === scenario.tuneOnVariantId);
  if (target === undefined) throw new Error(`bench: ${scenarioKey(scenario)} is tuned on ${scenario.tuneOnVariantId}, which is not in the scenario file`);
  return target;
}

/**
 * Each variant's tuning choices and frontier, from the tuning points of the variant it is
 * tuned on (`tunedOn`); `pointsOf(scenario, kind)` gives one kind's points on one variant.
 */
export function tuneVariants(
  scenarios: readonly ShiftScenario[],
  tunedOn: ReadonlyMap<ShiftScenario, ShiftScenario>,
  kinds: readonly ControllerKind[],
  pointsOf: (scenario: ShiftScenario, kind: ControllerKind) => TuningPoint[],
): VariantResult[] {
  return scenarios.map((scenario) => {
    const source = tunedOn.get(scenario) ?? scenario;
    const frontier = kinds.flatMap((kind) => pointsOf(source, kind).map((point) => ({ ...point, kind })));
    const tuning: VariantResult['tuning'] = {};
    for (const kind of kinds) if (isTuned(kind)) tuning[kind] = selectBest(frontier.filter((point) => point.kind === kind));
    return { scenario, tunedOn: scenarioKey(source), tuning, frontier, rows: [] };
  });
}

function isTuned(kind: ControllerKind): kind is (typeof TUNED_KINDS)[number] {
  return (TUNED_KINDS as readonly ControllerKind[]).includes(kind);
}

/** The best compliant grid point by handle occupancy; without one, the lowest worst day. */
export function selectBest(points: readonly TuningPoint[]): TuningResult {
  const compliant = points.filter((point) => point.pooled.compliant);
  if (compliant.length > 0) {
    const best = compliant.reduce((a, b) => (b.pooled.handleOccupancy > a.pooled.handleOccupancy ? b : a));
    return { points: [...points], best: best.params, bestCompliant: true };
  }
  const safest = points.reduce((a, b) => (b.pooled.worstDayAbandonRate < a.pooled.worstDayAbandonRate ? b : a));
  return { points: [...points], best: safest.params, bestCompliant: false };
}

function evaluationRows(result: VariantResult, kinds: readonly ControllerKind[]): Array<{ label: string; params: ControllerParams }> {
  const rows: Array<{ label: string; params: ControllerParams }> = [];
  for (const kind of kinds) {
    const tuned = result.tuning[kind];
    const defaults = defaultParams(kind);
    const elsewhere = result.tunedOn === scenarioKey(result.scenario) ? '' : ` on ${result.tunedOn.split('/')[1]}`;
    if (tuned !== undefined) rows.push({ label: `${NAMES[kind]} (tuned${elsewhere}${tuned.bestCompliant ? '' : ', none compliant'})`, params: tuned.best });
    if (defaults !== null && tuned !== undefined) rows.push({ label: `${NAMES[kind]} (defaults)`, params: defaults });
    if (tuned === undefined && defaults !== null) rows.push({ label: NAMES[kind], params: defaults });
  }
  return rows;
}

function specKey(scenario: ShiftScenario, params: ControllerParams): string {
  return `${scenarioKey(scenario)} ${paramsKey(params)}`;
}

/** Run each distinct (scenario, params) on every seed; shifts grouped by spec, in seed order. */
async function runSpecs(
  specs: ReadonlyArray<{ scenario: ShiftScenario; params: ControllerParams }>,
  seeds: readonly number[],
  keepHistogram: boolean,
  options: BenchOptions,
  phase: 'tuning' | 'test',
): Promise<Map<string, ShiftMetrics[]>> {
  const distinct = new Map<string, { scenario: ShiftScenario; params: ControllerParams }>();
  for (const spec of specs) distinct.set(specKey(spec.scenario, spec.params), spec);
  const jobs: Array<ShiftJob & { spec: string }> = [];
  for (const [key, spec] of distinct) {
    for (const seed of seeds) jobs.push({ id: jobs.length, scenarioKey: scenarioKey(spec.scenario), params: spec.params, seed, keepHistogram, spec: key });
  }
  // Biggest teams first, so the last jobs to finish are short ones.
  const agentsOf = new Map([...distinct.values()].map((spec) => [scenarioKey(spec.scenario), spec.scenario.agents]));
  const ordered = [...jobs].sort((a, b) => agentsOf.get(b.scenarioKey)! - agentsOf.get(a.scenarioKey)! || a.id - b.id);
  const scenarios = [...new Map([...distinct.values()].map((spec) => [scenarioKey(spec.scenario), spec.scenario])).values()];
  const metrics = await runJobs(
    ordered.map(({ spec: _spec, ...job }) => job),
    scenarios,
    options.workers,
    (done, total) => options.onProgress(phase, done, total),
  );
  const grouped = new Map<string, ShiftMetrics[]>();
  for (const job of jobs) {
    const list = grouped.get(job.spec) ?? [];
    list.push(metrics.get(job.id)!);
    grouped.set(job.spec, list);
  }
  return grouped;
}
