import { beforeEach, describe, expect, it } from 'vitest';
import { applyDialAction, ingestStatusCallback } from '../../../server/calls/ingest.ts';
import {
  createAttempt,
  getAttempt,
  getAttemptWithLegs,
  listAttemptIdsByCreateState,
  listEvents,
  markCreateState,
} from '../../../server/calls/repository.ts';
import type { AttemptRow } from '../../../server/calls/tables.ts';
import { isDialerError } from '../../../server/errors.ts';
import { truncateAll, useTestDatabase } from '../../helpers/database.ts';
import { AGENT_SID, AGENT_SIP, BRIDGED, CALLER_ID, CUSTOMER, CUSTOMER_SID, deliver, dialAction, statusCallback, type Delivery } from './fixtures.ts';

const database = useTestDatabase();

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);
let attempt: AttemptRow;
let clock = 0;
const tick = () => new Date(T0 + 1000 * ++clock);

beforeEach(async () => {
  await truncateAll(database.db);
  clock = 0;
  attempt = await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID, now: new Date(T0) });
  attempt = await markCreateState(database.db, attempt.id, 'accepted', undefined, new Date(T0));
});

const send = (delivery: Delivery) => deliver(database.db, attempt.id, delivery, tick());
const byLabel = (label: string) => BRIDGED.find((d) => d.label === label)!;
const legOf = async (role: 'agent' | 'customer') => (await getAttemptWithLegs(database.db, attempt.id))!.legs.find((leg) => leg.role === role);

describe('repository', () => {
  it('creates an attempt with a queued agent leg and no CallSid', async () => {
    expect(attempt).toMatchObject({ kind: 'click_to_call', status: 'dialing_agent', create_state: 'accepted', agent_sip: AGENT_SIP, created_at: new Date(T0) });
    expect(attempt.id).toMatch(/^[0-9a-f-]{36}$/);
    const withLegs = await getAttemptWithLegs(database.db, attempt.id);
    expect(withLegs!.legs).toHaveLength(1);
    expect(withLegs!.legs[0]).toMatchObject({ role: 'agent', status: 'queued', call_sid: null, last_sequence: -1, from_number: CALLER_ID, to_number: AGENT_SIP });
    expect(await getAttempt(database.db, 'nope')).toBeUndefined();
    expect(await getAttemptWithLegs(database.db, 'nope')).toBeUndefined();
  });

  it('moves create_state only along its table, storing the error and deriving the status', async () => {
    const other = await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID });
    expect(other.status).toBe('created');
    const rejected = await markCreateState(database.db, other.id, 'rejected', { code: '10004', message: 'Missing To' });
    expect(rejected).toMatchObject({ create_state: 'rejected', status: 'failed', error_code: '10004', error_message: 'Missing To' });
    await expect(markCreateState(database.db, other.id, 'accepted')).rejects.toSatisfy((error) => isDialerError(error, 'conflict'));
    // Setting the same state again is a harmless no-op.
    expect((await markCreateState(database.db, attempt.id, 'accepted')).create_state).toBe('accepted');
    await expect(markCreateState(database.db, 'missing', 'accepted')).rejects.toSatisfy((error) => isDialerError(error, 'not_found'));
  });

  it('lists attempts by create state', async () => {
    const unknown = await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID });
    await markCreateState(database.db, unknown.id, 'outcome_unknown', { code: 'telnyx_outcome_unknown', message: 'timeout' });
    expect(await listAttemptIdsByCreateState(database.db, 'outcome_unknown')).toEqual([unknown.id]);
    expect(await listAttemptIdsByCreateState(database.db, 'accepted')).toEqual([attempt.id]);
  });
});

describe('ingestStatusCallback', () => {
  it('applies a call in wire order, deriving the attempt status at each step', async () => {
    const statuses: string[] = [];
    for (const delivery of BRIDGED) {
      const result = await send(delivery);
      expect(result.verdict, delivery.label).toBe('applied');
      statuses.push(result.attempt!.status);
    }
    expect(statuses).toEqual(['dialing_agent', 'dialing_agent', 'agent_answered', 'dialing_customer', 'dialing_customer', 'bridged', 'completed', 'completed', 'completed']);
  });

  it('stores the raw body byte for byte and the parsed fields', async () => {
    const delivery = statusCallback('agent', 'initiated', '0', '2026-01-05T15:00:00.100Z', { CallerId: 'Café +', Note: 'a&b=c' });
    await send(delivery);
    const [event] = await listEvents(database.db, attempt.id);
    expect(event).toMatchObject({
      source: 'status_callback',
      attempt_id: attempt.id,
      role: 'agent',
      call_sid: AGENT_SID,
      call_status: 'initiated',
      sequence_number: 0,
      verdict: 'applied',
      raw_body: delivery.rawBody,
      fields: delivery.fields,
      received_at: new Date(T0 + 1000),
    });
    expect(event!.raw_body).toContain('Caf%C3%A9+%2B');
  });

  it('applies a duplicate once, even when copies arrive at the same time', async () => {
    const ringing = byLabel('agent:ringing#1');
    const results = await Promise.all(Array.from({ length: 5 }, () => send(ringing)));
    expect(results.map((r) => r.verdict).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const leg = await legOf('agent');
    expect(leg).toMatchObject({ status: 'ringing', last_sequence: 1, ringing_at: new Date('2026-01-05T15:00:01.000Z') });
    expect(await listEvents(database.db, attempt.id)).toHaveLength(5);
  });

  it('ignores an older event as stale, but keeps the time only it carries', async () => {
    expect((await send(byLabel('agent:in-progress#2'))).verdict).toBe('applied');
    const stale = await send(byLabel('agent:ringing#1'));
    expect(stale.verdict).toBe('stale');
    expect(stale.leg).toMatchObject({ status: 'in-progress', last_sequence: 2, ringing_at: new Date('2026-01-05T15:00:01.000Z') });
  });

  it('refuses illegal moves, foreign CallSids and non-progress statuses without touching the leg', async () => {
    await send(byLabel('agent:completed#3'));
    const before = await legOf('agent');
    const later = statusCallback('agent', 'failed', '4', '2026-01-05T15:02:00.000Z', { HangupCause: 'call_rejected' });
    expect((await send(later)).verdict).toBe('illegal');
    const foreign = statusCallback('agent', 'completed', '9', '2026-01-05T15:02:00.000Z', { CallSid: 'v3:someone-else', HangupCause: 'x' });
    expect((await send(foreign)).verdict).toBe('illegal');
    const dtmf = statusCallback('agent', 'dtmf', '5', '2026-01-05T15:02:00.000Z', { Digit: '1' });
    expect((await send(dtmf)).verdict).toBe('illegal');
    const after = await legOf('agent');
    expect(after).toEqual(before);
  });

  it('refuses a CallSid another leg already owns', async () => {
    await send(byLabel('agent:initiated#0'));
    const stolen = statusCallback('customer', 'initiated', '0', '2026-01-05T15:00:04.500Z', { CallSid: AGENT_SID });
    const result = await send(stolen);
    expect(result.verdict).toBe('illegal');
    expect(result.leg).toMatchObject({ role: 'customer', call_sid: null, status: 'queued' });
  });

  it('records a callback for an unknown attempt and changes nothing else', async () => {
    const result = await deliver(database.db, 'no-such-attempt', byLabel('agent:ringing#1'), tick());
    expect(result).toEqual({ verdict: 'unknown_attempt', leg: null, attempt: null });
    const events = await listEvents(database.db, 'no-such-attempt');
    expect(events.map((e) => [e.verdict, e.call_sid])).toEqual([['unknown_attempt', AGENT_SID]]);
    expect((await legOf('agent'))!.status).toBe('queued');
  });

  it('takes a callback without a usable SequenceNumber by the transition table alone', async () => {
    await send(byLabel('agent:ringing#1'));
    const noSequence = statusCallback('agent', 'in-progress', undefined, '2026-01-05T15:00:04.000Z');
    const applied = await send(noSequence);
    expect(applied.verdict).toBe('applied');
    expect(applied.leg).toMatchObject({ status: 'in-progress', last_sequence: 1 });
    expect((await send(noSequence)).verdict).toBe('duplicate');
    const garbled = statusCallback('agent', 'ringing', 'two', '2026-01-05T15:00:01.000Z');
    expect((await send(garbled)).verdict).toBe('illegal');
    const events = await listEvents(database.db, attempt.id);
    expect(events.map((e) => e.sequence_number)).toEqual([1, null, null, null]);
  });

  it('settles a create whose outcome was unknown when a callback shows the call', async () => {
    const unknown = await createAttempt(database.db, { kind: 'click_to_call', agentSip: AGENT_SIP, customerNumber: CUSTOMER, callerId: CALLER_ID });
    expect((await markCreateState(database.db, unknown.id, 'outcome_unknown')).status).toBe('outcome_unknown');
    const result = await deliver(database.db, unknown.id, byLabel('agent:ringing#1'), tick());
    expect(result.attempt).toMatchObject({ create_state: 'reconciled_found', status: 'dialing_agent' });
  });
});

describe('applyDialAction', () => {
  it('ends the customer leg provisionally; its own terminal callback confirms it', async () => {
    for (const label of ['agent:initiated#0', 'agent:in-progress#2', 'customer:ringing#1']) await send(byLabel(label));
    const action = await send(byLabel('action:completed'));
    expect(action.verdict).toBe('applied');
    expect(action.attempt).toMatchObject({ dial_call_status: 'completed', dial_call_duration_s: 48, status: 'completed' });
    expect(action.leg).toMatchObject({ role: 'customer', status: 'completed', status_source: 'dial_action', duration_s: 48, ended_at: null });

    const late = await send(byLabel('customer:in-progress#2'));
    expect(late.verdict).toBe('illegal');
    expect(late.leg!.answered_at).toEqual(new Date('2026-01-05T15:00:12.000Z'));

    const confirmed = await send(byLabel('customer:completed#3'));
    expect(confirmed.verdict).toBe('confirmed');
    expect(confirmed.leg).toMatchObject({
      status: 'completed',
      status_source: 'callback',
      last_sequence: 3,
      ended_at: new Date('2026-01-05T15:01:00.000Z'),
      hangup_cause: 'normal_clearing',
      hangup_source: 'callee',
      sip_hangup_cause: '200',
    });
    expect((await send(byLabel('customer:completed#3'))).verdict).toBe('duplicate');
  });

  it("creates the customer leg from DialCallSid when it is the first we hear of it", async () => {
    const result = await send(dialAction('no-answer', '0', '2026-01-05T15:00:35.000Z'));
    expect(result.leg).toMatchObject({ role: 'customer', call_sid: CUSTOMER_SID, status: 'no-answer', duration_s: 0 });
    expect(result.attempt!.status).toBe('completed');
  });

  it("yields to the leg's own terminal callback when they disagree", async () => {
    await send(dialAction('no-answer', '0', '2026-01-05T15:00:35.000Z'));
    const own = statusCallback('customer', 'canceled', '2', '2026-01-05T15:00:35.000Z');
    const result = await send(own);
    expect(result.verdict).toBe('applied');
    expect(result.leg).toMatchObject({ status: 'canceled', status_source: 'callback' });
    // The attempt keeps what the action reported.
    expect(result.attempt!.dial_call_status).toBe('no-answer');
  });

  it('applies once: the same outcome again is a duplicate, another one is illegal', async () => {
    expect((await send(byLabel('action:completed'))).verdict).toBe('applied');
    expect((await send(byLabel('action:completed'))).verdict).toBe('duplicate');
    expect((await send(dialAction('failed', '0', '2026-01-05T15:02:00.000Z'))).verdict).toBe('illegal');
    expect((await send(dialAction('ringing', '0', '2026-01-05T15:02:00.000Z'))).verdict).toBe('illegal');
    const events = await listEvents(database.db, attempt.id);
    expect(events.map((e) => [e.source, e.role, e.call_sid, e.call_status, e.verdict])).toEqual([
      ['dial_action', 'customer', CUSTOMER_SID, 'completed', 'applied'],
      ['dial_action', 'customer', CUSTOMER_SID, 'completed', 'duplicate'],
      ['dial_action', 'customer', CUSTOMER_SID, 'failed', 'illegal'],
      ['dial_action', 'customer', CUSTOMER_SID, 'ringing', 'illegal'],
    ]);
    expect((await getAttempt(database.db, attempt.id))!.dial_call_status).toBe('completed');
  });

  it('records an action for an unknown attempt', async () => {
    const result = await deliver(database.db, 'ghost', byLabel('action:completed'), tick());
    expect(result.verdict).toBe('unknown_attempt');
    expect(await listEvents(database.db, 'ghost')).toHaveLength(1);
  });
});
