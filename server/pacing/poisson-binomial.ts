/**
 * The exact distribution of a sum of independent Bernoulli variables with different
 * chances (a Poisson-binomial), by dynamic programming, truncated at a cap: predictive
 * pacing only asks whether the sum reaches the number of agents, so every count at or
 * above the cap is lumped into one absorbing cell. Adding one variable costs O(cap), a
 * whole decision O((calls + agents) × agents).
 *
 * @module
 */

export class TruncatedPoissonBinomial {
  /** mass[k] = P(S = k) for k < cap; mass[cap] = P(S ≥ cap). */
  private readonly mass: Float64Array;
  /** Highest index that can hold mass so far (skips the zero tail when adding). */
  private top = 0;

  constructor(readonly cap: number) {
    this.mass = new Float64Array(Math.max(0, cap) + 1);
    this.mass[0] = 1;
  }

  /** Adds one Bernoulli variable with chance `chance` (clamped to [0, 1]). */
  add(chance: number): void {
    const p = Math.min(1, Math.max(0, chance));
    if (p === 0 || this.cap <= 0) return;
    const q = 1 - p;
    const cap = this.cap;
    const mass = this.mass;
    const top = Math.min(cap, this.top + 1);
    if (top === cap) mass[cap] = mass[cap]! + mass[cap - 1]! * p;
    for (let k = top === cap ? cap - 1 : top; k >= 1; k--) mass[k] = mass[k]! * q + mass[k - 1]! * p;
    mass[0] = mass[0]! * q;
    this.top = top;
  }

  /** P(S ≥ cap). */
  tail(): number {
    return this.mass[Math.max(0, this.cap)]!;
  }

  /** P(S = k) for k < cap, P(S ≥ cap) at k = cap. */
  at(k: number): number {
    return this.mass[k] ?? 0;
  }
}
