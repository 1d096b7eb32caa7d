/**
 * Brute-force protection for `POST /api/auth/login`: at most 5 failed logins per
 * username and IP address, and 20 per IP address, in any 15 minutes. A caller over either
 * limit is refused with 429 before the password is even checked, and is told when to
 * come back (`Retry-After`).
 *
 * In memory, on the injected clock, so tests move time instead of sleeping. Several
 * server processes behind one address would each count on their own: they would need
 * these counters in the database (or a shared store) to enforce one limit.
 *
 * @module
 */
import type { Clock } from '../../lib/scheduler.ts';

export interface LoginLimits {
  /** Failures allowed per (username, IP) in the window. */
  perUserAndIp: number;
  /** Failures allowed per IP, all usernames together. */
  perIp: number;
  /** Sliding window, ms. */
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUserAndIp: 5, perIp: 20, windowMs: 15 * 60_000 };

/** Past this many keys, a sweep drops the ones with no failure left in the window. */
const SWEEP_AT = 10_000;

export type LoginCheck = { allowed: true } | { allowed: false; retryAfterS: number };

export class LoginRateLimiter {
  /** Failure times (epoch ms, oldest first) per key. */
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /** May this username try to log in from this IP now? */
  check(username: string, ip: string): LoginCheck {
    const now = this.clock.now();
    let retryAtMs = 0;
    for (const [key, limit] of this.#keys(username, ip)) {
      const times = this.#recent(key, now);
      // Blocked until the oldest failure that keeps the count at the limit leaves the window.
      if (times.length >= limit) retryAtMs = Math.max(retryAtMs, times[times.length - limit]! + this.limits.windowMs);
    }
    return retryAtMs > now ? { allowed: false, retryAfterS: Math.max(1, Math.ceil((retryAtMs - now) / 1000)) } : { allowed: true };
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock.now();
    if (this.#failures.size >= SWEEP_AT) this.#sweep(now);
    for (const [key] of this.#keys(username, ip)) {
      const times = this.#recent(key, now);
      times.push(now);
      this.#failures.set(key, times);
    }
  }

  /** A successful login clears its (username, IP) count, not the IP's. */
  recordSuccess(username: string, ip: string): void {
    this.#failures.delete(userKey(username, ip));
  }

  #keys(username: string, ip: string): Array<[string, number]> {
    return [
      [userKey(username, ip), this.limits.perUserAndIp],
      [`ip\u0000${ip}`, this.limits.perIp],
    ];
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((at) => at > now - this.limits.windowMs);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }

  #sweep(now: number): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key, now);
  }
}

function userKey(username: string, ip: string): string {
  return `user\u0000${username.toLowerCase()}\u0000${ip}`;
}
