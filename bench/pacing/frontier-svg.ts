/**
 * The frontier plot of one scenario + variant as a standalone SVG: handle occupancy
 * against pooled abandon %, one point per controller setting on the tuning seeds
 * (grids joined in parameter order), the 3 % limit and, where known, the twin optimum.
 * Hand-written SVG, no plotting dependency.
 *
 * @module
 */
import type { VariantResult } from './benchmark.ts';
import { describeParams, type ControllerKind } from './controllers.ts';

const WIDTH = 760;
const HEIGHT = 480;
const MARGIN = { left: 64, right: 190, top: 40, bottom: 52 };
const COLOURS: Record<ControllerKind, string> = {
  progressive: '#222222',
  predictive: '#d62728',
  power: '#1f77b4',
  ratio: '#2ca02c',
  vicidial: '#ff7f0e',
};

export function frontierSvg(result: VariantResult): string {
  const { scenario, frontier } = result;
  const xs = frontier.map((p) => 100 * p.pooled.abandonRate);
  const ys = frontier.map((p) => p.pooled.handleOccupancy);
  const twin = scenario.twinOptimumHandleOccupancy;
  // Points past 12 % sit on the right edge: the region of interest is around the 3 % limit.
  const xMax = niceCeil(Math.min(12, Math.max(6, ...xs.filter(Number.isFinite))));
  const yLow = Math.floor(20 * Math.min(0.65, ...ys)) / 20;
  const yHigh = Math.min(1, Math.ceil(20 * Math.max(twin ?? 0, ...ys)) / 20 + 0.05);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => MARGIN.left + (Math.min(value, xMax) / xMax) * plotW;
  const y = (value: number) => MARGIN.top + (1 - (value - yLow) / (yHigh - yLow)) * plotH;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  parts.push(
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escape(`${scenario.scenarioId}/${scenario.variantId} (${scenario.agents} agents, ${scenario.label}): tuning seeds of ${result.tunedOn}`)}</text>`,
  );
  for (let tick = 0; tick <= xMax; tick += xMax > 10 ? 2 : 1) {
    parts.push(`<line x1="${x(tick)}" y1="${MARGIN.top}" x2="${x(tick)}" y2="${MARGIN.top + plotH}" stroke="#eeeeee"/>`);
    const clipped = tick === xMax && xs.some((value) => value > xMax);
    parts.push(`<text x="${x(tick)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${clipped ? `≥ ${tick}` : tick}</text>`);
  }
  for (let tick = yLow; tick <= yHigh + 1e-9; tick += 0.05) {
    parts.push(`<line x1="${MARGIN.left}" y1="${y(tick)}" x2="${MARGIN.left + plotW}" y2="${y(tick)}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick.toFixed(2)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888888"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">pooled abandon % (regulatory)</text>`);
  parts.push(`<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">handle occupancy</text>`);
  parts.push(`<line x1="${x(3)}" y1="${MARGIN.top}" x2="${x(3)}" y2="${MARGIN.top + plotH}" stroke="#aa0000" stroke-dasharray="5 4"/>`);
  parts.push(`<text x="${x(3) + 4}" y="${MARGIN.top + 14}" fill="#aa0000">3 % limit</text>`);
  if (twin !== null) {
    parts.push(`<line x1="${MARGIN.left}" y1="${y(twin)}" x2="${MARGIN.left + plotW}" y2="${y(twin)}" stroke="#7f7f7f" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${MARGIN.left + 4}" y="${y(twin) - 4}" fill="#555555">twin optimum at 2 % pacing: ${twin.toFixed(3)}</text>`);
  }

  const kinds = [...new Set(frontier.map((p) => p.kind))];
  for (const kind of kinds) {
    const points = frontier.filter((p) => p.kind === kind);
    const colour = COLOURS[kind];
    if (kind === 'power' || kind === 'ratio') {
      const path = points.map((p) => `${x(100 * p.pooled.abandonRate).toFixed(1)},${y(p.pooled.handleOccupancy).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    }
    for (const p of points) {
      const radius = kind === 'progressive' || kind === 'predictive' ? 6 : 3.5;
      const label = `${kind} ${describeParams(p.params)}: occ ${p.pooled.handleOccupancy.toFixed(3)}, abandon ${(100 * p.pooled.abandonRate).toFixed(2)} %`;
      parts.push(
        `<circle cx="${x(100 * p.pooled.abandonRate).toFixed(1)}" cy="${y(p.pooled.handleOccupancy).toFixed(1)}" r="${radius}" fill="${colour}" fill-opacity="${p.pooled.compliant ? 0.9 : 0.35}"><title>${escape(label)}</title></circle>`,
      );
    }
  }
  kinds.forEach((kind, index) => {
    const ly = MARGIN.top + 10 + index * 20;
    parts.push(`<circle cx="${WIDTH - MARGIN.right + 20}" cy="${ly}" r="5" fill="${COLOURS[kind]}"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 32}" y="${ly + 4}">${escape(kind)}</text>`);
  });
  parts.push(`<text x="${WIDTH - MARGIN.right + 14}" y="${MARGIN.top + 10 + kinds.length * 20 + 10}" fill="#555555">faded: not compliant</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceCeil(value: number): number {
  return Math.ceil(value / 2) * 2;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
