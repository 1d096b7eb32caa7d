// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DialerCallStateDetail, DialerErrorDetail } from '../../../client/telnyx-dialer/events.ts';
import { click, ready, settle, type Mounted } from './dialer-fixture.ts';
import { leadFixture } from './fake-campaign.ts';
import { drain } from './fakes.ts';

const has = (m: Mounted, part: string) => m.parts(part).length > 0;
const text = (m: Mounted, part: string) => m.part(part).textContent?.replace(/\s+/g, ' ').trim() ?? '';

function collect<K extends keyof GlobalEventHandlersEventMap>(type: K): Array<GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never> {
  const seen: unknown[] = [];
  document.addEventListener(type, (e) => seen.push((e as CustomEvent).detail));
  return seen as never;
}

async function inCampaign(campaignId: string, agentStatus: 'available' | 'unavailable' = 'available'): Promise<Mounted> {
  const m = await ready({ campaignId, agentStatus });
  await settle(m, () => has(m, 'campaign') && m.el.campaign.busy === null, 'campaign loaded');
  return m;
}

async function nextLead(m: Mounted): Promise<void> {
  click(m.part('preview-next-button'));
  await settle(m, () => has(m, 'lead-panel'), 'lead panel');
}

describe('<telnyx-dialer> campaign bar', () => {
  it('lists the running campaigns, joins one, and leaves it', async () => {
    const m = await ready();
    await settle(m, () => m.part('campaign-select').querySelectorAll('option').length === 4, 'picker');
    const options = [...m.part('campaign-select').querySelectorAll('option')].map((o) => o.textContent?.trim());
    expect(options).toEqual(['Preview spring (Preview)', 'Preview spring (Preview)', 'Progressive spring (Progressive)', 'Manual spring (Manual)']);
    expect(has(m, 'lead-panel')).toBe(false);

    const select = m.part<HTMLSelectElement>('campaign-select');
    select.value = 'c-progressive';
    select.dispatchEvent(new Event('change'));
    click(m.part('campaign-join-button'));
    await settle(m, () => m.server.state.campaign.joined === 'c-progressive' && !has(m, 'campaign-select'), 'joined');
    expect(text(m, 'campaign')).toContain('Progressive spring Progressive');
    expect(m.part('campaign').dataset.mode).toBe('progressive');
    expect(has(m, 'preview-next-button')).toBe(false); // progressive: leads come to the agent

    click(m.part('campaign-leave-button'));
    await settle(m, () => has(m, 'campaign-select'), 'picker again');
    expect(m.server.state.campaign.joined).toBeNull();
    expect(m.server.state.campaign.log).toContain('DELETE /api/agents/me/campaign');
  });

  it('hides the bar, quietly, against a server without campaigns', async () => {
    const errors = collect('dialer-error');
    const m = await ready();
    m.server.state.campaign.unsupported = true;
    await m.el.campaign.load();
    await m.el.updateComplete;
    expect(has(m, 'campaign')).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('<telnyx-dialer> preview mode', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the claimed lead: fields, local time, attempts, and the script as text', async () => {
    const m = await inCampaign('c-preview');
    const leads = collect('dialer-lead');
    const evil = '<img src=x onerror=alert(1)>';
    const lead = leadFixture({ fields: { company: evil, renewal: 42, vip: true, notes: null } });
    m.server.state.campaign.leads.push(lead);
    m.server.state.campaign.script = `Hello Jane, about ${evil} and <b>your plan</b>.\nSecond line.`;
    await nextLead(m);

    const panel = m.part('lead-panel');
    expect(panel.querySelector('h2')!.textContent).toBe('Jane Doe');
    expect(text(m, 'lead-panel')).toContain(lead.phone);
    expect(text(m, 'lead-panel')).toContain('Attempts: 1 (last: no_answer)');
    // 14:05 in Chicago, formatted in that zone by Intl.
    expect(panel.querySelector('.dialer__lead-time')!.textContent).toMatch(/^Local time: Mon,? 2:05\s?PM CST$/);
    const fields = m.parts('lead-field').map((f) => [f.dataset.field, f.querySelector('dd')!.textContent]);
    expect(fields).toEqual([
      ['company', evil],
      ['renewal', '42'],
      ['vip', 'Yes'],
      ['notes', '—'],
    ]);
    expect(m.part('script').textContent).toBe(m.server.state.campaign.script);
    expect(panel.querySelector('img, b')).toBeNull(); // text, never markup
    expect(leads).toEqual([{ lead, source: 'preview' }]);
    expect(has(m, 'preview-countdown')).toBe(false); // previewTimeoutS: null waits for the agent
    expect(has(m, 'preview-next-button')).toBe(false);
  });

  it('Dial asks the server, then the auto-answered call is the lead’s call', async () => {
    const m = await inCampaign('c-preview');
    const lead = leadFixture();
    m.server.state.campaign.leads.push(lead);
    await nextLead(m);
    const leads = collect('dialer-lead');
    const states = collect('dialer-call-state') as DialerCallStateDetail[];

    click(m.part('preview-dial-button'));
    await settle(m, () => m.server.state.campaign.dials.length === 1 && m.el.campaign.busy === null, 'dial sent');
    expect(m.server.state.campaign.dials).toEqual([{ leadId: lead.id, attemptId: 'lead-att-1' }]);
    expect(leads).toEqual([{ lead, attemptId: 'lead-att-1', source: 'preview' }]);
    expect(text(m, 'call-info')).toContain(`Connecting you to ${lead.phone}`);
    expect(has(m, 'preview-dial-button')).toBe(false); // dialled: no second Dial, no Skip
    expect(has(m, 'preview-skip-button')).toBe(false);
    expect(m.part<HTMLButtonElement>('campaign-leave-button').disabled).toBe(true);

    // The server rings this softphone with our caller ID and the attempt header.
    const leg = m.client().ringInbound({ callerNumber: '+15550100001', customHeaders: [{ name: 'X-Dialer-Attempt', value: 'lead-att-1' }] });
    expect(leg.answers).toHaveLength(1); // auto-answered
    leg.setState('active');
    await m.el.updateComplete;
    expect(text(m, 'call-info')).toContain(`On call with ${lead.phone}`);
    expect(states.at(-1)).toMatchObject({ state: 'active', attemptId: 'lead-att-1', remoteNumber: lead.phone });
    expect(m.part('lead-panel').querySelector('h2')!.textContent).toBe('Jane Doe');

    leg.remoteHangup();
    await m.el.updateComplete;
    expect(m.part('disposition-form').dataset.attemptId).toBe('lead-att-1');
    expect(m.part('disposition-form').querySelector('h2')!.textContent).toContain(`Jane Doe (${lead.phone})`);
    expect(has(m, 'lead-panel')).toBe(false); // the form replaces the panel
  });

  it('a dialled lead whose call never connected comes back to Dial or Skip, without a disposition', async () => {
    const m = await inCampaign('c-preview');
    m.server.state.campaign.leads.push(leadFixture());
    await nextLead(m);
    click(m.part('preview-dial-button'));
    await settle(m, () => m.server.state.campaign.dials.length === 1 && m.el.campaign.busy === null, 'dial sent');
    const leg = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'lead-att-1' }] });
    leg.remoteHangup('NO_ANSWER', 19);
    await m.el.updateComplete;
    expect(has(m, 'disposition-form')).toBe(false);
    expect(has(m, 'preview-dial-button')).toBe(true);
    expect(has(m, 'preview-skip-button')).toBe(true);
  });

  it('a call that ends before the server answered the Dial still gets its disposition', async () => {
    const m = await inCampaign('c-preview');
    m.server.state.campaign.leads.push(leadFixture());
    await nextLead(m);
    click(m.part('preview-dial-button'));
    // The server rang (attempt ids are predictable here) before its 201 reached the page.
    const leg = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'lead-att-1' }] });
    leg.setState('active');
    leg.remoteHangup();
    expect(m.el.campaign.numberForAttempt('lead-att-1')).toBeUndefined(); // not linked yet
    await settle(m, () => has(m, 'disposition-form'), 'form after the late answer');
    expect(m.part('disposition-form').dataset.attemptId).toBe('lead-att-1');
  });

  it('Skip tells the server and fetches the next lead; an empty queue says so', async () => {
    const m = await inCampaign('c-preview');
    const [first, second] = [leadFixture({ firstName: 'First' }), leadFixture({ firstName: 'Second' })];
    m.server.state.campaign.leads.push(first, second);
    await nextLead(m);
    click(m.part('preview-skip-button'));
    await settle(m, () => m.parts('lead-panel')[0]?.querySelector('h2')?.textContent === 'Second Doe', 'second lead');
    expect(m.server.state.campaign.skips).toEqual([{ leadId: first.id, body: {} }]);

    click(m.part('preview-skip-button'));
    await settle(m, () => !has(m, 'lead-panel') && m.el.campaign.busy === null, 'no lead');
    expect(m.server.state.campaign.skips.map((s) => s.leadId)).toEqual([first.id, second.id]);
    expect(text(m, 'campaign')).toContain('No lead is ready now.');
    expect(has(m, 'preview-next-button')).toBe(true);
  });

  it('a refused claim (409) is shown and reported', async () => {
    const m = await inCampaign('c-preview');
    const errors = collect('dialer-error') as DialerErrorDetail[];
    m.server.state.campaign.refuse.next = { status: 409, code: 'compliance_refused', message: 'Outside calling hours for every lead.' };
    click(m.part('preview-next-button'));
    await settle(m, () => errors.length === 1, 'error');
    await m.el.updateComplete;
    expect(errors[0]).toEqual({ code: 'compliance_refused', message: 'Outside calling hours for every lead.', fatal: false, source: 'server' });
    expect(text(m, 'notice')).toContain('Outside calling hours');
    expect(has(m, 'lead-panel')).toBe(false);
  });

  describe('with a preview timeout', () => {
    async function autoCampaign(agentStatus: 'available' | 'unavailable' = 'available'): Promise<Mounted> {
      const m = await inCampaign('c-auto', agentStatus); // previewTimeoutS: 10
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      return m;
    }

    it('counts down and dials by itself at 0', async () => {
      const m = await autoCampaign();
      const lead = leadFixture();
      m.server.state.campaign.leads.push(lead);
      await nextLead(m);
      expect(text(m, 'preview-countdown')).toBe('Dialling in 10 s');
      vi.advanceTimersByTime(3_000);
      await m.el.updateComplete;
      expect(text(m, 'preview-countdown')).toBe('Dialling in 7 s');
      vi.advanceTimersByTime(6_999);
      await drain();
      expect(m.server.state.campaign.dials).toEqual([]);
      vi.advanceTimersByTime(1);
      await settle(m, () => m.server.state.campaign.dials.length === 1, 'auto-dial');
      expect(m.server.state.campaign.dials).toEqual([{ leadId: lead.id, attemptId: 'lead-att-1' }]);
      await settle(m, () => !has(m, 'preview-countdown'), 'countdown gone');
    });

    it('Skip cancels the auto-dial, even when the server refuses the skip', async () => {
      const m = await autoCampaign();
      m.server.state.campaign.leads.push(leadFixture(), leadFixture());
      await nextLead(m);
      vi.advanceTimersByTime(5_000);
      m.server.state.campaign.refuse.skip = { status: 503, code: 'unavailable', message: 'Try again.' };
      click(m.part('preview-skip-button'));
      await settle(m, () => m.server.state.campaign.log.some((r) => r.endsWith('/skip')) && m.el.campaign.busy === null, 'skip refused');
      expect(has(m, 'lead-panel')).toBe(true); // still this lead, no longer counting down
      expect(has(m, 'preview-countdown')).toBe(false);
      vi.advanceTimersByTime(60_000);
      await drain();
      expect(m.server.state.campaign.dials).toEqual([]);

      click(m.part('preview-skip-button'));
      await settle(m, () => m.server.state.campaign.skips.length === 1 && m.parts('preview-countdown').length === 1, 'next lead');
      expect(text(m, 'preview-countdown')).toBe('Dialling in 10 s'); // the next lead counts from the start
    });

    it('leaving cancels the auto-dial', async () => {
      const m = await autoCampaign();
      m.server.state.campaign.leads.push(leadFixture());
      await nextLead(m);
      m.server.state.campaign.refuse.leave = { status: 503, code: 'unavailable', message: 'Try again.' };
      click(m.part('campaign-leave-button'));
      await settle(m, () => m.server.state.campaign.log.includes('DELETE /api/agents/me/campaign') && m.el.campaign.busy === null, 'leave refused');
      vi.advanceTimersByTime(60_000);
      await drain();
      expect(m.server.state.campaign.dials).toEqual([]);

      click(m.part('campaign-leave-button'));
      await settle(m, () => has(m, 'campaign-select'), 'left');
      expect(has(m, 'lead-panel')).toBe(false);
    });

    it('with nothing eligible, asks again after Retry-After', async () => {
      const m = await autoCampaign();
      m.server.state.campaign.retryAfter = '30';
      click(m.part('preview-next-button'));
      await settle(m, () => text(m, 'campaign').includes('asking again in 30 s'), 'waiting');
      m.server.state.campaign.leads.push(leadFixture());
      vi.advanceTimersByTime(29_999);
      await m.el.updateComplete;
      expect(has(m, 'lead-panel')).toBe(false);
      vi.advanceTimersByTime(1);
      await settle(m, () => has(m, 'lead-panel'), 'lead after retry');
      expect(m.server.state.campaign.log.filter((r) => r.endsWith('/preview/next'))).toHaveLength(2);
    });
    it('does nothing on its own for an agent who is not Available', async () => {
      const m = await autoCampaign('unavailable');
      m.server.state.campaign.leads.push(leadFixture());
      await nextLead(m); // asking by hand works
      vi.advanceTimersByTime(10_000);
      await drain();
      await m.el.updateComplete;
      expect(m.server.state.campaign.dials).toEqual([]);
      expect(has(m, 'preview-countdown')).toBe(false);
      expect(text(m, 'campaign')).toContain('Not dialled on its own: you are not Available.');
      click(m.part('preview-skip-button')); // the queue is empty now: 204, Retry-After 30
      m.server.state.campaign.retryAfter = '30';
      await settle(m, () => text(m, 'campaign').includes('asking again in 30 s'), 'waiting');
      m.server.state.campaign.leads.push(leadFixture());
      const asked = () => m.server.state.campaign.log.filter((r) => r.endsWith('/preview/next')).length;
      const before = asked();
      vi.advanceTimersByTime(90_000);
      await drain();
      expect(asked()).toBe(before); // not claimed behind the agent's back

      m.server.push({ type: 'agent.status', agent: { id: 'a-1', status: 'available', statusReason: null } });
      vi.advanceTimersByTime(30_000);
      await settle(m, () => has(m, 'lead-panel'), 'claimed once Available');
    });
  });
});
