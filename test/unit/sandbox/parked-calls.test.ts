/**
 * Flow 2: a softphone's own call (`newCall`) is parked on the credential connection and
 * runs the TeXML its URL returns. The client is answered when the customer answers.
 */

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, texml, type Harness } from './harness.ts';
import { registerSoftphone, waitFor, type Softphone } from './softphone.ts';

const CUSTOMER = '+15550001234';

let h: Harness;
let phone: Softphone;
beforeEach(async () => {
  h = await startHarness();
  phone = await registerSoftphone(h);
  h.sandbox.control.setCredentialConnection({ voiceUrl: `${h.app}/texml/parked`, statusCallback: `${h.app}/status/parked` });
  h.on('/texml/dial-action', texml('<Hangup/>'));
});
afterEach(async () => {
  await phone.close();
  expect(h.scheduler.errors).toEqual([]);
  expect(h.received.every((request) => request.signatureValid)).toBe(true);
  await h.close();
});

/** The softphone dials `destination`; the sandbox parks the call at the next `advance`. */
async function placeCall(destination = CUSTOMER) {
  const callID = randomUUID();
  const { media, sdp } = await phone.offer();
  const created = await phone.client.invite(callID, sdp, { destination, callerNumber: '+15550001111' });
  expect(created.result?.message).toBe('CALL CREATED');
  return { callID, media };
}

const byes = () => phone.client.serverRequests('telnyx_rtc.bye');

describe('a parked softphone call', () => {
  it('fetches the connection URL with the SIP fields, dials the customer and answers the client on the bridge', async () => {
    h.on('/texml/parked', texml(`<Dial callerId="+15550007777" action="/texml/dial-action"><Number>${CUSTOMER}</Number></Dial>`));
    const { callID, media } = await placeCall();
    await h.scheduler.advance(0);
    await phone.client.waitForServerRequest('telnyx_rtc.ringing');

    const fetch = h.at('/texml/parked')[0]!;
    expect(fetch.method).toBe('POST');
    expect(fetch.fields).toMatchObject({
      CallingPartyType: 'sip',
      From: phone.sipUri,
      FromSipUri: `${phone.sipUsername}@sip.telnyx.com`,
      To: CUSTOMER,
      ToSipUri: `${CUSTOMER}@sip.telnyx.com`,
      CallerId: '+15550001111',
      ConnectionId: h.sandbox.connectionId,
      CallStatus: 'ringing',
    });
    expect(phone.client.serverRequests('telnyx_rtc.answer')).toEqual([]);

    // The customer answers after 4 s: the bridge answers the client, with our SDP.
    await h.scheduler.advance(4000);
    const answer = await phone.client.waitForServerRequest('telnyx_rtc.answer');
    expect(answer.params).toMatchObject({ callID, sdp: expect.stringContaining('m=audio') });
    await media.accept(answer.params!.sdp as string);
    // The agent hears the simulated customer (the gateway's tone).
    await waitFor(() => media.heard.packets > 0, 8000, 'customer audio');

    await phone.client.bye(callID);
    await h.scheduler.advance(0);
    const aSid = fetch.fields.CallSid!;
    expect(h.sandbox.control.lines({ callSid: aSid })).toEqual([
      `call A parked ${phone.sipUsername} → ${CUSTOMER}`,
      'callback A initiated#0 → 200',
      'fetch A Url POST /texml/parked → 200 <Dial>',
      'verb A Dial Number=+15550001234',
      `rtc answer ${phone.sipUsername}`,
      'call A answered',
      'callback A in-progress#1 → 200',
      `rtc bye ${phone.sipUsername} client`,
      'call A completed',
      'callback A completed#2 → 200',
    ]);
    expect(h.lines('call')).toEqual([
      `call A parked ${phone.sipUsername} → ${CUSTOMER}`,
      'call B answered',
      'call B bridged',
      'call A answered',
      'call A completed',
      'call B completed',
    ]);
    const completed = h.at('/status/parked').at(-1)!.fields;
    expect(completed).toMatchObject({ CallStatus: 'completed', HangupSource: 'caller', From: phone.sipUri, To: CUSTOMER });
  });

  it('plays a refusal and then byes the client, which was never answered', async () => {
    h.on('/texml/parked', texml('<Say>This number cannot be called. Goodbye.</Say><Hangup/>'));
    await placeCall('12345');
    await h.scheduler.advance(0);
    expect(h.at('/texml/parked')[0]!.fields.To).toBe('12345');
    expect(byes()).toEqual([]);
    await h.scheduler.advance(5000);
    await waitFor(() => byes().length === 1, 2000, 'bye');
    expect(byes()[0]!.params).toMatchObject({ cause: 'NORMAL_CLEARING' });
    expect(phone.client.serverRequests('telnyx_rtc.answer')).toEqual([]);
    expect(h.lines(['verb', 'call']).slice(1)).toEqual(['verb A Say "This number cannot be called. Goodbye."', 'verb A Hangup', 'call A completed']);
  });

  it('declines the client with <Reject reason="busy">', async () => {
    h.on('/texml/parked', texml('<Reject reason="busy"/>'));
    await placeCall();
    await h.scheduler.advance(0);
    await waitFor(() => byes().length === 1, 2000, 'bye');
    expect(byes()[0]!.params).toMatchObject({ cause: 'USER_BUSY', sipCode: 486 });
  });

  it('cancels the customer leg when the client hangs up while it rings', async () => {
    h.on('/texml/parked', texml(`<Dial action="/texml/dial-action"><Number>${CUSTOMER}</Number></Dial>`));
    const { callID } = await placeCall();
    await h.scheduler.advance(1000);
    await phone.client.bye(callID);
    await h.scheduler.advance(0);
    expect(h.lines('call').slice(-2)).toEqual(['call A canceled', 'call B canceled']);
    expect(h.at('/texml/dial-action')).toEqual([]);
  });

  it('rejects the call when the credential connection has no TeXML URL', async () => {
    h.sandbox.control.setCredentialConnection({});
    await placeCall();
    await waitFor(() => byes().length === 1, 2000, 'bye');
    expect(byes()[0]!.params).toMatchObject({ cause: 'CALL_REJECTED', sipCode: 603 });
    expect(h.lines('call')).toEqual([`call parked ${phone.sipUsername} → ${CUSTOMER} rejected: the credential connection has no TeXML URL`]);
    expect(h.sandbox.control.calls()).toEqual([]);
  });
});

describe('control API', () => {
  it('sets and shows the credential connection, lists registrations, and restores start-up settings on reset', async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${h.sandboxUrl}/_sandbox/${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await put('credential-connection', { voiceUrl: 'http://127.0.0.1:9/texml/parked', voiceMethod: 'GET' });
    expect(await ok.json()).toEqual({ voiceUrl: 'http://127.0.0.1:9/texml/parked', voiceMethod: 'GET' });
    const bad = await put('credential-connection', { voiceUrl: 7, colour: 'red' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems).toEqual([
      'unknown setting "colour" of the credential connection; known: voiceUrl, statusCallback, voiceMethod, statusCallbackMethod',
      'voiceUrl must be a URL string',
    ]);
    expect(await (await fetch(`${h.sandboxUrl}/_sandbox/registrations`)).json()).toEqual([phone.sipUsername]);
    h.sandbox.control.reset();
    expect(h.sandbox.control.credentialConnection()).toEqual({});
    expect(h.sandbox.control.settings()).toEqual({ unregisteredSip: 'scenario' });
    expect(h.sandbox.control.registrations()).toEqual([phone.sipUsername]);
  });
});
