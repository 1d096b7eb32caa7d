/**
 * The benchmark protocol (pacing.md §3.3): grid-tune the parametrised controllers on
 * the tuning seeds (best setting whose pooled abandon ≤ 3 % and every tuning day ≤ 3 %,
 * by handle occupancy), then run every controller on the test seeds, one 8-hour shift
 * per seed (a 30-day "month").
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
  tuning: Partial<Record<ControllerKind, TuningResult>>;
  /** One point per controller setting on the tuning seeds (the frontier plot). */
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
  // ---- tuning seeds: every grid point, plus the untuned controllers for the frontier
  const tuningSpecs = scenarios.flatMap((scenario) =>
    kinds.flatMap((kind) => {
      const grid = (TUNED_KINDS as readonly ControllerKind[]).includes(kind)
        ? tuningGrid(kind as (typeof TUNED_KINDS)[number], scenario.agents, quick)
        : [defaultParams(kind)!];
      return grid.map((params) => ({ scenario, params }));
    }),
  );
  const tuningRuns = await runSpecs(tuningSpecs, options.tuningSeeds, false, options, 'tuning');

  const results: VariantResult[] = scenarios.map((scenario) => {
    const frontier = kinds.flatMap((kind) =>
      tuningSpecs
        .filter((spec) => spec.scenario === scenario && spec.params.kind === kind)
        .map((spec) => ({ kind, params: spec.params, pooled: pool(tuningRuns.get(specKey(scenario, spec.params))!) })),
    );
    const tuning: VariantResult['tuning'] = {};
    for (const kind of kinds) {
      if (!(TUNED_KINDS as readonly ControllerKind[]).includes(kind)) continue;
      tuning[kind] = selectBest(frontier.filter((point) => point.kind === kind));
    }
    return { scenario, tuning, frontier, rows: [] };
  });

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
    if (tuned !== undefined) rows.push({ label: `${NAMES[kind]} (tuned${tuned.bestCompliant ? '' : ', none compliant'})`, params: tuned.best });
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
