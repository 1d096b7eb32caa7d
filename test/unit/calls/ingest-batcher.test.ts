/**
 * The batcher: callbacks that arrive together share a transaction, a lone one is not
 * kept waiting, a failed transaction writes nothing and rejects all of its callbacks
 * (unless one callback alone caused it), and Dial actions on the same attempt take turns
 * with the batches.
 *
 * Failures are real: a trigger on `call_events` makes the database refuse the insert.
 */
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { applyDialAction, type IngestResult } from '../../../server/calls/ingest.ts';
import { createCallbackBatcher } from '../../../server/calls/ingest-batcher.ts';
import { createAttempt, getAttemptWithLegs, listEvents, markCreateState } from '../../../server/calls/repository.ts';
import type { AttemptRow } from '../../../server/calls/tables.ts';
import { truncateAll, useTestDatabase } from '../../helpers/database.ts';
import { AGENT_SIP, BRIDGED, CALLER_ID, CUSTOMER, EXPECTED, callbackInput, deliver, retag, scramble, statusCallback, type Delivery } from './fixtures.ts';

const database = useTestDatabase();

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);
let attempt: AttemptRow;
let clock = 0;
const tick = () => new Date(T0 + 1000 * ++clock);
const byLabel = (label: string) => BRIDGED.find((d) => d.label === label)!;
const input = (delivery: Delivery, attemptId = attempt.id) => callbackInput(attemptId, delivery, tick());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newAttempt(): Promise<AttemptRow> {
  const created = await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID, now: new Date(T0) });
  return markCreateState(database.db, created.id, 'accepted', undefined, new Date(T0));
}

beforeEach(async () => {
  await sql`drop trigger if exists refuse on call_events`.execute(database.db);
  await truncateAll(database.db);
  clock = 0;
  attempt = await newAttempt();
});

/** Make the database refuse `call_events` rows matching `condition` (SQL on NEW), with `errcode`. */
async function refuseEvents(condition: string, errcode: string): Promise<void> {
  await sql
    .raw(
      `create or replace function refuse_event() returns trigger language plpgsql as $$
       begin
         if ${condition} then raise exception 'refused by test trigger' using errcode = '${errcode}'; end if;
         return new;
       end $$`,
    )
    .execute(database.db);
  await sql`create trigger refuse before insert on call_events for each row execute function refuse_event()`.execute(database.db);
}

describe('createCallbackBatcher', () => {
  it('commits a lone callback at once, in a transaction of its own', async () => {
    const batcher = createCallbackBatcher({ db: database.db });
    expect((await batcher.submit(input(byLabel('agent:initiated#0')))).verdict).toBe('applied');
    expect((await batcher.submit(input(byLabel('agent:ringing#1')))).verdict).toBe('applied');
    expect(batcher.stats).toMatchObject({ batches: 2, callbacks: 2, largestBatch: 1 });
  });

  it('puts callbacks that arrive together in one transaction, and applies a duplicate among them once', async () => {
    const applied: number[] = [];
    const batcher = createCallbackBatcher({ db: database.db, onApplied: (batch) => applied.push(batch.results.length) });
    const ringing = byLabel('agent:ringing#1');
    const results = await Promise.all([...Array.from({ length: 5 }, () => batcher.submit(input(ringing))), batcher.submit(input(byLabel('agent:initiated#0')))]);
    expect(results.map((r) => r.verdict)).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'stale']);
    expect(applied).toEqual([6]);
    const { legs } = (await getAttemptWithLegs(database.db, attempt.id))!;
    expect(legs[0]).toMatchObject({ status: 'ringing', last_sequence: 1, initiated_at: new Date('2026-01-05T15:00:00.000Z') });
    expect(await listEvents(database.db, attempt.id)).toHaveLength(6);
  });

  it('takes what arrives during a flush into the next one, at most maxBatch at a time', async () => {
    const batcher = createCallbackBatcher({ db: database.db, maxBatch: 4 });
    const first = batcher.submit(input(byLabel('agent:initiated#0')));
    const later = new Promise<IngestResult[]>((resolve) => {
      // Six status callbacks (BRIDGED[7] is the Dial action), submitted after the first flush began.
      setImmediate(() => resolve(Promise.all(BRIDGED.slice(1, 7).map((d) => batcher.submit(input(d))))));
    });
    await first;
    expect((await later).map((r) => r.verdict)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied']);
    expect(batcher.stats).toMatchObject({ batches: 3, callbacks: 7, largestBatch: 4 });
  });

  it('writes nothing of a batch whose transaction fails, and rejects every callback in it', async () => {
    const batcher = createCallbackBatcher({ db: database.db });
    await batcher.submit(input(byLabel('agent:initiated#0')));
    const before = await getAttemptWithLegs(database.db, attempt.id);
    const other = await newAttempt();
    await refuseEvents(`new.call_status = 'in-progress'`, 'P0001');

    const batch = [
      input(byLabel('agent:ringing#1')),
      input(byLabel('customer:initiated#0')), // would create the customer leg
      input(retag(byLabel('agent:initiated#0'), 'other'), other.id),
      input(byLabel('agent:in-progress#2')), // the one the database refuses
      input(byLabel('agent:ringing#1'), 'no-such-attempt'),
    ];
    const settled = await Promise.allSettled(batch.map((callback) => batcher.submit(callback)));
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
    expect(settled.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(Array(5).fill('refused by test trigger'));
    expect(batcher.stats).toMatchObject({ failedBatches: 1, rejected: 5 });

    expect(await getAttemptWithLegs(database.db, attempt.id)).toEqual(before);
    expect((await getAttemptWithLegs(database.db, other.id))!.legs.map((leg) => leg.status)).toEqual(['queued']);
    const events = await database.db.selectFrom('call_events').select(['call_status', 'attempt_id']).execute();
    expect(events).toEqual([{ call_status: 'initiated', attempt_id: attempt.id }]);

    // Telnyx retries; once the database accepts again, so does the batcher.
    await sql`drop trigger refuse on call_events`.execute(database.db);
    expect((await Promise.all(batch.map((callback) => batcher.submit(callback)))).map((r) => r.verdict)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'unknown_attempt',
    ]);
  });

  it('retries a batch one callback at a time when one callback alone breaks it', async () => {
    const batcher = createCallbackBatcher({ db: database.db });
    // 23514 check_violation: a constraint the bad callback alone violates.
    await refuseEvents(`new.call_sid = 'v3:poison'`, '23514');
    const poison = statusCallback('customer', 'initiated', '0', '2026-01-05T15:00:04.500Z', { CallSid: 'v3:poison' });
    const settled = await Promise.allSettled([
      batcher.submit(input(byLabel('agent:initiated#0'))),
      batcher.submit(input(poison)),
      batcher.submit(input(byLabel('agent:ringing#1'))),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.code).toBe('23514');
    expect(batcher.stats).toMatchObject({ failedBatches: 2, rejected: 1, batches: 2, callbacks: 2 });
    const events = await listEvents(database.db, attempt.id);
    expect(events.map((e) => `${e.role}:${e.call_status} ${e.verdict}`)).toEqual(['agent:initiated applied', 'agent:ringing applied']);
    // The poison's leg was never created.
    expect((await getAttemptWithLegs(database.db, attempt.id))!.legs.map((leg) => leg.role)).toEqual(['agent']);
  });

  it('waits for a Dial action that holds the attempt, then judges the callback after it', async () => {
    const batcher = createCallbackBatcher({ db: database.db });
    for (const label of ['agent:initiated#0', 'agent:in-progress#2', 'customer:ringing#1']) await batcher.submit(input(byLabel(label)));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const action = database.db.transaction().execute(async (trx) => {
      const result = await applyDialAction(trx, { attemptId: attempt.id, fields: byLabel('action:completed').fields, rawBody: '', receivedAt: tick() });
      holding();
      await gate;
      return result;
    });
    await held;
    let done = false;
    const callback = batcher.submit(input(byLabel('customer:completed#3'))).finally(() => (done = true));
    await sleep(200);
    expect(done).toBe(false);
    release();
    const [acted, judged] = await Promise.all([action, callback]);
    expect(acted.leg).toMatchObject({ status: 'completed', status_source: 'dial_action' });
    expect(judged.verdict).toBe('confirmed');
    expect(judged.leg).toMatchObject({ status: 'completed', status_source: 'callback', hangup_cause: 'normal_clearing' });
  });

  it('ends as expected when Dial actions race batches on the same attempt', async () => {
    const next = seededRandom(77);
    for (let run = 0; run < 15; run++) {
      await truncateAll(database.db);
      attempt = await newAttempt();
      const batcher = createCallbackBatcher({ db: database.db });
      const order = scramble(BRIDGED, next);
      // All at once: callbacks through the batcher, each action in its own transaction.
      await Promise.all(order.map((d) => (d.kind === 'status' ? batcher.submit(input(d)) : deliver(database.db, attempt.id, d, tick()))));
      const { legs, updated_at: _u, ...final } = (await getAttemptWithLegs(database.db, attempt.id))!;
      const context = `run ${run}: ${order.map((d) => d.label).join(', ')}`;
      expect(final, context).toMatchObject(EXPECTED.BRIDGED.attempt);
      expect(legs.map(({ id: _i, attempt_id: _a, updated_at: _t, ...leg }) => leg), context).toEqual(EXPECTED.BRIDGED.legs);
      const effective = (await listEvents(database.db, attempt.id)).filter((e) => e.verdict === 'applied' || e.verdict === 'confirmed');
      const keys = effective.map((e) => `${e.source} ${e.call_sid} ${e.call_status}`);
      expect(new Set(keys).size, context).toBe(keys.length);
    }
  });
});
