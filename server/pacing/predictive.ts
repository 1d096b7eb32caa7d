/**
 * Predictive pacing: launch calls while the person of the next call would, with a chance
 * of at most θ, find no agent (pacing.md §1.4 "model-based predictive"; §4.2: the best
 * policy is a state-dependent target for calls in flight).
 *
 * At each decision, with F free agents and B busy or wrap-up agents:
 *   Z = Σ over calls in flight of Bernoulli(p_i) + Σ over busy/wrap agents of Bernoulli(1 − r_j)
 * - p_i = P(person | phase, age): 1 for a person waiting; the AMD-pending chance given
 *   answer age and time pending; the ringing chance given age (`dial-outcomes.ts`);
 * - r_j = P(agent j is free before a fresh call's person arrives | elapsed talk or
 *   wrap-up time), averaged over five quantiles (10–90 %) of the launch → person time.
 *   No credit is taken for the moment a person may wait after the human verdict (under
 *   a second of the 2 s rule once AMD and the bridge have run; UK summaries speak of
 *   1 s, pacing.md §2.1): the safe reading is that the agent must already be free.
 * Z counts what competes with a new call's person for the F + B agents: people already
 * on their way, and agents who will still be busy. The n-th call of this decision is
 * launched while P(Z + X ≥ F + B) ≤ θ, X the people of the n − 1 calls launched before it
 * (each with the fresh-call chance), computed exactly by truncated Poisson-binomials
 * (`next-call-risk.ts`).
 * θ comes from the governor (`governor.ts`), which also decides a fallback to progressive.
 *
 * Starts conservatively: progressive until the window holds 100 dial results with 20
 * people (`MIN_DIAL_RESULTS`), then a ramp: only a share of the launches above progressive
 * is allowed, growing linearly from 0 at 100 results to all at 400 (a few minutes for 25
 * agents, about an hour for 5). A shift that logs in at once therefore dials progressive
 * first. Predictive never launches fewer than progressive would: with fewer calls in
 * flight than free agents no person can miss an agent.
 *
 * @module
 */
import { MIN_DIAL_RESULTS } from './dial-outcomes.ts';
import { PacingEstimators } from './estimators.ts';
import { AbandonGovernor } from './governor.ts';
import { capLaunch, countAgents } from './limits.ts';
import { NextCallRisk } from './next-call-risk.ts';
import { decideProgressive } from './progressive.ts';
import type { PacingController, PacingDecision, PacingObservation, PacingSettings, PacingSnapshot } from './types.ts';

/** Dial results observed (ever, not in the window) at which the ramp reaches full predictive pacing. */
export const FULL_RAMP_RESULTS = 400;
/** Where a fresh call's person may arrive: these quantiles of launch → person time. */
export const ARRIVAL_QUANTILES = [0.1, 0.3, 0.5, 0.7, 0.9] as const;
/** Dial results between two updates of the arrival quantiles. */
export const HORIZON_REFRESH_RESULTS = 100;
/** Most calls one decision considers when no cap binds: a guard against a hit rate near 0. */
const MAX_LAUNCH_PER_DECISION = 10_000;

export type PredictiveSettings = Pick<PacingSettings, 'maxLines' | 'abandonTarget' | 'abandonCeiling' | 'amdFalsePositiveEstimate'>;

export class PredictiveController implements PacingController {
  readonly mode = 'predictive' as const;
  readonly estimators = new PacingEstimators();
  readonly governor: AbandonGovernor;
  private horizonsMs: readonly number[] = [];
  private horizonsAtResults = 0;

  constructor(private readonly settings: PredictiveSettings) {
    this.governor = new AbandonGovernor(settings);
  }

  observe(observation: PacingObservation): void {
    this.estimators.observe(observation);
    this.governor.observe(observation);
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    const assessment = this.governor.assess(snapshot);
    const { outcomes } = this.estimators;
    const learning = { dialResults: outcomes.results, releaseSamples: this.estimators.releases.samples };
    if (assessment.fallback !== undefined) {
      this.governor.notePredictive(false);
      return withInputs(decideProgressive(snapshot, this.settings, `Governor: ${assessment.fallback}`), { ...assessment.inputs, ...learning });
    }
    if (!outcomes.ready) {
      this.governor.notePredictive(false);
      const why = `Learning: ${outcomes.results} of ${MIN_DIAL_RESULTS} dial results seen, progressive until then`;
      return withInputs(decideProgressive(snapshot, this.settings, why), { ...assessment.inputs, ...learning });
    }
    this.governor.notePredictive(true);
    return this.decidePredictive(snapshot, assessment.theta, { ...assessment.inputs, ...learning });
  }

  /**
   * The arrival quantiles, recomputed every {@link HORIZON_REFRESH_RESULTS} dial results:
   * they move slowly, and a stable set lets the release estimator keep its table.
   */
  private arrivalHorizonsMs(): readonly number[] {
    const { outcomes } = this.estimators;
    if (this.horizonsMs.length === 0 || outcomes.totalResults - this.horizonsAtResults >= HORIZON_REFRESH_RESULTS) {
      this.horizonsMs = outcomes.personArrivalQuantilesMs(ARRIVAL_QUANTILES);
      this.horizonsAtResults = outcomes.totalResults;
    }
    return this.horizonsMs;
  }

  private decidePredictive(snapshot: PacingSnapshot, theta: number, context: Record<string, number>): PacingDecision {
    const { outcomes, releases } = this.estimators;
    const now = snapshot.nowMs;
    const agents = countAgents(snapshot);
    const free = agents.free;
    const engaged = agents.busy + agents.wrap;
    const inFlight = snapshot.calls.length;
    const horizonsMs = this.arrivalHorizonsMs();

    const personChances: number[] = [];
    let expectedPeople = 0;
    const phases = { ringing: 0, answered: 0, waiting: 0 };
    for (const call of snapshot.calls) {
      phases[call.phase] += 1;
      const chance =
        call.phase === 'waiting'
          ? 1
          : call.phase === 'answered'
            ? outcomes.personChanceAnswered(call.phaseSinceMs - call.launchedAtMs, now - call.phaseSinceMs)
            : outcomes.personChanceRinging(now - call.launchedAtMs);
      expectedPeople += chance;
      personChances.push(chance);
    }
    const releaseChances: number[] = [];
    let expectedReleases = 0;
    for (const agent of snapshot.agents) {
      if (agent.phase !== 'busy' && agent.phase !== 'wrap') continue;
      const release =
        agent.phase === 'busy'
          ? releases.busyReleaseWithin(now - (agent.handleStartedMs ?? agent.phaseSinceMs), horizonsMs)
          : releases.wrapReleaseWithin(now - agent.phaseSinceMs, horizonsMs);
      expectedReleases += release;
      releaseChances.push(release);
    }
    const nextCall = new NextCallRisk(free, personChances, releaseChances);

    const fresh = outcomes.freshPersonChance();
    const progressive = Math.max(0, free - inFlight);
    const capacity = Math.min(MAX_LAUNCH_PER_DECISION, capLaunch(MAX_LAUNCH_PER_DECISION, snapshot, this.settings).launch);
    // The n-th entry: the risk of the n-th call's person. The loop stops one past the
    // caps: further calls could not be placed anyway.
    const launchRisks: number[] = [];
    let nextRisk = nextCall.risk();
    while (launchRisks.length <= capacity && nextRisk <= theta) {
      launchRisks.push(nextRisk);
      nextCall.addLaunch(fresh);
      nextRisk = nextCall.risk();
    }
    const wanted = launchRisks.length;
    const ramp = Math.min(1, Math.max(0, (outcomes.totalResults - MIN_DIAL_RESULTS) / (FULL_RAMP_RESULTS - MIN_DIAL_RESULTS)));
    const ramped = wanted <= progressive ? progressive : progressive + Math.floor(ramp * (wanted - progressive));
    const { launch, cappedBy } = capLaunch(ramped, snapshot, this.settings);
    // θ learns only from decisions it bound: not while ramping up, nor when a cap did.
    if (ramp >= 1 && cappedBy === undefined) this.governor.noteLaunches(launchRisks.slice(0, launch));

    const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;
    // The risk of the last call launched, or of the first one the model refused.
    const lastRisk = launch > 0 ? (launchRisks[launch - 1] ?? 0) : undefined;
    const parts = [
      `${free} free agent${free === 1 ? '' : 's'}, ${engaged} busy or in wrap-up (${expectedReleases.toFixed(1)} expected free in time)`,
      `${inFlight} call${inFlight === 1 ? '' : 's'} in flight, ${expectedPeople.toFixed(1)} people expected`,
      lastRisk !== undefined
        ? `risk ${pct(lastRisk)} ≤ ${pct(theta)}: launched ${launch}`
        : wanted === 0
          ? `risk of one more ${pct(nextRisk)} > ${pct(theta)}: launched 0`
          : `risk ${pct(launchRisks[0]!)} ≤ ${pct(theta)}: launched 0`,
    ];
    if (ramp < 1) parts.push(`ramping up (${Math.round(ramp * 100)} % of the extra lines)`);
    if (cappedBy) parts.push(`capped by ${cappedBy}`);
    return {
      launch,
      target: inFlight + ramped,
      mode: 'predictive',
      reason: `${parts.join('; ')}.`,
      inputs: {
        freeAgents: free,
        busyAgents: agents.busy,
        wrapAgents: agents.wrap,
        pausedAgents: agents.paused,
        inFlight,
        ringing: phases.ringing,
        answered: phases.answered,
        waiting: phases.waiting,
        expectedPeople,
        expectedReleases,
        freshPersonChance: fresh,
        arrivalMedianS: (horizonsMs[2] ?? 0) / 1000,
        riskLast: lastRisk ?? 0,
        riskNext: launchRisks[launch] ?? nextRisk,
        wanted,
        progressive,
        ramp,
        launched: launch,
        ...context,
      },
    };
  }
}

function withInputs(decision: PacingDecision, extra: Record<string, number>): PacingDecision {
  return { ...decision, inputs: { ...decision.inputs, ...extra } };
}
