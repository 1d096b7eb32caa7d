/**
 * Simulated calls and the two collections the simulator keeps of them: the calls in
 * flight (placed, not yet connected nor ended; what the controller sees and what the
 * line cap counts) and the FIFO of people waiting for an agent.
 *
 * @module
 */
import type { CallSnapshot } from '../../server/pacing/index.ts';
import type { AttemptFate } from '../../sandbox/carrier-profile.ts';
import type { Lead } from './call-list.ts';

export interface SimCall {
  id: number;
  lead: Lead;
  /** Ground truth: never shown to the controller. */
  fate: AttemptFate;
  /** What the controller sees (mutated in place). */
  view: CallSnapshot;
  /** Position in {@link InFlight}'s array; −1 once out of flight. */
  slot: number;
  launchedAtMs: number;
  answeredAtMs: number;
  /** Waiting for an agent (in the FIFO and not yet taken or abandoned). */
  waiting: boolean;
}

/** Calls in flight: O(1) add and remove (the removed slot takes the last call). */
export class InFlight {
  readonly views: CallSnapshot[] = [];
  readonly #calls: SimCall[] = [];

  get size(): number {
    return this.#calls.length;
  }

  add(call: SimCall): void {
    call.slot = this.#calls.length;
    this.#calls.push(call);
    this.views.push(call.view);
  }

  remove(call: SimCall): void {
    const slot = call.slot;
    if (slot < 0) return;
    const last = this.#calls.pop()!;
    const lastView = this.views.pop()!;
    if (last !== call) {
      this.#calls[slot] = last;
      this.views[slot] = lastView;
      last.slot = slot;
    }
    call.slot = -1;
  }
}

/** People waiting for an agent, first come first served; abandoned ones are skipped lazily. */
export class WaitingQueue {
  readonly #calls: SimCall[] = [];
  #head = 0;

  push(call: SimCall): void {
    this.#calls.push(call);
  }

  /** The longest-waiting call still waiting, removed from the queue. */
  take(): SimCall | undefined {
    while (this.#head < this.#calls.length) {
      const call = this.#calls[this.#head++]!;
      if (call.waiting) return call;
    }
    return undefined;
  }
}
