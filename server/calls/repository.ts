/**
 * The calls feature's small API over its tables. Other features use these functions (and
 * `ingest.ts`), never the tables. Every write that can change an attempt's status locks
 * the attempt row first, so all changes to one attempt happen one after another on
 * PGlite and on a shared PostgreSQL alike.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { deriveAttemptStatus } from './attempt-status.ts';
import type { AttemptKind, AttemptRow, CallEventRow, CreateState, LegRole, LegRow } from './tables.ts';

export type Db = Kysely<Tables>;

export type AttemptWithLegs = AttemptRow & {
  /** The attempt's legs, agent first. */
  legs: LegRow[];
};

export interface CreateAttemptInput {
  /** Defaults to a random UUID. */
  id?: string;
  kind: AttemptKind;
  /** `sip:<user>@<domain>`. */
  agentSip: string;
  /** The agent (user id) that `agentSip` belongs to, when it is one of ours. */
  agentId?: string | null;
  /** E.164. */
  customerNumber: string;
  /** E.164, one of the account's numbers. */
  callerId: string;
  /** created_at/updated_at; defaults to now (pass the scheduler's time for determinism). */
  now?: Date;
  /** A campaign's attempt: its campaign, lead, mode and what the compliance gate said. */
  campaign?: CampaignAttemptInput;
}

export interface CampaignAttemptInput {
  campaignId: string;
  leadId: string;
  mode: 'manual' | 'preview' | 'progressive' | 'power' | 'predictive';
  /** The campaign's customer ring time, seconds (the bridge document uses it). */
  ringTimeoutS: number;
  gateDecision: Record<string, unknown>;
}

/**
 * Write a new attempt (create_state `pending`, status `created`) and its agent leg
 * (status `queued`, no CallSid yet: the account-scoped create does not return one).
 */
export async function createAttempt(db: Db, input: CreateAttemptInput): Promise<AttemptRow> {
  const now = input.now ?? new Date();
  return inTransaction(db, async (trx) => {
    const attempt = await trx
      .insertInto('attempts')
      .values({
        id: input.id ?? randomUUID(),
        kind: input.kind,
        agent_sip: input.agentSip,
        customer_number: input.customerNumber,
        caller_id: input.callerId,
        status: 'created',
        create_state: 'pending',
        dial_call_status: null,
        dial_call_duration_s: null,
        error_code: null,
        error_message: null,
        created_at: now,
        updated_at: now,
        agent_id: input.agentId ?? null,
        ...(input.campaign
          ? {
              campaign_id: input.campaign.campaignId,
              lead_id: input.campaign.leadId,
              mode: input.campaign.mode,
              ring_timeout_s: input.campaign.ringTimeoutS,
              gate_decision: input.campaign.gateDecision,
            }
          : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('call_legs')
      .values({ ...emptyLeg(attempt.id, 'agent', now), agent_id: input.agentId ?? null, from_number: input.callerId, to_number: input.agentSip })
      .execute();
    return attempt;
  });
}

export async function getAttempt(db: Db, id: string): Promise<AttemptRow | undefined> {
  return db.selectFrom('attempts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getAttemptWithLegs(db: Db, id: string): Promise<AttemptWithLegs | undefined> {
  const attempt = await getAttempt(db, id);
  if (!attempt) return undefined;
  return { ...attempt, legs: await listLegs(db, id) };
}

/** Legs of an attempt, agent first. */
export async function listLegs(db: Db, attemptId: string): Promise<LegRow[]> {
  const legs = await db.selectFrom('call_legs').selectAll().where('attempt_id', '=', attemptId).execute();
  return legs.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

const ROLE_ORDER: Record<LegRole, number> = { agent: 0, customer: 1, transfer: 2 };

/**
 * Allowed moves of `create_state`. `outcome_unknown → accepted` covers a retried create
 * whose answer finally came; `reconciled_absent → reconciled_found` a callback that shows
 * up after the reconciler gave up.
 */
const CREATE_STATE_MOVES: Record<CreateState, readonly CreateState[]> = {
  pending: ['accepted', 'outcome_unknown', 'rejected'],
  outcome_unknown: ['accepted', 'reconciled_found', 'reconciled_absent'],
  reconciled_absent: ['reconciled_found'],
  accepted: [],
  reconciled_found: [],
  rejected: [],
};

export interface AttemptError {
  code?: string;
  message: string;
}

/**
 * Record what became of the create request, and recompute the status. Setting the state
 * it already has is a no-op, so a retried step is harmless.
 *
 * @throws DialerError `not_found` for an unknown attempt, `conflict` for a move the
 *   table above does not allow (e.g. `rejected → accepted`).
 */
export async function markCreateState(db: Db, id: string, state: CreateState, error?: AttemptError, now: Date = new Date()): Promise<AttemptRow> {
  return inTransaction(db, async (trx) => {
    const attempt = await lockAttempt(trx, id);
    if (!attempt) throw new DialerError('not_found', { message: `No call attempt ${id}.` });
    if (attempt.create_state === state && error === undefined) return attempt;
    if (attempt.create_state !== state && !CREATE_STATE_MOVES[attempt.create_state].includes(state)) {
      throw new DialerError('conflict', { message: `Attempt ${id}: create_state cannot move from ${attempt.create_state} to ${state}.` });
    }
    const updated = await trx
      .updateTable('attempts')
      .set({
        create_state: state,
        updated_at: now,
        ...(error ? { error_code: error.code ?? null, error_message: error.message } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return refreshAttemptStatus(trx, updated, now);
  });
}

/** Every callback recorded for the attempt, oldest first. */
export async function listEvents(db: Db, attemptId: string): Promise<CallEventRow[]> {
  return db.selectFrom('call_events').selectAll().where('attempt_id', '=', attemptId).orderBy('id').execute();
}

/** Ids of attempts whose create is in `state` (start-up reconciliation). */
export async function listAttemptIdsByCreateState(db: Db, state: CreateState): Promise<string[]> {
  const rows = await db.selectFrom('attempts').select('id').where('create_state', '=', state).orderBy('created_at').execute();
  return rows.map((row) => row.id);
}

export interface ReserveTransferInput {
  attemptId: string;
  /** The target agent (user id). */
  agentId: string;
  /** The target's softphone, `sip:<user>@<domain>`. */
  agentSip: string;
  now: Date;
}

/**
 * Write the queued transfer leg before the customer is redirected, so that the Dial
 * action of the first bridge, which the redirect triggers, already sees it. One transfer
 * per attempt (a leg role is unique per attempt).
 *
 * @throws DialerError `not_found`, or `conflict` when the attempt was transferred before.
 */
export async function reserveTransferLeg(db: Db, input: ReserveTransferInput): Promise<LegRow> {
  return inTransaction(db, async (trx) => {
    const attempt = await lockAttempt(trx, input.attemptId);
    if (!attempt) throw new DialerError('not_found', { message: `No call attempt ${input.attemptId}.` });
    const existing = await trx.selectFrom('call_legs').select('id').where('attempt_id', '=', attempt.id).where('role', '=', 'transfer').executeTakeFirst();
    if (existing) throw new DialerError('conflict', { message: 'This call has already been transferred once; it cannot be transferred again.' });
    const leg = await trx
      .insertInto('call_legs')
      .values({ ...emptyLeg(attempt.id, 'transfer', input.now), agent_id: input.agentId, to_number: input.agentSip })
      .returningAll()
      .executeTakeFirstOrThrow();
    await refreshAttemptStatus(trx, attempt, input.now);
    return leg;
  });
}

/** Undo {@link reserveTransferLeg} after Telnyx refused the redirect (only while nothing was heard of the leg). */
export async function releaseTransferLeg(db: Db, attemptId: string, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const attempt = await lockAttempt(trx, attemptId);
    if (!attempt) return;
    await trx
      .deleteFrom('call_legs')
      .where('attempt_id', '=', attemptId)
      .where('role', '=', 'transfer')
      .where('status', '=', 'queued')
      .where('call_sid', 'is', null)
      .execute();
    await refreshAttemptStatus(trx, attempt, now);
  });
}

/** Answered, still live legs that ring `agentId`'s softphone, other than `exceptLegId`. */
export async function countAnsweredLegsOfAgent(db: Db, agentId: string, exceptLegId: number): Promise<number> {
  const row = await db
    .selectFrom('call_legs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('agent_id', '=', agentId)
    .where('status', '=', 'in-progress')
    .where('id', '!=', exceptLegId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

// --- shared with ingest.ts ---------------------------------------------------------------

/** `SELECT … FOR UPDATE` the attempt: serialises every change to one attempt. */
export async function lockAttempt(trx: Transaction<Tables>, id: string): Promise<AttemptRow | undefined> {
  return trx.selectFrom('attempts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Lock the leg, creating it first if this is the first we hear of it. */
export async function lockLeg(trx: Transaction<Tables>, attemptId: string, role: LegRole, now: Date): Promise<LegRow> {
  await trx
    .insertInto('call_legs')
    .values(emptyLeg(attemptId, role, now))
    .onConflict((conflict) => conflict.columns(['attempt_id', 'role']).doNothing())
    .execute();
  return trx
    .selectFrom('call_legs')
    .selectAll()
    .where('attempt_id', '=', attemptId)
    .where('role', '=', role)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Write the derived status (and updated_at) if it changed; returns the current row. */
export async function refreshAttemptStatus(trx: Transaction<Tables>, attempt: AttemptRow, now: Date): Promise<AttemptRow> {
  const legs = await trx.selectFrom('call_legs').select(['role', 'status']).where('attempt_id', '=', attempt.id).execute();
  const status = deriveAttemptStatus(legs, attempt);
  if (status === attempt.status) return attempt;
  return trx.updateTable('attempts').set({ status, updated_at: now }).where('id', '=', attempt.id).returningAll().executeTakeFirstOrThrow();
}

/** A leg as first written: `queued`, nothing known yet (`updated_at` = `now`). */
export function emptyLeg(attemptId: string, role: LegRole, now: Date) {
  return {
    attempt_id: attemptId,
    role,
    agent_id: null,
    call_sid: null,
    parent_call_sid: null,
    status: 'queued',
    status_source: null,
    last_sequence: -1,
    from_number: null,
    to_number: null,
    initiated_at: null,
    ringing_at: null,
    answered_at: null,
    ended_at: null,
    duration_s: null,
    hangup_cause: null,
    hangup_source: null,
    sip_hangup_cause: null,
    answered_by: null,
    error_code: null,
    updated_at: now,
  } as const;
}
