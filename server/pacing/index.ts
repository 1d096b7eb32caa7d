/**
 * The pacing controllers, one module per mode, behind one factory:
 * - `progressive`: one line per free agent (`progressive.ts`);
 * - `power`: k lines per free agent (`power.ts`);
 * - `predictive`: age- and release-aware risk budget with an abandon governor
 *   (`predictive.ts`, `estimators.ts`, `governor.ts`).
 * Plus the defaults and zod schema of a campaign's pacing settings (`settings.ts`) and a
 * decision in words for supervisors (`explain.ts`).
 *
 * @module
 */
import { DialerError } from '../errors.ts';
import { PowerController } from './power.ts';
import { PredictiveController } from './predictive.ts';
import { ProgressiveController } from './progressive.ts';
import { PACING_MODES, type PacingController, type PacingSettings } from './types.ts';

export type * from './types.ts';
export { PACING_MODES } from './types.ts';
export { explainDecision, type DecisionExplanation } from './explain.ts';
export { DEFAULT_PACING_SETTINGS, MAX_ABANDON_CEILING, pacingSettingsFields, pacingSettingsProblems, pacingSettingsSchema } from './settings.ts';
export { PowerController } from './power.ts';
export { PredictiveController } from './predictive.ts';
export { ProgressiveController } from './progressive.ts';

/** A fresh controller for `settings.mode` (each campaign, each simulated shift, gets its own). */
export function createController(settings: PacingSettings): PacingController {
  switch (settings.mode) {
    case 'progressive':
      return new ProgressiveController(settings);
    case 'power':
      return new PowerController(settings);
    case 'predictive':
      return new PredictiveController(settings);
    default:
      throw new DialerError('validation_failed', {
        message: `Unknown pacing mode ${String((settings as { mode: unknown }).mode)}; expected one of ${PACING_MODES.join(', ')}.`,
        details: { fields: [{ field: 'mode', message: `must be one of ${PACING_MODES.join(', ')}` }] },
      });
  }
}
