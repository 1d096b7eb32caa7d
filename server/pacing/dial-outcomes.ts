/**
 * What predictive pacing learns from finished dials (`call-result` observations):
 *
 * - the age-conditional chance that a call still ringing at age a becomes a person who
 *   needs an agent, P(person | ringing at a). Humans answer early (median ~8 s) while
 *   machines pick up late (~22 s) and unanswered calls run to the timeout (30 s), so an
 *   old ringing call is worth far less than a young one (pacing.md §6.2: ignoring this
 *   made the twin's table over-dial at 100 agents);
 * - for an answered call whose AMD verdict is pending, the chance the verdict is human,
 *   given the age at which it was answered and how long the verdict has been pending
 *   (a human's verdict comes ~0.8 s after a short greeting, a machine's after 2–5 s);
 * - the time from launch to a human result, i.e. when the people from a fresh dial need
 *   an agent (its quantiles set the horizon for agent releases).
 *
 * Survival-style estimate: among the finished dials in the window whose ringing phase
 * lasted at least a (ring exit = answer time, or the result time when unanswered), the
 * share that became a person. Finished dials carry no censoring, and over a window of
 * completion times they represent the launched dials in a steady state. Ages are binned
 * at 0.5 s (ringing, arrival) and 0.25 s (AMD pending); "still ringing at a" means a
 * ring exit in a's bin or later.
 *
 * Conservative prior: the overall share is shrunk towards 0.5 with 20 pseudo-dials, and
 * each conditional share towards the overall one with 5 pseudo-dials, so sparse ages
 * (a call ringing far beyond anything seen) count as likely people, never as free.
 *
 * Window: the last 30 min of results, at least 300 and at most 3 000 (see
 * {@link DIAL_WINDOW}).
 *
 * @module
 */
import { SampleWindow, type WindowLimits } from './sample-window.ts';
import type { PacingObservation } from './types.ts';

/**
 * 30 min follows an hourly drift in the hit rate and a 30-min shock within about half
 * its length; at least 300 results (~75 people at a 25 % hit rate, a standard error of
 * ~2.5 points) keeps a 5-agent team (~0.1 dials/s, 45 min for 300) from estimating on a
 * handful; at most 3 000 (~23 min at 100 agents) bounds memory.
 */
export const DIAL_WINDOW: WindowLimits = { min: 300, max: 3000, spanMs: 30 * 60_000 };
/** Results needed before predictive leaves progressive (~100 dials: a few minutes for 25 agents). */
export const MIN_DIAL_RESULTS = 100;
/** People among them, so the arrival-time quantiles and the hit rate mean something. */
export const MIN_HUMAN_RESULTS = 20;

/** Prior share of people among dials, a fraction: pessimistic (real lists: 0.25–0.35, pacing.md §2.2). */
export const PRIOR_PERSON_SHARE = 0.5;
/** Weight of that prior, dials. */
export const PRIOR_WEIGHT = 20;
/** Weight of the overall share behind each age-conditional share, dials. */
export const CONDITIONAL_PRIOR_WEIGHT = 5;

/** Bin width for ring and arrival ages, ms; 240 bins span 120 s (TeXML's longest timeout), the last collects the rest. */
export const AGE_BIN_MS = 500;
const AGE_BINS = 240;
/** Answer-age rows for AMD, ms: 4 s separates early (human-like) from late (machine-like) answers. */
const ANSWER_BIN_MS = 4000;
const ANSWER_BINS = 9;
/** AMD-pending columns, ms: 40 × 0.25 s spans Asterisk's 5 s maximum analysis twice. */
const PENDING_BIN_MS = 250;
const PENDING_BINS = 40;

interface DialSample {
  atMs: number;
  person: boolean;
  ringBin: number;
  arrivalBin: number;
  /** Row × column into the AMD table, or −1 for an unanswered dial. */
  amdCell: number;
}

const binOf = (ms: number, width: number, count: number): number => Math.min(count - 1, Math.max(0, Math.floor(ms / width)));

export class DialOutcomeEstimator {
  private readonly window = new SampleWindow<DialSample>(DIAL_WINDOW, (sample) => this.count(sample, -1));
  private readonly ringAll = new Float64Array(AGE_BINS);
  private readonly ringPeople = new Float64Array(AGE_BINS);
  private readonly arrivals = new Float64Array(AGE_BINS);
  private readonly amdAll = new Float64Array(ANSWER_BINS * PENDING_BINS);
  private readonly amdPeople = new Float64Array(ANSWER_BINS * PENDING_BINS);
  private people = 0;
  private observedTotal = 0;
  private answered = 0;
  private answeredPeople = 0;
  // Suffix sums over the bins, rebuilt lazily after the window changed.
  private dirty = true;
  private readonly ringAllSuffix = new Float64Array(AGE_BINS + 1);
  private readonly ringPeopleSuffix = new Float64Array(AGE_BINS + 1);
  private readonly amdAllSuffix = new Float64Array(ANSWER_BINS * (PENDING_BINS + 1));
  private readonly amdPeopleSuffix = new Float64Array(ANSWER_BINS * (PENDING_BINS + 1));
  private readonly pendingAllSuffix = new Float64Array(PENDING_BINS + 1);
  private readonly pendingPeopleSuffix = new Float64Array(PENDING_BINS + 1);

  observe(observation: PacingObservation): void {
    if (observation.type !== 'call-result') return;
    const { atMs, launchedAtMs, result } = observation;
    const answeredAtMs = result === 'unanswered' ? undefined : (observation.answeredAtMs ?? atMs);
    const ringExitMs = (answeredAtMs ?? atMs) - launchedAtMs;
    const person = result === 'human';
    const amdCell =
      answeredAtMs === undefined
        ? -1
        : binOf(answeredAtMs - launchedAtMs, ANSWER_BIN_MS, ANSWER_BINS) * PENDING_BINS + binOf(atMs - answeredAtMs, PENDING_BIN_MS, PENDING_BINS);
    const sample: DialSample = {
      atMs,
      person,
      ringBin: binOf(ringExitMs, AGE_BIN_MS, AGE_BINS),
      arrivalBin: binOf(atMs - launchedAtMs, AGE_BIN_MS, AGE_BINS),
      amdCell,
    };
    this.count(sample, 1);
    this.observedTotal += 1;
    this.window.push(sample);
  }

  /** Finished dials in the window. */
  get results(): number {
    return this.window.size;
  }

  /** Finished dials ever observed (the window forgets, this does not). */
  get totalResults(): number {
    return this.observedTotal;
  }

  /** People (results `human`) in the window. */
  get personResults(): number {
    return this.people;
  }

  /** Enough results to pace on (see {@link MIN_DIAL_RESULTS}). */
  get ready(): boolean {
    return this.results >= MIN_DIAL_RESULTS && this.people >= MIN_HUMAN_RESULTS;
  }

  /** Share of dials that become a person, shrunk towards the pessimistic prior: a fresh dial's chance. */
  overallPersonChance(): number {
    return (this.people + PRIOR_WEIGHT * PRIOR_PERSON_SHARE) / (this.results + PRIOR_WEIGHT);
  }

  /** P(person | the call has been ringing for `ageMs`). */
  personChanceRinging(ageMs: number): number {
    this.refresh();
    const bin = binOf(ageMs, AGE_BIN_MS, AGE_BINS);
    return (this.ringPeopleSuffix[bin]! + CONDITIONAL_PRIOR_WEIGHT * this.overallPersonChance()) / (this.ringAllSuffix[bin]! + CONDITIONAL_PRIOR_WEIGHT);
  }

  /** A fresh dial's chance of becoming a person (age 0: every dial in the window counts). */
  freshPersonChance(): number {
    return this.personChanceRinging(0);
  }

  /**
   * P(the AMD verdict is human | answered `answeredAgeMs` after launch, verdict pending
   * for `pendingMs`). Shrunk towards the same chance pooled over answer ages, itself
   * shrunk towards the share of people among answered dials.
   */
  personChanceAnswered(answeredAgeMs: number, pendingMs: number): number {
    this.refresh();
    const column = binOf(pendingMs, PENDING_BIN_MS, PENDING_BINS);
    const row = binOf(answeredAgeMs, ANSWER_BIN_MS, ANSWER_BINS);
    const answeredShare = (this.answeredPeople + PRIOR_WEIGHT * PRIOR_PERSON_SHARE) / (this.answered + PRIOR_WEIGHT);
    const pooled =
      (this.pendingPeopleSuffix[column]! + CONDITIONAL_PRIOR_WEIGHT * answeredShare) / (this.pendingAllSuffix[column]! + CONDITIONAL_PRIOR_WEIGHT);
    const cell = row * (PENDING_BINS + 1) + column;
    return (this.amdPeopleSuffix[cell]! + CONDITIONAL_PRIOR_WEIGHT * pooled) / (this.amdAllSuffix[cell]! + CONDITIONAL_PRIOR_WEIGHT);
  }

  /**
   * Quantiles of the time from launch to a human result, ms (the lower edge of the
   * 0.5 s bin: early, so agent releases are not over-counted). Empty without people.
   */
  personArrivalQuantilesMs(fractions: readonly number[]): number[] {
    if (this.people <= 0) return [];
    const out: number[] = [];
    for (const fraction of fractions) {
      const wanted = fraction * this.people;
      let cumulative = 0;
      let bin = 0;
      for (; bin < AGE_BINS - 1; bin++) {
        cumulative += this.arrivals[bin]!;
        if (cumulative >= wanted && cumulative > 0) break;
      }
      out.push(bin * AGE_BIN_MS);
    }
    return out;
  }

  private count(sample: DialSample, sign: 1 | -1): void {
    const personWeight = sample.person ? sign : 0;
    this.ringAll[sample.ringBin]! += sign;
    this.ringPeople[sample.ringBin]! += personWeight;
    this.people += personWeight;
    if (sample.person) this.arrivals[sample.arrivalBin]! += sign;
    if (sample.amdCell >= 0) {
      this.amdAll[sample.amdCell]! += sign;
      this.amdPeople[sample.amdCell]! += personWeight;
      this.answered += sign;
      this.answeredPeople += personWeight;
    }
    this.dirty = true;
  }

  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (let bin = AGE_BINS - 1; bin >= 0; bin--) {
      this.ringAllSuffix[bin] = this.ringAllSuffix[bin + 1]! + this.ringAll[bin]!;
      this.ringPeopleSuffix[bin] = this.ringPeopleSuffix[bin + 1]! + this.ringPeople[bin]!;
    }
    this.pendingAllSuffix.fill(0);
    this.pendingPeopleSuffix.fill(0);
    for (let row = 0; row < ANSWER_BINS; row++) {
      const base = row * (PENDING_BINS + 1);
      this.amdAllSuffix[base + PENDING_BINS] = 0;
      this.amdPeopleSuffix[base + PENDING_BINS] = 0;
      for (let column = PENDING_BINS - 1; column >= 0; column--) {
        const source = row * PENDING_BINS + column;
        this.amdAllSuffix[base + column] = this.amdAllSuffix[base + column + 1]! + this.amdAll[source]!;
        this.amdPeopleSuffix[base + column] = this.amdPeopleSuffix[base + column + 1]! + this.amdPeople[source]!;
        this.pendingAllSuffix[column]! += this.amdAll[source]!;
        this.pendingPeopleSuffix[column]! += this.amdPeople[source]!;
      }
    }
    // The pooled columns so far hold per-bin counts: turn them into suffix sums too.
    for (let column = PENDING_BINS - 1; column >= 0; column--) {
      this.pendingAllSuffix[column]! += this.pendingAllSuffix[column + 1]!;
      this.pendingPeopleSuffix[column]! += this.pendingPeopleSuffix[column + 1]!;
    }
  }
}
