/**
 * The controllers the benchmark runs, their parameters, defaults and tuning grids.
 *
 * `progressive`, `power` and `predictive` come from `createController()` in
 * `server/pacing/`: the same code the server runs, with the operator's settings of
 * pacing.md §6.2 (aim 2 %, ceiling 3 %, the scenario's nominal AMD false-positive rate
 * as the "reasoned estimate", the scenario's line cap). `ratio` and `vicidial` are the
 * baselines in `baselines/`.
 *
 * @module
 */
import { createController, type PacingController, type PacingSettings } from '../../server/pacing/index.ts';
import { FixedRatioController } from './baselines/fixed-ratio.ts';
import { VICIDIAL_DEFAULTS, VICIDIAL_TIMING, VicidialAdaptController } from './baselines/vicidial-adapt.ts';
import type { ShiftScenario } from './scenario.ts';

export const CONTROLLER_KINDS = ['progressive', 'predictive', 'power', 'ratio', 'vicidial'] as const;
export type ControllerKind = (typeof CONTROLLER_KINDS)[number];

export type ControllerParams =
  | { kind: 'progressive' }
  /** The operator's abandon target (the governor's aim, under the 3 % ceiling). */
  | { kind: 'predictive'; abandonTarget: number }
  /** Lines kept ringing per free agent. */
  | { kind: 'power'; linesPerAgent: number }
  /** VICIdial RATIO `auto_dial_level`. */
  | { kind: 'ratio'; level: number }
  /** VICIdial ADAPT_HARD_LIMIT knobs (the drop limit stays at its default 3 %). */
  | { kind: 'vicidial'; dlDiffTarget: number; maximumLevel: number; intensity: number };

/** The grid-tuned kinds. */
export const TUNED_KINDS = ['predictive', 'power', 'ratio', 'vicidial'] as const satisfies readonly ControllerKind[];

/** The operator's default abandon target (pacing.md §6.2: aim 2 %, ceiling 3 %). */
export const DEFAULT_ABANDON_TARGET = 0.02;

/** The operator's pacing settings for `scenario`. */
export function pacingSettings(
  scenario: ShiftScenario,
  mode: PacingSettings['mode'],
  linesPerAgent = 1,
  abandonTarget = DEFAULT_ABANDON_TARGET,
): PacingSettings {
  const { amd } = scenario.profile;
  return {
    mode,
    linesPerAgent,
    abandonTarget,
    abandonCeiling: 0.03,
    amdFalsePositiveEstimate: amd.enabled ? amd.falsePositive : 0,
    maxLines: scenario.maxLines,
  };
}

export function buildController(params: ControllerParams, scenario: ShiftScenario): PacingController {
  switch (params.kind) {
    case 'progressive':
      return createController(pacingSettings(scenario, params.kind));
    case 'predictive':
      return createController(pacingSettings(scenario, params.kind, 1, params.abandonTarget));
    case 'power':
      return createController(pacingSettings(scenario, 'power', params.linesPerAgent));
    case 'ratio':
      return new FixedRatioController({ level: params.level, dialIntervalMs: VICIDIAL_TIMING.dialMs, maxLines: scenario.maxLines });
    case 'vicidial':
      return new VicidialAdaptController({ ...params, droppedPercentage: VICIDIAL_DEFAULTS.droppedPercentage, maxLines: scenario.maxLines });
  }
}

/**
 * Why `kind` cannot run yet (`createController` throws, e.g. "not built yet"), or null.
 * Probed once with `scenario`'s settings.
 */
export function unavailableReason(kind: ControllerKind, scenario: ShiftScenario): string | null {
  try {
    buildController(kind === 'power' ? { kind, linesPerAgent: 2 } : defaultParams(kind) ?? ({ kind } as ControllerParams), scenario);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Out-of-the-box settings. VICIdial: dl_diff 0, intensity 0, max 3.0 (schema defaults).
 * RATIO: the schema's `auto_dial_level` default is 0 (manual dialling), so the default
 * here is 1.0, the lowest level that dials at all.
 */
export function defaultParams(kind: ControllerKind): ControllerParams | null {
  switch (kind) {
    case 'ratio':
      return { kind, level: 1 };
    case 'vicidial':
      return { kind, dlDiffTarget: VICIDIAL_DEFAULTS.dlDiffTarget, maximumLevel: VICIDIAL_DEFAULTS.maximumLevel, intensity: VICIDIAL_DEFAULTS.intensity };
    case 'progressive':
      return { kind };
    case 'predictive':
      return { kind, abandonTarget: DEFAULT_ABANDON_TARGET };
    case 'power':
      return null;
  }
}

/**
 * The tuning grid (pacing.md §6.2): predictive's abandon target ∈ {2, 2.25, 2.5, 2.75} %
 * (the baselines' fairness, §3.3; the ceiling stays 3 %); power k ∈ {1, 1.25, …, 6}; ratio L ∈ {1, 1.05, …, 1.6};
 * VICIdial dl_diff ∈ {0, −5 %, …, −30 %} of the team × max ∈ {2, 3} × intensity ∈ {−20, 0, 20}.
 * `quick` uses a coarser grid.
 */
export function tuningGrid(kind: (typeof TUNED_KINDS)[number], agents: number, quick: boolean): ControllerParams[] {
  switch (kind) {
    case 'predictive':
      return (quick ? [0.02, 0.025] : [0.02, 0.0225, 0.025, 0.0275]).map((abandonTarget) => ({ kind, abandonTarget }));
    case 'power':
      return steps(1, 6, quick ? 0.5 : 0.25).map((linesPerAgent) => ({ kind, linesPerAgent }));
    case 'ratio':
      return steps(1, 1.6, quick ? 0.1 : 0.05).map((level) => ({ kind, level }));
    case 'vicidial': {
      const shares = quick ? [0, 0.1, 0.2, 0.3] : [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
      const intensities = quick ? [0] : [-20, 0, 20];
      return shares.flatMap((share) =>
        [2, 3].flatMap((maximumLevel) =>
          intensities.map((intensity) => ({ kind, dlDiffTarget: share === 0 ? 0 : -round2(share * agents), maximumLevel, intensity })),
        ),
      );
    }
  }
}

/** A short label: `target 2.50 %`, `k 2.50`, `L 1.15`, `dl −5 max 2 I 0`. */
export function describeParams(params: ControllerParams): string {
  switch (params.kind) {
    case 'progressive':
      return '—';
    case 'predictive':
      return `target ${(100 * params.abandonTarget).toFixed(2)} %`;
    case 'power':
      return `k ${params.linesPerAgent.toFixed(2)}`;
    case 'ratio':
      return `L ${params.level.toFixed(2)}`;
    case 'vicidial':
      return `dl ${params.dlDiffTarget} max ${params.maximumLevel} I ${params.intensity}`;
  }
}

/** A stable key for caching results of the same setting. */
export function paramsKey(params: ControllerParams): string {
  return JSON.stringify(params);
}

function steps(from: number, to: number, step: number): number[] {
  const count = Math.round((to - from) / step);
  return Array.from({ length: count + 1 }, (_, i) => round2(from + i * step));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
