import { describe, expect, it } from 'vitest';
import { selectBest, type TuningPoint } from '../../../bench/pacing/benchmark.ts';
import { tuningGrid } from '../../../bench/pacing/controllers.ts';
import type { PooledMetrics } from '../../../bench/pacing/metrics.ts';

function point(level: number, handleOccupancy: number, abandonRate: number, worstDayAbandonRate: number): TuningPoint {
  const pooled = { handleOccupancy, abandonRate, worstDayAbandonRate, compliant: abandonRate <= 0.03 && worstDayAbandonRate <= 0.03 } as PooledMetrics;
  return { params: { kind: 'ratio', level }, pooled };
}

describe('tuning', () => {
  it('picks the busiest setting that is compliant pooled and on every tuning day', () => {
    const result = selectBest([point(1, 0.7, 0.01, 0.012), point(1.1, 0.78, 0.018, 0.025), point(1.2, 0.84, 0.028, 0.033), point(1.3, 0.88, 0.04, 0.05)]);
    expect(result).toMatchObject({ best: { kind: 'ratio', level: 1.1 }, bestCompliant: true });
  });

  it('falls back to the lowest worst day when nothing is compliant, and says so', () => {
    const result = selectBest([point(1, 0.7, 0.031, 0.036), point(1.1, 0.78, 0.035, 0.034), point(1.2, 0.84, 0.05, 0.06)]);
    expect(result).toMatchObject({ best: { kind: 'ratio', level: 1.1 }, bestCompliant: false });
  });

  it('uses the grids of pacing.md §6.2', () => {
    expect(tuningGrid('power', 25, false).map((p) => (p.kind === 'power' ? p.linesPerAgent : 0))).toEqual(
      Array.from({ length: 21 }, (_, i) => 1 + i * 0.25),
    );
    expect(tuningGrid('ratio', 25, false)).toHaveLength(13);
    const vicidial = tuningGrid('vicidial', 100, false);
    expect(vicidial).toHaveLength(7 * 2 * 3);
    expect(new Set(vicidial.map((p) => (p.kind === 'vicidial' ? p.dlDiffTarget : NaN)))).toEqual(new Set([0, -5, -10, -15, -20, -25, -30]));
  });
});
