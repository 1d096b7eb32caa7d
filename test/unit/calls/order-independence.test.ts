/**
 * Property: whatever order Telnyx delivers one call's callbacks and Dial action in, with
 * whatever duplicates, the rows end the same, and no callback is applied twice. And for
 * each order, group commit changes nothing: the same callbacks fed in batches of random
 * sizes (the Dial action, never batched, between them) give the same verdict, leg and
 * attempt for every callback, and the same rows, as one transaction per callback.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { ingestStatusCallbacks, type IngestResult } from '../../../server/calls/ingest.ts';
import { createAttempt, getAttemptWithLegs, listEvents, markCreateState } from '../../../server/calls/repository.ts';
import type { CallEventRow } from '../../../server/calls/tables.ts';
import { truncateAll, useTestDatabase } from '../../helpers/database.ts';
import { AGENT_SIP, BRIDGED, CALLER_ID, CUSTOMER, CUSTOMER_BUSY, deliver, EXPECTED, scramble, type Delivery } from './fixtures.ts';

const database = useTestDatabase();

const RUNS_PER_SCENARIO = 120;
const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

interface Outcome {
  attempt: Record<string, unknown>;
  legs: Record<string, unknown>[];
  /** Verdicts per `call_sid status` of the status callbacks. */
  verdicts: Map<string, string[]>;
  events: number;
  /** Everything, ids and times included, to compare two runs of the same order. */
  exact: { results: IngestResult[]; attempt: unknown; events: CallEventRow[] };
}

/**
 * Run one delivery order against a clean database and read back the rows. Without
 * `batchSize`, one transaction per delivery; with it, runs of status callbacks go to
 * `ingestStatusCallbacks` in batches of `batchSize(callbacks left in the run)`.
 */
async function play(order: readonly Delivery[], batchSize?: (left: number) => number): Promise<Outcome> {
  await truncateAll(database.db);
  const attempt = await createAttempt(database.db, {
    id: '6f1c2a9e-0000-4000-8000-000000000001',
    kind: 'click_to_call',
    agentSip: AGENT_SIP,
    customerNumber: CUSTOMER,
    callerId: CALLER_ID,
    now: new Date(T0),
  });
  await markCreateState(database.db, attempt.id, 'accepted', undefined, new Date(T0));
  const receivedAt = (index: number) => new Date(T0 + 1000 * (index + 1));
  const results: IngestResult[] = [];
  for (let index = 0; index < order.length; ) {
    const delivery = order[index]!;
    if (!batchSize || delivery.kind === 'action') {
      results.push(await deliver(database.db, attempt.id, delivery, receivedAt(index)));
      index++;
      continue;
    }
    let end = index;
    while (end < order.length && order[end]!.kind === 'status') end++;
    const size = batchSize(end - index);
    const batch = order.slice(index, index + size).map((d, offset) => ({
      attemptId: attempt.id,
      role: d.role,
      fields: d.fields,
      rawBody: d.rawBody,
      receivedAt: receivedAt(index + offset),
    }));
    results.push(...(await ingestStatusCallbacks(database.db, batch)));
    index += batch.length;
  }
  const final = await getAttemptWithLegs(database.db, attempt.id);
  const { legs, updated_at: _attemptUpdated, ...attemptRow } = final!;
  const verdicts = new Map<string, string[]>();
  const events = await listEvents(database.db, attempt.id);
  for (const event of events.filter((e) => e.source === 'status_callback')) {
    const key = `${event.call_sid} ${event.call_status}`;
    verdicts.set(key, [...(verdicts.get(key) ?? []), event.verdict]);
  }
  return {
    attempt: attemptRow,
    legs: legs.map(({ id: _id, attempt_id: _attemptId, updated_at: _updated, ...leg }) => leg),
    verdicts,
    events: events.length,
    exact: { results, attempt: final, events },
  };
}

describe.each([
  ['BRIDGED', BRIDGED],
  ['CUSTOMER_BUSY', CUSTOMER_BUSY],
] as const)('order independence: %s', (name, deliveries) => {
  let reference: Outcome;

  it('in wire order, applies every callback once and ends as expected', async () => {
    reference = await play(deliveries);
    expect(reference.attempt).toMatchObject(EXPECTED[name].attempt);
    expect(reference.legs).toEqual(EXPECTED[name].legs);
    for (const [key, verdicts] of reference.verdicts) expect(verdicts, key).toEqual(['applied']);
    expect(reference.verdicts.size).toBe(deliveries.length - 1);
  });

  it('ends the same for the reversed order and for the action first', async () => {
    const action = deliveries.filter((d) => d.kind === 'action');
    for (const order of [[...deliveries].reverse(), [...action, ...deliveries.filter((d) => d.kind !== 'action')]]) {
      const outcome = await play(order);
      expect(outcome.attempt).toEqual(reference.attempt);
      expect(outcome.legs).toEqual(reference.legs);
    }
  });

  it(`ends the same for ${RUNS_PER_SCENARIO} shuffles with duplicates, applying nothing twice, batched or not`, async () => {
    const next = seededRandom(name === 'BRIDGED' ? 20260105 : 4242);
    // Its own generator, so that the shuffles stay what they were before batching existed.
    const nextSize = seededRandom(name === 'BRIDGED' ? 7 : 8);
    let largestBatch = 0;
    const terminal = new Set(['completed', 'busy', 'no-answer', 'canceled', 'failed']);
    let sawConfirmed = false;
    let sawStale = false;
    for (let run = 0; run < RUNS_PER_SCENARIO; run++) {
      const order = scramble(deliveries, next);
      const context = `run ${run}: ${order.map((d) => d.label).join(', ')}`;
      const outcome = await play(order);
      expect(outcome.attempt, context).toEqual(reference.attempt);
      expect(outcome.legs, context).toEqual(reference.legs);
      // The log keeps every delivery.
      expect(outcome.events, context).toBe(order.length);
      for (const [key, verdicts] of outcome.verdicts) {
        const effective = verdicts.filter((v) => v === 'applied' || v === 'confirmed');
        // Never applied twice; each leg's own terminal callback always takes effect once.
        expect(effective.length, `${context} — ${key}: ${verdicts.join(',')}`).toBeLessThanOrEqual(1);
        if (terminal.has(key.split(' ')[1]!)) expect(effective.length, `${context} — ${key}`).toBe(1);
        sawConfirmed ||= verdicts.includes('confirmed');
        sawStale ||= verdicts.includes('stale');
      }

      // The same order in batches of 1…all (every fourth run: each run of callbacks whole).
      const batched = await play(order, (left) => {
        const size = run % 4 === 0 ? left : 1 + Math.floor(nextSize() * left);
        largestBatch = Math.max(largestBatch, size);
        return size;
      });
      expect(batched.exact.results.map((r) => r.verdict), context).toEqual(outcome.exact.results.map((r) => r.verdict));
      expect(batched.exact, context).toEqual(outcome.exact);
    }
    expect(largestBatch).toBeGreaterThanOrEqual(8);
    // The shuffles did exercise the out-of-order paths.
    expect(sawConfirmed).toBe(true);
    expect(sawStale).toBe(true);
  }, 90_000);
});
