/**
 * A preview campaign end to end: the real server and sandbox, an agent whose softphone
 * reports `registered` (the sandbox answers its SIP leg after 1 s), leads claimed one by
 * one, dialled through flow 1, their outcomes and dispositions applied to the leads, and
 * the compliance gate keeping DNC and out-of-window leads from ever being offered or
 * dialled. Time is virtual: it starts on Monday 2026-01-05 at 15:00 UTC (10:00 in New
 * York, 05:00 in Honolulu).
 */
import { describe, expect, it } from 'vitest';
import { addToDnc } from '../../server/compliance/dnc.ts';
import type { UserSession } from '../helpers/dialer.ts';
import { addList, createCampaign, leadRow, readyAgent, useCampaignDialer } from './campaign-helpers.ts';

const { dialer, sockets, now } = useCampaignDialer();
const database = dialer.database;
const MINUTE_MS = 60_000;

const HUMAN_SALE = '+15550001001';
const HUMAN_CALLBACK = '+15550001002';
const HUMAN_DNC = '+15550001003';
const BUSY = '+15550011001';
const NO_ANSWER = '+15550021001';
const ON_DNC = '+15550001009';
const HONOLULU = '+15550001008';

async function agent(username: string, campaignId: string): Promise<UserSession> {
  const ready = await readyAgent(dialer, username, campaignId);
  sockets.push(ready.socket);
  return ready.session;
}

async function runningCampaign(body: Record<string, unknown> = {}) {
  const campaign = await createCampaign(dialer, { mode: 'preview', script: 'Hello {{lead.firstName}}, about your {{lead.fields.plan}} plan{{lead.fields.missing}}.', ...body });
  return campaign;
}

async function start(campaignId: string): Promise<void> {
  const started = await dialer.api('POST', `/api/campaigns/${campaignId}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
}

describe('preview campaign', () => {
  it('offers leads in order, dials them agent first, and applies outcomes, retries and dispositions', async () => {
    const campaign = await runningCampaign();
    await addToDnc(database.db, { phone: ON_DNC, scope: 'internal', source: 'api', now: now() });
    const leads = await addList(
      database.db,
      campaign.id,
      [
        { phone: HUMAN_SALE, firstName: 'Ada', lastName: 'Lovelace', fields: { plan: 'gold' } },
        { phone: HUMAN_CALLBACK, firstName: 'Alan' },
        { phone: HUMAN_DNC, firstName: 'Grace' },
        { phone: BUSY, firstName: 'Busy' },
        { phone: NO_ANSWER, firstName: 'Nobody' },
        { phone: ON_DNC, firstName: 'Listed' },
        { phone: HONOLULU, firstName: 'Kai', zones: ['Pacific/Honolulu'] },
      ],
      now(),
    );
    const byPhone = new Map(leads.map((lead) => [lead.phone_e164, lead]));
    await start(campaign.id);
    const agent1 = await agent('agent1', campaign.id);
    expect((await agent1.api('GET', '/api/agents/me/campaign')).body).toEqual({
      campaign: {
        id: campaign.id,
        name: 'Spring renewals',
        mode: 'preview',
        dispositions: campaign.dispositions,
        wrapUpSeconds: 30,
        previewTimeoutS: null,
      },
    });

    // New leads come in id order; the DNC and Honolulu leads are looked at and put aside.
    const dialable = [HUMAN_SALE, HUMAN_CALLBACK, HUMAN_DNC, BUSY, NO_ANSWER].map((phone) => byPhone.get(phone)!.id).sort();
    const offered: string[] = [];
    for (;;) {
      const next = await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`);
      if (next.status === 204) {
        const retryAfter = Number(next.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(5);
        expect(retryAfter).toBeLessThanOrEqual(300);
        break;
      }
      expect(next.status).toBe(200);
      const { lead, script, claimExpiresAt } = next.body;
      offered.push(lead.id);
      // Asking again without dialling or skipping gives the same lead back.
      expect((await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`)).body.lead.id).toBe(lead.id);
      expect(Date.parse(claimExpiresAt) - dialer.scheduler.now()).toBe(120_000);
      expect(lead).toMatchObject({ phone: expect.any(String), timeZones: ['America/New_York'], attempts: 0, lastOutcome: null });
      expect(lead.localTime).toMatch(/^2026-01-05T10:\d\d:\d\d-05:00$/);
      if (lead.phone === HUMAN_SALE) {
        expect(lead).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', fields: { plan: 'gold' } });
        expect(script).toBe('Hello Ada, about your gold plan.');
      }

      const dial = await agent1.api('POST', `/api/leads/${lead.id}/dial`);
      expect(dial.status, JSON.stringify(dial.body)).toBe(201);
      const attempt = dial.body.attempt;
      expect(attempt).toMatchObject({ campaign_id: campaign.id, lead_id: lead.id, mode: 'preview', agent_id: agent1.user.id, customer_number: lead.phone, ring_timeout_s: 25 });
      expect(attempt.gate_decision).toMatchObject({ allow: true, kind: 'preview', profile: 'US', reasons: [] });
      // A double click does not dial twice.
      expect((await agent1.api('POST', `/api/leads/${lead.id}/dial`)).status).toBe(409);
      await dialer.scheduler.advance(60_000);

      const row = await leadRow(database.db, lead.id);
      const ended = await dialer.api('GET', `/api/calls/${attempt.id}`);
      const outcomeAt = Date.parse(ended.body.attempt.outcome_at);
      if (lead.phone === BUSY) {
        expect(ended.body.attempt).toMatchObject({ outcome: 'busy', dial_call_status: 'busy' });
        expect(row).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'busy', claimed_by: null });
        expect(row.next_attempt_at!.getTime()).toBe(outcomeAt + 15 * MINUTE_MS);
        continue;
      }
      if (lead.phone === NO_ANSWER) {
        expect(ended.body.attempt).toMatchObject({ outcome: 'no_answer', dial_call_status: 'no-answer' });
        expect(row).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'no_answer', claimed_by: null });
        expect(row.next_attempt_at!.getTime()).toBe(outcomeAt + 60 * MINUTE_MS);
        continue;
      }
      expect(ended.body.attempt).toMatchObject({ outcome: 'human', two_second_rule_met: true, abandoned: false, answered_at: expect.any(String) });
      expect(ended.body.attempt.bridged_at).toBe(ended.body.attempt.answered_at);
      expect(row).toMatchObject({ attempts: 1, last_outcome: 'human' });

      const dispose = (body: Record<string, unknown>) => agent1.api('POST', `/api/attempts/${attempt.id}/disposition`, body);
      if (lead.phone === HUMAN_SALE) {
        const done = await dispose({ code: 'sale', notes: '=1+2 upgrade' });
        expect(done.status).toBe(200);
        expect(done.body.attempt).toMatchObject({ disposition: 'sale', disposition_notes: '=1+2 upgrade', disposition_by: agent1.user.id });
        expect(done.body.lead).toMatchObject({ id: lead.id, status: 'done', lastOutcome: 'sale', attempts: 1 });
        // Recorded once.
        const again = await dispose({ code: 'not_interested' });
        expect(again.status).toBe(409);
        expect(again.body.error.code).toBe('disposition_already_recorded');
      } else if (lead.phone === HUMAN_CALLBACK) {
        // 22:00 in New York: outside the window; the next opening is 08:00 there.
        const late = await dispose({ code: 'callback', callbackAt: '2026-01-06T03:00:00Z', callbackScope: 'agent' });
        expect(late.status).toBe(422);
        expect(late.body.error).toMatchObject({ code: 'callback_outside_window', details: { opensAt: '2026-01-06T13:00:00.000Z' } });
        const missing = await dispose({ code: 'callback' });
        expect(missing.status).toBe(422);
        expect(missing.body.error.details.fields).toEqual([{ field: 'callbackAt', message: 'is required for a callback disposition' }]);
        const ok = await dispose({ code: 'callback', callbackAt: '2026-01-06T15:00:00Z', callbackScope: 'agent' });
        expect(ok.status).toBe(200);
        expect(ok.body.lead).toMatchObject({ status: 'callback', nextAttemptAt: '2026-01-06T15:00:00.000Z', callbackAgentId: agent1.user.id });
      } else {
        const dnc = await dispose({ code: 'do_not_call' });
        expect(dnc.status).toBe(200);
        expect(dnc.body.lead.status).toBe('dnc');
        const entries = await database.db.selectFrom('dnc_entries').select(['scope', 'source', 'created_by']).where('phone_e164', '=', HUMAN_DNC).execute();
        expect(entries).toEqual([{ scope: 'internal', source: 'disposition', created_by: agent1.user.id }]);
      }
      // Wrap-up ends when the softphone says so (the disposition does not end it).
      expect((await agent1.api('POST', '/api/agents/me/wrap-up/done')).status).toBe(200);
    }
    expect(offered).toEqual(dialable);

    // Never offered, never dialled: the sandbox never saw their numbers.
    const lines = dialer.sandbox.control.lines();
    for (const phone of [ON_DNC, HONOLULU]) expect(lines.filter((line) => line.includes(phone))).toEqual([]);
    for (const phone of [HUMAN_SALE, BUSY, NO_ANSWER]) expect(lines).toContain(`verb A Dial Number=${phone}`);
    expect(lines.filter((line) => line.startsWith('api POST /Calls'))).toHaveLength(5);
    // The DNC lead is marked; the Honolulu lead waits for 08:00 there (18:00 UTC), untried.
    expect(await leadRow(database.db, byPhone.get(ON_DNC)!.id)).toMatchObject({ status: 'dnc', attempts: 0 });
    expect(await leadRow(database.db, byPhone.get(HONOLULU)!.id)).toMatchObject({ status: 'new', attempts: 0, next_attempt_at: new Date('2026-01-05T18:00:00Z') });

    // 15 minutes on, the busy lead is due again; the DNC'd human never comes back.
    await dialer.scheduler.advance(15 * MINUTE_MS);
    const retry = await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`);
    expect(retry.status).toBe(200);
    expect(retry.body.lead).toMatchObject({ phone: BUSY, attempts: 1, lastOutcome: 'busy' });
  });

  it('gives each of two agents asking at once a different lead', async () => {
    const campaign = await runningCampaign();
    await addList(
      database.db,
      campaign.id,
      Array.from({ length: 6 }, (_, index) => ({ phone: `+1555000200${index}` })),
      now(),
    );
    await start(campaign.id);
    const agent1 = await agent('agent1', campaign.id);
    const agent2 = await agent('agent2', campaign.id);
    const seen = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`),
        agent2.api('POST', `/api/campaigns/${campaign.id}/preview/next`),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.lead.id).not.toBe(b.body.lead.id);
      const claims = await database.db.selectFrom('leads').select(['id', 'claimed_by']).where('claimed_by', 'is not', null).execute();
      expect(claims).toHaveLength(2);
      for (const lead of [a.body.lead.id, b.body.lead.id]) seen.add(lead);
      // Skipped leads go back to the pool; the skipper is not offered them again soon.
      expect((await agent1.api('POST', `/api/leads/${a.body.lead.id}/skip`, { reason: 'wrong person' })).status).toBe(204);
      expect((await agent2.api('POST', `/api/leads/${b.body.lead.id}/skip`)).status).toBe(204);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    const skips = await database.db.selectFrom('lead_skips').select(['agent_id', 'reason']).execute();
    expect(skips).toHaveLength(6);
    // The skip leaves next_attempt_at alone.
    expect(await database.db.selectFrom('leads').select('next_attempt_at').where('next_attempt_at', 'is not', null).execute()).toEqual([]);
  });

  it('refuses what an agent may not do: another campaign, a lead not claimed, a paused campaign', async () => {
    const campaign = await runningCampaign();
    const other = await runningCampaign({ name: 'Other' });
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550003001' }], now());
    await addList(database.db, other.id, [{ phone: '+15550003002' }], now());
    await start(campaign.id);
    await start(other.id);
    const agent1 = await agent('agent1', campaign.id);
    const agent2 = await agent('agent2', other.id);

    expect((await agent1.api('POST', `/api/campaigns/${other.id}/preview/next`)).body.error.code).toBe('agent_not_in_campaign');
    expect((await agent1.api('POST', `/api/leads/${lead!.id}/dial`)).body.error.code).toBe('lead_not_claimed');
    expect((await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`)).status).toBe(200);
    // agent2 is not in this lead's campaign.
    expect((await agent2.api('POST', `/api/leads/${lead!.id}/skip`)).body.error.code).toBe('lead_not_claimed');

    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/pause`)).body.campaign.status).toBe('paused');
    const paused = await agent1.api('POST', `/api/leads/${lead!.id}/dial`);
    expect(paused.status).toBe(409);
    expect(paused.body.error.code).toBe('campaign_not_running');
    expect((await agent1.api('GET', '/api/agents/me/campaign')).body.campaign.id).toBe(campaign.id);

    // Stopping sends the agents out and releases their leads.
    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/stop`)).body.campaign.status).toBe('stopped');
    expect((await agent1.api('GET', '/api/agents/me/campaign')).body).toEqual({ campaign: null });
    expect(await leadRow(database.db, lead!.id)).toMatchObject({ claimed_by: null, claimed_at: null });
    const join = await agent1.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id });
    expect(join.status).toBe(409);
    expect(join.body.error.code).toBe('campaign_not_running');
    expect((await agent2.api('DELETE', '/api/agents/me/campaign')).status).toBe(204);
    expect((await agent2.api('GET', '/api/agents/me/campaign')).body).toEqual({ campaign: null });
  });

  it("re-checks the gate at dial time: a number put on DNC after the claim is not dialled", async () => {
    const campaign = await runningCampaign();
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550004001' }], now());
    await start(campaign.id);
    const agent1 = await agent('agent1', campaign.id);
    expect((await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`)).body.lead.id).toBe(lead!.id);
    await addToDnc(database.db, { phone: '+15550004001', scope: 'campaign', campaignId: campaign.id, source: 'api', now: now() });
    const dial = await agent1.api('POST', `/api/leads/${lead!.id}/dial`);
    expect(dial.status).toBe(422);
    expect(dial.body.error).toMatchObject({ code: 'compliance_refused', details: { reasons: [{ code: 'dnc_campaign' }] } });
    expect(await leadRow(database.db, lead!.id)).toMatchObject({ status: 'dnc', claimed_by: null });
    expect(dialer.sandbox.control.lines().filter((line) => line.includes('/Calls'))).toEqual([]);
    expect((await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`)).status).toBe(204);
  });

  it('keeps the lead with the agent, uncounted, when the agent does not answer; dispositions are for the agent on the call or staff', async () => {
    const campaign = await runningCampaign();
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550004501' }], now());
    await start(campaign.id);
    const agent1 = await agent('agent1', campaign.id);
    const agent2 = await agent('agent2', campaign.id);
    const defaults = dialer.sandbox.control.scenarios();
    dialer.sandbox.control.addScenario({ match: 'sip:*', outcome: 'no-answer' });
    await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`);
    const missed = (await agent1.api('POST', `/api/leads/${lead!.id}/dial`)).body.attempt;
    await dialer.scheduler.advance(30_000);
    expect((await dialer.api('GET', `/api/calls/${missed.id}`)).body.attempt).toMatchObject({ status: 'failed', outcome: 'not_dialled' });
    expect(await leadRow(database.db, lead!.id)).toMatchObject({ status: 'new', attempts: 0, claimed_by: agent1.user.id, next_attempt_at: null });
    const nothing = await agent1.api('POST', `/api/attempts/${missed.id}/disposition`, { code: 'sale' });
    expect(nothing.status).toBe(409);
    expect(dialer.sandbox.control.lines().filter((line) => line.includes('+15550004501'))).toEqual([]);

    // The agent answers this time.
    dialer.sandbox.control.setScenarios(defaults);
    const attempt = (await agent1.api('POST', `/api/leads/${lead!.id}/dial`)).body.attempt;
    await dialer.scheduler.advance(60_000);
    expect((await agent2.api('POST', `/api/attempts/${attempt.id}/disposition`, { code: 'sale' })).status).toBe(403);
    const supervisor = await dialer.login('supervisor');
    const byStaff = await supervisor.api('POST', `/api/attempts/${attempt.id}/disposition`, { code: 'no_answer', notes: 'line dropped' });
    expect(byStaff.status).toBe(200);
    expect(byStaff.body.attempt).toMatchObject({ disposition: 'no_answer', disposition_by: supervisor.user.id });
    expect(byStaff.body.lead).toMatchObject({ status: 'new', attempts: 1, lastOutcome: 'no_answer' });
    expect(Date.parse(byStaff.body.lead.nextAttemptAt)).toBe(dialer.scheduler.now() + 60 * MINUTE_MS);
  });

  it("runs the agent's wrap-up for the campaign's wrap_up_s", async () => {
    const campaign = await runningCampaign({ wrapUpS: 5 });
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550005001' }], now());
    await start(campaign.id);
    const agent1 = await agent('agent1', campaign.id);
    await agent1.api('POST', `/api/campaigns/${campaign.id}/preview/next`);
    expect((await agent1.api('POST', `/api/leads/${lead!.id}/dial`)).status).toBe(201);
    const status = async () => (await dialer.api('GET', '/api/agents')).body.agents.find((a: { id: string }) => a.id === agent1.user.id).status;
    await dialer.scheduler.advance(10_000);
    expect(await status()).toBe('busy');
    // The customer hangs up at 35 s; wrap-up lasts 5 s, not AGENT_WRAP_UP_S (30 s).
    await dialer.scheduler.advance(27_000);
    expect(await status()).toBe('wrap_up');
    await dialer.scheduler.advance(5_000);
    expect(await status()).toBe('available');
  });
});
