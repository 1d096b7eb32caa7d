/**
 * Everything predictive pacing learns online, fed by `observe()`:
 * - {@link DialOutcomeEstimator} (`dial-outcomes.ts`): the age-conditional chance that a
 *   ringing or AMD-pending call becomes a person, and when a fresh dial's person arrives;
 *   window: the last 30 min of dial results, at least 300, at most 3 000;
 * - {@link AgentReleaseEstimator} (`agent-release.ts`): the chance that a busy or
 *   wrap-up agent is free within a horizon, from elapsed talk or wrap time;
 *   window: the last 60 min of releases, at least 100, at most 500.
 * Both are sliding windows so a drift (hit rate by hour, a new script) is followed; the
 * modules say why each size.
 *
 * @module
 */
import { AgentReleaseEstimator } from './agent-release.ts';
import { DialOutcomeEstimator } from './dial-outcomes.ts';
import type { PacingObservation } from './types.ts';

export { AgentReleaseEstimator, RELEASE_PRIOR_WEIGHT, RELEASE_WINDOW } from './agent-release.ts';
export {
  AGE_BIN_MS,
  CONDITIONAL_PRIOR_WEIGHT,
  DIAL_WINDOW,
  DialOutcomeEstimator,
  MIN_DIAL_RESULTS,
  MIN_HUMAN_RESULTS,
  PRIOR_PERSON_SHARE,
  PRIOR_WEIGHT,
} from './dial-outcomes.ts';

/** Both estimators behind one `observe`. */
export class PacingEstimators {
  readonly outcomes = new DialOutcomeEstimator();
  readonly releases = new AgentReleaseEstimator();

  observe(observation: PacingObservation): void {
    this.outcomes.observe(observation);
    this.releases.observe(observation);
  }
}
