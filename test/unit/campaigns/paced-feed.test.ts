/**
 * The paced dialer's learning pass on the database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): a fresh controller (a restarted server) warms up from the attempt
 * log and leaves its conservative start; a second pass over the same log teaches nothing
 * twice; an agent's release is read from their status, stored on the attempt once, and
 * learned as a handle time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAttempt } from '../../../server/calls/repository.ts';
import { feedController, loadFeedRows } from '../../../server/campaigns/paced-feed.ts';
import { ObservationFeed } from '../../../server/campaigns/paced-observations.ts';
import { insertCampaign, joinCampaign } from '../../../server/campaigns/repository.ts';
import { createCampaignRequest, settingsForCreate } from '../../../server/campaigns/settings.ts';
import type { CampaignRow } from '../../../server/campaigns/tables.ts';
import type { Database } from '../../../server/db/index.ts';
import { PredictiveController, type PacingSnapshot } from '../../../server/pacing/index.ts';
import { openTestDatabase, truncateAll } from '../../helpers/database.ts';
import { addList } from '../../integration/campaign-helpers.ts';

const NOW = Date.UTC(2026, 0, 5, 15, 0, 0);
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000);
const SETTINGS = { maxLines: 100, abandonTarget: 0.02, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0.01 };

let database: Database;
let campaign: CampaignRow;
const ctx = () => ({ db: database.db });

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await truncateAll(database.db);
  const settings = settingsForCreate(createCampaignRequest.parse({ name: 'Paced', callerId: '+13125550100', mode: 'predictive', amd: { enabled: true, mode: 'sync', detection: 'Enable' } }), {
    wrapUpS: 10,
  });
  campaign = await insertCampaign(database.db, settings, 'test', new Date(NOW));
});

/** A finished predictive attempt placed `secondsAgo`: a person answered after 8 s, or no answer after 25 s. */
async function finishedAttempt(leadId: string, secondsAgo: number, person: boolean): Promise<string> {
  const attempt = await createAttempt(database.db, {
    kind: 'progressive',
    agentSip: '',
    customerNumber: '+15550001234',
    callerId: '+13125550100',
    now: at(secondsAgo),
    campaign: { campaignId: campaign.id, leadId, mode: 'predictive', ringTimeoutS: 25, gateDecision: {} },
  });
  const answered = at(secondsAgo - 8);
  await database.db
    .updateTable('attempts')
    .set(
      person
        ? { status: 'completed', outcome: 'human', outcome_at: at(secondsAgo - 40), answered_at: answered, amd_result: 'human', amd_at: answered }
        : { status: 'completed', outcome: 'no_answer', outcome_at: at(secondsAgo - 25) },
    )
    .where('id', '=', attempt.id)
    .execute();
  return attempt.id;
}

const snapshot = (): PacingSnapshot => ({
  nowMs: NOW,
  agents: [{ id: 'a', phase: 'free', phaseSinceMs: NOW - 5000 }],
  calls: [],
  ledger: { humans24h: 0, abandons24h: 0, humans30d: 0, abandons30d: 0 },
  dialsAllowedNow: 30,
  leadsAvailable: 1000,
});

describe('feedController', () => {
  it('warms a fresh controller up from the attempt log, once, and again after a restart', async () => {
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550001234' }], new Date(NOW));
    // 160 finished dials over the last 40 minutes, one in four a person.
    for (let index = 0; index < 160; index++) await finishedAttempt(lead!.id, 2400 - index * 15, index % 4 === 0);

    const controller = new PredictiveController(SETTINGS);
    expect(controller.decide(snapshot()).reason).toMatch(/^Learning: 0 of 100/);
    const feed = new ObservationFeed();
    expect(await feedController(ctx(), campaign, feed, controller, NOW)).toBe(160);
    expect(controller.estimators.outcomes.totalResults).toBe(160);
    expect(controller.estimators.outcomes.personResults).toBe(40);
    expect(controller.decide(snapshot()).mode).toBe('predictive');
    // The same log again: nothing new.
    expect(await feedController(ctx(), campaign, feed, controller, NOW + 1000)).toBe(0);
    expect(controller.estimators.outcomes.totalResults).toBe(160);

    // A restarted server: a new controller and feed learn the same from the log.
    const restarted = new PredictiveController(SETTINGS);
    expect(await feedController(ctx(), campaign, new ObservationFeed(), restarted, NOW + 2000)).toBe(160);
    expect(restarted.estimators.outcomes.totalResults).toBe(160);
  });

  it('reads an agent release from their status, stores it once, and learns the handle time', async () => {
    await database.db.insertInto('users').values({ id: 'a1', username: 'a1', display_name: 'A', role: 'agent', password_hash: 'x', created_at: new Date(NOW), disabled: false }).execute();
    await database.db
      .insertInto('agents')
      .values({ user_id: 'a1', sip_username: 'gencreda1', telephony_credential_id: 'cred-a1', status: 'wrap_up', status_reason: null, status_since: at(30), registered: true, last_heartbeat_at: null })
      .execute();
    await joinCampaign(database.db, 'a1', campaign.id, new Date(NOW));
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550001234' }], new Date(NOW));
    const id = await finishedAttempt(lead!.id, 200, true);
    // Bridged 190 s ago, the agent's leg ended 30 s ago: a 160 s talk, then wrap-up.
    await database.db.updateTable('attempts').set({ agent_id: 'a1', bridged_at: at(190), two_second_rule_met: true }).where('id', '=', id).execute();
    await database.db.updateTable('call_legs').set({ agent_id: 'a1', status: 'completed', ended_at: at(30) }).where('attempt_id', '=', id).where('role', '=', 'agent').execute();

    const controller = new PredictiveController(SETTINGS);
    const feed = new ObservationFeed();
    await feedController(ctx(), campaign, feed, controller, NOW);
    // Still in this call's wrap-up: not released, and the attempt stays open.
    expect((await database.db.selectFrom('attempts').select('agent_released_at').where('id', '=', id).executeTakeFirstOrThrow()).agent_released_at).toBeNull();
    expect(feed.openAttempts).toBe(1);
    expect(controller.estimators.releases.samples).toBe(0);

    // Wrap-up over 6 s later: Available since then.
    await database.db.updateTable('agents').set({ status: 'available', status_since: at(24) }).where('user_id', '=', 'a1').execute();
    await feedController(ctx(), campaign, feed, controller, NOW + 1000);
    const row = await database.db.selectFrom('attempts').select('agent_released_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.agent_released_at).toEqual(at(24));
    expect(controller.estimators.releases.samples).toBe(1);
    expect(controller.estimators.releases.meanHandleMs()).toBe(166_000);
    expect(feed.openAttempts).toBe(0);

    // Later passes (the agent moved on) change nothing.
    await database.db.updateTable('agents').set({ status: 'unavailable', status_since: at(5) }).where('user_id', '=', 'a1').execute();
    await feedController(ctx(), campaign, new ObservationFeed(), new PredictiveController(SETTINGS), NOW + 2000);
    const [again] = await loadFeedRows(ctx(), campaign.id, { kind: 'recent', createdFromMs: NOW - 3600_000, openIds: [] });
    expect(again!.agent_released_at).toEqual(at(24));
  });
});
