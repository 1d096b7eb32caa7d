/**
 * The chance that the person of the next call launched finds no agent, exactly, under
 * predictive pacing's model (`predictive.ts`):
 *   risk = P(D + X ≥ F + R)
 * - D = Σ Bernoulli(p_i) over calls in flight: the people already on their way;
 * - X = the people of the calls launched earlier in this decision;
 * - F = free agents; R = Σ Bernoulli(r_j) over busy and wrap-up agents: those free in time.
 * (Equivalently P(D + X + Σ Bernoulli(1 − r_j) ≥ F + B): the competitors of the new
 * person against all F + B agents.)
 *
 * Computed as Σ_r P(R = r) · P(D + X ≥ F + r) with two truncated Poisson-binomials. R
 * rarely exceeds a few (releases within ~10 s), so its distribution is cut at
 * K = mean + 5 sd + 2 with the mass beyond lumped at K, which counts fewer releases than
 * may happen: conservative, and off by ~1e-6 (θ is ~1e-2). D + X is then needed only up to F + K.
 * Cost per decision O(calls × (F + K) + agents × K), per launch O(F + K): cheap when the
 * floor is busy (F small), and at most calls × agents when everyone is free.
 *
 * @module
 */
import { TruncatedPoissonBinomial } from './poisson-binomial.ts';

export class NextCallRisk {
  private readonly releases: TruncatedPoissonBinomial;
  private readonly people: TruncatedPoissonBinomial;
  /** People certain to arrive (waiting now): they shift the threshold instead of costing a DP step. */
  private readonly certainPeople: number;
  private readonly suffix: Float64Array;

  /**
   * `personChances`: p_i of each call in flight; `releaseChances`: r_j of each busy or
   * wrap-up agent; `free`: agents free now.
   */
  constructor(
    private readonly free: number,
    personChances: readonly number[],
    releaseChances: readonly number[],
  ) {
    let mean = 0;
    let variance = 0;
    for (const r of releaseChances) {
      mean += r;
      variance += r * (1 - r);
    }
    const releaseCap = Math.min(releaseChances.length, Math.ceil(mean + 5 * Math.sqrt(variance) + 2));
    this.releases = new TruncatedPoissonBinomial(releaseCap);
    for (const r of releaseChances) this.releases.add(r);
    let certain = 0;
    for (const p of personChances) if (p >= 1) certain += 1;
    this.certainPeople = certain;
    this.people = new TruncatedPoissonBinomial(Math.max(0, free + releaseCap - certain));
    for (const p of personChances) if (p < 1) this.people.add(p);
    this.suffix = new Float64Array(this.people.cap + 2);
  }

  /** Adds the person chance of one more launched call (it competes with the next one). */
  addLaunch(personChance: number): void {
    this.people.add(personChance);
  }

  /** P(the next call's person finds no agent). */
  risk(): number {
    const cap = this.people.cap;
    // suffix[k] = P(D + X ≥ k) for k ≤ cap (the cell at cap already holds P(≥ cap)).
    this.suffix[cap + 1] = 0;
    for (let k = cap; k >= 0; k--) this.suffix[k] = this.suffix[k + 1]! + this.people.at(k);
    let risk = 0;
    for (let released = 0; released <= this.releases.cap; released++) {
      const needed = this.free + released - this.certainPeople;
      risk += this.releases.at(released) * (needed <= 0 ? 1 : this.suffix[needed]!);
    }
    return Math.min(1, risk);
  }
}
