// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { DialerDispositionDetail, DialerLeadDetail } from '../../../client/telnyx-dialer/events.ts';
import { click, key, ready, settle, type, type Mounted } from './dialer-fixture.ts';
import { leadFixture } from './fake-campaign.ts';
import { drain, type FakeCall } from './fakes.ts';

const has = (m: Mounted, part: string) => m.parts(part).length > 0;
const text = (m: Mounted, part: string) => m.part(part).textContent?.replace(/\s+/g, ' ').trim() ?? '';

function collect<T>(type: 'dialer-lead' | 'dialer-disposition'): T[] {
  const seen: T[] = [];
  document.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

async function inCampaign(campaignId: string, agentStatus: 'available' | 'unavailable' = 'available'): Promise<Mounted> {
  const m = await ready({ campaignId, agentStatus });
  await settle(m, () => m.parts('campaign').length > 0 && m.el.campaign.busy === null, 'campaign loaded');
  return m;
}

/** The server's side of a call ending: the agent goes to Wrap-up. */
function wrapUp(m: Mounted): void {
  m.server.state.agent.status = 'wrap_up';
  m.server.push({ type: 'agent.status', agent: { id: 'a-1', status: 'wrap_up', statusReason: null } });
}

/** A connected, then ended, server-placed call for `attemptId`. */
async function callEnds(m: Mounted, attemptId: string, { wrapUpS = 45 } = {}): Promise<FakeCall> {
  const leg = m.client().ringInbound({ callerNumber: '+15550100001', customHeaders: [{ name: 'X-Dialer-Attempt', value: attemptId }] });
  leg.setState('active');
  leg.remoteHangup();
  if (wrapUpS > 0) wrapUp(m);
  await settle(m, () => has(m, 'disposition-form'), 'disposition form');
  return leg;
}

/** Preview: claim, dial and finish a call; the form is open for `lead-att-1`. */
async function previewCallDone(m: Mounted): Promise<void> {
  click(m.part('preview-next-button'));
  await settle(m, () => has(m, 'preview-dial-button'), 'lead');
  click(m.part('preview-dial-button'));
  await settle(m, () => m.server.state.campaign.dials.length === 1 && m.el.campaign.busy === null, 'dialled');
  await callEnds(m, 'lead-att-1');
}

const option = (m: Mounted, code: string) => m.part('disposition-form').querySelector<HTMLInputElement>(`[data-code="${code}"] input`)!;
const checked = (m: Mounted) => m.parts('disposition-option').find((o) => o.querySelector('input')!.checked)?.dataset.code;
const submit = (m: Mounted) => click(m.part('disposition-submit'));
const posted = (m: Mounted) => m.server.state.campaign.dispositions;

describe('<telnyx-dialer> progressive mode', () => {
  it('an offered call fills the lead panel at once, announces it, and emits dialer-lead', async () => {
    const m = await inCampaign('c-progressive');
    const leads = collect<DialerLeadDetail>('dialer-lead');
    const lead = leadFixture({ firstName: 'Omar', lastName: 'Offered' });
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-1', lead, script: 'Hi Omar, <b>welcome</b>.' } as never);
    await m.el.updateComplete;
    expect(leads).toEqual([{ lead, attemptId: 'prog-att-1', source: 'offered' }]);
    expect(m.part('lead-panel').dataset.source).toBe('offered');
    expect(m.part('lead-panel').querySelector('h2')!.textContent).toBe('Omar Offered');
    expect(m.part('script').textContent).toBe('Hi Omar, <b>welcome</b>.');
    expect(has(m, 'preview-dial-button')).toBe(false);
    expect(m.part('campaign').querySelector('[aria-live="polite"]')!.textContent).toBe(`Incoming lead: Omar Offered, ${lead.phone}.`);

    const leg = m.client().ringInbound({ callerNumber: '+15550100001', customHeaders: [{ name: 'X-Dialer-Attempt', value: 'prog-att-1' }] });
    expect(leg.answers).toHaveLength(1);
    leg.setState('active');
    await m.el.updateComplete;
    expect(text(m, 'call-info')).toContain(`On call with ${lead.phone}`);
    leg.remoteHangup();
    await settle(m, () => has(m, 'disposition-form'), 'form');
    expect(m.part('disposition-form').dataset.attemptId).toBe('prog-att-1');
    expect(has(m, 'lead-panel')).toBe(false);
  });
});

describe('<telnyx-dialer> disposition form', () => {
  it('takes focus, picks with 1–9, submits with Enter, ends the wrap-up and fetches the next lead', async () => {
    const m = await inCampaign('c-preview');
    const [first, second] = [leadFixture(), leadFixture({ firstName: 'Next' })];
    m.server.state.campaign.leads.push(first, second);
    const dispositions = collect<DialerDispositionDetail>('dialer-disposition');
    await previewCallDone(m);

    const form = m.part('disposition-form');
    expect(m.el.shadowRoot!.activeElement).toBe(form);
    expect(m.parts('disposition-option').map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Sale',
      '2 Not interested',
      '3 Call back',
      '4 No answer',
      '5 Do not call',
    ]);
    expect(m.part<HTMLSelectElement>('status').value).toBe('wrap_up');

    key(form, { key: '2' });
    await m.el.updateComplete;
    expect(checked(m)).toBe('not_interested');
    key(form, { key: '9' }); // only five: nothing
    key(form, { key: '1' });
    await m.el.updateComplete;
    expect(checked(m)).toBe('sale');

    const notes = m.part<HTMLTextAreaElement>('disposition-notes');
    type(notes, ' Wants a demo in May ');
    key(notes, { key: '4' }); // typing in notes is not a pick
    key(notes, { key: 'Enter' }); // nor a submit
    await m.el.updateComplete;
    expect(checked(m)).toBe('sale');
    expect(posted(m)).toEqual([]);

    key(form, { key: 'Enter' });
    await settle(m, () => dispositions.length === 1, 'disposition saved');
    expect(posted(m)).toEqual([{ attemptId: 'lead-att-1', body: { code: 'sale', notes: 'Wants a demo in May' } }]);
    expect(dispositions).toEqual([{ attemptId: 'lead-att-1', code: 'sale', leadId: first.id }]);

    await settle(m, () => m.server.state.campaign.wrapUpDone === 1, 'wrap-up done');
    await settle(m, () => m.parts('lead-panel')[0]?.querySelector('h2')?.textContent === 'Next Doe', 'next lead');
    expect(has(m, 'disposition-form')).toBe(false);
    expect(m.part<HTMLSelectElement>('status').value).toBe('available');
    const log = m.server.state.campaign.log;
    expect(log.slice(log.indexOf('POST /api/attempts/lead-att-1/disposition'))).toEqual([
      'POST /api/attempts/lead-att-1/disposition',
      'POST /api/agents/me/wrap-up/done',
      'POST /api/campaigns/c-preview/preview/next',
    ]);
  });

  it('in preview mode, an agent who is not Available after the disposition is not handed a lead', async () => {
    const m = await inCampaign('c-preview', 'unavailable');
    m.server.state.campaign.leads.push(leadFixture(), leadFixture());
    click(m.part('preview-next-button'));
    await settle(m, () => has(m, 'preview-dial-button'), 'lead');
    click(m.part('preview-dial-button'));
    await settle(m, () => m.server.state.campaign.dials.length === 1 && m.el.campaign.busy === null, 'dialled');
    await callEnds(m, 'lead-att-1', { wrapUpS: 0 }); // no wrap-up: the agent stays Unavailable
    key(m.part('disposition-form'), { key: '1' });
    key(m.part('disposition-form'), { key: 'Enter' });
    await settle(m, () => m.server.state.campaign.log.at(-1) === 'POST /api/agents/me/wrap-up/done' && !has(m, 'disposition-form'), 'saved');
    await drain();
    expect(m.server.state.campaign.log.filter((r) => r.endsWith('/preview/next'))).toHaveLength(1);
    expect(has(m, 'preview-next-button')).toBe(true); // the agent asks when ready
  });

  it('a 422 shows the server’s message next to its field and keeps the form', async () => {
    const m = await inCampaign('c-progressive');
    const dispositions = collect<DialerDispositionDetail>('dialer-disposition');
    const errors: unknown[] = [];
    document.addEventListener('dialer-error', (e) => errors.push(e.detail));
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-2', lead: leadFixture(), script: '' } as never);
    await callEnds(m, 'prog-att-2');

    click(option(m, 'not_interested'));
    type(m.part<HTMLTextAreaElement>('disposition-notes'), 'x'.repeat(50));
    m.server.state.campaign.refuse.disposition = {
      status: 422,
      code: 'validation_failed',
      message: 'Invalid request: notes: Too long',
      details: { fields: [{ field: 'notes', message: 'Too long' }] },
    };
    submit(m);
    await settle(m, () => m.parts('disposition-error').length === 1, 'field error');
    const error = m.part('disposition-error');
    expect(error.id).toBe('disposition-notes-error');
    expect(error.textContent).toBe('Too long');
    expect(m.part('disposition-notes').getAttribute('aria-describedby')).toBe('disposition-notes-error');
    expect(checked(m)).toBe('not_interested'); // kept
    expect(m.part<HTMLTextAreaElement>('disposition-notes').value).toBe('x'.repeat(50));
    expect(dispositions).toEqual([]);
    expect(m.server.state.campaign.wrapUpDone).toBe(0);
    expect(errors).toEqual([]); // the agent's to fix, in the form: not a dialer-error

    // The server's word on a callback time lands under the time.
    click(option(m, 'callback'));
    await m.el.updateComplete;
    type(m.part<HTMLInputElement>('disposition-callback-at'), '2030-01-08T23:30');
    m.server.state.campaign.refuse.disposition = { status: 422, code: 'callback_outside_window', message: 'Outside the lead’s calling hours (08:00–21:00).' };
    submit(m);
    await settle(m, () => m.parts('disposition-error').length === 1, 'callback error');
    expect(m.part('disposition-error').id).toBe('disposition-callback-error');
    expect(m.part('disposition-error').textContent).toBe('Outside the lead’s calling hours (08:00–21:00).');
    expect(m.part('disposition-callback-at').getAttribute('aria-invalid')).toBe('true');

    type(m.part<HTMLInputElement>('disposition-callback-at'), '2030-01-08T10:30');
    submit(m);
    await settle(m, () => dispositions.length === 1, 'saved');
    expect(posted(m)).toEqual([
      {
        attemptId: 'prog-att-2',
        body: { code: 'callback', notes: 'x'.repeat(50), callbackAt: new Date('2030-01-08T10:30').toISOString(), callbackScope: 'agent' },
      },
    ]);
    await settle(m, () => m.server.state.campaign.wrapUpDone === 1, 'wrap-up done');
    expect(m.server.state.campaign.log.some((r) => r.endsWith('/preview/next'))).toBe(false); // progressive: no fetching
  });

  it('a callback needs a date and time, and says for whom', async () => {
    const m = await inCampaign('c-progressive');
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-3', lead: leadFixture(), script: '' } as never);
    await callEnds(m, 'prog-att-3');
    expect(has(m, 'disposition-callback-at')).toBe(false);
    key(m.part('disposition-form'), { key: '3' });
    await m.el.updateComplete;
    expect(m.part<HTMLInputElement>('disposition-callback-at').type).toBe('datetime-local');

    submit(m);
    await settle(m, () => m.parts('disposition-error').length === 1, 'local error');
    expect(m.part('disposition-error').textContent).toBe('Pick a date and time for the callback.');
    expect(m.server.state.campaign.log.filter((r) => r.includes('/disposition'))).toEqual([]);

    type(m.part<HTMLInputElement>('disposition-callback-at'), '2030-01-08T10:30');
    await m.el.updateComplete;
    expect(m.parts('disposition-error')).toEqual([]);
    expect(m.part('disposition-form').textContent).toMatch(/For the lead: \w{3},? \d{1,2}:30\s?[AP]M CST/);
    click(m.part('disposition-callback-scope').querySelector<HTMLInputElement>('input[value="anyone"]')!);
    submit(m);
    await settle(m, () => posted(m).length === 1, 'posted');
    expect(posted(m)[0]!.body).toEqual({ code: 'callback', callbackAt: new Date('2030-01-08T10:30').toISOString(), callbackScope: 'anyone' });
  });

  it('Do-Not-Call needs a confirming click', async () => {
    const m = await inCampaign('c-progressive');
    const lead = leadFixture();
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-4', lead, script: '' } as never);
    await callEnds(m, 'prog-att-4');
    click(option(m, 'do_not_call'));
    await m.el.updateComplete;
    expect(m.part('disposition-form').textContent).toContain(`Yes, never call ${lead.phone} again`);

    key(m.part('disposition-form'), { key: 'Enter' });
    await settle(m, () => m.parts('disposition-error').length === 1, 'confirmation asked');
    expect(m.part('disposition-error').id).toBe('disposition-dnc-error');
    expect(posted(m)).toEqual([]);

    click(m.part('disposition-dnc-confirm'));
    await m.el.updateComplete;
    expect(m.parts('disposition-error')).toEqual([]);
    submit(m);
    await settle(m, () => posted(m).length === 1, 'posted');
    expect(posted(m)).toEqual([{ attemptId: 'prog-att-4', body: { code: 'do_not_call' } }]);
  });

  it('an attempt the server will not take (409) can be discarded', async () => {
    const m = await inCampaign('c-progressive');
    const errors: unknown[] = [];
    document.addEventListener('dialer-error', (e) => errors.push(e.detail));
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-5', lead: leadFixture(), script: '' } as never);
    await callEnds(m, 'prog-att-5');
    expect(has(m, 'disposition-discard')).toBe(false);
    click(option(m, 'sale'));
    m.server.state.campaign.refuse.disposition = { status: 409, code: 'conflict', message: 'This attempt already has a disposition.' };
    submit(m);
    await settle(m, () => has(m, 'disposition-discard'), 'discard offered');
    expect(text(m, 'disposition-error')).toBe('This attempt already has a disposition.');
    expect(errors).toEqual([{ code: 'conflict', message: 'This attempt already has a disposition.', fatal: false, source: 'server' }]);
    click(m.part('disposition-discard'));
    await settle(m, () => !has(m, 'disposition-form') && m.server.state.campaign.wrapUpDone === 1, 'discarded');
  });

  it('with no wrap-up to end, saving is still quiet', async () => {
    const m = await inCampaign('c-progressive');
    const errors: unknown[] = [];
    document.addEventListener('dialer-error', (e) => errors.push(e.detail));
    m.server.push({ type: 'call.offered', attemptId: 'prog-att-6', lead: leadFixture(), script: '' } as never);
    await callEnds(m, 'prog-att-6', { wrapUpS: 0 });
    key(m.part('disposition-form'), { key: '4' });
    key(m.part('disposition-form'), { key: 'Enter' });
    await settle(m, () => posted(m).length === 1, 'posted');
    expect(posted(m)).toEqual([{ attemptId: 'prog-att-6', body: { code: 'no_answer' } }]);
    await settle(m, () => m.server.state.campaign.log.at(-1) === 'POST /api/agents/me/wrap-up/done', 'wrap-up done asked');
    await settle(m, () => !has(m, 'disposition-form'), 'form closed');
    expect(errors).toEqual([]); // 409 "not in wrap-up" is not the agent's problem
    expect(has(m, 'notice')).toBe(false);
  });

  it('a click-to-call, even in a manual campaign, gets no form (the server takes dispositions for lead calls only)', async () => {
    const m = await inCampaign('c-manual');
    type(m.part('number-input'), '+13125550199');
    await m.el.updateComplete;
    click(m.part('call-button'));
    await settle(m, () => m.server.state.attempts.length === 1 && m.el.session.placing?.attemptId === 'att-1', 'placed');
    const leg = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-1' }] });
    leg.setState('active');
    leg.remoteHangup();
    await m.el.updateComplete;
    expect(has(m, 'disposition-form')).toBe(false);
  });

  it('a call that is no campaign’s gets no form', async () => {
    const m = await inCampaign('c-progressive');
    const leg = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'someone-else' }] });
    leg.setState('active');
    leg.remoteHangup();
    await m.el.updateComplete;
    expect(has(m, 'disposition-form')).toBe(false);
  });
});
