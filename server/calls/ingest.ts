/**
 * Status callbacks and Dial actions in: each is logged raw in `call_events` and applied
 * to the legs at most once, in one transaction that holds the attempt's row lock, so
 * duplicates delivered concurrently (Telnyx does that) cannot both apply. What a callback
 * does to a leg is decided by the pure rules in `merge.ts`; this module only reads,
 * locks and writes.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { TerminalCallStatus } from '../../lib/telnyx-wire.ts';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { evaluateCallback, evaluateDialAction, parseDialAction, parseStatusCallback } from './merge.ts';
import { lockAttempt, lockLeg, refreshAttemptStatus, type Db } from './repository.ts';
import type { AttemptRow, CallEventSource, CallEventVerdict, LegRole, LegRow, LegUpdate } from './tables.ts';

export interface StatusCallbackInput {
  /** From the callback URL (`attempt=`), as received. */
  attemptId: string;
  /** From the callback URL (`leg=`). */
  role: LegRole;
  /** The parsed form fields (`StatusCallbackFields`), all strings. */
  fields: Readonly<Record<string, string>>;
  /** The body exactly as received, for audit and replay. */
  rawBody: string;
  receivedAt: Date;
}

export interface IngestResult {
  verdict: CallEventVerdict;
  /** The leg after this event; null for an unknown attempt. */
  leg: LegRow | null;
  /** The attempt after this event; null for an unknown attempt. */
  attempt: AttemptRow | null;
}

export async function ingestStatusCallback(db: Db, input: StatusCallbackInput): Promise<IngestResult> {
  const event = parseStatusCallback(input.fields);
  return inTransaction(db, async (trx) => {
    const record = (verdict: CallEventVerdict, attemptId: string | null) =>
      recordEvent(trx, {
        source: 'status_callback',
        attemptId,
        role: input.role,
        callSid: event.callSid,
        callStatus: event.rawStatus,
        sequence: event.sequence,
        verdict,
        input,
      });

    const attempt = await lockAttempt(trx, input.attemptId);
    if (!attempt) {
      await record('unknown_attempt', input.attemptId);
      return { verdict: 'unknown_attempt', leg: null, attempt: null };
    }
    const leg = await lockLeg(trx, attempt.id, input.role, input.receivedAt);
    const alreadyApplied = event.callSid !== null && (await wasApplied(trx, event.callSid, event.sequence, event.rawStatus));
    const sidTakenByOtherLeg = event.callSid !== null && leg.call_sid === null && (await sidOwnedElsewhere(trx, event.callSid, leg.id));
    const { verdict, patch } = evaluateCallback(leg, event, { alreadyApplied, sidTakenByOtherLeg });

    // The event row goes in before any state changes; all of it commits or none does.
    await record(verdict, attempt.id);
    const updatedLeg = await updateLeg(trx, leg, patch, input.receivedAt);
    const proves = verdict === 'applied' || verdict === 'confirmed' || verdict === 'stale';
    const updatedAttempt = await afterEvent(trx, attempt, proves, input.receivedAt);
    return { verdict, leg: updatedLeg, attempt: updatedAttempt };
  });
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
  return inTransaction(db, async (trx) => {
    const record = (verdict: CallEventVerdict, attemptId: string | null) =>
      recordEvent(trx, {
        source: 'dial_action',
        attemptId,
        role,
        callSid: action.dialCallSid,
        callStatus: action.rawStatus,
        sequence: null,
        verdict,
        input,
      });

    const attempt = await lockAttempt(trx, input.attemptId);
    if (!attempt) {
      await record('unknown_attempt', input.attemptId);
      return { verdict: 'unknown_attempt', leg: null, attempt: null };
    }
    const leg = await lockLeg(trx, attempt.id, role, input.receivedAt);
    const sidTakenByOtherLeg =
      action.dialCallSid !== null && leg.call_sid === null && (await sidOwnedElsewhere(trx, action.dialCallSid, leg.id));
    const earlier = role === 'customer' ? attempt : { dial_call_status: await appliedTransferOutcome(trx, attempt.id) };
    const dialledLegContinues = role === 'customer' && (await hasLeg(trx, attempt.id, 'transfer'));
    const { verdict, attemptPatch, legPatch } = evaluateDialAction(earlier, leg, action, { sidTakenByOtherLeg, dialledLegContinues });

    await record(verdict, attempt.id);
    const updatedLeg = await updateLeg(trx, leg, legPatch ?? {}, input.receivedAt);
    let current = attempt;
    if (role === 'customer' && Object.keys(attemptPatch).length > 0) {
      current = await trx
        .updateTable('attempts')
        .set({ ...attemptPatch, updated_at: input.receivedAt })
        .where('id', '=', attempt.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const updatedAttempt = await afterEvent(trx, current, verdict === 'applied', input.receivedAt);
    return { verdict, leg: updatedLeg, attempt: updatedAttempt };
  });
}

async function hasLeg(trx: Transaction<Tables>, attemptId: string, role: LegRole): Promise<boolean> {
  const row = await trx.selectFrom('call_legs').select('id').where('attempt_id', '=', attemptId).where('role', '=', role).executeTakeFirst();
  return row !== undefined;
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

interface EventRecord {
  source: CallEventSource;
  attemptId: string | null;
  role: LegRole | null;
  callSid: string | null;
  callStatus: string | null;
  sequence: number | null;
  verdict: CallEventVerdict;
  input: { fields: Readonly<Record<string, string>>; rawBody: string; receivedAt: Date };
}

/** Append to the audit log. The only write `call_events` ever gets. */
async function recordEvent(trx: Transaction<Tables>, event: EventRecord): Promise<void> {
  await trx
    .insertInto('call_events')
    .values({
      received_at: event.input.receivedAt,
      source: event.source,
      attempt_id: event.attemptId,
      role: event.role,
      call_sid: event.callSid,
      call_status: event.callStatus,
      sequence_number: event.sequence,
      verdict: event.verdict,
      raw_body: event.input.rawBody,
      fields: JSON.stringify(event.input.fields),
    })
    .execute();
}

/** Was a status callback with this (CallSid, SequenceNumber, CallStatus) applied or confirmed before? */
async function wasApplied(trx: Transaction<Tables>, callSid: string, sequence: number | null, callStatus: string | null): Promise<boolean> {
  if (callStatus === null) return false;
  const row = await trx
    .selectFrom('call_events')
    .select('id')
    .where('source', '=', 'status_callback')
    .where('call_sid', '=', callSid)
    .where('call_status', '=', callStatus)
    .where(sequence === null ? sql<boolean>`sequence_number is null` : sql<boolean>`sequence_number = ${sequence}`)
    .where('verdict', 'in', ['applied', 'confirmed'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
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

/**
 * After an event: a callback that shows the call exists settles a create whose outcome
 * was unknown (no need to ask Telnyx), and the derived status is recomputed.
 */
async function afterEvent(trx: Transaction<Tables>, attempt: AttemptRow, provesCall: boolean, now: Date): Promise<AttemptRow> {
  let current = attempt;
  if (provesCall && attempt.create_state === 'outcome_unknown') {
    current = await trx
      .updateTable('attempts')
      .set({ create_state: 'reconciled_found', updated_at: now })
      .where('id', '=', attempt.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return refreshAttemptStatus(trx, current, now);
}
