/**
 * Delivery of callbacks (status and AMD) to the customer's app, through the fault
 * switches: lost, late, duplicated or reordered deliveries, as Telnyx's delivery contract
 * allows (texml-api.md §4 "Delivery semantics"). Each delivery is awaited by the task
 * that makes it, so a virtual scheduler drains deterministically.
 *
 * A non-200 answer is recorded and not retried: Telnyx retries at a failover URL, and a
 * TeXML call has none here.
 *
 * @module
 */

import type { Scheduler, TimerHandle } from '../../lib/scheduler.ts';
import type { CallbackTarget, SimCall } from '../calls/call.ts';
import type { FaultState } from '../faults.ts';
import type { HttpSender, OutboundResult } from '../http/outbound.ts';
import type { Transcript } from '../transcript.ts';

export interface OutgoingCallback {
  call: SimCall;
  /** Stable name in the transcript, e.g. `initiated#0` or `amd AnsweredBy=human`. */
  label: string;
  target: CallbackTarget;
  fields: Record<string, string>;
}

/**
 * How long (ms of scheduler time) a reordered callback waits for a later one to the
 * same URL before it goes out anyway, so the last callback of a call is never lost.
 */
export const REORDER_MAX_HOLD_MS = 2000;

interface Held {
  callback: OutgoingCallback;
  timer: TimerHandle;
}

interface Marks {
  duplicate?: boolean;
  reordered?: boolean;
  delayedMs?: number;
}

export class CallbackDelivery {
  /** Callbacks held back by `reorderCallbacks`, by destination URL (with its query). */
  #held = new Map<string, Held>();
  /** Deliveries postponed by `callbackDelayMs`. */
  #delayed = new Set<TimerHandle>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly faults: FaultState,
    private readonly http: HttpSender,
    private readonly transcript: Transcript,
  ) {}

  /** Send one callback, applying the fault switches in force. */
  async dispatch(callback: OutgoingCallback): Promise<void> {
    const settings = this.faults.settings;
    if (this.faults.fires(settings.dropCallbacks)) {
      this.#record(callback, 'dropped', { dropped: true });
      return;
    }
    const delayMs = settings.callbackDelayMs;
    if (delayMs > 0) {
      const timer: TimerHandle = this.scheduler.setTimeout(() => {
        this.#delayed.delete(timer);
        return this.#deliverInOrder(callback, { delayedMs: delayMs });
      }, delayMs);
      this.#delayed.add(timer);
      return;
    }
    await this.#deliverInOrder(callback, {});
  }

  /** Forget held and postponed callbacks (control API reset). */
  reset(): void {
    for (const held of this.#held.values()) this.scheduler.clearTimeout(held.timer);
    this.#held.clear();
    for (const timer of this.#delayed) this.scheduler.clearTimeout(timer);
    this.#delayed.clear();
  }

  async #deliverInOrder(callback: OutgoingCallback, marks: Marks): Promise<void> {
    const key = callback.target.url;
    const held = this.#held.get(key);
    if (held) {
      this.#held.delete(key);
      this.scheduler.clearTimeout(held.timer);
      await this.#send(callback, marks);
      await this.#send(held.callback, { ...marks, reordered: true });
      return;
    }
    if (this.faults.fires(this.faults.settings.reorderCallbacks)) {
      const timer = this.scheduler.setTimeout(async () => {
        if (this.#held.get(key)?.callback !== callback) return;
        this.#held.delete(key);
        await this.#send(callback, { ...marks, reordered: true });
      }, REORDER_MAX_HOLD_MS);
      this.#held.set(key, { callback, timer });
      return;
    }
    await this.#send(callback, marks);
  }

  async #send(callback: OutgoingCallback, marks: Marks): Promise<void> {
    await this.#sendOnce(callback, marks);
    if (this.faults.fires(this.faults.settings.duplicateCallbacks)) await this.#sendOnce(callback, { ...marks, duplicate: true });
  }

  async #sendOnce(callback: OutgoingCallback, marks: Marks): Promise<void> {
    const result = await this.http.send({ method: callback.target.method, url: callback.target.url, fields: callback.fields });
    const suffix = marks.duplicate ? ' (duplicate)' : '';
    this.#record(callback, `→ ${result.status}${suffix}`, { ...marks, ...resultDetail(result), method: callback.target.method });
  }

  #record(callback: OutgoingCallback, outcome: string, detail: Record<string, unknown>): void {
    const { call } = callback;
    this.transcript.add({
      kind: 'callback',
      callSid: call.sid,
      leg: call.leg,
      line: `callback ${call.leg} ${callback.label} ${outcome}`,
      detail: { url: callback.target.url, fields: callback.fields, ...detail },
    });
  }
}

function resultDetail(result: OutboundResult): Record<string, unknown> {
  return {
    status: result.status,
    requestUrl: result.requestUrl,
    ...(result.error ? { error: result.error } : {}),
  };
}
