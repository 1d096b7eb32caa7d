import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, texml, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.scheduler.errors).toEqual([]);
  await h.close();
});

describe('verbs', () => {
  it('Say and Pause take call time', async () => {
    h.sandbox.control.addScenario({ match: '+15551110000', outcome: 'human', ringMs: 1000, talkMs: null });
    await h.createCall({ To: '+15551110000', Texml: texml('<Say>0123456789</Say><Pause length="2"/><Hangup/>'), StatusCallback: `${h.app}/s` });
    await h.drain();
    // 10 characters at 60 ms each, then 2 s.
    expect(h.elapsedMs()).toBe(1000 + 600 + 2000);
    expect(h.lines(['fetch', 'verb'])).toEqual(['fetch A Texml inline → <Say>', 'verb A Say "0123456789"', 'verb A Pause 2s', 'verb A Hangup']);
  });

  it('Gather: the scripted keys are pressed and POSTed to action as Digits', async () => {
    h.sandbox.control.addScenario({ match: '+15551110000', outcome: 'human', ringMs: 1000, talkMs: null, digits: ['9#'] });
    h.on('/ivr', texml('<Gather action="/ivr/choice" numDigits="1" timeout="4"><Say>Press 9</Say></Gather><Say>No input</Say>'));
    h.on('/ivr/choice', (request) => texml(request.fields.Digits === '9' ? '<Say>Opted out</Say><Hangup/>' : '<Hangup/>'));
    await h.createCall({ To: '+15551110000', Url: `${h.app}/ivr` });
    await h.drain();
    expect(h.lines(['fetch', 'verb'])).toEqual([
      'fetch A Url POST /ivr → 200 <Gather>',
      'verb A Say "Press 9"',
      'verb A Gather digits=9#',
      'fetch A Gather POST /ivr/choice Digits=9 → 200 <Say>',
      'verb A Say "Opted out"',
      'verb A Hangup',
    ]);
    const choice = h.at('/ivr/choice')[0]!;
    expect(choice.fields).toMatchObject({ Digits: '9', CallStatus: 'in-progress', To: '+15551110000' });
    // Prompt 7 chars × 60 ms, then the key a second later.
    expect(choice.atMs).toBe(1000 + 420 + 1000);
  });

  it('Gather without scripted keys times out and continues', async () => {
    h.sandbox.control.addScenario({ match: '+15551110000', outcome: 'human', ringMs: 1000, talkMs: null });
    await h.createCall({ To: '+15551110000', Texml: texml('<Gather action="/x" timeout="3"><Pause length="1"/></Gather><Say>Bye</Say>') });
    await h.drain();
    expect(h.lines(['verb'])).toEqual(['verb A Pause 1s', 'verb A Gather timeout', 'verb A Say "Bye"']);
    expect(h.elapsedMs()).toBe(1000 + 1000 + 3000 + 180);
  });

  it('Redirect resolves relative URLs against the current document', async () => {
    h.on('/flows/start', texml('<Redirect method="GET">next?step=2</Redirect>'));
    h.on('/flows/next', texml('<Hangup/>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/flows/start` });
    await h.drain();
    expect(h.lines(['fetch', 'verb'])).toEqual([
      'fetch A Url POST /flows/start → 200 <Redirect>',
      'verb A Redirect GET /flows/next',
      'fetch A Redirect GET /flows/next → 200 <Hangup>',
      'verb A Hangup',
    ]);
    const next = h.at('/flows/next')[0]!;
    expect(next.method).toBe('GET');
    expect(next.query).toMatchObject({ step: '2', CallStatus: 'in-progress' });
    expect(next.signatureValid).toBe(true);
  });

  it('Reject ends the call with a rejection cause', async () => {
    await h.createCall({ To: '+15550001234', Texml: texml('<Reject reason="busy"/>'), StatusCallback: `${h.app}/s` });
    await h.drain();
    expect(h.at('/s')[0]!.fields).toMatchObject({ CallStatus: 'completed', HangupCause: 'user_busy', SipHangupCause: '486' });
  });

  it('UrlMethod=GET puts the fetch fields in the query string', async () => {
    h.on('/texml', texml('<Hangup/>'));
    await h.createCall({ To: 'sip:bob@example.com', From: 'sip:alice@example.com', Url: `${h.app}/texml?attempt=5`, UrlMethod: 'GET' });
    await h.drain();
    const fetch = h.at('/texml')[0]!;
    expect(fetch.method).toBe('GET');
    expect(fetch.rawBody).toBe('');
    expect(fetch.query).toMatchObject({ attempt: '5', CallingPartyType: 'sip', FromSipUri: 'alice@example.com', ToSipUri: 'bob@example.com' });
  });
});

describe('application errors', () => {
  it('invalid TeXML (Dial timeout out of range) ends the call with an error and the schema issues', async () => {
    h.on('/bad', texml('<Dial timeout="500"><Number>+15550001234</Number></Dial>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/bad`, StatusCallback: `${h.app}/s` });
    await h.drain();
    expect(h.lines(['fetch', 'call'])).toEqual([
      'call A answered',
      'fetch A Url POST /bad → 200 invalid TeXML',
      'call A application-error 12100',
      'call A completed',
    ]);
    const error = h.sandbox.control.transcript({ kind: 'call' }).find((entry) => entry.line.includes('application-error'))!;
    expect(error.detail).toMatchObject({ code: '12100', issues: [{ element: 'Dial', attribute: 'timeout' }] });
    expect(h.at('/s')[0]!.fields).toMatchObject({ CallStatus: 'completed', ErrorCode: '12100', ErrorMessage: 'Document parse failure' });
  });

  it('<Client> is refused by the shared schema', async () => {
    await h.createCall({ To: '+15550001234', Texml: texml('<Dial><Client>bob</Client></Dial>') });
    await h.drain();
    expect(h.lines(['fetch', 'call'])).toContain('fetch A Texml inline → invalid TeXML');
  });

  it('a failing Url falls back to FallbackUrl', async () => {
    h.on('/primary', { status: 500, body: 'oops' });
    h.on('/fallback', texml('<Hangup/>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/primary`, FallbackUrl: `${h.app}/fallback` });
    await h.drain();
    expect(h.lines('fetch')).toEqual(['fetch A Url POST /primary → 500', 'fetch A FallbackUrl POST /fallback → 200 <Hangup>']);
  });

  it('a slow Url (fault) times out in virtual time and the call ends with 11200', async () => {
    h.sandbox.control.setFaults({ slowUrlMs: 10_000 });
    h.on('/texml', texml('<Hangup/>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml`, StatusCallback: `${h.app}/s` });
    await h.drain();
    expect(h.lines(['fetch', 'call'])).toEqual(['call A answered', 'fetch A Url POST /texml → timeout', 'call A application-error 11200', 'call A completed']);
    expect(h.at('/s')[0]!.atMs).toBe(4000 + 5000);
  });

  it('a slow Url under the timeout is just late', async () => {
    h.sandbox.control.setFaults({ slowUrlMs: 1500 });
    h.on('/texml', texml('<Hangup/>'));
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml` });
    await h.drain();
    expect(h.elapsedMs()).toBe(4000 + 1500);
    expect(h.lines('verb')).toEqual(['verb A Hangup']);
  });
});

describe('REST updates', () => {
  it('Status=completed cancels a ringing call', async () => {
    await h.createCall({ To: '+15550001234', Url: `${h.app}/never`, StatusCallback: `${h.app}/s`, StatusCallbackEvent: 'initiated ringing answered completed' });
    await h.scheduler.advance(2000);
    const [call] = h.sandbox.control.calls();
    const result = await h.api('POST', `${h.callsPath}/${call!.sid}`, { Status: 'completed' }, { form: true });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ sid: call!.sid, status: 'canceled' });
    await h.drain();
    expect(h.lines()).toEqual([
      'api POST /Calls To=+15550001234 → 200 queued',
      'callback A initiated#0 → 200',
      'callback A ringing#1 → 200',
      'call A canceled',
      'api POST /Calls/:sid Status=completed → 200 canceled',
      'callback A canceled#2 → 200',
    ]);
    expect(h.at('/s')[2]!.fields).toMatchObject({ HangupCause: 'originator_cancel', CallDuration: '0' });
    const again = await h.api('POST', `${h.callsPath}/${call!.sid}`, { Status: 'completed' }, { form: true });
    expect(again.status).toBe(422);
  });

  it('update is form-only and validated', async () => {
    await h.createCall({ To: '+15550001234', Url: `${h.app}/never` });
    const [call] = h.sandbox.control.calls();
    expect((await h.api('POST', `${h.callsPath}/${call!.sid}`, { Status: 'completed' })).status).toBe(415);
    const bad = await h.api('POST', `${h.callsPath}/${call!.sid}`, { Status: 'canceled' }, { form: true });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ code: '10032', detail: 'Status must be one of completed' });
  });

  it('Url interrupts the running document and ends its <Dial> legs', async () => {
    h.on('/texml', texml('<Dial action="/after"><Number statusCallback="/leg">+15550001234</Number></Dial>'));
    h.on('/transfer', texml('<Say>Transferred</Say><Hangup/>'));
    await h.createCall({ To: 'sip:agent@sip.telnyx.com', Url: `${h.app}/texml` });
    await h.scheduler.advance(10_000);
    const agent = h.sandbox.control.calls().find((call) => call.leg === 'A')!;
    const result = await h.api('POST', `${h.callsPath}/${agent.sid}`, { Url: `${h.app}/transfer`, Method: 'POST' }, { form: true });
    expect(result.status).toBe(200);
    await h.drain();
    expect(h.at('/after')).toEqual([]);
    expect(h.at('/leg')[0]!.fields).toMatchObject({ CallStatus: 'completed', HangupSource: 'caller', CallDuration: '5' });
    expect(h.lines(['api', 'fetch', 'verb']).slice(-4)).toEqual([
      'api POST /Calls/:sid Url=/transfer → 200 in-progress',
      'fetch A Url POST /transfer → 200 <Say>',
      'verb A Say "Transferred"',
      'verb A Hangup',
    ]);
  });

  it('Url on a bridged B-leg (a transfer) ends the parent\'s <Dial> and runs the new document on the leg', async () => {
    h.sandbox.control.addScenario({ match: '+15551112222', outcome: 'human', ringMs: 2000, talkMs: null });
    h.on('/bridge', texml('<Dial action="/dial-done"><Number>+15551112222</Number></Dial>'));
    h.on('/dial-done', texml('<Hangup/>'));
    h.on('/to-agent-2', texml('<Dial><Sip statusCallback="/agent2">sip:agent2@sip.telnyx.com</Sip></Dial>'));
    await h.createCall({ To: 'sip:agent1@sip.telnyx.com', Url: `${h.app}/bridge` });
    await h.scheduler.advance(20_000);
    const customer = h.sandbox.control.calls().find((call) => call.to === '+15551112222')!;
    await h.api('POST', `${h.callsPath}/${customer.sid}`, { Url: `${h.app}/to-agent-2` }, { form: true });
    await h.scheduler.advance(60_000);
    expect(h.at('/dial-done')[0]!.fields).toMatchObject({ DialCallStatus: 'completed', DialCallSid: customer.sid, DialCallDuration: '17' });
    expect(h.at('/agent2')).toEqual([]);
    const agent2 = h.sandbox.control.calls().find((call) => call.to === 'sip:agent2@sip.telnyx.com')!;
    expect(agent2).toMatchObject({ leg: 'B', parent_call_sid: customer.sid, status: 'in-progress' });
    const hangup = await h.api('POST', `${h.callsPath}/${customer.sid}`, { Status: 'completed' }, { form: true });
    expect(hangup.body.status).toBe('completed');
    await h.drain();
    expect(h.sandbox.control.calls().map((call) => call.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('Texml on an unanswered A-leg replaces what runs on answer', async () => {
    await h.createCall({ To: '+15550001234', Url: `${h.app}/never` });
    const [call] = h.sandbox.control.calls();
    await h.api('POST', `${h.callsPath}/${call!.sid}`, { Texml: texml('<Hangup/>') }, { form: true });
    await h.drain();
    expect(h.at('/never')).toEqual([]);
    expect(h.lines('fetch')).toEqual(['fetch A Texml inline → <Hangup>']);
  });
});
