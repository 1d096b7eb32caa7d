/**
 * The progressive pacer on the database (PGlite, or PostgreSQL with TEST_DATABASE_URL),
 * a VirtualScheduler and a Telnyx client that records what it is asked: which agents get
 * a call in a pass (Available, registered, no live call), one call per agent, the loop
 * stopping on pause and stop, a create Telnyx refuses giving the lead back with its hold,
 * and the release of an agent leg left up after an async-AMD machine.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import type { CreateCallParams, UpdateCallParams } from '../../../lib/telnyx-wire.ts';
import type { AgentStatus } from '../../../server/agents/tables.ts';
import { hangUpAgentLegIfLive } from '../../../server/campaigns/progressive-amd.ts';
import { PACE_MS } from '../../../server/campaigns/campaign-loop.ts';
import { ProgressivePacer, REJECTED_CREATE_HOLD_MS } from '../../../server/campaigns/progressive.ts';
import { insertCampaign, joinCampaign } from '../../../server/campaigns/repository.ts';
import { createCampaignRequest, settingsForCreate } from '../../../server/campaigns/settings.ts';
import type { CampaignRow } from '../../../server/campaigns/tables.ts';
import { createAttempt } from '../../../server/calls/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import type { AppContext } from '../../../server/context.ts';
import type { Database } from '../../../server/db/index.ts';
import { DialerError } from '../../../server/errors.ts';
import { silentLogger } from '../../../server/log.ts';
import type { TelnyxClient } from '../../../server/telnyx/client.ts';
import { openTestDatabase, truncateAll } from '../../helpers/database.ts';
import { addList, seedRegistry } from '../../integration/campaign-helpers.ts';

const NOW = Date.UTC(2026, 0, 5, 15, 0, 0);

/** Records creates and updates; refuses creates while `refuse` is set. */
class RecordingTelnyx {
  readonly creates: CreateCallParams[] = [];
  readonly updates: Array<{ callSid: string; params: UpdateCallParams }> = [];
  refuse = false;
  async createCall(params: CreateCallParams) {
    if (this.refuse) throw new DialerError('telnyx_rejected', { message: 'D11 invalid destination' });
    this.creates.push(params);
    return { from: params.From, to: params.To, status: 'queued' };
  }
  async updateCall(callSid: string, params: UpdateCallParams) {
    this.updates.push({ callSid, params });
    return { sid: callSid, status: 'completed' };
  }
}

let database: Database;
let scheduler: VirtualScheduler;
let telnyx: RecordingTelnyx;
let ctx: AppContext;
let pacer: ProgressivePacer;
let campaign: CampaignRow;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await truncateAll(database.db);
  scheduler = new VirtualScheduler(NOW);
  telnyx = new RecordingTelnyx();
  ctx = {
    db: database.db,
    scheduler,
    config: loadConfig({ DIALER_SECRET: 'test-secret-0123456789abcdef0123456789' }),
    logger: silentLogger(),
    telnyx: telnyx as unknown as TelnyxClient,
    telnyxAccount: { applicationSid: 'app-1', webhookPublicKeyBase64: '', connectionId: 'conn-1' },
    presence: undefined as unknown as AppContext['presence'],
  };
  pacer = new ProgressivePacer(ctx);
  await seedRegistry(database.db, new Date(NOW));
  const settings = settingsForCreate(
    createCampaignRequest.parse({
      name: 'Pacer',
      callerId: '+13125550100',
      mode: 'progressive',
      safeHarbor: { companyName: 'Acme', callbackNumber: '+13125550100', optOutDigit: '9' },
    }),
    { wrapUpS: 0 },
  );
  campaign = await insertCampaign(database.db, settings, 'test', new Date(NOW));
  await setCampaignStatus('running');
});

async function setCampaignStatus(status: CampaignRow['status']): Promise<void> {
  campaign = await database.db.updateTable('campaigns').set({ status }).where('id', '=', campaign.id).returningAll().executeTakeFirstOrThrow();
}

/** An agent of the campaign with a telephony credential (so no credential is created). */
async function agent(id: string, status: AgentStatus, registered: boolean): Promise<string> {
  await database.db.insertInto('users').values({ id, username: id, display_name: id, role: 'agent', password_hash: 'x', created_at: new Date(NOW), disabled: false }).execute();
  await database.db
    .insertInto('agents')
    .values({ user_id: id, sip_username: `gencred${id}`, telephony_credential_id: `cred-${id}`, status, status_reason: null, status_since: new Date(NOW), registered, last_heartbeat_at: null })
    .execute();
  await joinCampaign(database.db, id, campaign.id, new Date(NOW));
  return id;
}

async function leads(count: number) {
  return addList(database.db, campaign.id, Array.from({ length: count }, (_, index) => ({ phone: `+155500077${String(index).padStart(2, '0')}` })), new Date(NOW));
}

const attempts = () => database.db.selectFrom('attempts').selectAll().where('campaign_id', '=', campaign.id).orderBy('created_at').execute();

/** The attempt ends (its legs with it), as its callbacks would say. */
async function finish(attemptId: string): Promise<void> {
  await database.db.updateTable('attempts').set({ status: 'completed', outcome: 'human' }).where('id', '=', attemptId).execute();
  await database.db.updateTable('call_legs').set({ status: 'completed' }).where('attempt_id', '=', attemptId).execute();
}

describe('ProgressivePacer.tick', () => {
  it('calls one customer for each agent who is Available, registered and has no live call', async () => {
    const ready = await agent('a-ready', 'available', true);
    const ready2 = await agent('b-ready', 'available', true);
    await agent('c-unregistered', 'available', false);
    await agent('d-unavailable', 'unavailable', true);
    await agent('e-wrap-up', 'wrap_up', true);
    const onCall = await agent('f-on-a-call', 'available', true);
    await leads(10);
    // f's softphone is ringing for a manual call (any mode reserves the agent).
    await createAttempt(database.db, { kind: 'click_to_call', agentSip: 'sip:gencredf@sip.telnyx.com', agentId: onCall, customerNumber: '+15550009999', callerId: '+13125550100', now: new Date(NOW) });

    await pacer.tick(campaign.id);
    const placed = await attempts();
    expect(placed.map((attempt) => attempt.agent_id).sort()).toEqual([ready, ready2]);
    expect(new Set(placed.map((attempt) => attempt.lead_id)).size).toBe(2);
    expect(telnyx.creates.map((create) => create.To).sort()).toEqual(placed.map((attempt) => attempt.customer_number).sort());
    expect(telnyx.creates[0]).toMatchObject({ From: '+13125550100', MachineDetection: 'Enable', AsyncAmd: true, Timeout: 25 });
    expect(pacer.lastTick(campaign.id)).toMatchObject({ agents: 6, ready: 3, reserved: 1, placed: 2, stoppedBecause: null });

    // Their calls are live: the next pass places nothing, for anyone.
    await pacer.tick(campaign.id);
    expect(telnyx.creates).toHaveLength(2);
    expect(pacer.lastTick(campaign.id)).toMatchObject({ ready: 3, reserved: 3, placed: 0 });

    // One call ends: that agent, and only that one, gets the next.
    await finish(placed[0]!.id);
    await pacer.tick(campaign.id);
    expect(telnyx.creates).toHaveLength(3);
    const next = (await attempts()).filter((attempt) => !placed.some((earlier) => earlier.id === attempt.id));
    expect(next.map((attempt) => attempt.agent_id)).toEqual([placed[0]!.agent_id]);
  });

  it('stops the pass when no lead is left, and says so', async () => {
    await agent('a', 'available', true);
    await agent('b', 'available', true);
    await leads(1);
    await pacer.tick(campaign.id);
    expect(telnyx.creates).toHaveLength(1);
    expect(pacer.lastTick(campaign.id)).toMatchObject({ ready: 2, placed: 1, stoppedBecause: { code: 'no_lead' } });
  });

  it('gives the lead back with a hold when Telnyx refuses the create, and tries it again after the hold', async () => {
    await agent('a', 'available', true);
    const [lead] = await leads(1);
    telnyx.refuse = true;
    await pacer.tick(campaign.id);
    const [refused] = await attempts();
    expect(refused).toMatchObject({ create_state: 'rejected', status: 'failed', outcome: 'not_dialled', error_code: 'telnyx_rejected' });
    const row = await database.db.selectFrom('leads').selectAll().where('id', '=', lead!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ claimed_by: null, claimed_at: null, attempts: 0, status: 'new' });
    expect(row.next_attempt_at!.getTime()).toBe(NOW + REJECTED_CREATE_HOLD_MS);
    expect(pacer.lastTick(campaign.id)).toMatchObject({ placed: 0 });

    telnyx.refuse = false;
    await scheduler.advance(REJECTED_CREATE_HOLD_MS - 1);
    await pacer.tick(campaign.id);
    expect(telnyx.creates).toHaveLength(0);
    await scheduler.advance(1);
    await pacer.tick(campaign.id);
    expect(telnyx.creates.map((create) => create.To)).toEqual([lead!.phone_e164]);
  });
});

describe('ProgressivePacer loop', () => {
  it('passes every PACE_MS while running, and stops on pause, on stop, and when the campaign stops elsewhere', async () => {
    const agentId = await agent('a', 'available', true);
    await leads(5);
    pacer.start(campaign.id);
    await scheduler.advance(PACE_MS);
    expect(telnyx.creates).toHaveLength(1);
    await finish((await attempts())[0]!.id);
    await scheduler.advance(PACE_MS);
    expect(telnyx.creates).toHaveLength(2);

    await setCampaignStatus('paused');
    pacer.sync(campaign);
    expect(pacer.isPacing(campaign.id)).toBe(false);
    await finish((await attempts())[1]!.id);
    await scheduler.advance(10 * PACE_MS);
    expect(telnyx.creates).toHaveLength(2);

    await setCampaignStatus('running');
    pacer.sync(campaign);
    await scheduler.advance(PACE_MS);
    expect(telnyx.creates).toHaveLength(3);
    expect((await attempts()).every((attempt) => attempt.agent_id === agentId)).toBe(true);

    // Stopped by another process: the next pass sees it and the loop ends.
    await finish((await attempts())[2]!.id);
    await setCampaignStatus('stopped');
    await scheduler.advance(PACE_MS);
    expect(pacer.isPacing(campaign.id)).toBe(false);
    expect(scheduler.pending).toBe(0);
    expect(telnyx.creates).toHaveLength(3);
  });
});

describe('hangUpAgentLegIfLive', () => {
  it('hangs up an agent leg still up after a machine was released, and leaves an ended one alone', async () => {
    const attempt = await createAttempt(database.db, {
      kind: 'progressive',
      agentSip: 'sip:gencreda@sip.telnyx.com',
      customerNumber: '+15550003111',
      callerId: '+13125550100',
      now: new Date(NOW),
    });
    await database.db.updateTable('call_legs').set({ status: 'in-progress', call_sid: 'v3:agent-leg' }).where('attempt_id', '=', attempt.id).where('role', '=', 'agent').execute();
    expect(await hangUpAgentLegIfLive(ctx, attempt.id)).toBe(true);
    expect(telnyx.updates).toEqual([{ callSid: 'v3:agent-leg', params: { Status: 'completed' } }]);

    await database.db.updateTable('call_legs').set({ status: 'completed' }).where('attempt_id', '=', attempt.id).execute();
    expect(await hangUpAgentLegIfLive(ctx, attempt.id)).toBe(false);
    expect(telnyx.updates).toHaveLength(1);
  });
});
