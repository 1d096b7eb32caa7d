/**
 * Legs to `sip:<user>@sip.telnyx.com` while `<user>` is registered on the sandbox's RTC
 * socket ring that softphone for real (flows 1 and 3): the client's answer, hang-up,
 * decline and keys decide the leg. Unregistered users follow `unregisteredSip`.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, texml, type Harness } from './harness.ts';
import { registerSoftphone, waitFor, type Softphone } from './softphone.ts';

const ALL_EVENTS = 'initiated ringing answered completed';
const ATTEMPT_HEADER = [{ name: 'X-Dialer-Attempt', value: 'att-1' }];

let h: Harness;
let phone: Softphone;
beforeEach(async () => {
  h = await startHarness();
  phone = await registerSoftphone(h);
  h.on('/texml/bridge', texml(`<Dial callerId="+15550007777" action="/texml/dial-action"><Number statusCallback="/status/b" statusCallbackEvent="${ALL_EVENTS}">+15550001234</Number></Dial>`));
  h.on('/texml/dial-action', texml('<Hangup/>'));
});
afterEach(async () => {
  await phone.close();
  expect(h.scheduler.errors).toEqual([]);
  await h.close();
});

/** flow 1: the server's REST create to the agent's softphone. */
async function callAgent(fields: Record<string, unknown> = {}): Promise<void> {
  const created = await h.createCall({
    To: phone.sipUri,
    Url: `${h.app}/texml/bridge?attempt=1`,
    StatusCallback: `${h.app}/status/a`,
    StatusCallbackEvent: ALL_EVENTS,
    CustomHeaders: ATTEMPT_HEADER,
    ...fields,
  });
  expect(created.status).toBe(200);
  await h.scheduler.advance(0);
}

/** The fields of the completed callback sent to `path`. */
const completedOf = (path: string) => h.at(path).find((request) => request.fields.CallDuration !== undefined)!.fields;

describe('REST create to a registered softphone (flow 1)', () => {
  it('rings the client with X-Dialer-Attempt; its answer runs the Url, and its bye ends both legs', async () => {
    await callAgent();
    const invite = await phone.nextInvite();
    expect(invite.params).toMatchObject({
      caller_id_number: '+15550009999',
      callee_id_number: phone.sipUsername,
      dialogParams: { custom_headers: ATTEMPT_HEADER },
    });
    expect(h.lines('callback')).toEqual(['callback A initiated#0 → 200', 'callback A ringing#1 → 200']);

    // The scenario's 1 s answer for sip:* no longer applies: nothing happens until the client answers.
    await h.scheduler.advance(10_000);
    expect(h.lines('fetch')).toEqual([]);
    expect((await phone.answer(invite)).result?.message).toBe('CALL ANSWERED');
    await h.scheduler.advance(0);
    await h.scheduler.advance(4000);

    const aSid = h.at('/status/a')[0]!.fields.CallSid!;
    // After the credential, its token, the login and the registration:
    expect(h.lines().slice(4)).toEqual([
      `api POST /Calls To=${phone.sipUri} → 200 queued`,
      'callback A initiated#0 → 200',
      `rtc invite → ${phone.sipUsername}`,
      'callback A ringing#1 → 200',
      `rtc answer ${phone.sipUsername}`,
      'call A answered',
      'callback A in-progress#2 → 200',
      'fetch A Url POST /texml/bridge → 200 <Dial>',
      'verb A Dial Number=+15550001234',
      'callback B initiated#0 → 200',
      'callback B ringing#1 → 200',
      'call B answered',
      'callback B in-progress#2 → 200',
      'call B bridged',
    ]);
    expect(h.sandbox.control.lines({ kind: 'rtc', callSid: aSid })).toEqual([`rtc invite → ${phone.sipUsername}`, `rtc answer ${phone.sipUsername}`]);

    await phone.client.bye(invite.params!.callID as string);
    await h.scheduler.advance(0);
    expect(h.lines(['call', 'callback']).slice(-4)).toEqual([
      'call A completed',
      'call B completed',
      'callback A completed#3 → 200',
      'callback B completed#3 → 200',
    ]);
    // Answered at 10 s, hung up by the agent 4 s later.
    expect(completedOf('/status/a')).toMatchObject({ CallStatus: 'completed', HangupSource: 'callee', HangupCause: 'normal_clearing', CallDuration: '4' });
    expect(completedOf('/status/b')).toMatchObject({ CallStatus: 'completed', HangupSource: 'caller' });
  });

  it('gives no-answer at the ring timeout and withdraws the ring with a bye', async () => {
    await callAgent({ Timeout: 5 });
    const invite = await phone.nextInvite();
    await h.scheduler.advance(4999);
    expect(h.lines('call')).toEqual([]);
    await h.scheduler.advance(1);
    const bye = await phone.client.waitForServerRequest('telnyx_rtc.bye');
    expect(bye.params).toMatchObject({ callID: invite.params!.callID, cause: 'ORIGINATOR_CANCEL', sipCode: 487 });
    expect(completedOf('/status/a')).toMatchObject({ CallStatus: 'no-answer', HangupCause: 'timeout', SipHangupCause: '487' });
    expect(h.lines('rtc').at(-1)).toBe(`rtc bye ${phone.sipUsername} server`);
  });

  it.each([
    { cause: 'USER_BUSY', causeCode: 17, status: 'busy', sip: '486' },
    { cause: 'CALL_REJECTED', causeCode: 21, status: 'failed', sip: '603' },
  ])('a client that declines with $cause makes the leg $status', async ({ cause, causeCode, status, sip }) => {
    await callAgent();
    const invite = await phone.nextInvite();
    await phone.client.bye(invite.params!.callID as string, cause, causeCode);
    await h.scheduler.advance(0);
    expect(h.lines('call')).toEqual([`call A ${status}`]);
    expect(completedOf('/status/a')).toMatchObject({ CallStatus: status, SipHangupCause: sip, HangupSource: 'callee' });
    expect(h.at('/texml/bridge')).toEqual([]);
  });

  it('feeds the keys the client presses to a <Gather> on its leg', async () => {
    h.on('/texml/bridge', texml('<Gather numDigits="2" action="/texml/keys" timeout="10"><Say>Enter the code</Say></Gather>'));
    h.on('/texml/keys', texml('<Hangup/>'));
    await callAgent();
    const invite = await phone.nextInvite();
    await phone.answer(invite);
    await h.scheduler.advance(0);
    const callID = invite.params!.callID as string;
    await phone.client.dtmf(callID, '4');
    await h.scheduler.advance(5000);
    expect(h.at('/texml/keys')).toEqual([]);
    await phone.client.dtmf(callID, '2');
    await h.scheduler.advance(0);
    expect(h.at('/texml/keys')[0]!.fields.Digits).toBe('42');
    expect(h.lines(['verb', 'rtc', 'fetch']).slice(-8)).toEqual([
      'fetch A Url POST /texml/bridge → 200 <Gather>',
      'verb A Say "Enter the code"',
      `rtc dtmf ${phone.sipUsername} 4`,
      `rtc dtmf ${phone.sipUsername} 2`,
      'verb A Gather digits=42',
      'fetch A Gather POST /texml/keys Digits=42 → 200 <Hangup>',
      'verb A Hangup',
      `rtc bye ${phone.sipUsername} server`,
    ]);
    await waitFor(() => phone.client.serverRequests('telnyx_rtc.bye').length === 1, 2000, 'bye');
  });
});

describe('unregistered SIP users', () => {
  it("follow the scenario rules by default ('scenario': sip:* answers after 1 s)", async () => {
    await h.createCall({ To: 'sip:nobody@sip.telnyx.com', Url: `${h.app}/texml/bridge`, StatusCallback: `${h.app}/status/a` });
    await h.scheduler.advance(1000);
    expect(h.lines(['call', 'fetch'])).toEqual(['call A answered', 'fetch A Url POST /texml/bridge → 200 <Dial>']);
    expect(h.lines('rtc').filter((line) => line.includes('invite'))).toEqual([]);
  });

  it("fail with a 480 under unregisteredSip 'unavailable' (set through the control API)", async () => {
    const put = await fetch(`${h.sandboxUrl}/_sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unregisteredSip: 'unavailable' }),
    });
    expect(await put.json()).toEqual({ unregisteredSip: 'unavailable' });
    await h.createCall({ To: 'sip:nobody@sip.telnyx.com', Url: `${h.app}/texml/bridge`, StatusCallback: `${h.app}/status/a` });
    await h.scheduler.advance(1000);
    expect(h.lines(['call', 'fetch'])).toEqual(['call A sip user nobody not registered → 480', 'call A no-answer']);
    expect(completedOf('/status/a')).toMatchObject({ CallStatus: 'no-answer', HangupCause: 'user_not_registered', SipHangupCause: '480' });
    // A registered user still rings.
    await callAgent();
    await phone.nextInvite();
  });

  it('refuses unknown settings', async () => {
    expect(() => h.sandbox.control.setSettings({ unregisteredSip: 'maybe' as never })).toThrow(/unregisteredSip must be one of scenario, unavailable/);
  });
});

describe('<Dial><Sip> to a registered softphone (flow 3)', () => {
  it('rings the client with the URI headers, bridges on its answer, and byes it when the customer hangs up', async () => {
    h.on('/texml/connect', texml(`<Dial action="/texml/dial-action"><Sip statusCallback="/status/agent" statusCallbackEvent="${ALL_EVENTS}">${phone.sipUri}?X-Dialer-Attempt=att-3</Sip></Dial>`));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml/connect`, StatusCallback: `${h.app}/status/customer` });
    await h.scheduler.advance(4000);
    const invite = await phone.nextInvite();
    expect(invite.params).toMatchObject({ caller_id_number: '+15550001234', dialogParams: { custom_headers: [{ name: 'X-Dialer-Attempt', value: 'att-3' }] } });
    await phone.answer(invite);
    await h.scheduler.advance(0);
    expect(h.lines('call')).toEqual(['call A answered', 'call B answered', 'call B bridged']);

    // The customer talks 30 s from their answer, then hangs up; the agent gets a bye.
    await h.scheduler.advance(30_000);
    const bye = await phone.client.waitForServerRequest('telnyx_rtc.bye');
    expect(bye.params).toMatchObject({ callID: invite.params!.callID, cause: 'NORMAL_CLEARING' });
    expect(h.lines('call').slice(-2)).toEqual(['call A completed', 'call B completed']);
    expect(completedOf('/status/agent')).toMatchObject({ CallStatus: 'completed', HangupSource: 'caller' });
  });
});
