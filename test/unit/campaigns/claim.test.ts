/**
 * Claiming leads, on the database (PGlite, and PostgreSQL with TEST_DATABASE_URL): the
 * claim order, what is never offered, what a gate refusal does to a lead, and that
 * claimers running at once never get the same lead.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimNextLead, type ClaimRequest } from '../../../server/campaigns/claim.ts';
import type { LeadRow } from '../../../server/campaigns/leads/tables.ts';
import { insertCampaign } from '../../../server/campaigns/repository.ts';
import { createCampaignRequest, settingsForCreate } from '../../../server/campaigns/settings.ts';
import type { CampaignRow } from '../../../server/campaigns/tables.ts';
import { addToDnc } from '../../../server/compliance/dnc.ts';
import { loadConfig } from '../../../server/config.ts';
import type { Database } from '../../../server/db/index.ts';
import { silentLogger } from '../../../server/log.ts';
import { openTestDatabase, truncateAll } from '../../helpers/database.ts';
import { addList, seedRegistry } from '../../integration/campaign-helpers.ts';

let database: Database;
let ctx: Parameters<typeof claimNextLead>[0];
let campaign: CampaignRow;

const NOW = new Date('2026-01-05T15:00:00Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, config: loadConfig({}), logger: silentLogger() };
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await truncateAll(database.db);
  await seedRegistry(database.db, NOW);
  for (const id of ['agent-a', 'agent-b']) {
    await database.db
      .insertInto('users')
      .values({ id, username: id, display_name: id, role: 'agent', password_hash: 'x', created_at: NOW, disabled: false })
      .execute();
  }
  campaign = await insertCampaign(database.db, settingsForCreate(createCampaignRequest.parse({ name: 'Test', callerId: '+13125550100' }), { wrapUpS: 30 }), 'test', NOW);
});

const request = (agentId: string, now = NOW): ClaimRequest => ({ campaign, agentId, kind: 'preview', now });

async function seed(count: number, prefix = '+1555000300'): Promise<LeadRow[]> {
  return addList(database.db, campaign.id, Array.from({ length: count }, (_, index) => ({ phone: `${prefix}${String(index).padStart(2, '0')}` })), NOW);
}

async function set(lead: LeadRow, patch: Record<string, unknown>): Promise<void> {
  await database.db.updateTable('leads').set(patch).where('id', '=', lead.id).execute();
}

async function claimedIds(agentId: string, times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < times; i++) {
    const result = await claimNextLead(ctx, request(agentId));
    if (!result.claimed) break;
    ids.push(result.lead.id);
    // Hand it to someone else (a fresh claim) so the next request moves on.
    await database.db.updateTable('leads').set({ claimed_by: 'holder', claimed_at: NOW }).where('id', '=', result.lead.id).execute();
  }
  return ids;
}

describe('claim order', () => {
  it('offers own callbacks, then due callbacks, then new leads by id, then retries oldest first', async () => {
    const [newA, newB, retryRecent, retryOld, cbAnyone, cbMine, cbOtherFresh, cbOtherOverdue, future, claimedFresh, claimedStale, done] = await seed(12);
    await set(retryRecent!, { next_attempt_at: at(-30), attempts: 1 });
    await set(retryOld!, { next_attempt_at: at(-60), attempts: 1 });
    await set(cbAnyone!, { status: 'callback', next_attempt_at: at(-5) });
    await set(cbMine!, { status: 'callback', next_attempt_at: at(-1), callback_agent_id: 'agent-a' });
    await set(cbOtherFresh!, { status: 'callback', next_attempt_at: at(-5), callback_agent_id: 'agent-b' });
    await set(cbOtherOverdue!, { status: 'callback', next_attempt_at: at(-20), callback_agent_id: 'agent-b' });
    await set(future!, { next_attempt_at: at(10) });
    await set(claimedFresh!, { claimed_by: 'agent-b', claimed_at: at(-1) });
    await set(claimedStale!, { claimed_by: 'agent-b', claimed_at: at(-10) });
    await set(done!, { status: 'done' });

    const newLeads = [newA!, newB!, claimedStale!].map((lead) => lead.id).sort();
    expect(await claimedIds('agent-a', 20)).toEqual([cbMine!.id, cbOtherOverdue!.id, cbAnyone!.id, ...newLeads, retryOld!.id, retryRecent!.id]);
    // agent-b gets its own unexpired claim back first, then its callback (due 5 minutes
    // ago), which was kept for it.
    expect(await claimedIds('agent-b', 3)).toEqual([claimedFresh!.id, cbOtherFresh!.id]);
  });

  it('gives an agent their unexpired claim back (renewed), and lets a claim expire after 120 s plus the preview timeout', async () => {
    const [first, second] = await seed(2);
    const claim = await claimNextLead(ctx, request('agent-a'));
    expect(claim.claimed && claim.expiresAt).toEqual(at(2));
    const again = await claimNextLead(ctx, request('agent-a', at(1)));
    expect(again.claimed && again.lead.id).toBe(claim.claimed && claim.lead.id);
    // agent-b gets the other lead, and nothing more while agent-a's claim holds.
    const other = await claimNextLead(ctx, request('agent-b', at(1)));
    expect(other.claimed && [first!.id, second!.id].includes(other.lead.id) && other.lead.id !== (claim.claimed && claim.lead.id)).toBe(true);
    await database.db.updateTable('leads').set({ claimed_by: null, claimed_at: null }).where('claimed_by', '=', 'agent-b').execute();
    await database.db.updateTable('leads').set({ status: 'done' }).where('id', '=', other.claimed ? other.lead.id : '').execute();
    // agent-a's claim was renewed when it was offered again at +1 min: it holds until +3 min.
    const waiting = await claimNextLead(ctx, request('agent-b', at(1)));
    expect(waiting).toEqual({ claimed: false, retryAfterS: 120 });
    const expired = await claimNextLead(ctx, request('agent-b', new Date(at(3).getTime() + 1)));
    expect(expired.claimed && expired.lead.id).toBe(claim.claimed && claim.lead.id);
  });

  it('reschedules leads outside their window, marks DNC and exhausted leads, and claims the first allowed one', async () => {
    const [honolulu, listed, exhausted, ok] = await addList(
      database.db,
      campaign.id,
      [
        { phone: '+15550003101', zones: ['Pacific/Honolulu'] },
        { phone: '+15550003102' },
        { phone: '+15550003103' },
        { phone: '+15550003104' },
      ],
      NOW,
    );
    await set(honolulu!, { next_attempt_at: at(-3) });
    await set(listed!, { next_attempt_at: at(-2) });
    await set(exhausted!, { next_attempt_at: at(-1), attempts: 3 });
    await set(ok!, { next_attempt_at: at(0) });
    await addToDnc(database.db, { phone: '+15550003102', scope: 'internal', source: 'api', now: NOW });
    const result = await claimNextLead(ctx, request('agent-a'));
    expect(result.claimed && result.lead.id).toBe(ok!.id);
    const rows = await database.db.selectFrom('leads').select(['id', 'status', 'next_attempt_at', 'claimed_by']).orderBy('phone_e164').execute();
    expect(rows).toEqual([
      { id: honolulu!.id, status: 'new', next_attempt_at: new Date('2026-01-05T18:00:00Z'), claimed_by: null },
      { id: listed!.id, status: 'dnc', next_attempt_at: at(-2), claimed_by: null },
      { id: exhausted!.id, status: 'done', next_attempt_at: at(-1), claimed_by: null },
      { id: ok!.id, status: 'new', next_attempt_at: at(0), claimed_by: 'agent-a' },
    ]);
    // The Honolulu lead is offered once its window opens.
    await set(ok!, { status: 'done' });
    const later = await claimNextLead(ctx, request('agent-b', new Date('2026-01-05T18:00:00Z')));
    expect(later.claimed && later.lead.id).toBe(honolulu!.id);
  });

  it('says when to ask again: the next due retry, within 5–300 s', async () => {
    const [lead] = await seed(1);
    await set(lead!, { next_attempt_at: new Date(NOW.getTime() + 42_000) });
    expect(await claimNextLead(ctx, request('agent-a'))).toEqual({ claimed: false, retryAfterS: 42 });
    await set(lead!, { next_attempt_at: at(60) });
    expect(await claimNextLead(ctx, request('agent-a'))).toEqual({ claimed: false, retryAfterS: 300 });
  });

  it('refuses the whole campaign when the national registry copy is stale', async () => {
    await seed(1);
    await seedRegistry(database.db, NOW, 40);
    await expect(claimNextLead(ctx, request('agent-a'))).rejects.toMatchObject({ code: 'compliance_refused' });
  });
});

describe('concurrent claims', () => {
  it('never gives two claimers the same lead', async () => {
    await seed(12);
    const agents = Array.from({ length: 15 }, (_, index) => `agent-${index}`);
    const results = await Promise.all(agents.map((agentId) => claimNextLead(ctx, request(agentId))));
    const claimed = results.flatMap((result) => (result.claimed ? [result.lead.id] : []));
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed).toHaveLength(12);
    const rows = await database.db.selectFrom('leads').select(['id', 'claimed_by']).execute();
    expect(new Set(rows.map((row) => row.claimed_by)).size).toBe(12);
  });
});
