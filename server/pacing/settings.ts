/**
 * A campaign's pacing settings: the defaults and the zod schema the campaign API reuses.
 *
 * - `pacingSettingsFields`: one zod schema per field, no defaults, for a PATCH
 *   (`z.object(pacingSettingsFields).partial()`); check the merged result with
 *   {@link pacingSettingsProblems}, since a patch alone cannot see both target and ceiling;
 * - `pacingSettingsSchema`: a complete settings object, missing fields taken from
 *   {@link DEFAULT_PACING_SETTINGS}, and target ≤ ceiling checked.
 *
 * Bounds: the ceiling may not exceed 3 % (US 47 CFR 64.1200 over 30 days, Ofcom over
 * 24 h; pacing.md §2.1); the AMD false-positive estimate up to 3 % (a detector worse than
 * that uses the whole allowance, §2.2); up to 1 000 lines per campaign.
 *
 * @module
 */
import { z } from 'zod';
import { MAX_LINES_PER_AGENT, MIN_LINES_PER_AGENT } from './power.ts';
import { PACING_MODES, type PacingSettings } from './types.ts';

/** The regulatory ceiling on abandons, a fraction of live answers (US and UK). */
export const MAX_ABANDON_CEILING = 0.03;

export const DEFAULT_PACING_SETTINGS: Readonly<PacingSettings> = Object.freeze({
  mode: 'progressive',
  linesPerAgent: 2,
  abandonTarget: 0.02,
  abandonCeiling: MAX_ABANDON_CEILING,
  amdFalsePositiveEstimate: 0.01,
  maxLines: 100,
});

export const pacingSettingsFields = {
  mode: z.enum(PACING_MODES),
  linesPerAgent: z.number().min(MIN_LINES_PER_AGENT).max(MAX_LINES_PER_AGENT),
  abandonTarget: z.number().min(0.001).max(MAX_ABANDON_CEILING),
  abandonCeiling: z.number().gt(0).max(MAX_ABANDON_CEILING, `must be at most ${MAX_ABANDON_CEILING} (3 %, the legal ceiling)`),
  amdFalsePositiveEstimate: z.number().min(0).max(0.03),
  maxLines: z.number().int().min(1).max(1000),
};

export const pacingSettingsSchema = z
  .object({
    mode: pacingSettingsFields.mode.default(DEFAULT_PACING_SETTINGS.mode),
    linesPerAgent: pacingSettingsFields.linesPerAgent.default(DEFAULT_PACING_SETTINGS.linesPerAgent),
    abandonTarget: pacingSettingsFields.abandonTarget.default(DEFAULT_PACING_SETTINGS.abandonTarget),
    abandonCeiling: pacingSettingsFields.abandonCeiling.default(DEFAULT_PACING_SETTINGS.abandonCeiling),
    amdFalsePositiveEstimate: pacingSettingsFields.amdFalsePositiveEstimate.default(DEFAULT_PACING_SETTINGS.amdFalsePositiveEstimate),
    maxLines: pacingSettingsFields.maxLines.default(DEFAULT_PACING_SETTINGS.maxLines),
  })
  .strict()
  .superRefine((settings, context) => {
    for (const problem of pacingSettingsProblems(settings)) context.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

/** Cross-field problems of complete settings (empty when acceptable). */
export function pacingSettingsProblems(settings: PacingSettings): Array<{ field: keyof PacingSettings; message: string }> {
  const problems: Array<{ field: keyof PacingSettings; message: string }> = [];
  if (settings.abandonTarget > settings.abandonCeiling) {
    problems.push({ field: 'abandonTarget', message: `must not exceed abandonCeiling (${settings.abandonCeiling})` });
  }
  return problems;
}
