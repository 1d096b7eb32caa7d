/**
 * Time for everything that waits: the server's timers, the sandbox's call simulator,
 * the Telnyx client's back-off and rate limiter.
 *
 * Production uses {@link RealScheduler}. Tests and simulations use
 * {@link VirtualScheduler}, whose time moves only when the test says so, so a call that
 * rings for 25 s in the sandbox takes no wall time and no test ever sleeps.
 *
 * @module
 */

/** Milliseconds since the Unix epoch, like `Date.now()`. */
export type EpochMs = number;

export interface Clock {
  now(): EpochMs;
}

export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler extends Clock {
  /** Run `task` after `delayMs` (ms). A task may be async; errors are reported, never thrown. */
  setTimeout(task: () => unknown, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A promise that settles after `delayMs` (ms) of this scheduler's time. */
  sleep(delayMs: number): Promise<void>;
}

type ErrorSink = (error: unknown) => void;

const reportToConsole: ErrorSink = (error) => {
  console.error('scheduled task failed:', error);
};

export class RealScheduler implements Scheduler {
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();
  #nextId = 1;

  constructor(private readonly onError: ErrorSink = reportToConsole) {}

  now(): EpochMs {
    return Date.now();
  }

  setTimeout(task: () => unknown, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      Promise.resolve()
        .then(task)
        .catch(this.onError);
    }, Math.max(0, delayMs));
    this.#timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.#timers.get(handle.id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(handle.id);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /** Cancel every pending timer (used on shutdown so the process can exit). */
  clearAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

interface VirtualTask {
  id: number;
  dueAt: EpochMs;
  task: () => unknown;
}

/**
 * A scheduler whose clock moves only through {@link advance} and {@link runUntilIdle}.
 *
 * Due tasks run one at a time in (due time, insertion) order, and each task's promise is
 * awaited before the next starts, so a task that makes real HTTP requests (a sandbox
 * callback to the server) finishes, including whatever timers it schedules, before
 * virtual time moves on. Same inputs give the same order every run.
 */
export class VirtualScheduler implements Scheduler {
  #now: EpochMs;
  #nextId = 1;
  #queue: VirtualTask[] = [];
  #running = false;
  readonly #errors: unknown[] = [];

  constructor(startAt: EpochMs = Date.UTC(2026, 0, 5, 15, 0, 0)) {
    this.#now = startAt;
  }

  now(): EpochMs {
    return this.#now;
  }

  setTimeout(task: () => unknown, delayMs: number): TimerHandle {
    const entry: VirtualTask = { id: this.#nextId++, dueAt: this.#now + Math.max(0, delayMs), task };
    // Keep the queue sorted by due time; ties keep insertion order.
    let index = this.#queue.length;
    while (index > 0 && this.#queue[index - 1]!.dueAt > entry.dueAt) index--;
    this.#queue.splice(index, 0, entry);
    return { id: entry.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#queue = this.#queue.filter((entry) => entry.id !== handle.id);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /** Number of tasks waiting. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Errors thrown by tasks so far (tasks never break the loop; tests assert this is empty). */
  get errors(): readonly unknown[] {
    return this.#errors;
  }

  /** Move time forward by `ms`, running every task that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.#runUntil(this.#now + ms);
  }

  /**
   * Run tasks until none is left, moving time to each one's due time.
   * `limitMs` bounds the virtual time spent, so a task that reschedules itself forever
   * (a heartbeat) cannot hang a test.
   */
  async runUntilIdle(limitMs = 24 * 3600_000): Promise<void> {
    await this.#runUntil(this.#now + limitMs, true);
  }

  async #runUntil(until: EpochMs, stopWhenIdle = false): Promise<void> {
    if (this.#running) throw new Error('VirtualScheduler: advance() called from inside a task');
    this.#running = true;
    try {
      for (;;) {
        // Let promise chains started outside the scheduler (an HTTP response in flight)
        // settle before deciding that nothing is due.
        await settle();
        const next = this.#queue[0];
        if (!next || next.dueAt > until) break;
        this.#queue.shift();
        this.#now = Math.max(this.#now, next.dueAt);
        try {
          await next.task();
        } catch (error) {
          this.#errors.push(error);
        }
      }
      if (!stopWhenIdle || this.#queue.length > 0) this.#now = Math.max(this.#now, until);
    } finally {
      this.#running = false;
    }
  }
}

/** Yield to the event loop a few times so I/O callbacks already queued can run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
