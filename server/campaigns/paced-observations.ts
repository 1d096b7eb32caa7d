/**
 * What a paced campaign's controller learns, derived from the attempt log (pure: rows in,
 * observations out). Deriving it from `attempts` rather than from events in memory means
 * a restarted server warms its controller up from the last attempts, and a second server
 * process sees what the first one dialled.
 *
 * Per customer-first attempt (`types.ts` of `server/pacing/` defines each observation):
 * - `call-result`, once the dial's result is known:
 *   - `machine`: AMD said `machine_*` or `fax`, at `amd_at`;
 *   - `human`: a person is known (`answered_at`: the answer fetch after sync detection, or
 *     the answer with async AMD or none) and, with async AMD, the verdict came as a person
 *     or the call ended without one; at `answered_at`, the moment the person needed an
 *     agent. An async machine is a `machine` (the truth the abandon ledger counts by),
 *     though it held an agent for the seconds AMD took: the governor's integral corrects
 *     the inner model's bias from the abandons it measures;
 *   - `unanswered`: busy, no answer, failed, cancelled, at `outcome_at`;
 *   - nothing for a call never dialled (Telnyx refused the create);
 * - `connected` at `bridged_at` (the agent leg answered);
 * - `abandoned` when the ledger counts the call as abandoned (the safe-harbor message, or
 *   a person bridged later than 2 s), at `abandoned_at` (else the bridge or the answer);
 * - `agent-released` once the agent is free again (`agent_released_at`, see
 *   {@link releaseTimeOf}): handle = bridge → release, talk = bridge → agent leg end.
 *
 * {@link ObservationFeed} hands each of these to the controller exactly once.
 *
 * @module
 */
import type { AgentStatus } from '../agents/tables.ts';
import type { AttemptOutcome } from '../calls/tables.ts';
import type { PacingObservation } from '../pacing/index.ts';
import { isMachine } from './outcomes.ts';
import type { AmdSettings } from './tables.ts';

/** An attempt as the feed reads it (the attempt, its customer leg's pick-up, its agent leg's end). */
export interface FeedAttempt {
  id: string;
  created_at: Date;
  /** When the person was known to have answered (`progressive-timing.ts`). */
  answered_at: Date | null;
  /** When the customer leg was picked up (its `answered` callback), person or machine. */
  customer_answered_at: Date | null;
  amd_result: string | null;
  amd_at: Date | null;
  outcome: AttemptOutcome | null;
  outcome_at: Date | null;
  bridged_at: Date | null;
  abandoned: boolean;
  abandoned_at: Date | null;
  two_second_rule_met: boolean | null;
  agent_id: string | null;
  /** When the agent's leg ended (the talk ended for the agent). */
  agent_ended_at: Date | null;
  agent_released_at: Date | null;
}

export type ObservationKind = 'result' | 'connected' | 'abandoned' | 'released';

export interface KeyedObservation {
  kind: ObservationKind;
  observation: PacingObservation;
}

const UNANSWERED: ReadonlySet<AttemptOutcome> = new Set(['busy', 'no_answer', 'failed', 'canceled']);

const ms = (date: Date): number => date.getTime();

/** Every observation the row's current state implies (the feed drops those already given). */
export function observationsOf(row: FeedAttempt, amd: Pick<AmdSettings, 'enabled' | 'mode'>): KeyedObservation[] {
  const launchedAtMs = ms(row.created_at);
  const found: KeyedObservation[] = [];
  const result = callResultOf(row, amd);
  if (result) found.push({ kind: 'result', observation: result });
  if (row.bridged_at) found.push({ kind: 'connected', observation: { type: 'connected', atMs: ms(row.bridged_at), launchedAtMs } });
  if (countsAsAbandoned(row)) {
    const at = row.abandoned_at ?? row.bridged_at ?? row.answered_at ?? row.outcome_at ?? row.created_at;
    found.push({ kind: 'abandoned', observation: { type: 'abandoned', atMs: ms(at), launchedAtMs } });
  }
  if (row.bridged_at && row.agent_released_at) {
    const handleMs = Math.max(0, ms(row.agent_released_at) - ms(row.bridged_at));
    const talkEnd = row.agent_ended_at ?? row.agent_released_at;
    const talkMs = Math.min(handleMs, Math.max(0, ms(talkEnd) - ms(row.bridged_at)));
    found.push({ kind: 'released', observation: { type: 'agent-released', atMs: ms(row.agent_released_at), handleMs, talkMs } });
  }
  return found;
}

function callResultOf(row: FeedAttempt, amd: Pick<AmdSettings, 'enabled' | 'mode'>): PacingObservation | null {
  const launchedAtMs = ms(row.created_at);
  if (isMachine(row.amd_result)) {
    const answered = row.customer_answered_at ?? row.answered_at;
    const at = row.amd_at ?? row.answered_at ?? row.outcome_at;
    if (!at) return null;
    return { type: 'call-result', atMs: ms(at), launchedAtMs, answeredAtMs: ms(answered ?? at), result: 'machine' };
  }
  if (row.answered_at) {
    // Async AMD: the verdict may still say machine; wait for it (or for the end of the call).
    const settled = !amd.enabled || amd.mode === 'sync' || row.amd_result !== null || row.outcome !== null;
    if (!settled) return null;
    const answered = row.customer_answered_at ?? row.answered_at;
    return { type: 'call-result', atMs: ms(row.answered_at), launchedAtMs, answeredAtMs: Math.min(ms(answered), ms(row.answered_at)), result: 'human' };
  }
  if (row.outcome === null || row.outcome_at === null || row.outcome === 'not_dialled') return null;
  if (UNANSWERED.has(row.outcome)) return { type: 'call-result', atMs: ms(row.outcome_at), launchedAtMs, result: 'unanswered' };
  // Answered without a recorded answer time (should not happen): the outcome's time stands in.
  return { type: 'call-result', atMs: ms(row.outcome_at), launchedAtMs, answeredAtMs: ms(row.outcome_at), result: row.outcome === 'machine' ? 'machine' : 'human' };
}

/** As the abandon ledger counts (`abandon-ledger.ts`): the safe-harbor message, or a person bridged late. */
function countsAsAbandoned(row: FeedAttempt): boolean {
  return row.abandoned || (row.outcome === 'human' && row.two_second_rule_met === false);
}

/** Nothing more can come of the row: its outcome is in, and an agent it reached is free again. */
export function fullyObserved(row: FeedAttempt): boolean {
  return row.outcome !== null && (row.bridged_at === null || row.agent_released_at !== null);
}

/** After this long past the latest possible end of a wrap-up, a wrap-up seen now is another call's, ms. */
export const RELEASE_GRACE_MS = 60_000;

/**
 * When the agent of a bridged call was free again, or null while that is not known yet.
 * The agents table keeps only the current status (`status_since`), so the release is read
 * from it as soon as the agent has moved on from this call, and stored
 * (`agent_released_at`) by the paced dialer, which looks every second:
 * - the agent's next campaign call was bridged: free before it, at the latest when the
 *   wrap-up timer ran out (`agent ended + wrapUpMs`);
 * - Available, Unavailable or Offline since the call ended: free at `status_since` (not
 *   after the wrap-up timer);
 * - Busy since the call ended (a call outside the campaign): free before it began;
 * - still in wrap-up: not yet, unless the wrap-up timer ran out more than
 *   {@link RELEASE_GRACE_MS} ago (then this wrap-up is another call's);
 * - the agent is gone (deleted): at the end of the wrap-up timer.
 */
export function releaseTimeOf(
  row: Pick<FeedAttempt, 'bridged_at' | 'agent_ended_at' | 'agent_released_at' | 'agent_id'>,
  agent: { status: AgentStatus; statusSince: Date } | undefined,
  context: { wrapUpMs: number; nextBridgedAt: Date | null; nowMs: number },
): Date | null {
  if (!row.bridged_at || !row.agent_ended_at || row.agent_released_at || row.agent_id === null) return null;
  const endedMs = ms(row.agent_ended_at);
  const latestMs = endedMs + context.wrapUpMs;
  if (context.nextBridgedAt && ms(context.nextBridgedAt) >= endedMs) return new Date(Math.min(latestMs, ms(context.nextBridgedAt)));
  if (!agent) return context.nowMs >= latestMs ? new Date(latestMs) : null;
  const sinceMs = ms(agent.statusSince);
  if (sinceMs < endedMs) return null;
  if (agent.status === 'wrap_up') return context.nowMs > latestMs + RELEASE_GRACE_MS ? new Date(latestMs) : null;
  return new Date(Math.min(latestMs, sinceMs));
}

/** How far back a restarted feed looks for attempts to learn from, and how many it takes (the newest). */
export const WARM_UP_SPAN_MS = 24 * 3_600_000;
export const WARM_UP_ATTEMPTS = 1000;
/** An attempt not fully observed this long after it was placed is given up on, ms (as `IN_FLIGHT_MAX_MS`). */
export const OPEN_SPAN_MS = 2 * 3_600_000;
/**
 * Attempts created this long before the newest one seen are read again, ms: a row
 * written by a transaction that began earlier but committed later is not missed.
 */
export const CREATED_SLACK_MS = 5000;

/** Which attempts the feed needs next: the newest ones to warm up, or the recent and still open ones. */
export type FeedQuery =
  | { kind: 'warm-up'; sinceMs: number; limit: number }
  | { kind: 'recent'; createdFromMs: number; openIds: readonly string[] };

/**
 * Hands each observation of a campaign's attempts to its controller once. It remembers
 * which kinds it gave per attempt and which attempts may still produce more ("open");
 * each pass reads the attempts created since the last pass (with
 * {@link CREATED_SLACK_MS}) and the open ones. A fresh feed (server start, a new
 * controller) first reads the newest {@link WARM_UP_ATTEMPTS} of the last 24 h.
 */
export class ObservationFeed {
  /** Kinds given, per attempt id, with the attempt's creation time (ms) for pruning. */
  readonly #given = new Map<string, { createdMs: number; kinds: Set<ObservationKind> }>();
  /** Attempts that may still produce observations: id → creation time, ms. */
  readonly #open = new Map<string, number>();
  #createdFromMs: number | null = null;

  query(nowMs: number): FeedQuery {
    if (this.#createdFromMs === null) return { kind: 'warm-up', sinceMs: nowMs - WARM_UP_SPAN_MS, limit: WARM_UP_ATTEMPTS };
    return { kind: 'recent', createdFromMs: this.#createdFromMs, openIds: [...this.#open.keys()] };
  }

  /** Attempts being watched for more observations. */
  get openAttempts(): number {
    return this.#open.size;
  }

  /** The observations of `rows` not given before, oldest first; `rows` answer the last {@link query}. */
  take(rows: readonly FeedAttempt[], amd: Pick<AmdSettings, 'enabled' | 'mode'>, nowMs: number): PacingObservation[] {
    const fresh: PacingObservation[] = [];
    let newestMs = this.#createdFromMs === null ? nowMs : this.#createdFromMs + CREATED_SLACK_MS;
    for (const row of rows) {
      const createdMs = ms(row.created_at);
      newestMs = Math.max(newestMs, createdMs);
      let given = this.#given.get(row.id);
      for (const { kind, observation } of observationsOf(row, amd)) {
        if (given?.kinds.has(kind)) continue;
        if (!given) this.#given.set(row.id, (given = { createdMs, kinds: new Set() }));
        given.kinds.add(kind);
        fresh.push(observation);
      }
      if (fullyObserved(row)) this.#open.delete(row.id);
      else this.#open.set(row.id, createdMs);
    }
    this.#createdFromMs = newestMs - CREATED_SLACK_MS;
    this.#prune(nowMs);
    return fresh.sort((a, b) => a.atMs - b.atMs);
  }

  #prune(nowMs: number): void {
    for (const [id, createdMs] of this.#open) if (createdMs < nowMs - OPEN_SPAN_MS) this.#open.delete(id);
    // An attempt neither open nor re-read by the next query will never be seen again.
    for (const [id, given] of this.#given) {
      if (!this.#open.has(id) && given.createdMs < this.#createdFromMs!) this.#given.delete(id);
    }
  }
}
