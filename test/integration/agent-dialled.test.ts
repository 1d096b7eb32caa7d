/**
 * Flow 2 end to end: a softphone logged in on the sandbox's `/rtc` socket with a token
 * the sandbox issued places a call; the sandbox parks it and fetches the credential
 * connection's TeXML URL (`/texml/parked?t=<connection token>`, signed); the dialer answers
 * with the bridge document and tracks the customer leg in its database.
 *
 * Mixed time: the socket and media are real time, the sandbox and the dialer run on a
 * VirtualScheduler. The test waits for socket events by polling and moves virtual time
 * with `advance()` (not `runUntilIdle()`: a logged-in socket's ping timer never lets the
 * scheduler go idle).
 *
 * `startDialer` points the sandbox's credential connection at the dialer's parked URL.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { attemptIdForParkedCall, callingSipUser, dialledNumber } from '../../server/calls/agent-dialled.ts';
import { getAttemptWithLegs } from '../../server/calls/repository.ts';
import { parkedCallUrl } from '../../server/texml/parked-routes.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';
import { ClientMedia } from '../unit/sandbox-rtc/client-media.ts';
import { FakeVertoClient } from '../unit/sandbox-rtc/fake-verto-client.ts';
import { waitFor } from '../unit/sandbox-rtc/wait.ts';

const CUSTOMER = '+15550001234';

const dialer = useTestDialer();
let client: FakeVertoClient;
let sipUsername: string;
const medias: ClientMedia[] = [];

beforeEach(async () => {
  ({ client, sipUsername } = await loginSoftphone());
});
afterEach(async () => {
  await Promise.all(medias.splice(0).map((media) => media.close()));
  await client.close();
});

/** A credential and token from the sandbox's REST API, then login on its `/rtc` socket. */
async function loginSoftphone(): Promise<{ client: FakeVertoClient; sipUsername: string }> {
  const base = dialer.running.sandbox!.url;
  const headers = { authorization: `Bearer ${dialer.sandbox.apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${base}/v2/telephony_credentials`, { method: 'POST', headers, body: JSON.stringify({ connection_id: dialer.sandbox.connectionId }) });
  const credential = ((await created.json()) as { data: { id: string; sip_username: string } }).data;
  const token = await (await fetch(`${base}/v2/telephony_credentials/${credential.id}/token`, { method: 'POST', headers })).text();
  const softphone = await FakeVertoClient.connect(`${base.replace(/^http/, 'ws')}/rtc`);
  await softphone.loginAndRegister(token);
  return { client: softphone, sipUsername: credential.sip_username };
}

/** `newCall({ destinationNumber })` from the softphone; the sandbox parks it at the next advance. */
async function dial(destination: string): Promise<{ callID: string; media: ClientMedia }> {
  const media = new ClientMedia();
  medias.push(media);
  const callID = randomUUID();
  await client.invite(callID, await media.offer(), { destination, callerNumber: '+15550001111' });
  return { callID, media };
}

/** Advance virtual time in steps of `stepMs` until `predicate` holds (real-time deadline). */
async function advanceUntil(predicate: () => boolean, stepMs: number, label: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await dialer.scheduler.advance(stepMs);
    if (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const byes = () => client.serverRequests('telnyx_rtc.bye');

it('bridges an agent-dialled call to the customer and tracks the customer leg to completion', async () => {
  const { callID, media } = await dial(CUSTOMER);
  await dialer.scheduler.advance(0);
  const fetched = dialer.sandbox.control.transcript({ kind: 'fetch' })[0]!;
  expect(fetched.line).toBe('fetch A Url POST /texml/parked → 200 <Dial>');
  const fields = (fetched.detail as { fields: Record<string, string> }).fields;
  expect(fields).toMatchObject({ CallingPartyType: 'sip', From: `sip:${sipUsername}@sip.telnyx.com`, To: CUSTOMER });

  // The customer answers after 4 s; the softphone is answered on the bridge and hears them.
  await advanceUntil(() => client.serverRequests('telnyx_rtc.answer').length > 0, 1000, 'the answer');
  const answer = client.serverRequests('telnyx_rtc.answer')[0]!;
  expect(answer.params).toMatchObject({ callID, sdp: expect.stringContaining('m=audio') });
  await media.accept(answer.params!.sdp as string);
  await waitFor(() => media.heard.packets > 0, 8000, 'customer audio');

  // The customer talks 30 s and hangs up; the Dial action's <Hangup/> ends the agent's leg.
  await advanceUntil(() => byes().length > 0, 5000, 'the bye');
  await dialer.scheduler.advance(0);
  expect(dialer.sandbox.control.lines({ kind: ['call', 'fetch', 'verb'] })).toEqual([
    `call A parked ${sipUsername} → ${CUSTOMER}`,
    'fetch A Url POST /texml/parked → 200 <Dial>',
    `verb A Dial Number=${CUSTOMER}`,
    'call B answered',
    'call B bridged',
    'call A answered',
    'call B completed',
    'fetch A action POST /texml/dial-action DialCallStatus=completed → 200 <Hangup>',
    'verb A Hangup',
    'call A completed',
  ]);

  const attempt = await getAttemptWithLegs(dialer.database.db, attemptIdForParkedCall(fields.CallSid!));
  expect(attempt).toMatchObject({
    kind: 'agent_dialled',
    agent_sip: `sip:${sipUsername}@sip.telnyx.com`,
    customer_number: CUSTOMER,
    caller_id: '+13125550100',
    create_state: 'accepted',
    status: 'completed',
    dial_call_status: 'completed',
    dial_call_duration_s: 30,
  });
  expect(attempt!.legs.map((leg) => `${leg.role} ${leg.status} ${leg.status_source}`)).toEqual(['agent queued null', 'customer completed callback']);
});

it('refuses a destination that is not E.164 with a spoken refusal, and creates no attempt', async () => {
  await dial('5550001234');
  await dialer.scheduler.advance(0);
  expect(dialer.sandbox.control.lines({ kind: 'fetch' })).toEqual(['fetch A Url POST /texml/parked → 200 <Say>']);
  await advanceUntil(() => byes().length > 0, 1000, 'the bye');
  expect(client.serverRequests('telnyx_rtc.answer')).toEqual([]);
  expect(dialer.sandbox.control.lines({ kind: 'verb' })).toEqual([
    expect.stringMatching(/^verb A Say "The number you dialled is not valid/),
    'verb A Hangup',
  ]);
  expect(await dialer.database.db.selectFrom('attempts').select('id').execute()).toEqual([]);
});

it('refuses a number on the do-not-call list with the spoken reason, before any attempt (the compliance gate)', async () => {
  expect((await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal' })).status).toBe(201);
  await dial(CUSTOMER);
  await dialer.scheduler.advance(0);
  expect(dialer.sandbox.control.lines({ kind: 'fetch' })).toEqual(['fetch A Url POST /texml/parked → 200 <Say>']);
  await advanceUntil(() => byes().length > 0, 1000, 'the bye');
  expect(client.serverRequests('telnyx_rtc.answer')).toEqual([]);
  expect(dialer.sandbox.control.lines({ kind: 'verb' })).toEqual([
    expect.stringMatching(/^verb A Say "This call was not placed\. This number is on the do-not-call/),
    'verb A Hangup',
  ]);
  expect(await dialer.database.db.selectFrom('attempts').select('id').execute()).toEqual([]);
});

it('refuses an unsigned fetch without the connection token, or with a wrong one', async () => {
  const body = new URLSearchParams({ CallSid: 'v3:forged', CallingPartyType: 'sip', From: 'sip:gencredX@sip.telnyx.com', To: CUSTOMER }).toString();
  const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const bare = await post(`${dialer.running.url}/texml/parked`);
  expect(bare.status).toBe(403);
  expect((await bare.json()).error.code).toBe('texml_token_invalid');
  const wrong = await post(`${dialer.running.url}/texml/parked?t=${'A'.repeat(22)}`);
  expect(wrong.status).toBe(403);
  expect(await dialer.database.db.selectFrom('attempts').select('id').execute()).toEqual([]);

  // The URL printed for the connection carries the token: accepted even unsigned, in
  // case Telnyx does not sign instruction fetches.
  const withToken = await post(parkedCallUrl(dialer.running.url, dialer.running.config.secrets.dialerSecret));
  expect(withToken.status).toBe(200);
  expect(await withToken.text()).toContain(`<Number statusCallback=`);
});

it('reads the agent from From or FromSipUri, and the number from To, in the shapes §8 allows', () => {
  expect(callingSipUser({ From: 'sip:gencredAb1@sip.telnyx.com' })).toBe('gencredAb1');
  expect(callingSipUser({ From: 'gencredAb1@sip.telnyx.com;transport=tls' })).toBe('gencredAb1');
  expect(callingSipUser({ From: '+13122010091', FromSipUri: 'gencredAb1@sip.telnyx.com' })).toBe('gencredAb1');
  // The docs' example: a number in both; no SIP user to find the agent by.
  expect(callingSipUser({ From: '+13122010091', FromSipUri: '+13122010091@10.239.182.10' })).toBeNull();
  expect(dialledNumber({ To: '+15550001234' })).toBe(CUSTOMER);
  expect(dialledNumber({ To: 'sip:+15550001234@sip.telnyx.com' })).toBe(CUSTOMER);
  expect(attemptIdForParkedCall('v3:abc')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(attemptIdForParkedCall('v3:abc')).toBe(attemptIdForParkedCall('v3:abc'));
});
