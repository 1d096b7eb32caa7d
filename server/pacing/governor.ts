/**
 * The outer loop of predictive pacing: it watches the abandon rate and sets θ, the
 * marginal abandon risk the inner loop may accept for each call it launches, or sends
 * pacing back to progressive when the rules are in danger.
 *
 * Measured rate = (dialer-measured abandons + amdFalsePositiveEstimate × people) / people
 * (Ofcom: AMD false positives count, as a reasoned estimate, pacing.md §2.1). Two sources,
 * the worse one wins: the snapshot's ledger (rolling 24 h and 30 days, the dialer's
 * records, which may lag and may include other processes) and what this controller
 * observed itself in per-minute buckets over the last 24 h (no lag).
 *
 * Two loops set θ:
 * - the aim: the average model-predicted abandon risk per launched call, a_aim =
 *   a* × e^u × brake, with a* = abandonTarget − amdFalsePositiveEstimate the pacing
 *   budget and e^u within 1/8 … 32.
 *   - u is integral control in log space on what was measured: every person adds
 *     step × a*, every abandon subtracts step (step = 0.15), so u = step/a* × (a*·people −
 *     abandons), the abandon budget's slack; it settles where the measured pacing
 *     abandon rate equals a*, whatever the model's bias. Clamped (anti-windup), and it
 *     only grows while predictive pacing is active, so a fallback does not bank a burst;
 *   - brake = e^(−2 × excess) with excess = (24 h rate − target)/(ceiling − target) when
 *     the 24 h rate is above target: the ledger acts at once, whatever u says.
 * - θ = a_aim × g: the marginal risk that makes the launched calls' average predicted
 *   risk equal a_aim. The ratio g depends on the team (a few agents reach the marginal
 *   risk in one step, a hundred in many), so it is learned: each launched call moves
 *   log g by 0.01 × (a_aim − its risk)/a_aim (many launches an hour, model values
 *   without measurement noise, so it settles within minutes to an hour). g starts at 2
 *   and stays within 1 … 64 (the marginal risk is never below the average); θ within
 *   0.01 % … 50 %. A change of the aim (the brake, an abandon) moves θ at once.
 * Rates that drive a fallback use at least 100 people in the denominator, so a single
 * early abandon does not count as 50 %.
 *
 * Fallback to progressive (with hysteresis, and the reason in the decision):
 * - the 24 h rate passes target + ½ (ceiling − target) (2.5 % by default), until it is
 *   back under target + ¼ (ceiling − target);
 * - the 30-day projection passes the ceiling, until it is back under
 *   ceiling − ¼ (ceiling − target). Projection = (30-day abandons + what the next day adds
 *   if it repeats the last 24 h) / (30-day people + the last 24 h's people), both with the
 *   AMD estimate: the next day weighs in twice, the cautious reading of "what today is on
 *   course for";
 * - the AMD estimate alone uses the whole target (nothing left for pacing).
 *
 * @module
 */
import type { PacingObservation, PacingSettings, PacingSnapshot } from './types.ts';

/** Log change of the aim per abandon (× 0.86), and per person × a*, dimensionless. */
export const GOVERNOR_STEP = 0.15;
/**
 * e^u stays within 1/8 … 32: far up, because the model can be very pessimistic (with AMD
 * off the machines routed to agents count as people, and a person waits through the
 * greeting too, so measured abandons run far below predicted ones); not as far down, so
 * that recovering from a burst of abandons takes hours, not the rest of the day.
 */
export const AIM_RANGE_UP = 32;
export const AIM_RANGE_DOWN = 8;
/** The starting ratio g = θ / a_aim: the marginal risk is above the average one it produces. */
export const INITIAL_THETA_PER_AIM = 2;
/** Most θ / a_aim. */
export const MAX_THETA_PER_AIM = 64;
/** Log-g change per launched call, per unit of relative error (a_aim − risk)/a_aim. */
export const THETA_STEP = 0.01;
export const THETA_MIN = 0.0001;
export const THETA_MAX = 0.5;
/** Gain of the 24 h brake, per (ceiling − target) of excess. */
export const BRAKE_GAIN = 2;
/** Fewest people a fallback rate is divided by. */
export const MIN_PEOPLE_FOR_RATE = 100;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** The "recent" window reported to supervisors, minutes. */
const RECENT_MINUTES = 10;

export interface GovernorAssessment {
  /** Marginal abandon risk allowed per launched call's person, a fraction. */
  theta: number;
  /** The average predicted risk per launched call θ is steered to, a fraction. */
  aim: number;
  /** Set when pacing must be progressive: why, as a clause for the decision's reason. */
  fallback?: string;
  inputs: Record<string, number>;
}

type GovernorSettings = Pick<PacingSettings, 'abandonTarget' | 'abandonCeiling' | 'amdFalsePositiveEstimate'>;

export class AbandonGovernor {
  private readonly budget: number;
  private logGain = 0;
  private logThetaPerAim = Math.log(INITIAL_THETA_PER_AIM);
  /** The aim of the last assessment, which the launches that follow it are held to. */
  private aim: number;
  private predictiveActive = false;
  private dayFallback = false;
  private monthFallback = false;
  // Per-minute counts of what this controller observed, a ring over 24 h.
  private readonly minuteIds = new Float64Array(DAY_MINUTES).fill(Number.NEGATIVE_INFINITY);
  private readonly minutePeople = new Float64Array(DAY_MINUTES);
  private readonly minuteAbandons = new Float64Array(DAY_MINUTES);
  /**
   * The last {@link ownCounts} and the minute it was for: decisions come several times a
   * second, observations a few times a minute, and a sum is a scan of 1 440 minutes.
   */
  private countsCache: { minute: number; counts: Record<'own' | 'recent', { people: number; abandons: number }> } | null = null;

  constructor(private readonly settings: GovernorSettings) {
    this.budget = settings.abandonTarget - settings.amdFalsePositiveEstimate;
    this.aim = Math.max(0, this.budget);
  }

  /**
   * The predicted risks of the calls the last decision launched, when θ was what bound
   * it (no cap, no ramp): each moves θ towards the aim.
   */
  noteLaunches(risks: readonly number[]): void {
    if (this.aim <= 0) return;
    for (const risk of risks) this.logThetaPerAim += (THETA_STEP * (this.aim - risk)) / this.aim;
    this.logThetaPerAim = Math.min(Math.log(MAX_THETA_PER_AIM), Math.max(0, this.logThetaPerAim));
  }

  /** Whether the last decision paced predictively (the integral only grows then). */
  notePredictive(active: boolean): void {
    this.predictiveActive = active;
  }

  observe(observation: PacingObservation): void {
    if (observation.type === 'call-result' && observation.result === 'human') {
      this.bucket(observation.atMs, this.minutePeople);
      if (this.predictiveActive && this.budget > 0) this.integrate(GOVERNOR_STEP * this.budget);
    } else if (observation.type === 'abandoned') {
      this.bucket(observation.atMs, this.minuteAbandons);
      this.integrate(-GOVERNOR_STEP);
    }
  }

  assess(snapshot: PacingSnapshot): GovernorAssessment {
    const { abandonTarget: target, abandonCeiling: ceiling, amdFalsePositiveEstimate: fp } = this.settings;
    const { own, recent } = this.ownCounts(snapshot.nowMs);
    const { ledger } = snapshot;
    const rate = (abandons: number, people: number, floor = 0): number => {
      const denominator = Math.max(people, floor);
      return denominator > 0 ? (abandons + fp * people) / denominator : 0;
    };
    const measured24h = Math.max(rate(ledger.abandons24h, ledger.humans24h), rate(own.abandons, own.people));
    const guarded24h = Math.max(
      rate(ledger.abandons24h, ledger.humans24h, MIN_PEOPLE_FOR_RATE),
      rate(own.abandons, own.people, MIN_PEOPLE_FOR_RATE),
    );
    const people24h = Math.max(ledger.humans24h, own.people);
    const people30d = Math.max(ledger.humans30d, people24h);
    const abandons30d = Math.max(ledger.abandons30d, ledger.abandons24h, own.abandons);
    const monthDenominator = Math.max(people30d + people24h, MIN_PEOPLE_FOR_RATE);
    const projected30d = people30d + people24h > 0 ? (abandons30d + fp * people30d + guarded24h * people24h) / monthDenominator : 0;

    const span = ceiling - target;
    const excess = Math.max(0, (guarded24h - target) / Math.max(span, 1e-9));
    const brake = Math.exp(-BRAKE_GAIN * excess);
    this.aim = Math.max(0, this.budget) * Math.exp(this.logGain) * brake;
    const theta = Math.min(THETA_MAX, Math.max(THETA_MIN, this.aim * Math.exp(this.logThetaPerAim)));

    const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;
    const reasons: string[] = [];
    if (this.budget <= 0) {
      reasons.push(`the AMD false-positive estimate (${pct(fp)}) uses the whole abandon target (${pct(target)}), nothing is left for predictive pacing`);
    } else {
      this.updateFallback(guarded24h, projected30d);
      if (this.dayFallback) {
        reasons.push(`the 24 h abandon rate ${pct(guarded24h)} (with the ${pct(fp)} AMD estimate) is far above the ${pct(target)} target: progressive until it is under ${pct(target + span / 4)}`);
      }
      if (this.monthFallback) {
        reasons.push(`the 30-day abandon projection ${pct(projected30d)} would pass the ${pct(ceiling)} ceiling: progressive until it is under ${pct(ceiling - span / 4)}`);
      }
    }
    const fallback = reasons.length > 0 ? reasons.join('; ') : undefined;

    const inputs: Record<string, number> = {
      theta,
      aimedRisk: this.aim,
      thetaPerAim: Math.exp(this.logThetaPerAim),
      governorLogGain: this.logGain,
      brake,
      measuredAbandon24h: measured24h,
      guardedAbandon24h: guarded24h,
      measuredAbandonRecent: rate(recent.abandons, recent.people),
      projectedAbandon30d: projected30d,
      people24h,
      abandonsObserved24h: own.abandons,
      fallback: fallback === undefined ? 0 : 1,
    };
    const aim = this.aim;
    return fallback === undefined ? { theta, aim, inputs } : { theta, aim, fallback, inputs };
  }

  /** Each fallback starts past its threshold and ends only under a lower one (hysteresis). */
  private updateFallback(guarded24h: number, projected30d: number): void {
    const { abandonTarget: target, abandonCeiling: ceiling } = this.settings;
    const span = ceiling - target;
    this.dayFallback = this.dayFallback ? guarded24h > target + span / 4 : guarded24h > target + span / 2;
    this.monthFallback = this.monthFallback ? projected30d > ceiling - span / 4 : projected30d > ceiling;
  }

  private integrate(step: number): void {
    this.logGain = Math.min(Math.log(AIM_RANGE_UP), Math.max(-Math.log(AIM_RANGE_DOWN), this.logGain + step));
  }

  private bucket(atMs: number, counts: Float64Array): void {
    this.countsCache = null;
    const minute = Math.floor(atMs / MINUTE_MS);
    const index = ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
    if (this.minuteIds[index] !== minute) {
      this.minuteIds[index] = minute;
      this.minutePeople[index] = 0;
      this.minuteAbandons[index] = 0;
    }
    counts[index]! += 1;
  }

  /** People and abandons this controller observed in the last 24 h and the last 10 min (the current minute included). */
  private ownCounts(nowMs: number): Record<'own' | 'recent', { people: number; abandons: number }> {
    const nowMinute = Math.floor(nowMs / MINUTE_MS);
    if (this.countsCache !== null && this.countsCache.minute === nowMinute) return this.countsCache.counts;
    const own = { people: 0, abandons: 0 };
    const recent = { people: 0, abandons: 0 };
    for (let index = 0; index < DAY_MINUTES; index++) {
      const minute = this.minuteIds[index]!;
      if (minute <= nowMinute - DAY_MINUTES || minute > nowMinute) continue;
      own.people += this.minutePeople[index]!;
      own.abandons += this.minuteAbandons[index]!;
      if (minute > nowMinute - RECENT_MINUTES) {
        recent.people += this.minutePeople[index]!;
        recent.abandons += this.minuteAbandons[index]!;
      }
    }
    this.countsCache = { minute: nowMinute, counts: { own, recent } };
    return { own, recent };
  }
}
