/**
 * The dials-per-second rule (texml-api.md §9): at most `perSecond` dials in any rolling
 * second and `perWindow` in any rolling `windowMs`, per account. REST creates and each
 * `<Dial>` leg count; a refused dial does not.
 *
 * @module
 */

import type { Clock } from '../lib/scheduler.ts';
import type { DialRateLimit } from './faults.ts';

export class DialRateWindow {
  /** Times (ms, scheduler clock) of accepted dials still inside the longest window. */
  #times: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => DialRateLimit,
  ) {}

  /** Count a dial now if both limits allow it; false means answer 429 `90103`. */
  tryAcquire(): boolean {
    const { perSecond, perWindow, windowMs } = this.limits();
    const now = this.clock.now();
    const horizon = Math.max(windowMs, 1000);
    this.#times = this.#times.filter((time) => now - time < horizon);
    const inWindow = this.#times.filter((time) => now - time < windowMs).length;
    const inSecond = this.#times.filter((time) => now - time < 1000).length;
    if (inWindow >= perWindow || inSecond >= perSecond) return false;
    this.#times.push(now);
    return true;
  }

  reset(): void {
    this.#times = [];
  }
}
