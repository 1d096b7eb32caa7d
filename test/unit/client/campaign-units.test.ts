// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiError, DialerApi, RealtimeConnection, type ServerMessage } from '../../../client/telnyx-dialer/api.ts';
import { CampaignApi, parseRetryAfter } from '../../../client/telnyx-dialer/campaign-api.ts';
import {
  dispositionKey,
  dispositionRequest,
  newDraft,
  serverErrors,
  type DispositionKey,
  type DispositionKeyContext,
} from '../../../client/telnyx-dialer/disposition-form.ts';
import { fieldText, formatLeadTime } from '../../../client/telnyx-dialer/lead-panel.ts';
import { DISPOSITIONS, leadFixture } from './fake-campaign.ts';
import { FakeSocket, createFakeServer } from './fakes.ts';

describe('dispositionKey', () => {
  const press = (key: string, extra: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
    key,
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    ...extra,
  });
  const ctx = (extra: Partial<DispositionKeyContext> = {}): DispositionKeyContext => ({
    open: true,
    count: 5,
    inTextField: false,
    onButton: false,
    inForm: true,
    callConnected: false,
    ...extra,
  });
  it.each<[string, ReturnType<typeof press>, DispositionKeyContext, DispositionKey]>([
    ['1 picks the first', press('1'), ctx(), { pick: 0 }],
    ['5 picks the fifth of five', press('5'), ctx(), { pick: 4 }],
    ['6 of five: nothing', press('6'), ctx(), null],
    ['0 is no disposition', press('0'), ctx(), null],
    ['Enter submits', press('Enter'), ctx(), 'submit'],
    ['Enter on a button is its click', press('Enter'), ctx({ onButton: true }), null],
    ['digits in the notes are text', press('3'), ctx({ inTextField: true }), null],
    ['Enter in the notes is a new line', press('Enter'), ctx({ inTextField: true }), null],
    ['no form: nothing', press('1'), ctx({ open: false }), null],
    ['Ctrl+1 is the browser’s', press('1', { ctrlKey: true }), ctx(), null],
    ['outside the form during a new call, digits are DTMF', press('2'), ctx({ inForm: false, callConnected: true }), null],
    ['outside the form with no call, digits pick', press('2'), ctx({ inForm: false }), { pick: 1 }],
  ])('%s', (_name, keyPress, context, expected) => {
    expect(dispositionKey(keyPress, context)).toEqual(expected);
  });
});

describe('dispositionRequest', () => {
  const draft = (patch: Partial<ReturnType<typeof newDraft>>) => ({ ...newDraft('att-1', leadFixture(), DISPOSITIONS), ...patch });

  it('needs a choice, a callback time, a DNC confirmation', () => {
    expect(dispositionRequest(draft({}))).toEqual({ ok: false, errors: { code: 'Pick an outcome.' } });
    expect(dispositionRequest(draft({ code: 'callback' }))).toEqual({ ok: false, errors: { callbackAt: 'Pick a date and time for the callback.' } });
    expect(dispositionRequest(draft({ code: 'callback', callbackAt: 'soon' }))).toEqual({ ok: false, errors: { callbackAt: 'That date and time is not valid.' } });
    expect(dispositionRequest(draft({ code: 'do_not_call' }))).toMatchObject({ ok: false, errors: { dnc: expect.stringContaining('never be called') } });
  });

  it('sends only what applies: trimmed notes, callback fields only for a callback', () => {
    expect(dispositionRequest(draft({ code: 'sale', notes: '  ', callbackAt: '2030-01-08T10:30', callbackScope: 'anyone' }))).toEqual({ ok: true, body: { code: 'sale' } });
    expect(dispositionRequest(draft({ code: 'callback', notes: ' ring after 5 ', callbackAt: '2030-01-08T10:30' }))).toEqual({
      ok: true,
      body: { code: 'callback', notes: 'ring after 5', callbackAt: new Date('2030-01-08T10:30').toISOString(), callbackScope: 'agent' },
    });
    expect(dispositionRequest(draft({ code: 'do_not_call', dncConfirmed: true }))).toEqual({ ok: true, body: { code: 'do_not_call' } });
  });
});

describe('serverErrors', () => {
  it('maps validation_failed fields, callback_outside_window, and the rest to the form', () => {
    const fields = [
      { field: 'callbackAt', message: 'must be in the future' },
      { field: 'callbackScope', message: 'invalid' },
      { field: 'weird.path', message: 'odd' },
    ];
    expect(serverErrors(new ApiError('validation_failed', 'Invalid request', 422, { fields }))).toEqual({
      callbackAt: 'must be in the future',
      callbackScope: 'invalid',
      form: 'odd',
    });
    expect(serverErrors(new ApiError('validation_failed', 'Invalid request: body', 422, null))).toEqual({ form: 'Invalid request: body' });
    expect(serverErrors(new ApiError('callback_outside_window', 'Too late for the lead.', 422))).toEqual({ callbackAt: 'Too late for the lead.' });
    expect(serverErrors(new ApiError('network_error', 'Cannot reach the dialer server.', 0))).toEqual({ form: 'Cannot reach the dialer server.' });
  });
});

describe('lead formatting', () => {
  it('shows the lead’s time in its first zone, or the offset written in localTime', () => {
    expect(formatLeadTime('2030-07-01T09:15:00-04:00', ['America/New_York', 'America/Chicago'], 'en-US')).toMatch(/^Mon,? 9:15\s?AM EDT$/);
    expect(formatLeadTime('2030-07-01T14:15:00+01:00', ['Europe/London'], 'en-GB')).toMatch(/^Mon,? 14:15 BST$/);
    expect(formatLeadTime('2030-07-01T09:15:00-04:00', [])).toBe('09:15 (UTC-04:00)');
    expect(formatLeadTime('2030-07-01T09:15:00-04:00', ['Not/AZone'])).toBe('09:15 (UTC-04:00)');
    expect(formatLeadTime('yesterday', ['America/Chicago'])).toBe('yesterday');
  });

  it('shows field values as text', () => {
    expect([fieldText('x'), fieldText(0), fieldText(false), fieldText(null), fieldText('')]).toEqual(['x', '0', 'No', '—', '—']);
  });
});

describe('CampaignApi', () => {
  async function signedIn() {
    const server = createFakeServer({ campaignId: 'c-preview' });
    const api = new DialerApi({ baseUrl: 'http://dialer.test', fetch: server.fetch });
    await api.me();
    return { server, campaigns: new CampaignApi(api) };
  }

  it('reads a 204 with Retry-After as "nothing now, ask again in N s"', async () => {
    const { server, campaigns } = await signedIn();
    expect(await campaigns.previewNext('c-preview')).toEqual({ offer: null, retryAfterS: null });
    server.state.campaign.retryAfter = '45';
    expect(await campaigns.previewNext('c-preview')).toEqual({ offer: null, retryAfterS: 45 });
    const lead = leadFixture();
    server.state.campaign.leads.push(lead);
    expect(await campaigns.previewNext('c-preview')).toEqual({ offer: { lead, script: server.state.campaign.script, claimExpiresAt: '2030-01-07T20:10:00Z' } });
  });

  it('joins and leaves with the CSRF token, and keeps the server’s error', async () => {
    const { server, campaigns } = await signedIn();
    await campaigns.leave();
    expect(server.state.campaign.joined).toBeNull();
    expect((await campaigns.join('c-auto')).previewTimeoutS).toBe(10);
    await expect(campaigns.join('c-paused')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    expect((await campaigns.running()).map((c) => c.id)).toEqual(['c-preview', 'c-auto', 'c-progressive', 'c-manual']);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('later', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('call.offered over the realtime socket', () => {
  it('passes well-formed offers on and drops malformed ones', () => {
    const received: ServerMessage[] = [];
    const sockets: FakeSocket[] = [];
    const connection = new RealtimeConnection({
      url: 'ws://dialer.test/api/events',
      socketFactory: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onMessage: (message) => received.push(message),
    });
    connection.start();
    const socket = sockets[0]!;
    socket.serverOpen();
    const lead = leadFixture();
    const send = (data: unknown) => socket.onmessage?.(new MessageEvent('message', { data: JSON.stringify(data) }));
    send({ type: 'call.offered', attemptId: 'att-1', lead, script: 'Hi' });
    send({ type: 'call.offered', attemptId: 'att-2', lead }); // no script: empty
    send({ type: 'call.offered', lead, script: 'no attempt id' });
    send({ type: 'call.offered', attemptId: 'att-3', lead: { phone: '+1' }, script: 'lead without id' });
    connection.stop();
    expect(received).toEqual([
      { type: 'call.offered', attemptId: 'att-1', lead, script: 'Hi' },
      { type: 'call.offered', attemptId: 'att-2', lead, script: '' },
    ]);
  });
});
