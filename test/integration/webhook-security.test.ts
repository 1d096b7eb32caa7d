/**
 * Nothing from an unverified Telnyx request is stored: forged, unsigned, re-signed and
 * replayed callbacks are refused with distinct answers and leave every table unchanged.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookKeyPair, signWebhookPayload } from '../../server/telnyx/signature.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const telnyxKey = generateWebhookKeyPair();
const dialer = useTestDialer({ lifetime: 'file', signingKey: telnyxKey.privateKey });
let attemptId: string;

beforeAll(async () => {
  const response = await dialer.api('POST', '/api/calls', { agent: 'agent1', to: '+15550001234' });
  attemptId = response.body.attempt.id;
  await dialer.scheduler.runUntilIdle();
});

async function tables(): Promise<unknown> {
  const dump = async (table: string) => (await sql`select * from ${sql.table(table)} order by 1`.execute(dialer.database.db)).rows;
  return { attempts: await dump('attempts'), legs: await dump('call_legs'), events: await dump('call_events') };
}

function callbackBody(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    AccountSid: dialer.sandbox.accountSid,
    CallSid: 'v3:forged',
    CallSidLegacy: 'v3:forged',
    CallStatus: 'completed',
    CallbackSource: 'call-progress-events',
    ConnectionId: dialer.sandbox.connectionId,
    From: '+13125550100',
    To: 'sip:agent1@sip.telnyx.com',
    CallInitiatedAt: '2026-01-05T15:00:00Z',
    Timestamp: '2026-01-05T15:00:02Z',
    SequenceNumber: '9',
    ...overrides,
  }).toString();
}

async function postCallback(body: string, headers: Record<string, string>) {
  const response = await fetch(`${dialer.running.url}/telnyx/status?attempt=${attemptId}&leg=agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code };
}

const nowS = () => Math.floor(dialer.scheduler.now() / 1000);

describe('StatusCallback verification', () => {
  it('refuses an unsigned callback with 400 and stores nothing', async () => {
    const before = await tables();
    expect(await postCallback(callbackBody(), {})).toEqual({ status: 400, code: 'webhook_signature_missing' });
    expect(await tables()).toEqual(before);
  });

  it('refuses a forged callback (genuine signature, altered body) with 403', async () => {
    const before = await tables();
    const signed = callbackBody({ CallStatus: 'busy' });
    const headers = signWebhookPayload({ privateKey: telnyxKey.privateKey, timestampS: nowS(), rawBody: signed });
    expect(await postCallback(callbackBody({ CallStatus: 'completed' }), headers)).toEqual({ status: 403, code: 'webhook_signature_invalid' });
    expect(await tables()).toEqual(before);
  });

  it('refuses a callback re-signed with another key with 403', async () => {
    const before = await tables();
    const attacker = generateWebhookKeyPair();
    const body = callbackBody();
    const headers = signWebhookPayload({ privateKey: attacker.privateKey, timestampS: nowS(), rawBody: body });
    expect(await postCallback(body, headers)).toEqual({ status: 403, code: 'webhook_signature_invalid' });
    expect(await tables()).toEqual(before);
  });

  it('refuses a genuinely signed callback that is 10 minutes old with 401', async () => {
    const before = await tables();
    const body = callbackBody();
    const headers = signWebhookPayload({ privateKey: telnyxKey.privateKey, timestampS: nowS() - 600, rawBody: body });
    expect(await postCallback(body, headers)).toEqual({ status: 401, code: 'webhook_timestamp_stale' });
    expect(await tables()).toEqual(before);
  });

  it('accepts the same callback signed now (so the refusals above are about the signature)', async () => {
    const body = callbackBody();
    const headers = signWebhookPayload({ privateKey: telnyxKey.privateKey, timestampS: nowS(), rawBody: body });
    const response = await fetch(`${dialer.running.url}/telnyx/status?attempt=${attemptId}&leg=agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    expect(response.status).toBe(200);
    const events = (await dialer.api('GET', `/api/calls/${attemptId}/events`)).body.events as Array<{ call_sid: string; verdict: string }>;
    // Recorded (append-only) but not applied: the agent leg already completed.
    expect(events.at(-1)).toMatchObject({ call_sid: 'v3:forged' });
    expect(events.at(-1)!.verdict).not.toBe('applied');
  });
});

describe('TeXML Url protection', () => {
  const bridge = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${dialer.running.url}/texml/bridge?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: 'CallSid=v3%3Ax',
    });

  it('refuses an unsigned fetch without the attempt token, or with another attempt\'s token', async () => {
    expect((await bridge(`attempt=${attemptId}`)).status).toBe(403);
    const create = dialer.sandbox.control.transcript().find((entry) => entry.kind === 'api')!;
    const token = new URL((create.detail as { request: { Url: string } }).request.Url).searchParams.get('t')!;
    expect((await bridge(`attempt=00000000-0000-4000-8000-000000000000&t=${token}`)).status).toBe(403);
  });

  it('answers TeXML to a fetch that carries the token, and refuses a bad signature even with it', async () => {
    const create = dialer.sandbox.control.transcript().find((entry) => entry.kind === 'api')!;
    const url = new URL((create.detail as { request: { Url: string } }).request.Url);
    const ok = await bridge(url.search.slice(1));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/xml/);
    // The attempt has completed, so the document is a spoken refusal, not a new dial.
    expect(await ok.text()).toContain('<Hangup/>');

    const attacker = generateWebhookKeyPair();
    const headers = signWebhookPayload({ privateKey: attacker.privateKey, timestampS: nowS(), rawBody: 'CallSid=v3%3Ax' });
    expect((await bridge(url.search.slice(1), headers)).status).toBe(403);
  });
});
