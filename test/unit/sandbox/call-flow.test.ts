import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, texml, type Harness } from './harness.ts';

const ALL_EVENTS = 'initiated ringing answered completed';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.scheduler.errors).toEqual([]);
  expect(h.received.every((request) => request.signatureValid)).toBe(true);
  await h.close();
});

describe('agent-first call: Url → <Dial><Number> → action', () => {
  beforeEach(() => {
    h.on(
      '/texml/bridge',
      texml(
        `<Dial callerId="+15550007777" action="/texml/dial-action"><Number statusCallback="/status/b?leg=customer" statusCallbackEvent="${ALL_EVENTS}">+15550001234</Number></Dial>`,
      ),
    );
    h.on('/texml/dial-action', texml('<Hangup/>'));
  });

  it('produces the expected transcript', async () => {
    await h.createCall({
      To: 'sip:agent@sip.telnyx.com',
      Url: `${h.app}/texml/bridge?attempt=1`,
      StatusCallback: `${h.app}/status/a?leg=agent&attempt=1`,
      StatusCallbackEvent: ALL_EVENTS,
    });
    await h.drain();
    expect(h.lines()).toEqual([
      'api POST /Calls To=sip:agent@sip.telnyx.com → 200 queued',
      'callback A initiated#0 → 200',
      'callback A ringing#1 → 200',
      'call A answered',
      'callback A in-progress#2 → 200',
      'fetch A Url POST /texml/bridge → 200 <Dial>',
      'verb A Dial Number=+15550001234',
      'callback B initiated#0 → 200',
      'callback B ringing#1 → 200',
      'call B answered',
      'callback B in-progress#2 → 200',
      'call B bridged',
      'call B completed',
      'callback B completed#3 → 200',
      'fetch A action POST /texml/dial-action DialCallStatus=completed → 200 <Hangup>',
      'verb A Hangup',
      'call A completed',
      'callback A completed#3 → 200',
    ]);
    // Agent answers after 1 s; customer initiated then, answers 4 s later, talks 30 s.
    expect(h.elapsedMs()).toBe(35_000);
  });

  it('sends the documented field sets, with consistent times and durations', async () => {
    await h.createCall({
      To: 'sip:agent@sip.telnyx.com',
      Url: `${h.app}/texml/bridge?attempt=1`,
      StatusCallback: `${h.app}/status/a?leg=agent&attempt=1`,
      StatusCallbackEvent: ALL_EVENTS,
    });
    await h.drain();
    const a = h.at('/status/a');
    const b = h.at('/status/b');
    const aSid = a[0]!.fields.CallSid!;
    const bSid = b[0]!.fields.CallSid!;
    expect(aSid).toMatch(/^v3:[A-Za-z0-9_-]{54}$/);
    expect(a.map((request) => [request.fields.CallStatus, request.fields.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    expect(a[0]!.query).toEqual({ leg: 'agent', attempt: '1' });
    expect(a[0]!.fields).toEqual({
      AccountSid: 'acct-test',
      CallSid: aSid,
      CallSidLegacy: aSid,
      ConnectionId: 'app-123',
      From: '+15550009999',
      To: 'sip:agent@sip.telnyx.com',
      CallStatus: 'initiated',
      CallbackSource: 'call-progress-events',
      CallInitiatedAt: '2026-01-05T15:00:00.000Z',
      Timestamp: '2026-01-05T15:00:00.000Z',
      SequenceNumber: '0',
    });
    expect(Object.keys(a[2]!.fields).sort()).toEqual(
      [...Object.keys(a[0]!.fields), 'Codec', 'SamplingRate'].sort(),
    );
    expect(a[3]!.fields).toMatchObject({
      CallStatus: 'completed',
      CallDuration: '34',
      StartTime: '2026-01-05T15:00:00.000Z',
      AnsweredTime: '2026-01-05T15:00:01.000Z',
      EndTime: '2026-01-05T15:00:35.000Z',
      HangupCause: 'normal_clearing',
      HangupSource: 'caller',
      SipHangupCause: '200',
      CallControlId: aSid,
    });
    expect(a[3]!.fields.AnsweredTime).toBe(a[2]!.fields.Timestamp);

    const fetch = h.at('/texml/bridge')[0]!;
    expect(fetch.method).toBe('POST');
    expect(fetch.fields).toEqual({
      AccountSid: 'acct-test',
      CallSid: aSid,
      CallSidLegacy: aSid,
      CallerId: '+15550009999',
      CallingPartyType: 'pstn',
      From: '+15550009999',
      FromSipUri: '+15550009999@sip.telnyx.com',
      To: 'sip:agent@sip.telnyx.com',
      ToSipUri: 'agent@sip.telnyx.com',
      ConnectionId: 'app-123',
      CallStatus: 'in-progress',
    });

    expect(b.map((request) => [request.fields.CallStatus, request.fields.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    for (const request of b) {
      expect(request.fields).toMatchObject({ ParentCallSid: aSid, ParentCallSidLegacy: aSid, From: '+15550007777', To: '+15550001234' });
      expect(request.query).toEqual({ leg: 'customer' });
    }
    expect(b[3]!.fields).toMatchObject({ CallDuration: '30', HangupSource: 'callee', AnsweredTime: b[2]!.fields.Timestamp });
    expect(b[3]!.fields.CallSessionId).toBe(a[3]!.fields.CallSessionId);

    const action = h.at('/texml/dial-action')[0]!;
    expect(action.fields).toMatchObject({
      CallSid: aSid,
      CallStatus: 'in-progress',
      DialCallSid: bSid,
      DialCallSidLegacy: bSid,
      DialCallStatus: 'completed',
      DialCallDuration: b[3]!.fields.CallDuration,
    });
  });
});

describe('outcomes', () => {
  it('busy: no ringing, completed with busy after ringMs', async () => {
    await h.createCall({ To: '+15550011234', Url: `${h.app}/never`, StatusCallback: `${h.app}/status`, StatusCallbackEvent: ALL_EVENTS });
    await h.drain();
    expect(h.lines(['callback', 'call'])).toEqual(['callback A initiated#0 → 200', 'call A busy', 'callback A busy#1 → 200']);
    expect(h.at('/status')[1]!.fields).toMatchObject({ CallStatus: 'busy', CallDuration: '0', HangupCause: 'user_busy', SipHangupCause: '486' });
    expect(h.at('/status')[1]!.fields.AnsweredTime).toBeUndefined();
    expect(h.at('/never')).toEqual([]);
  });

  it('no-answer: gives up at the create Timeout, in virtual time', async () => {
    await h.createCall({ To: '+15550021234', Url: `${h.app}/never`, Timeout: 12, StatusCallback: `${h.app}/status` });
    await h.drain();
    expect(h.elapsedMs()).toBe(12_000);
    expect(h.lines(['callback', 'call'])).toEqual(['call A no-answer', 'callback A no-answer#0 → 200']);
    expect(h.at('/status')[0]!.fields).toMatchObject({ SequenceNumber: '0', HangupCause: 'timeout' });
  });

  it('no-answer on a dialled leg happens at the <Dial timeout>; the action gets DialCallStatus=no-answer', async () => {
    h.on('/texml', texml('<Dial timeout="7" action="/after"><Number>+15550021234</Number></Dial>'));
    h.on('/after', texml('<Say>Sorry</Say>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.drain();
    const action = h.at('/after')[0]!;
    expect(action.atMs).toBe(1000 + 7000);
    expect(action.fields).toMatchObject({ DialCallStatus: 'no-answer', DialCallDuration: '0' });
    expect(h.lines(['fetch', 'verb'])).toEqual([
      'fetch A Url POST /texml → 200 <Dial>',
      'verb A Dial Number=+15550021234',
      'fetch A action POST /after DialCallStatus=no-answer → 200 <Say>',
      'verb A Say "Sorry"',
    ]);
  });

  it('failed: ends with ErrorCode', async () => {
    await h.createCall({ To: '+15550041234', Url: `${h.app}/never`, StatusCallback: `${h.app}/status` });
    await h.drain();
    expect(h.at('/status')[0]!.fields).toMatchObject({ CallStatus: 'failed', ErrorCode: '10001', ErrorMessage: 'Call failed' });
  });

  it('a Dial without action continues with the next verb, and the document ending hangs up', async () => {
    h.on('/texml', texml('<Dial><Number>+15550011234</Number></Dial><Say>Busy, bye</Say>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml`, StatusCallback: `${h.app}/status` });
    await h.drain();
    expect(h.lines(['verb', 'call'])).toEqual([
      'call A answered',
      'verb A Dial Number=+15550011234',
      'call B busy',
      'verb A Say "Busy, bye"',
      'call A completed',
    ]);
    expect(h.at('/status')[0]!.fields).toMatchObject({ CallDuration: '2', HangupSource: 'caller' });
  });

  it('the first of several legs to answer wins; the others are cancelled', async () => {
    h.sandbox.control.addScenario({ match: '+15550000002', outcome: 'human', ringMs: 2000, talkMs: 10_000 });
    h.on('/texml', texml('<Dial action="/after"><Number statusCallback="/legs">+15550000001</Number><Number statusCallback="/legs">+15550000002</Number></Dial>'));
    h.on('/after', texml('<Hangup/>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.at('/legs').map((request) => [request.fields.To, request.fields.CallStatus])).toEqual([
      ['+15550000001', 'canceled'],
      ['+15550000002', 'completed'],
    ]);
    expect(h.at('/after')[0]!.fields).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '10' });
  });

  it('<Dial timeLimit> cuts the bridge', async () => {
    h.sandbox.control.addScenario({ match: '+15559990000', outcome: 'human', ringMs: 3000, talkMs: null });
    h.on('/texml', texml('<Dial timeLimit="60" action="/after"><Number statusCallback="/leg">+15559990000</Number></Dial>'));
    h.on('/after', texml('<Hangup/>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.at('/leg')[0]!.fields).toMatchObject({ HangupCause: 'time_limit', CallDuration: '60' });
    expect(h.at('/after')[0]!.fields).toMatchObject({ DialCallDuration: '60' });
  });

  it('the customer hanging up during a <Dial><Sip> ends the agent leg too; no action is fetched', async () => {
    h.on('/texml', texml('<Dial action="/after"><Sip statusCallback="/agent">sip:agent@sip.telnyx.com</Sip></Dial>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml`, StatusCallback: `${h.app}/customer` });
    await h.drain();
    expect(h.at('/after')).toEqual([]);
    expect(h.at('/customer')[0]!.fields).toMatchObject({ HangupSource: 'callee', CallDuration: '30' });
    expect(h.at('/agent')[0]!.fields).toMatchObject({ HangupSource: 'caller', CallDuration: '29' });
    expect(h.lines(['call', 'callback']).slice(-4)).toEqual([
      'call A completed',
      'call B completed',
      'callback A completed#0 → 200',
      'callback B completed#0 → 200',
    ]);
  });

  it('a <Conference> noun keeps the caller waiting until they hang up', async () => {
    h.on('/texml', texml('<Dial><Conference>room-1</Conference></Dial>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.lines(['verb', 'call'])).toEqual(['call A answered', 'verb A Dial Conference=room-1', 'call A completed']);
    expect(h.elapsedMs()).toBe(4000 + 30_000);
  });
});

describe('dials-per-second on <Dial> legs and noun AMD', () => {
  it('a <Dial> leg over the limit fails with 90103 and the action says failed', async () => {
    h.sandbox.control.setFaults({ rateLimit: { perSecond: 30, perWindow: 1, windowMs: 5000 } });
    h.on('/texml', texml('<Dial action="/after"><Number statusCallback="/leg">+15550001234</Number></Dial>'));
    h.on('/after', texml('<Hangup/>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.at('/leg')[0]!.fields).toMatchObject({ CallStatus: 'failed', ErrorCode: '90103' });
    expect(h.at('/after')[0]!.fields).toMatchObject({ DialCallStatus: 'failed', ErrorCode: '90103' });
  });

  it('a noun with machineDetection reports AnsweredBy to its statusCallback when amd is subscribed', async () => {
    h.on('/texml', texml('<Dial><Number machineDetection="Enable" statusCallback="/leg" statusCallbackEvent="amd completed">+15550031234</Number></Dial>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.at('/leg').map((request) => request.fields.AnsweredBy)).toEqual(['machine_start', 'machine_start']);
    expect(h.lines('callback')).toEqual(['callback B amd AnsweredBy=machine_start → 200', 'callback B completed#0 → 200']);
  });
});
