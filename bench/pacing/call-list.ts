/**
 * The simulated lead list: `listSize` records dialled in list order, with the retry
 * rules of pacing.md §3.1 (no answer or busy: again after 2 h; machine: after 4 h; at
 * most 3 attempts; an abandoned number is not redialled within 72 h). Due retries go
 * before fresh records, earliest due first.
 *
 * Common random numbers: record i's attempt j has one fate per seed, drawn from its own
 * stream `fate:i:j` of the master seed, whichever controller dials it and whenever.
 * The only thing that can change with the dial time is the outcome under a time-varying
 * human share (V2, V3), and then it is the same uniform draw compared with the share of
 * that hour, so the same customer answers in the same hour under every controller.
 *
 * @module
 */
import { drawAttemptFate, type AttemptFate, type CarrierProfile } from '../../sandbox/carrier-profile.ts';
import { createPrng } from '../../sandbox/prng.ts';
import type { ShiftScenario } from './scenario.ts';

/** How an attempt ended, as the dialer's disposition decides the retry. */
export type Disposition = 'no-answer' | 'busy' | 'machine' | 'invalid' | 'connected' | 'abandoned';

export interface Lead {
  record: number;
  /** 0-based attempt number. */
  attempt: number;
}

/** A FIFO of retries with a fixed delay: due times only grow, so the head is the earliest. */
class RetryQueue {
  readonly #records: number[] = [];
  readonly #dueAt: number[] = [];
  #head = 0;

  push(record: number, dueAtMs: number): void {
    this.#records.push(record);
    this.#dueAt.push(dueAtMs);
  }

  headDueAt(): number {
    return this.#head < this.#dueAt.length ? this.#dueAt[this.#head]! : Number.POSITIVE_INFINITY;
  }

  shift(): number {
    return this.#records[this.#head++]!;
  }

  /** How many are due at `nowMs` (binary search over the sorted due times). */
  dueCount(nowMs: number): number {
    let low = this.#head;
    let high = this.#dueAt.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#dueAt[mid]! <= nowMs) low = mid + 1;
      else high = mid;
    }
    return low - this.#head;
  }
}

export class CallList {
  readonly #attempts: Uint8Array;
  readonly #retryQueues: RetryQueue[];
  readonly #delayIndex: Record<'no-answer' | 'busy' | 'machine' | 'abandoned', number>;
  #nextFresh = 0;

  constructor(
    private readonly scenario: Pick<ShiftScenario, 'listSize' | 'retry'>,
    private readonly seed: number,
    private readonly profile: CarrierProfile,
  ) {
    this.#attempts = new Uint8Array(scenario.listSize);
    this.#retryQueues = [new RetryQueue(), new RetryQueue(), new RetryQueue()];
    this.#delayIndex = { 'no-answer': 0, busy: 0, machine: 1, abandoned: 2 };
  }

  /** Leads dialable at `nowMs`. */
  available(nowMs: number): number {
    return this.scenario.listSize - this.#nextFresh + this.#retryQueues.reduce((sum, queue) => sum + queue.dueCount(nowMs), 0);
  }

  /** The next lead to dial at `nowMs`, or `undefined` when none is dialable. */
  take(nowMs: number): Lead | undefined {
    let earliest: RetryQueue | undefined;
    for (const queue of this.#retryQueues) {
      if (queue.headDueAt() <= nowMs && (earliest === undefined || queue.headDueAt() < earliest.headDueAt())) earliest = queue;
    }
    const record = earliest !== undefined ? earliest.shift() : this.#nextFresh < this.scenario.listSize ? this.#nextFresh++ : undefined;
    if (record === undefined) return undefined;
    const attempt = this.#attempts[record]!;
    this.#attempts[record] = attempt + 1;
    return { record, attempt };
  }

  /** The fate of `lead` if dialled when the human share is scaled by `humanShareMultiplier`. */
  fate(lead: Lead, humanShareMultiplier: number): AttemptFate {
    const stream = createPrng(this.seed, `fate:${lead.record}:${lead.attempt}`);
    return drawAttemptFate(this.profile, stream.next, { humanShareMultiplier });
  }

  /** Record how an attempt ended: schedule a retry or retire the record. */
  settle(lead: Lead, disposition: Disposition, nowMs: number): void {
    const { retry } = this.scenario;
    if (disposition === 'connected' || disposition === 'invalid') return;
    if (lead.attempt + 1 >= retry.maxAttempts) return;
    const delayMs =
      disposition === 'machine' ? retry.machineAfterMs : disposition === 'abandoned' ? retry.abandonedNoRedialMs : retry.noAnswerBusyAfterMs;
    this.#retryQueues[this.#delayIndex[disposition]]!.push(lead.record, nowMs + delayMs);
  }

  /** Records dialled at least once. */
  get uniqueAttempted(): number {
    return this.#nextFresh;
  }
}
