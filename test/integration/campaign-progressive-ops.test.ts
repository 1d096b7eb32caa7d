/**
 * Running a progressive campaign, through the sandbox on a virtual clock: switching a
 * running campaign's mode starts and stops its pacer, "why isn't it dialing" says what
 * the pacer sees, and the agent's wrap-up after a campaign call ends on the server's
 * timer (the campaign's `wrapUpS`) or early with `wrap-up/done`, after which the pacer
 * dials again.
 */
import { describe, expect, it } from 'vitest';
import type { UserSession } from '../helpers/dialer.ts';
import { addList, agentStatus, createProgressiveCampaign, createRequests, readyAgent, startCampaign, useCampaignDialer } from './campaign-helpers.ts';

const { dialer, sockets, now } = useCampaignDialer({ env: { AGENT_WRAP_UP_S: '30' } });
const database = dialer.database;
const leadsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ phone: `+155500012${String(index).padStart(2, '0')}` }));

async function joinedAgent(campaignId: string): Promise<UserSession> {
  const { session, socket } = await readyAgent(dialer, 'agent1');
  sockets.push(socket);
  expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId })).status).toBe(200);
  return session;
}

/** Step 500 ms at a time until the agent has `status`; the virtual time it took, ms. */
async function until(agentId: string, status: string, limitMs = 120_000): Promise<number> {
  const from = dialer.scheduler.now();
  while ((await agentStatus(dialer, agentId)) !== status) {
    if (dialer.scheduler.now() - from > limitMs) throw new Error(`agent never became ${status}`);
    await dialer.scheduler.advance(500);
  }
  return dialer.scheduler.now() - from;
}

describe('a running campaign changing mode', () => {
  it('starts the pacer on a switch to progressive and stops it on a switch back to preview', async () => {
    const campaign = await createProgressiveCampaign(dialer, { mode: 'preview' });
    await addList(database.db, campaign.id, leadsOf(3), now());
    await startCampaign(dialer, campaign.id);
    const agent = await joinedAgent(campaign.id);
    await dialer.scheduler.advance(10_000);
    // Preview: nothing is dialled until the agent dials.
    expect(createRequests(dialer)).toEqual([]);
    expect((await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`)).body.pacer).toBeNull();

    const toProgressive = await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'progressive' });
    expect(toProgressive.status).toBe(200);
    await dialer.scheduler.advance(2000);
    expect(createRequests(dialer)).toHaveLength(1);
    expect(createRequests(dialer)[0]!.Url).toMatch(/\/texml\/campaign\/answer\?/);

    // Back to preview while the call is up: it goes on, and nothing more is dialled.
    expect((await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'preview' })).status).toBe(200);
    await dialer.scheduler.advance(120_000);
    expect(createRequests(dialer)).toHaveLength(1);
    expect(dialer.sandbox.control.lines()).toContain('call B bridged');
    expect(await agentStatus(dialer, agent.user.id)).toBe('available');

    // A progressive campaign that is running must keep its safe-harbor message.
    expect((await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { safeHarbor: null })).status).toBe(200);
    const refused = await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'progressive' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields).toEqual([expect.objectContaining({ field: 'safeHarbor' })]);
    await dialer.scheduler.advance(10_000);
    expect(createRequests(dialer)).toHaveLength(1);
  });

  it('refuses a switch the campaign could not start in (409 with every reason), and dials nothing', async () => {
    const campaign = await createProgressiveCampaign(dialer, { mode: 'preview' });
    await addList(database.db, campaign.id, leadsOf(2), now());
    await startCampaign(dialer, campaign.id);
    await joinedAgent(campaign.id);
    // The national registry copy has gone stale since the start.
    await database.db.updateTable('dnc_registry_imports').set({ registry_date: '2025-11-01' }).where('status', '=', 'active').execute();
    const refused = await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'progressive' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('campaign_not_startable');
    expect(refused.body.error.details.reasons.map((reason: { code: string }) => reason.code)).toEqual(['registry_stale']);
    expect((await dialer.api('GET', `/api/campaigns/${campaign.id}`)).body.campaign.mode).toBe('preview');
    await dialer.scheduler.advance(10_000);
    expect(createRequests(dialer)).toEqual([]);
  });
});

describe('why a progressive campaign is not dialing', () => {
  it('reports what the pacer sees: running, agents ready and reserved, calls in flight, its last pass', async () => {
    const campaign = await createProgressiveCampaign(dialer);
    await addList(database.db, campaign.id, leadsOf(1), now());
    await startCampaign(dialer, campaign.id);
    const why = async () => (await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`)).body;

    const empty = await why();
    expect(empty.pacer).toMatchObject({ running: true, paceMs: 1000, agentsReady: 0, agentsReserved: 0, agentsFree: 0, callsInFlight: 0, lastTick: null });
    expect(empty.problems).toContain('No agent works in this campaign.');

    const agent = await joinedAgent(campaign.id);
    await dialer.scheduler.advance(1000);
    // The customer is ringing for the one agent, who is Available but reserved.
    const ringing = await why();
    expect(ringing.pacer).toMatchObject({ running: true, agentsReady: 1, agentsReserved: 1, agentsFree: 0, callsInFlight: 1 });
    expect(ringing.pacer.lastTick).toMatchObject({ agents: 1, ready: 1, reserved: 0, placed: 1, stoppedBecause: null });
    expect(ringing.problems).toContain('Every Available agent (1) has a call in flight; the pacer dials again when one is free.');

    // The only lead has been called: the pacer's last pass found nothing to dial.
    await until(agent.user.id, 'busy');
    await until(agent.user.id, 'available');
    await dialer.scheduler.advance(2000);
    const done = await why();
    expect(done.pacer).toMatchObject({ agentsReady: 1, agentsReserved: 0, agentsFree: 1, callsInFlight: 0 });
    expect(done.pacer.lastTick).toMatchObject({ ready: 1, reserved: 0, placed: 0, stoppedBecause: { code: 'no_lead' } });
    expect(done.problems.some((problem: string) => problem.startsWith('Last pacer pass (') && problem.includes('No lead can be dialled now'))).toBe(true);

    // Unavailable: nobody to call for. Paused: the pacer is not running.
    expect((await agent.api('PUT', '/api/agents/me/status', { status: 'unavailable', reason: 'break' })).status).toBe(200);
    expect((await why()).problems).toContain('No agent of the campaign is Available with a registered softphone: the pacer has nobody to call for.');
    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/pause`)).status).toBe(200);
    const paused = await why();
    expect(paused.pacer.running).toBe(false);
    expect(paused.problems).toContain('The campaign is paused, not running.');
  });
});

describe('wrap-up after a progressive call', () => {
  it("ends on the server after the campaign's wrapUpS, or early on wrap-up/done, and the pacer then dials the next lead", async () => {
    const campaign = await createProgressiveCampaign(dialer, { wrapUpS: 5 });
    await addList(database.db, campaign.id, leadsOf(3), now());
    await startCampaign(dialer, campaign.id);
    const agent = await joinedAgent(campaign.id);

    // Call 1: nobody presses anything; the server's timer ends the 5 s wrap-up (not AGENT_WRAP_UP_S, 30 s).
    await until(agent.user.id, 'busy');
    await until(agent.user.id, 'wrap_up');
    await dialer.scheduler.advance(4500);
    expect(await agentStatus(dialer, agent.user.id)).toBe('wrap_up');
    expect(createRequests(dialer)).toHaveLength(1);
    await dialer.scheduler.advance(500);
    expect(await agentStatus(dialer, agent.user.id)).toBe('available');
    await dialer.scheduler.advance(1000);
    expect(createRequests(dialer)).toHaveLength(2);

    // Call 2: the agent is done after 1 s.
    await until(agent.user.id, 'busy');
    await until(agent.user.id, 'wrap_up');
    await dialer.scheduler.advance(1000);
    const done = await agent.api('POST', '/api/agents/me/wrap-up/done');
    expect(done.status).toBe(200);
    expect(done.body.agent.status).toBe('available');
    await dialer.scheduler.advance(1000);
    expect(createRequests(dialer)).toHaveLength(3);

    // Call 3: the agent leaves the campaign during the call; the call's campaign still sets the wrap-up.
    await until(agent.user.id, 'busy');
    expect((await agent.api('DELETE', '/api/agents/me/campaign')).status).toBe(204);
    await until(agent.user.id, 'wrap_up');
    await dialer.scheduler.advance(5000);
    expect(await agentStatus(dialer, agent.user.id)).toBe('available');
  });
});
