import { describe, expect, it } from 'vitest';
import { selectBest, tuneVariants, tuningScenarioOf, type TuningPoint } from '../../../bench/pacing/benchmark.ts';
import { defaultParams, describeParams, TUNED_KINDS, tuningGrid, type ControllerKind } from '../../../bench/pacing/controllers.ts';
import type { PooledMetrics } from '../../../bench/pacing/metrics.ts';
import type { ShiftScenario } from '../../../bench/pacing/scenario.ts';
import { benchScenarios } from './fixtures.ts';

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

  it('tunes predictive on the operator abandon target, 2 % by default', () => {
    expect(TUNED_KINDS).toContain('predictive');
    expect(tuningGrid('predictive', 25, false)).toEqual([0.02, 0.0225, 0.025, 0.0275].map((abandonTarget) => ({ kind: 'predictive', abandonTarget })));
    expect(defaultParams('predictive')).toEqual({ kind: 'predictive', abandonTarget: 0.02 });
    expect(describeParams({ kind: 'predictive', abandonTarget: 0.025 })).toBe('target 2.50 %');
  });
});

describe('tuneOn', () => {
  // Every grid point's tuning metrics, keyed by variant: on V0 the busiest compliant
  // setting is the highest one; on V3 (a shock day) only the lowest would be compliant.
  const pointsOf = (scenario: ShiftScenario, kind: ControllerKind): TuningPoint[] => {
    if (kind !== 'ratio') return [];
    const shock = scenario.variantId === 'V3';
    return [1, 1.1, 1.2].map((level) => {
      const abandon = shock ? 0.01 + (level - 1) * 0.3 : 0.01 + (level - 1) * 0.1;
      return point(level, 0.7 + level / 10, abandon, abandon);
    });
  };

  it('gives a variant with tuneOn the setting tuned on the other variant, and says so', () => {
    const all = benchScenarios();
    const v0 = all.find((s) => s.scenarioId === 'S25' && s.variantId === 'V0')!;
    const v3 = all.find((s) => s.scenarioId === 'S25' && s.variantId === 'V3')!;
    expect(v3.tuneOnVariantId).toBe('V0');
    expect(tuningScenarioOf(v3, all)).toBe(v0);
    const [onV0, onShock] = tuneVariants([v0, v3], new Map([[v3, v0]]), ['progressive', 'ratio'], pointsOf);
    expect(onV0).toMatchObject({ tunedOn: 'S25/V0', tuning: { ratio: { best: { kind: 'ratio', level: 1.2 } } } });
    expect(onShock).toMatchObject({ tunedOn: 'S25/V0', tuning: { ratio: { best: { kind: 'ratio', level: 1.2 } } } });
    expect(onShock!.frontier).toEqual(onV0!.frontier);
    // Tuned on itself, the shock day would have chosen the lowest level.
    const [self] = tuneVariants([v3], new Map(), ['ratio'], pointsOf);
    expect(self).toMatchObject({ tunedOn: 'S25/V3', tuning: { ratio: { best: { level: 1 } } } });
  });

  it('keeps every other variant tuned on itself', () => {
    const all = benchScenarios();
    const tunedElsewhere = all.filter((s) => tuningScenarioOf(s, all) !== s);
    expect(tunedElsewhere.map((s) => `${s.scenarioId}/${s.variantId}`)).toEqual(['S5/V2', 'S5/V3', 'S25/V2', 'S25/V3', 'S100/V2', 'S100/V3']);
  });
});
