/**
 * The pacing benchmark (issue #5; pacing.md §3): every controller on every scenario,
 * grid-tuned on seeds 1001–1010 and measured on seeds 1–30, plus the simulator's
 * self-checks. Prints the tables; writes `bench/pacing/out/results.md`,
 * `results.json` (every shift) and one `frontier-<scenario>-<variant>.svg` per variant.
 *
 *   npx tsx bench/pacing/main.ts [--scenario file.json] [--quick] [--workers N]
 *                                [--only S25/V0,S100] [--controllers predictive,progressive]
 *
 * Progress goes to stderr.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBenchmark } from './benchmark.ts';
import { CONTROLLER_KINDS, unavailableReason, type ControllerKind } from './controllers.ts';
import { frontierSvg } from './frontier-svg.ts';
import { renderReport, renderResults, renderSelfChecks } from './report.ts';
import { loadScenarioFile, matchesFilter, type ShiftScenario } from './scenario.ts';
import { runSelfChecks } from './self-checks.ts';

const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));
const DEFAULT_SCENARIOS = fileURLToPath(new URL('./scenarios.json', import.meta.url));

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: DEFAULT_SCENARIOS },
    quick: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    only: { type: 'string', default: '' },
    controllers: { type: 'string', default: CONTROLLER_KINDS.join(',') },
  },
});

const started = performance.now();
const loaded = loadScenarioFile(values.scenario);
if (!loaded.ok) fail(`${values.scenario} is not a valid scenario file:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
const filters = list(values.only);
const scenarios = loaded.value.filter((scenario) => matchesFilter(scenario, filters));
if (scenarios.length === 0) fail(`--only ${values.only} matches no scenario (have: ${loaded.value.map((s) => `${s.scenarioId}/${s.variantId}`).join(', ')})`);
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 0) fail(`--workers must be a whole number ≥ 0, got ${values.workers}`);
const asked = list(values.controllers);
const unknown = asked.filter((name) => !(CONTROLLER_KINDS as readonly string[]).includes(name));
if (unknown.length > 0) fail(`--controllers: unknown ${unknown.join(', ')} (choose from ${CONTROLLER_KINDS.join(', ')})`);

const notes: string[] = [];
const kinds = (asked as ControllerKind[]).filter((kind) => {
  const reason = unavailableReason(kind, scenarios[0]!);
  if (reason !== null) notes.push(`${kind} skipped: createController() says "${reason}"`);
  return reason === null;
});
for (const note of notes) process.stderr.write(`note: ${note}\n`);

const tuningSeeds = seeds(1001, values.quick ? 3 : 10);
const testSeeds = seeds(1, values.quick ? 5 : 30);
if (values.quick) notes.push('--quick: 3 tuning seeds, 5 test seeds, coarser grids (predictive target 2 / 2.5 %, power step 0.5, ratio step 0.1, VICIdial dl_diff step 10 %, intensity 0 only)');

process.stderr.write('self-checks…\n');
const selfChecks = runSelfChecks(...selfCheckScenarios(loaded.value));
process.stdout.write(`${renderSelfChecks(selfChecks).join('\n')}\n\n`);

let lastReport = 0;
const phaseStarted = new Map<string, number>();
const results = await runBenchmark({
  scenarios,
  catalog: loaded.value,
  kinds,
  quick: values.quick,
  workers,
  tuningSeeds,
  testSeeds,
  onProgress(phase, done, total) {
    const now = performance.now();
    if (!phaseStarted.has(phase)) phaseStarted.set(phase, now);
    if (done < total && now - lastReport < 5000) return;
    lastReport = now;
    // Biggest teams run first, so this estimate starts high and improves.
    const remainingS = ((now - phaseStarted.get(phase)!) / done) * (total - done) / 1000;
    process.stderr.write(`${phase}: ${done}/${total} shifts, ${((now - started) / 1000).toFixed(0)} s elapsed, ≤ ${remainingS.toFixed(0)} s left in this phase\n`);
  },
});

const elapsedS = (performance.now() - started) / 1000;
const report = renderReport(results, {
  command: `npx tsx bench/pacing/main.ts ${process.argv.slice(2).join(' ')}`.trim(),
  tuningSeeds,
  testSeeds,
  notes,
  selfChecks,
  elapsedS,
  workers,
});
process.stdout.write(renderResults(results));

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(`${OUT_DIR}results.md`, report);
writeFileSync(
  `${OUT_DIR}results.json`,
  `${JSON.stringify({ tuningSeeds, testSeeds, notes, selfChecks, elapsedS, results }, null, 1)}\n`,
);
for (const result of results) writeFileSync(`${OUT_DIR}frontier-${result.scenario.scenarioId}-${result.scenario.variantId}.svg`, frontierSvg(result));
process.stderr.write(`wrote ${OUT_DIR}results.md, results.json and ${results.length} frontier SVGs in ${elapsedS.toFixed(0)} s\n`);
if (selfChecks.some((check) => !check.pass)) process.exitCode = 1;

/**
 * Base variants (V0; else any stationary one with AMD on and no carrier caps) with the
 * most, the fewest and the middle number of agents.
 */
function selfCheckScenarios(all: readonly ShiftScenario[]): [ShiftScenario, ShiftScenario, ShiftScenario] {
  const stationary = all.filter(
    (s) => s.humanShareByHour === null && s.humanShareShocks.length === 0 && s.breaks.length === 0 && s.profile.amd.enabled && s.cpsCap === null,
  );
  const base = stationary.filter((s) => s.variantId === 'V0');
  const candidates = [...(base.length > 0 ? base : stationary.length > 0 ? stationary : all)].sort((a, b) => a.agents - b.agents);
  return [candidates[candidates.length - 1]!, candidates[0]!, candidates[Math.floor(candidates.length / 2)]!];
}

function seeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
