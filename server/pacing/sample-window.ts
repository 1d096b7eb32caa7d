/**
 * A sliding window of observations for the pacing estimators: it keeps the newest
 * samples, at most `max`, and forgets samples older than `spanMs` (measured back from the
 * newest sample) as long as at least `min` remain. The time span is what lets an estimate
 * follow drift (a change in the hit rate shows within `spanMs`); the `min` floor keeps a
 * small team, which sees few samples per hour, from estimating on a handful; `max`
 * bounds memory and the cost of a scan for a large floor.
 *
 * Forgetting is driven by new samples only: with no new observations, the last known
 * window is the best estimate there is. Deterministic: no clock of its own.
 *
 * @module
 */

export interface WindowLimits {
  /** Samples always kept (when there are that many), however old. */
  min: number;
  /** Samples never exceeded. */
  max: number;
  /** Samples older than this behind the newest are forgotten (down to `min`), ms. */
  spanMs: number;
}

export class SampleWindow<Sample extends { atMs: number }> {
  private items: Sample[] = [];
  private head = 0;

  /** `onEvict` is told of every sample as it leaves, so running sums can be kept. */
  constructor(
    readonly limits: WindowLimits,
    private readonly onEvict: (sample: Sample) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(sample: Sample): void {
    this.items.push(sample);
    const { min, max, spanMs } = this.limits;
    for (;;) {
      const oldest = this.items[this.head];
      if (oldest === undefined) break;
      const tooMany = this.size > max;
      const tooOld = this.size > min && sample.atMs - oldest.atMs > spanMs;
      if (!tooMany && !tooOld) break;
      this.onEvict(oldest);
      this.head += 1;
    }
    // Drop the consumed prefix once it is most of the array, so memory stays O(max).
    if (this.head > 256 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  *[Symbol.iterator](): IterableIterator<Sample> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
