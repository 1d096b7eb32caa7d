/**
 * What predictive pacing learns from agents finishing calls (`agent-released`
 * observations: handle time H = connect → free, talk time = connect → hang-up, wrap-up
 * = the difference): the chance that an agent who is busy or in wrap-up now is free
 * within the next h seconds, so the dialer can start calls for agents about to free up
 * ("predial", pacing.md §1.3).
 *
 * Empirical conditional distributions over the window, no shape assumed (outbound talk
 * is a mix of brush-offs and conversations, far from exponential):
 * - {@link AgentReleaseEstimator.releaseWithin}: P(H ≤ e + h | H > e) for elapsed handle e;
 * - {@link AgentReleaseEstimator.busyReleaseWithin}: an agent still talking after t:
 *   P(H ≤ t + h | talk > t), which uses what is known (still talking) rather than only e;
 * - {@link AgentReleaseEstimator.wrapReleaseWithin}: an agent in wrap-up for u:
 *   P(wrap ≤ u + h | wrap > u).
 * Each count of releases is divided by the matching count plus one pseudo-sample that is
 * not released: with few comparable samples (an unusually long call) the chance leans to
 * "not free", the side that costs occupancy rather than abandons.
 *
 * Window: the last 60 min of releases, at least 100 and at most 500 (see
 * {@link RELEASE_WINDOW}).
 *
 * @module
 */
import { SampleWindow, type WindowLimits } from './sample-window.ts';
import type { PacingObservation } from './types.ts';

/**
 * Handle times move slowly (the script, the list), so an hour is enough to follow them;
 * at least 100 releases gives the tail quantiles some support (5 agents release ~100 calls
 * an hour at 3 min handle); at most 500 (~15 min at 100 agents) bounds the memory and
 * the cost of rebuilding the busy-release table after each release.
 */
export const RELEASE_WINDOW: WindowLimits = { min: 100, max: 500, spanMs: 60 * 60_000 };
/** Pseudo-samples "not released" behind every conditional release chance. */
export const RELEASE_PRIOR_WEIGHT = 1;
/** Resolution of elapsed talk in the busy-release table, ms: far below the ~10 s horizons. */
export const BUSY_TABLE_STEP_MS = 250;
/** The table covers elapsed talk up to 4 h (57 600 steps); a longer call is scanned directly. */
const BUSY_TABLE_MAX_STEPS = (4 * 3600_000) / BUSY_TABLE_STEP_MS;

interface ReleaseSample {
  atMs: number;
  handleMs: number;
  talkMs: number;
}

export class AgentReleaseEstimator {
  private readonly window = new SampleWindow<ReleaseSample>(RELEASE_WINDOW, (sample) => this.remove(sample));
  // The window kept sorted as samples come and go (insert and remove by binary search,
  // O(window) moves, cheap at 500): handle and wrap-up times ascending, and the samples
  // by talk time descending with their handle times alongside.
  private readonly handleAsc: number[] = [];
  private readonly wrapAsc: number[] = [];
  private readonly talkDesc: number[] = [];
  private readonly handleByTalkDesc: number[] = [];
  private handleSumMs = 0;
  /**
   * The busy-release table for these horizons (none until first asked): by step g of
   * elapsed talk, longer[g] = #{talk > g × step} and released[g] = Σ over horizons h of
   * #{talk > g × step, handle ≤ g × step + h}. Built in full when the horizons change;
   * in between, each sample entering or leaving the window adds or takes 1 over its own
   * range of steps (~talk / step + horizons / step entries, a few hundred), much less than
   * a rebuild per release (the whole table, thousands of steps).
   */
  private tableHorizonsMs: number[] | null = null;
  private longer = new Float64Array(0);
  private released = new Float64Array(0);

  observe(observation: PacingObservation): void {
    if (observation.type !== 'agent-released') return;
    const handleMs = Math.max(0, observation.handleMs);
    const talkMs = Math.min(handleMs, Math.max(0, observation.talkMs));
    const sample = { atMs: observation.atMs, handleMs, talkMs };
    this.handleAsc.splice(upperBound(this.handleAsc, handleMs), 0, handleMs);
    this.wrapAsc.splice(upperBound(this.wrapAsc, handleMs - talkMs), 0, handleMs - talkMs);
    const at = countAbove(this.talkDesc, talkMs);
    this.talkDesc.splice(at, 0, talkMs);
    this.handleByTalkDesc.splice(at, 0, handleMs);
    this.handleSumMs += handleMs;
    this.addToTable(talkMs, handleMs, 1);
    this.window.push(sample);
  }

  /** Releases in the window. */
  get samples(): number {
    return this.window.size;
  }

  /** Mean handle time in the window, ms (0 without samples). */
  meanHandleMs(): number {
    return this.samples === 0 ? 0 : this.handleSumMs / this.samples;
  }

  /** P(H ≤ e + h | H > e): an agent `elapsedHandleMs` into a call is free within `horizonMs`. */
  releaseWithin(elapsedHandleMs: number, horizonMs: number): number {
    const done = upperBound(this.handleAsc, elapsedHandleMs);
    const released = upperBound(this.handleAsc, elapsedHandleMs + horizonMs) - done;
    return released / (this.handleAsc.length - done + RELEASE_PRIOR_WEIGHT);
  }

  /**
   * An agent still talking `talkElapsedMs` after connect: the chance of being free within
   * each horizon, averaged over `horizonsMs` (the spread of a fresh call's arrival).
   * Elapsed talk is taken at {@link BUSY_TABLE_STEP_MS} resolution, rounded down, and read
   * from a table kept up to date as releases come and go (a busy floor asks for ~100
   * agents several times a second, releases come every second or two).
   */
  busyReleaseWithin(talkElapsedMs: number, horizonsMs: readonly number[]): number {
    if (horizonsMs.length === 0) return 0;
    if (this.tableHorizonsMs === null || !sameNumbers(this.tableHorizonsMs, horizonsMs)) this.rebuildTable(horizonsMs);
    const longestTalkMs = this.talkDesc[0] ?? 0;
    const steps = Math.min(Math.ceil(longestTalkMs / BUSY_TABLE_STEP_MS) + 1, BUSY_TABLE_MAX_STEPS);
    const step = Math.max(0, Math.floor(talkElapsedMs / BUSY_TABLE_STEP_MS));
    if (step >= steps) return longestTalkMs < steps * BUSY_TABLE_STEP_MS ? 0 : this.scanBusy(step * BUSY_TABLE_STEP_MS, horizonsMs);
    // Past every sample's range the counts are 0 (the table is only as long as needed).
    if (step >= this.longer.length) return 0;
    return this.released[step]! / horizonsMs.length / (this.longer[step]! + RELEASE_PRIOR_WEIGHT);
  }

  /** An agent `wrapElapsedMs` into wrap-up: the chance of being free within each horizon, averaged. */
  wrapReleaseWithin(wrapElapsedMs: number, horizonsMs: readonly number[]): number {
    if (horizonsMs.length === 0) return 0;
    const done = upperBound(this.wrapAsc, wrapElapsedMs);
    const longer = this.wrapAsc.length - done;
    let released = 0;
    for (const horizon of horizonsMs) released += upperBound(this.wrapAsc, wrapElapsedMs + horizon) - done;
    return released / horizonsMs.length / (longer + RELEASE_PRIOR_WEIGHT);
  }

  /**
   * The table from scratch for new horizons. Sample i counts at steps g ∈ [start, end) with
   * end = ⌈talk / step⌉ and start = ⌈(handle − h) / step⌉: a difference array, then prefix
   * sums. O(samples × horizons + steps).
   */
  private rebuildTable(horizonsMs: readonly number[]): void {
    this.tableHorizonsMs = [...horizonsMs];
    const size = tableSteps(this.talkDesc[0] ?? 0);
    if (this.longer.length < size) {
      this.longer = new Float64Array(size);
      this.released = new Float64Array(size);
    }
    const longer = this.longer.fill(0);
    const released = this.released.fill(0);
    for (let i = 0; i < this.talkDesc.length; i++) {
      const end = tableSteps(this.talkDesc[i]!);
      longer[0]! += 1;
      if (end < longer.length) longer[end]! -= 1;
      for (const horizon of horizonsMs) {
        const start = Math.max(0, Math.ceil((this.handleByTalkDesc[i]! - horizon) / BUSY_TABLE_STEP_MS));
        if (start >= end) continue;
        released[start]! += 1;
        if (end < released.length) released[end]! -= 1;
      }
    }
    for (let step = 1; step < longer.length; step++) {
      longer[step]! += longer[step - 1]!;
      released[step]! += released[step - 1]!;
    }
  }

  /** Add `sign` (+1 or −1) to the table over one sample's steps. Counts are whole numbers, so the order of updates does not matter. */
  private addToTable(talkMs: number, handleMs: number, sign: 1 | -1): void {
    const horizonsMs = this.tableHorizonsMs;
    if (horizonsMs === null) return;
    const end = tableSteps(talkMs);
    if (end > this.longer.length) this.growTable(end);
    const { longer, released } = this;
    for (let step = 0; step < end; step++) longer[step]! += sign;
    for (const horizon of horizonsMs) {
      const start = Math.max(0, Math.ceil((handleMs - horizon) / BUSY_TABLE_STEP_MS));
      for (let step = start; step < end; step++) released[step]! += sign;
    }
  }

  private growTable(size: number): void {
    const grown = Math.min(BUSY_TABLE_MAX_STEPS, Math.max(size, 2 * this.longer.length));
    const longer = new Float64Array(grown);
    const released = new Float64Array(grown);
    longer.set(this.longer);
    released.set(this.released);
    this.longer = longer;
    this.released = released;
  }

  /** The busy-release chance by a scan of the window, for an elapsed talk beyond the table. */
  private scanBusy(talkElapsedMs: number, horizonsMs: readonly number[]): number {
    let longer = 0;
    let released = 0;
    for (let i = 0; i < this.talkDesc.length && this.talkDesc[i]! > talkElapsedMs; i++) {
      longer += 1;
      const remaining = this.handleByTalkDesc[i]! - talkElapsedMs;
      for (const horizon of horizonsMs) if (remaining <= horizon) released += 1;
    }
    return released / horizonsMs.length / (longer + RELEASE_PRIOR_WEIGHT);
  }

  private remove(sample: ReleaseSample): void {
    this.handleAsc.splice(lowerBound(this.handleAsc, sample.handleMs), 1);
    this.wrapAsc.splice(lowerBound(this.wrapAsc, sample.handleMs - sample.talkMs), 1);
    // Among equal talk times, the one with this sample's handle time.
    let at = countAbove(this.talkDesc, sample.talkMs);
    while (this.handleByTalkDesc[at] !== sample.handleMs && this.talkDesc[at + 1] === sample.talkMs) at += 1;
    this.talkDesc.splice(at, 1);
    this.handleByTalkDesc.splice(at, 1);
    this.handleSumMs -= sample.handleMs;
    this.addToTable(sample.talkMs, sample.handleMs, -1);
  }
}

/** Steps of elapsed talk during which a call of `talkMs` is still talking: ⌈talk / step⌉, at most the table's reach. */
function tableSteps(talkMs: number): number {
  return Math.min(BUSY_TABLE_MAX_STEPS, Math.ceil(talkMs / BUSY_TABLE_STEP_MS));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Number of entries of the ascending `sorted` that are ≤ `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Number of entries of the ascending `sorted` that are < `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Number of entries of the descending `sorted` that are > `value`. */
function countAbove(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! > value) low = middle + 1;
    else high = middle;
  }
  return low;
}
