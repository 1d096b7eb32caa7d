/**
 * Client-side pacing of call creation, so the dialer stays inside Telnyx's
 * dials-per-second rule instead of learning it from 429 `90103` rejections
 * (texml-api.md §9: 30 dials/s per account, measured as a rolling 5 s sum ≤ 150).
 *
 * Telnyx itself only enforces the 5 s sum, which tolerates short bursts; this limiter
 * enforces both limits at once — at most `perSecond` grants in any rolling 1000 ms and
 * at most `perWindow` in any rolling `windowMs` — so a burst is also spread over the
 * second and carrier-side per-second limits are never hit.
 *
 * All waiting goes through the injected {@link Scheduler}; tests use `VirtualScheduler`
 * and never sleep.
 *
 * @module
 */
import type { EpochMs, Scheduler, TimerHandle } from '../../lib/scheduler.ts';
import { checkInteger } from './validate.ts';

/** Length of the short rolling window, in ms. */
const SECOND_MS = 1000;

export interface DialLimiterOptions {
  /**
   * Most dials granted in any rolling 1000 ms.
   * @default 30 (Telnyx's default account DPS). Integer from 1 and up.
   */
  perSecond?: number;
  /**
   * Most dials granted in any rolling `windowMs`.
   * @default 150 (Telnyx's 5 s rolling sum). Integer from 1 and up.
   */
  perWindow?: number;
  /**
   * Length of the long rolling window, in ms.
   * @default 5000. Integer from 1000 and up.
   */
  windowMs?: number;
  /** Time source and timer for every wait. */
  scheduler: Scheduler;
}

export interface DialLimiterStats {
  /** Dials granted since the limiter was created. */
  granted: number;
  /** Callers waiting in `acquire()` right now. */
  waiting: number;
  /** Dials granted in the last 1000 ms. */
  inLastSecond: number;
  /** Dials granted in the last `windowMs`. */
  inWindow: number;
  /** Epoch ms until which every dial is paused by {@link DialLimiter.penalize}, or null. */
  pausedUntil: EpochMs | null;
  /** Number of `penalize()` calls so far (each one is a 429 `90103` from Telnyx). */
  penalties: number;
}

export interface DialLimiter {
  /**
   * Resolves when this caller may start one dial. Callers are served in FIFO order.
   * Rejects with `signal.reason` if `signal` aborts while waiting; an aborted caller
   * does not use a slot.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Pause every dial for `ms` (ms) from now; used when Telnyx answers 429 `90103`. */
  penalize(ms: number): void;
  stats(): DialLimiterStats;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * @example
 * const limiter = createDialLimiter({ scheduler: new RealScheduler() });
 * await limiter.acquire();
 * await client.createCall(params);
 */
export function createDialLimiter(options: DialLimiterOptions): DialLimiter {
  const perSecond = checkInteger('perSecond', options.perSecond ?? 30, 1);
  const perWindow = checkInteger('perWindow', options.perWindow ?? 150, 1);
  const windowMs = checkInteger('windowMs', options.windowMs ?? 5000, SECOND_MS);
  const { scheduler } = options;
  if (!scheduler || typeof scheduler.setTimeout !== 'function' || typeof scheduler.now !== 'function') {
    throw new TypeError(`Expected \`scheduler\` to be a Scheduler, got \`${String(scheduler)}\` (${typeof scheduler})`);
  }

  /** Grant times (epoch ms), oldest first, never older than `windowMs`. */
  const grants: EpochMs[] = [];
  const waiters: Waiter[] = [];
  let granted = 0;
  let penalties = 0;
  let pausedUntil: EpochMs = -Infinity;
  let timer: TimerHandle | undefined;

  function prune(now: EpochMs): void {
    // A grant at time g still counts at `now` while g > now - windowMs (half-open window).
    while (grants.length > 0 && grants[0]! <= now - windowMs) grants.shift();
  }

  function countSince(since: EpochMs): number {
    let count = 0;
    for (let i = grants.length - 1; i >= 0 && grants[i]! > since; i--) count++;
    return count;
  }

  /** Earliest epoch ms at which one more dial fits both windows and any pause. */
  function nextFreeAt(now: EpochMs): EpochMs {
    prune(now);
    let at = Math.max(now, pausedUntil);
    if (countSince(now - SECOND_MS) >= perSecond) {
      // The perSecond-th newest grant must leave the 1 s window first.
      at = Math.max(at, grants[grants.length - perSecond]! + SECOND_MS);
    }
    if (grants.length >= perWindow) {
      at = Math.max(at, grants[grants.length - perWindow]! + windowMs);
    }
    return at;
  }

  function grant(now: EpochMs): void {
    grants.push(now);
    granted++;
  }

  function detach(waiter: Waiter): void {
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
  }

  /** Serve waiters whose turn has come, then arm one timer for the next free slot. */
  function pump(): void {
    if (timer) {
      scheduler.clearTimeout(timer);
      timer = undefined;
    }
    while (waiters.length > 0) {
      const now = scheduler.now();
      const at = nextFreeAt(now);
      if (at > now) {
        timer = scheduler.setTimeout(() => {
          timer = undefined;
          pump();
        }, at - now);
        return;
      }
      const waiter = waiters.shift()!;
      detach(waiter);
      grant(now);
      waiter.resolve();
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const now = scheduler.now();
      if (waiters.length === 0 && nextFreeAt(now) <= now) {
        grant(now);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
        if (signal) {
          waiter.onAbort = () => {
            const index = waiters.indexOf(waiter);
            if (index >= 0) waiters.splice(index, 1);
            reject(signal.reason);
            pump();
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        waiters.push(waiter);
        pump();
      });
    },

    penalize(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new TypeError(`Expected \`ms\` to be a finite number from 0 and up, got \`${String(ms)}\` (${typeof ms})`);
      }
      penalties++;
      pausedUntil = Math.max(pausedUntil, scheduler.now() + ms);
      pump();
    },

    stats() {
      const now = scheduler.now();
      prune(now);
      return {
        granted,
        waiting: waiters.length,
        inLastSecond: countSince(now - SECOND_MS),
        inWindow: grants.length,
        pausedUntil: pausedUntil > now ? pausedUntil : null,
        penalties,
      };
    },
  };
}
