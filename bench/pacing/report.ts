/**
 * The benchmark's tables as Markdown (printed, and written to `out/results.md`): one per
 * scenario + variant, "gap closed" against the twin optimum where the scenario file
 * gives one, the tuning choices, and the simulator's self-checks.
 *
 * @module
 */
import type { ResultRow, VariantResult } from './benchmark.ts';
import { describeParams } from './controllers.ts';
import type { CheckResult } from './self-checks.ts';

export interface ReportContext {
  command: string;
  tuningSeeds: readonly number[];
  testSeeds: readonly number[];
  notes: readonly string[];
  selfChecks: readonly CheckResult[];
  elapsedS: number;
  workers: number;
}

const HEADER = [
  'controller',
  'setting',
  'handle occ.',
  'talk occ.',
  'talk min/agent-h',
  'abandon % (pooled)',
  'worst day %',
  'pacing-only %',
  'connects/agent-h',
  'dials/agent-h',
  'idle p50/p90 s',
  'list pen. %',
  'peak lines',
  'peak CPS',
  'compliant',
];

export function renderReport(results: readonly VariantResult[], context: ReportContext): string {
  const out: string[] = [];
  out.push('# Pacing benchmark results', '');
  out.push(`Command: \`${context.command}\``, '');
  out.push(
    `Tuning seeds ${range(context.tuningSeeds)}, test seeds ${range(context.testSeeds)} (one 8 h shift each); ` +
      `${context.workers} worker thread${context.workers === 1 ? '' : 's'}, ${context.elapsedS.toFixed(0)} s.`,
    '',
  );
  out.push(
    'Abandon % is regulatory: people not connected within 2 s of their greeting plus AMD false positives, over all people who answered. ' +
      'Compliant: pooled ≤ 3 % and every day ≤ 3 %. Handle occupancy = (talk + wrap + time on machines that reached agents) / logged-in time.',
    '',
  );
  for (const note of context.notes) out.push(`- ${note}`);
  if (context.notes.length > 0) out.push('');
  out.push(...renderSelfChecks(context.selfChecks), '');
  return `${out.join('\n')}\n${renderResults(results)}`;
}

/** The per-variant tables and the gap-closed table. */
export function renderResults(results: readonly VariantResult[]): string {
  const out: string[] = [];
  for (const result of results) out.push(...renderVariant(result), '');
  const gaps = results.filter((result) => result.scenario.twinOptimumHandleOccupancy !== null);
  if (gaps.length > 0) out.push(...renderGapClosed(gaps), '');
  return `${out.join('\n')}\n`;
}

export function renderSelfChecks(checks: readonly CheckResult[]): string[] {
  return ['## Simulator self-checks', '', ...checks.map((check) => `- ${check.pass ? 'PASS' : 'FAIL'} ${check.name}: ${check.detail}`)];
}

function renderVariant(result: VariantResult): string[] {
  const { scenario } = result;
  const lines = [`## ${scenario.scenarioId}/${scenario.variantId}: ${scenario.agents} agents, ${scenario.label}`, ''];
  lines.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
  for (const row of result.rows) lines.push(`| ${rowCells(row).join(' | ')} |`);
  const tuned = Object.entries(result.tuning).map(
    ([kind, tuning]) =>
      `${kind} → ${describeParams(tuning.best)}${tuning.bestCompliant ? '' : ' (no grid point compliant; lowest worst day)'} of ${tuning.points.length} settings`,
  );
  if (tuned.length > 0) lines.push('', `Tuned on ${result.tunedOn}, tuning seeds: ${tuned.join('; ')}.`);
  return lines;
}

function rowCells(row: ResultRow): string[] {
  const p = row.pooled;
  return [
    row.label,
    row.setting,
    p.handleOccupancy.toFixed(3),
    p.talkOccupancy.toFixed(3),
    p.talkMinPerAgentHour.toFixed(1),
    pct(p.abandonRate),
    pct(p.worstDayAbandonRate),
    pct(p.pacingAbandonRate),
    p.connectsPerAgentHour.toFixed(1),
    p.dialsPerAgentHour.toFixed(1),
    `${p.idleP50S.toFixed(0)} / ${p.idleP90S.toFixed(0)}`,
    (100 * p.listPenetration).toFixed(1),
    String(p.peakLines),
    String(p.peakCps),
    p.compliant ? 'yes' : '**no**',
  ];
}

function renderGapClosed(results: readonly VariantResult[]): string[] {
  const lines = [
    '## Gap closed against the twin optimum (2 % pacing budget)',
    '',
    'gap closed = (occ − occ progressive) / (occ twin − occ progressive), handle occupancy on the test seeds; only compliant rows count.',
    '',
    '| scenario | twin optimum | progressive | controller | handle occ. | gap closed |',
    '|---|---:|---:|---|---:|---:|',
  ];
  for (const result of results) {
    const twin = result.scenario.twinOptimumHandleOccupancy!;
    const progressive = result.rows.find((row) => row.kind === 'progressive');
    if (progressive === undefined) continue;
    const base = progressive.pooled.handleOccupancy;
    for (const row of result.rows) {
      if (row === progressive) continue;
      const gap = (row.pooled.handleOccupancy - base) / (twin - base);
      const shown = row.pooled.compliant ? `${(100 * gap).toFixed(0)} %` : 'not compliant';
      lines.push(
        `| ${result.scenario.scenarioId}/${result.scenario.variantId} | ${twin.toFixed(3)} | ${base.toFixed(3)} | ${row.label} ${row.setting === '—' ? '' : row.setting} | ${row.pooled.handleOccupancy.toFixed(3)} | ${shown} |`,
      );
    }
  }
  return lines;
}

function pct(fraction: number): string {
  return (100 * fraction).toFixed(2);
}

function range(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const contiguous = seeds.every((seed, i) => i === 0 || seed === seeds[i - 1]! + 1);
  return contiguous ? `${seeds[0]}–${seeds[seeds.length - 1]}` : seeds.join(', ');
}
