/**
 * The in-memory call store, in creation order.
 *
 * @module
 */

import type { SimCall } from './call.ts';

export class CallStore {
  #calls = new Map<string, SimCall>();

  add(call: SimCall): void {
    this.#calls.set(call.sid, call);
  }

  get(sid: string): SimCall | undefined {
    return this.#calls.get(sid);
  }

  /** Oldest first. */
  all(): SimCall[] {
    return [...this.#calls.values()];
  }

  clear(): void {
    this.#calls.clear();
  }
}
