/**
 * Status callbacks in, many per transaction (group commit). One transaction takes a whole
 * batch with a fixed number of statements, whatever its size (at most nine, plus BEGIN
 * and COMMIT): lock the batch's attempts, lock their legs, create the missing legs, load
 * the already-applied keys and the CallSids other legs own, then judge every callback in
 * memory, **in arrival order**, with the pure rules of `merge.ts`, and write the log rows,
 * the changed legs and the changed attempts in one multi-row statement each.
 *
 * Judging in memory gives each callback exactly the verdict, leg and attempt that one
 * transaction per callback, run in the same order, would have given: each callback sees
 * the rows as the callbacks before it in the batch left them, and a key applied earlier
 * in the batch makes a later copy a `duplicate`. Nothing else can change those rows in
 * between: the attempts stay locked until COMMIT, and every writer of an attempt or its
 * legs locks the attempt first (`repository.ts`, the Dial action in `ingest.ts`).
 *
 * Locks are taken in `id` order, so batches of several processes sharing a PostgreSQL
 * server cannot deadlock on each other. All of a batch commits or none of it does.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { deriveAttemptStatus } from './attempt-status.ts';
import { evaluateCallback, parseStatusCallback, type ParsedCallback } from './merge.ts';
import { emptyLeg, type Db } from './repository.ts';
import type { AttemptRow, CallEventSource, CallEventVerdict, LegRole, LegRow } from './tables.ts';

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

/**
 * Most callbacks per transaction; a longer array is taken as consecutive transactions of
 * this size. It keeps the widest statement (the leg upsert, 22 parameters per leg) under
 * PostgreSQL's 65,535 bind parameters.
 */
export const MAX_CALLBACKS_PER_TRANSACTION = 2000;

/**
 * Record and apply `inputs` in order. The results are in input order and equal, callback
 * for callback, what `ingestStatusCallback` called once per input, in this order, returns
 * (generated ids aside, see the tests).
 */
export async function ingestStatusCallbacks(db: Db, inputs: readonly StatusCallbackInput[]): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (let start = 0; start < inputs.length; start += MAX_CALLBACKS_PER_TRANSACTION) {
    const chunk = inputs.slice(start, start + MAX_CALLBACKS_PER_TRANSACTION);
    results.push(...(await inTransaction(db, (trx) => ingestBatch(trx, chunk))));
  }
  return results;
}

/**
 * After an event, as a pure step: a callback (or action) that shows the call exists
 * settles a create whose outcome was unknown, then the derived status is recomputed from
 * `legs` (all of the attempt's legs as they are now). Returns `attempt` itself when
 * nothing changed, else a new row with `updated_at` = `now`.
 */
export function settleAttempt(attempt: AttemptRow, legs: readonly Pick<LegRow, 'role' | 'status'>[], provesCall: boolean, now: Date): AttemptRow {
  let current = attempt;
  if (provesCall && current.create_state === 'outcome_unknown') current = { ...current, create_state: 'reconciled_found', updated_at: now };
  const status = deriveAttemptStatus(legs, current);
  return status === current.status ? current : { ...current, status, updated_at: now };
}

/** A `call_events` row to append, as both ingestion paths write it. */
export function eventRow(
  source: CallEventSource,
  attemptId: string | null,
  role: LegRole | null,
  key: { callSid: string | null; callStatus: string | null; sequence: number | null },
  verdict: CallEventVerdict,
  input: { fields: Readonly<Record<string, string>>; rawBody: string; receivedAt: Date },
) {
  return {
    received_at: input.receivedAt,
    source,
    attempt_id: attemptId,
    role,
    call_sid: key.callSid,
    call_status: key.callStatus,
    sequence_number: key.sequence,
    verdict,
    raw_body: input.rawBody,
    fields: JSON.stringify(input.fields),
  };
}

/** A leg while the batch is judged: its current version, and from which callback on it exists. */
interface LegSlot {
  row: LegRow;
  /** Index of the callback that created it (it is visible from that callback on); -1 if it existed before. */
  bornAt: number;
  dirty: boolean;
}

interface AttemptSlot {
  row: AttemptRow;
  dirty: boolean;
  legs: LegSlot[];
}

/** What the batch knows, kept current as each callback is judged. */
interface BatchState {
  attempts: Map<string, AttemptSlot>;
  /** By {@link legKey}. */
  legs: Map<string, LegSlot>;
  /** {@link appliedKey}s of status callbacks applied or confirmed, before or within the batch. */
  applied: Set<string>;
  /** CallSid → id of the leg that carries it (only for the CallSids the batch may claim). */
  sidOwners: Map<string, number>;
}

const legKey = (attemptId: string, role: LegRole) => `${attemptId}\u0000${role}`;
const appliedKey = (callSid: string, sequence: number | null, callStatus: string) => `${callSid}\u0000${sequence ?? 'null'}\u0000${callStatus}`;
const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

async function ingestBatch(trx: Transaction<Tables>, inputs: readonly StatusCallbackInput[]): Promise<IngestResult[]> {
  const events = inputs.map((input) => parseStatusCallback(input.fields));
  const state = await loadState(trx, inputs, events);
  const rows: ReturnType<typeof eventRow>[] = [];
  const results = inputs.map((input, index) => {
    const { result, attemptId } = judge(state, input, events[index]!, index);
    const event = events[index]!;
    rows.push(eventRow('status_callback', attemptId, input.role, { ...event, callStatus: event.rawStatus }, result.verdict, input));
    return result;
  });
  await writeState(trx, state, rows);
  return results;
}

/** The reads, in lock order: attempts, then their legs (created where missing), then lookups. */
async function loadState(trx: Transaction<Tables>, inputs: readonly StatusCallbackInput[], events: readonly ParsedCallback[]): Promise<BatchState> {
  const state: BatchState = { attempts: new Map(), legs: new Map(), applied: new Set(), sidOwners: new Map() };
  const attemptRows = await trx
    .selectFrom('attempts')
    .selectAll()
    .where('id', 'in', unique(inputs.map((input) => input.attemptId)))
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of attemptRows) state.attempts.set(row.id, { row, dirty: false, legs: [] });
  if (state.attempts.size === 0) return state;

  const addLeg = (row: LegRow, bornAt: number) => {
    const slot: LegSlot = { row, bornAt, dirty: false };
    state.legs.set(legKey(row.attempt_id, row.role), slot);
    state.attempts.get(row.attempt_id)!.legs.push(slot);
  };
  const attemptIds = [...state.attempts.keys()];
  const lockLegs = (ids: string[]) => trx.selectFrom('call_legs').selectAll().where('attempt_id', 'in', ids).orderBy('id').forUpdate().execute();
  for (const row of await lockLegs(attemptIds)) addLeg(row, -1);

  // A leg is created by the first callback that names it, with that callback's time.
  const missing = new Map<string, { attemptId: string; role: LegRole; index: number }>();
  inputs.forEach((input, index) => {
    const key = legKey(input.attemptId, input.role);
    if (state.attempts.has(input.attemptId) && !state.legs.has(key) && !missing.has(key)) missing.set(key, { ...input, index });
  });
  if (missing.size > 0) {
    const planned = [...missing.values()];
    const created = await trx
      .insertInto('call_legs')
      .values(planned.map((leg) => emptyLeg(leg.attemptId, leg.role, inputs[leg.index]!.receivedAt)))
      .onConflict((conflict) => conflict.columns(['attempt_id', 'role']).doNothing())
      .returningAll()
      .execute();
    for (const row of created) addLeg(row, missing.get(legKey(row.attempt_id, row.role))!.index);
    if (created.length < planned.length) {
      // Someone wrote one of these legs without holding its attempt (never, today): take theirs.
      for (const row of await lockLegs(unique(planned.map((leg) => leg.attemptId)))) {
        if (!state.legs.has(legKey(row.attempt_id, row.role))) addLeg(row, -1);
      }
    }
  }

  // Only callbacks of known attempts look anything up.
  const known = events.filter((event, index) => event.callSid !== null && state.attempts.has(inputs[index]!.attemptId));
  const appliedSids = unique(known.filter((event) => event.rawStatus !== null).map((event) => event.callSid!));
  if (appliedSids.length > 0) {
    const keys = await trx
      .selectFrom('call_events')
      .select(['call_sid', 'sequence_number', 'call_status'])
      .distinct()
      .where('source', '=', 'status_callback')
      .where('call_sid', 'in', appliedSids)
      .where('verdict', 'in', ['applied', 'confirmed'])
      .execute();
    for (const key of keys) state.applied.add(appliedKey(key.call_sid!, key.sequence_number, key.call_status!));
  }
  // Whether another leg owns a CallSid matters only to a leg that has none yet.
  const claimed = unique(
    events.flatMap((event, index) => {
      const leg = state.legs.get(legKey(inputs[index]!.attemptId, inputs[index]!.role));
      return event.callSid !== null && leg !== undefined && leg.row.call_sid === null ? [event.callSid] : [];
    }),
  );
  if (claimed.length > 0) {
    const owners = await trx.selectFrom('call_legs').select(['id', 'call_sid']).where('call_sid', 'in', claimed).execute();
    for (const owner of owners) state.sidOwners.set(owner.call_sid!, owner.id);
  }
  return state;
}

/** One callback against the batch's current rows; updates them. Pure (no I/O). */
function judge(state: BatchState, input: StatusCallbackInput, event: ParsedCallback, index: number): { result: IngestResult; attemptId: string } {
  const attempt = state.attempts.get(input.attemptId);
  if (!attempt) return { result: { verdict: 'unknown_attempt', leg: null, attempt: null }, attemptId: input.attemptId };
  const slot = state.legs.get(legKey(input.attemptId, input.role))!;
  const leg = slot.row;
  const { callSid, rawStatus } = event;
  const key = callSid !== null && rawStatus !== null ? appliedKey(callSid, event.sequence, rawStatus) : null;
  const alreadyApplied = key !== null && state.applied.has(key);
  const sidTakenByOtherLeg = callSid !== null && leg.call_sid === null && state.sidOwners.has(callSid);
  const { verdict, patch } = evaluateCallback(leg, event, { alreadyApplied, sidTakenByOtherLeg });

  if (Object.keys(patch).length > 0) {
    // A new object: results handed out earlier keep the version they were given.
    slot.row = { ...leg, ...patch, updated_at: input.receivedAt } as LegRow;
    slot.dirty = true;
    if (leg.call_sid === null && slot.row.call_sid !== null) state.sidOwners.set(slot.row.call_sid, leg.id);
  }
  if (key !== null && (verdict === 'applied' || verdict === 'confirmed')) state.applied.add(key);
  const proves = verdict === 'applied' || verdict === 'confirmed' || verdict === 'stale';
  const visible = attempt.legs.filter((candidate) => candidate.bornAt <= index).map((candidate) => candidate.row);
  const settled = settleAttempt(attempt.row, visible, proves, input.receivedAt);
  if (settled !== attempt.row) {
    attempt.row = settled;
    attempt.dirty = true;
  }
  return { result: { verdict, leg: slot.row, attempt: attempt.row }, attemptId: attempt.row.id };
}

/**
 * Columns of a leg that callbacks change, with their SQL types (the values of an
 * `update … from (values …)` are parameters, which PostgreSQL would otherwise take as text).
 */
const LEG_COLUMNS = {
  call_sid: 'text',
  parent_call_sid: 'text',
  status: 'text',
  status_source: 'text',
  last_sequence: 'integer',
  from_number: 'text',
  to_number: 'text',
  initiated_at: 'timestamptz',
  ringing_at: 'timestamptz',
  answered_at: 'timestamptz',
  ended_at: 'timestamptz',
  duration_s: 'integer',
  hangup_cause: 'text',
  hangup_source: 'text',
  sip_hangup_cause: 'text',
  answered_by: 'text',
  error_code: 'text',
  updated_at: 'timestamptz',
} as const satisfies Partial<Record<keyof LegRow, string>>;

/** What a callback changes on an attempt. */
const ATTEMPT_COLUMNS = { status: 'text', create_state: 'text', updated_at: 'timestamptz' } as const satisfies Partial<Record<keyof AttemptRow, string>>;

/** The writes: the log (in arrival order, so its ids keep delivery order), then the state. */
async function writeState(trx: Transaction<Tables>, state: BatchState, events: ReturnType<typeof eventRow>[]): Promise<void> {
  await trx.insertInto('call_events').values(events).execute();
  const legs = [...state.legs.values()].filter((slot) => slot.dirty).map((slot) => slot.row);
  await updateRows(trx, 'call_legs', 'bigint', LEG_COLUMNS, legs.sort((a, b) => a.id - b.id));
  const attempts = [...state.attempts.values()].filter((slot) => slot.dirty).map((slot) => slot.row);
  await updateRows(trx, 'attempts', 'text', ATTEMPT_COLUMNS, attempts);
}

/**
 * One `update … from (values …)` for many rows, each identified by `id`, setting only
 * `columns`: columns other features add to these tables are left alone.
 */
async function updateRows<Row extends { id: string | number }>(
  trx: Transaction<Tables>,
  table: 'call_legs' | 'attempts',
  idType: string,
  columns: Partial<Record<keyof Row & string, string>>,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns) as (keyof Row & string)[];
  const values = rows.map(
    (row) => sql`(${sql.join([sql`cast(${row.id} as ${sql.raw(idType)})`, ...names.map((name) => sql`cast(${row[name]} as ${sql.raw(columns[name]!)})`)])})`,
  );
  await sql`
    update ${sql.table(table)} as t
    set ${sql.join(names.map((name) => sql`${sql.id(name)} = v.${sql.id(name)}`))}
    from (values ${sql.join(values)}) as v (id, ${sql.join(names.map((name) => sql.id(name)))})
    where t.id = v.id`.execute(trx);
}
