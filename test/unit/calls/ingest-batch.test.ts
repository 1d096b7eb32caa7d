/**
 * `ingestStatusCallbacks`: a batch gives every callback exactly what one transaction per
 * callback would have given, also when a batch mixes attempts, unknown attempts, a leg
 * created mid-batch, a CallSid claimed by another leg and duplicates; and it costs the
 * same few statements whatever its size.
 */
import { sql, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { ingestStatusCallbacks, type IngestResult } from '../../../server/calls/ingest.ts';
import { createAttempt, markCreateState } from '../../../server/calls/repository.ts';
import { truncateAll, useTestDatabase } from '../../helpers/database.ts';
import {
  AGENT_SID,
  AGENT_SIP,
  BRIDGED,
  CALLER_ID,
  CUSTOMER,
  CUSTOMER_BUSY,
  callbackInput,
  deliver,
  retag,
  scramble,
  statusCallback,
  type Delivery,
} from './fixtures.ts';

const database = useTestDatabase();

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);
const ATTEMPT = { A: '6f1c2a9e-0000-4000-8000-00000000000a', B: '6f1c2a9e-0000-4000-8000-00000000000b', ghost: 'no-such-attempt' } as const;
type Target = keyof typeof ATTEMPT;
interface Sent {
  target: Target;
  delivery: Delivery;
}

/** Two calls side by side (B's create outcome unknown), plus deliveries that go wrong on purpose. */
const MIXED: readonly Sent[] = [
  ...BRIDGED.map((delivery) => ({ target: 'A' as const, delivery: retag(delivery, 'A') })),
  ...CUSTOMER_BUSY.map((delivery) => ({ target: 'B' as const, delivery: retag(delivery, 'B') })),
  { target: 'ghost', delivery: retag(statusCallback('agent', 'ringing', '1', '2026-01-05T15:00:01.000Z'), 'G') },
  // A transfer leg that only its callbacks create: from then on it decides A's status.
  { target: 'A', delivery: statusCallback('transfer', 'initiated', '0', '2026-01-05T15:00:20.000Z', { CallSid: 'v3:transfer-A', CallSidLegacy: 'v3:transfer-A' }) },
  { target: 'A', delivery: statusCallback('transfer', 'in-progress', '2', '2026-01-05T15:00:25.000Z', { CallSid: 'v3:transfer-A', CallSidLegacy: 'v3:transfer-A' }) },
  // B's customer leg claims A's agent CallSid: whichever leg names it first keeps it.
  { target: 'B', delivery: statusCallback('customer', 'initiated', '0', '2026-01-05T15:00:04.500Z', { CallSid: `${AGENT_SID}-A` }) },
  { target: 'A', delivery: statusCallback('agent', 'dtmf', '4', '2026-01-05T15:00:30.000Z', { CallSid: `${AGENT_SID}-A`, Digit: '1' }) },
  { target: 'B', delivery: retag(statusCallback('agent', 'in-progress', undefined, '2026-01-05T15:00:04.000Z'), 'B') },
];

async function reset(): Promise<void> {
  await truncateAll(database.db);
  const base = { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID, now: new Date(T0) } as const;
  await createAttempt(database.db, { ...base, id: ATTEMPT.A });
  await markCreateState(database.db, ATTEMPT.A, 'accepted', undefined, new Date(T0));
  await createAttempt(database.db, { ...base, id: ATTEMPT.B });
  await markCreateState(database.db, ATTEMPT.B, 'outcome_unknown', undefined, new Date(T0));
}

/** Every row of the three tables, ids and times included, in id order. */
async function everything() {
  const db = database.db;
  return {
    attempts: await db.selectFrom('attempts').selectAll().orderBy('id').execute(),
    legs: await db.selectFrom('call_legs').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('call_events').selectAll().orderBy('id').execute(),
  };
}

/** Play `order` one transaction per delivery, or (with `batchSize`) runs of callbacks in batches. */
async function play(order: readonly Sent[], batchSize?: (left: number) => number) {
  await reset();
  const at = (index: number) => new Date(T0 + 1000 * (index + 1));
  const results: IngestResult[] = [];
  for (let index = 0; index < order.length; ) {
    const { target, delivery } = order[index]!;
    if (!batchSize || delivery.kind === 'action') {
      results.push(await deliver(database.db, ATTEMPT[target], delivery, at(index)));
      index++;
      continue;
    }
    let end = index;
    while (end < order.length && order[end]!.delivery.kind === 'status') end++;
    const batch = order.slice(index, index + batchSize(end - index));
    results.push(...(await ingestStatusCallbacks(database.db, batch.map((sent, offset) => callbackInput(ATTEMPT[sent.target], sent.delivery, at(index + offset))))));
    index += batch.length;
  }
  return { results, ...(await everything()) };
}

describe('ingestStatusCallbacks', () => {
  it('gives each callback of 60 shuffled, mixed batches what one transaction per callback gives', async () => {
    const next = seededRandom(31337);
    const nextSize = seededRandom(99);
    const seen = new Set<string>();
    for (let run = 0; run < 60; run++) {
      const order = scramble(MIXED, next);
      const context = `run ${run}: ${order.map((sent) => sent.delivery.label).join(', ')}`;
      const oneByOne = await play(order);
      const batched = await play(order, (left) => (run % 3 === 0 ? left : 1 + Math.floor(nextSize() * left)));
      expect(batched.results.map((r) => r.verdict), context).toEqual(oneByOne.results.map((r) => r.verdict));
      expect(batched, context).toEqual(oneByOne);
      for (const result of oneByOne.results) [result.verdict, result.attempt?.status, result.attempt?.create_state].forEach((v) => v && seen.add(v));
    }
    // The mischief did happen: every verdict, and the transfer and reconcile paths.
    const paths = ['applied', 'confirmed', 'duplicate', 'illegal', 'stale', 'unknown_attempt', 'transferring', 'bridged', 'reconciled_found'];
    expect([...seen]).toEqual(expect.arrayContaining(paths));
  }, 120_000);

  it('sees a leg created mid-batch only from the callback that created it on', async () => {
    const order: Sent[] = [
      { target: 'A', delivery: retag(BRIDGED[0]!, 'A') },
      MIXED.find((sent) => sent.delivery.label === 'transfer:initiated#0')!,
      { target: 'A', delivery: retag(BRIDGED[1]!, 'A') },
    ];
    const oneByOne = await play(order);
    expect(oneByOne.results.map((r) => r.attempt!.status)).toEqual(['dialing_agent', 'transferring', 'transferring']);
    expect(await play(order, (left) => left)).toEqual(oneByOne);
  });

  it('settles an unknown create once, on the first callback that shows the call', async () => {
    await reset();
    const inputs = CUSTOMER_BUSY.filter((d) => d.kind === 'status').map((d, i) => callbackInput(ATTEMPT.B, retag(d, 'B'), new Date(T0 + 1000 * (i + 1))));
    const results = await ingestStatusCallbacks(database.db, inputs);
    expect(results[0]!.attempt).toMatchObject({ create_state: 'reconciled_found', status: 'dialing_agent', updated_at: new Date(T0 + 1000) });
    expect(results.at(-1)!.attempt).toMatchObject({ create_state: 'reconciled_found', status: 'completed' });
  });

  it('runs the same few statements for 1 callback and for 400', async () => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const counted = database.db.withPlugin(counter);
    const run = async (attempts: number) => {
      await truncateAll(database.db);
      const ids: string[] = [];
      for (let i = 0; i < attempts; i++) {
        ids.push((await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID })).id);
      }
      // Per attempt: the agent leg moves, the customer leg is created by its first callback.
      const inputs = ids.flatMap((id, i) => [
        callbackInput(id, retag(BRIDGED[0]!, String(i)), new Date(T0)),
        callbackInput(id, retag(BRIDGED[3]!, String(i)), new Date(T0)),
      ]);
      statements = 0;
      const results = await ingestStatusCallbacks(counted, inputs);
      expect(results.every((r) => r.verdict === 'applied')).toBe(true);
      return statements;
    };
    const one = await run(1);
    // attempts, legs, new legs, applied keys, CallSid owners, events, legs, attempts.
    expect(one).toBe(8);
    expect(await run(200)).toBe(one);
    const { count } = await database.db.selectFrom('call_events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    expect(count).toBe(400);
  }, 60_000);

  it('keeps the log in arrival order', async () => {
    await reset();
    const deliveries = [...BRIDGED].filter((d) => d.kind === 'status').reverse();
    await ingestStatusCallbacks(database.db, deliveries.map((d, i) => callbackInput(ATTEMPT.A, retag(d, 'A'), new Date(T0 + i))));
    const rows = await sql<{ label: string }>`select role || ':' || call_status || '#' || sequence_number as label from call_events order by id`.execute(database.db);
    expect(rows.rows.map((row) => row.label)).toEqual(deliveries.map((d) => d.label));
  });
});
