/**
 * Status callbacks and Dial actions in: each is logged raw in `call_events` and applied
 * to the legs at most once, in a transaction that holds the attempt's row lock, so
 * duplicates delivered concurrently (Telnyx does that) cannot both apply. What a callback
 * does to a leg is decided by the pure rules in `merge.ts`; this module and
 * `ingest-batch.ts` (status callbacks, many per transaction) only read, lock and write.
 *
 * @module
 */
import type { Transaction } from 'kysely';
import type { TerminalCallStatus } from '../../lib/telnyx-wire.ts';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { eventRow, ingestStatusCallbacks, settleAttempt, type IngestResult, type StatusCallbackInput } from './ingest-batch.ts';
import { evaluateDialAction, parseDialAction } from './merge.ts';
import { lockAttempt, lockLeg, type Db } from './repository.ts';
import type { AttemptRow, LegRole, LegRow, LegUpdate } from './tables.ts';

export { ingestStatusCallbacks, MAX_CALLBACKS_PER_TRANSACTION, type IngestResult, type StatusCallbackInput } from './ingest-batch.ts';

/** One status callback: a batch of one (see `ingest-batch.ts`; the HTTP route batches). */
export async function ingestStatusCallback(db: Db, input: StatusCallbackInput): Promise<IngestResult> {
  const [result] = await ingestStatusCallbacks(db, [input]);
  return result!;
}

export interface DialActionInput {
  attemptId: string;
  /** The parsed form fields (`DialActionFields`), all strings. */
  fields: Readonly<Record<string, string>>;
  rawBody: string;
  receivedAt: Date;
}

/**
 * The `<Dial action>` request: records it (source `dial_action`, role `customer`, keyed
 * by `DialCallSid`/`DialCallStatus`), stores the dialled leg's outcome on the attempt,
 * and ends the customer leg provisionally if its own callbacks have not (see `merge.ts`).
 * The request's other fields describe the agent's leg, which goes on, and are not applied.
 * Once the attempt has a transfer leg, the action only reports the end of the first
 * bridge: the customer leg goes on with the new agent and is left alone.
 */
export async function applyDialAction(db: Db, input: DialActionInput): Promise<IngestResult> {
  return applyAction(db, input, 'customer');
}

/**
 * The `<Dial action>` of a transfer's `<Dial><Sip>` (flow 4), fetched by the customer's
 * call when the new agent's leg ends: recorded with role `transfer`; it ends the transfer
 * leg provisionally, judged by the same rules as the customer's.
 */
export async function applyTransferAction(db: Db, input: DialActionInput): Promise<IngestResult> {
  return applyAction(db, input, 'transfer');
}

async function applyAction(db: Db, input: DialActionInput, role: 'customer' | 'transfer'): Promise<IngestResult> {
  const action = parseDialAction(input.fields);
  const key = { callSid: action.dialCallSid, callStatus: action.rawStatus, sequence: null };
  return inTransaction(db, async (trx) => {
    const attempt = await lockAttempt(trx, input.attemptId);
    if (!attempt) {
      await trx.insertInto('call_events').values(eventRow('dial_action', input.attemptId, role, key, 'unknown_attempt', input)).execute();
      return { verdict: 'unknown_attempt', leg: null, attempt: null };
    }
    const leg = await lockLeg(trx, attempt.id, role, input.receivedAt);
    const legs = await trx.selectFrom('call_legs').select(['role', 'status']).where('attempt_id', '=', attempt.id).execute();
    const sidTakenByOtherLeg =
      action.dialCallSid !== null && leg.call_sid === null && (await sidOwnedElsewhere(trx, action.dialCallSid, leg.id));
    const earlier = role === 'customer' ? attempt : { dial_call_status: await appliedTransferOutcome(trx, attempt.id) };
    const dialledLegContinues = role === 'customer' && legs.some((other) => other.role === 'transfer');
    const { verdict, attemptPatch, legPatch } = evaluateDialAction(earlier, leg, action, { sidTakenByOtherLeg, dialledLegContinues });

    // The event row goes in before any state changes; all of it commits or none does.
    await trx.insertInto('call_events').values(eventRow('dial_action', attempt.id, role, key, verdict, input)).execute();
    const updatedLeg = await updateLeg(trx, leg, legPatch ?? {}, input.receivedAt);
    const patched = role === 'customer' && Object.keys(attemptPatch).length > 0 ? { ...attempt, ...attemptPatch, updated_at: input.receivedAt } : attempt;
    const legsNow = legs.map((other) => (other.role === role ? updatedLeg : other));
    const settled = settleAttempt(patched, legsNow, verdict === 'applied', input.receivedAt);
    const updatedAttempt = settled === attempt ? attempt : await writeAttempt(trx, settled);
    return { verdict, leg: updatedLeg, attempt: updatedAttempt };
  });
}

/** Write what a Dial action may change on the attempt. */
async function writeAttempt(trx: Transaction<Tables>, attempt: AttemptRow): Promise<AttemptRow> {
  const { dial_call_status, dial_call_duration_s, status, create_state, updated_at } = attempt;
  return trx
    .updateTable('attempts')
    .set({ dial_call_status, dial_call_duration_s, status, create_state, updated_at })
    .where('id', '=', attempt.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** `DialCallStatus` of the transfer action applied earlier, if any (a repeat is a duplicate). */
async function appliedTransferOutcome(trx: Transaction<Tables>, attemptId: string): Promise<TerminalCallStatus | null> {
  const row = await trx
    .selectFrom('call_events')
    .select('call_status')
    .where('attempt_id', '=', attemptId)
    .where('source', '=', 'dial_action')
    .where('role', '=', 'transfer')
    .where('verdict', '=', 'applied')
    .limit(1)
    .executeTakeFirst();
  // Only a terminal DialCallStatus is ever applied (`parseDialAction`).
  return (row?.call_status ?? null) as TerminalCallStatus | null;
}

/** Does another leg already carry this CallSid (it is unique across legs)? */
async function sidOwnedElsewhere(trx: Transaction<Tables>, callSid: string, legId: number): Promise<boolean> {
  const row = await trx.selectFrom('call_legs').select('id').where('call_sid', '=', callSid).where('id', '!=', legId).executeTakeFirst();
  return row !== undefined;
}

async function updateLeg(trx: Transaction<Tables>, leg: LegRow, patch: LegUpdate, now: Date): Promise<LegRow> {
  if (Object.keys(patch).length === 0) return leg;
  return trx
    .updateTable('call_legs')
    .set({ ...patch, updated_at: now })
    .where('id', '=', leg.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
