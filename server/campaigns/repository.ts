/**
 * Campaign rows, membership and the change log. Every write of a campaign's settings or
 * status goes through {@link saveCampaign}, which locks the row, writes it and appends
 * the change with who, when, before and after in the same transaction: the log cannot
 * miss a change, and two writers cannot interleave.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { campaignView, type CampaignSettings } from './settings.ts';
import type { CampaignChangeAction, CampaignRow, CampaignStatus } from './tables.ts';

export type Db = Kysely<Tables> | Transaction<Tables>;

export async function getCampaign(db: Db, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** @throws DialerError `not_found` */
export async function requireCampaign(db: Db, id: string): Promise<CampaignRow> {
  const campaign = await getCampaign(db, id);
  if (!campaign) throw new DialerError('not_found', { message: `No campaign ${id}.` });
  return campaign;
}

export async function listCampaigns(db: Db, filter: { status?: CampaignStatus } = {}): Promise<CampaignRow[]> {
  let query = db.selectFrom('campaigns').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at').orderBy('id').execute();
}

function settingsColumns(settings: CampaignSettings) {
  return {
    ...settings,
    retry_delays: JSON.stringify(settings.retry_delays),
    amd: JSON.stringify(settings.amd),
    voicemail: JSON.stringify(settings.voicemail),
    safe_harbor: settings.safe_harbor === null ? null : JSON.stringify(settings.safe_harbor),
    dispositions: JSON.stringify(settings.dispositions),
    pacing: JSON.stringify(settings.pacing),
  };
}

export async function insertCampaign(db: Kysely<Tables>, settings: CampaignSettings, by: string, now: Date): Promise<CampaignRow> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('campaigns')
      .values({ id: randomUUID(), status: 'draft', ...settingsColumns(settings), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendChange(trx, row.id, 'create', by, now, null, row);
    return row;
  });
}

export interface SaveInput {
  id: string;
  action: CampaignChangeAction;
  by: string;
  now: Date;
  /**
   * Decide the new settings and status from the locked current row; throw to refuse.
   * Returning null changes nothing (and logs nothing).
   */
  change(current: CampaignRow, trx: Transaction<Tables>): Promise<{ settings?: CampaignSettings; status?: CampaignStatus } | null>;
}

/** Lock, change, write and log one campaign in one transaction. */
export async function saveCampaign(db: Kysely<Tables>, input: SaveInput): Promise<CampaignRow> {
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom('campaigns').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!current) throw new DialerError('not_found', { message: `No campaign ${input.id}.` });
    const next = await input.change(current, trx);
    if (next === null) return current;
    const row = await trx
      .updateTable('campaigns')
      .set({
        ...(next.settings ? settingsColumns(next.settings) : {}),
        ...(next.status ? { status: next.status } : {}),
        updated_at: input.now,
      })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendChange(trx, row.id, input.action, input.by, input.now, current, row);
    return row;
  });
}

async function appendChange(trx: Transaction<Tables>, campaignId: string, action: CampaignChangeAction, by: string, now: Date, before: CampaignRow | null, after: CampaignRow): Promise<void> {
  await trx
    .insertInto('campaign_changes')
    .values({
      campaign_id: campaignId,
      action,
      changed_by: by,
      changed_at: now,
      before: before === null ? null : JSON.stringify(campaignView(before)),
      after: JSON.stringify(campaignView(after)),
    })
    .execute();
}

export async function listChanges(db: Db, campaignId: string) {
  return db.selectFrom('campaign_changes').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
}

// --- membership ----------------------------------------------------------------------

/** The campaign `agentId` works in, if any. */
export async function campaignOfAgent(db: Db, agentId: string): Promise<CampaignRow | undefined> {
  return db
    .selectFrom('campaign_agents')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_agents.campaign_id')
    .selectAll('campaigns')
    .where('campaign_agents.agent_id', '=', agentId)
    .executeTakeFirst();
}

/** Put the agent in `campaignId` (leaving any other: one campaign per agent). */
export async function joinCampaign(db: Db, agentId: string, campaignId: string, now: Date): Promise<void> {
  await db
    .insertInto('campaign_agents')
    .values({ agent_id: agentId, campaign_id: campaignId, joined_at: now })
    .onConflict((conflict) => conflict.column('agent_id').doUpdateSet({ campaign_id: campaignId, joined_at: now }))
    .execute();
}

export async function leaveCampaign(db: Db, agentId: string): Promise<void> {
  await db.deleteFrom('campaign_agents').where('agent_id', '=', agentId).execute();
}

export async function removeAllAgents(db: Db, campaignId: string): Promise<void> {
  await db.deleteFrom('campaign_agents').where('campaign_id', '=', campaignId).execute();
}

export async function agentIdsOfCampaign(db: Db, campaignId: string): Promise<string[]> {
  const rows = await db.selectFrom('campaign_agents').select('agent_id').where('campaign_id', '=', campaignId).execute();
  return rows.map((row) => row.agent_id);
}

/**
 * Seconds of wrap-up for the agent (presence asks when a call of theirs ends, and when it
 * re-arms a wrap-up after a restart): the campaign of their latest call, when that call
 * belonged to one (so a campaign's calls wrap up for its `wrap_up_s`, even if the agent
 * left it during the call); else the campaign they work in; else undefined, and presence
 * uses AGENT_WRAP_UP_S.
 */
export async function wrapUpSecondsOfAgent(db: Db, agentId: string): Promise<number | undefined> {
  const latest = await db
    .selectFrom('call_legs as l')
    .innerJoin('attempts as a', 'a.id', 'l.attempt_id')
    .leftJoin('campaigns as c', 'c.id', 'a.campaign_id')
    .select('c.wrap_up_s')
    .where('l.agent_id', '=', agentId)
    .orderBy('l.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest?.wrap_up_s != null) return latest.wrap_up_s;
  const row = await db
    .selectFrom('campaign_agents')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_agents.campaign_id')
    .select('campaigns.wrap_up_s')
    .where('campaign_agents.agent_id', '=', agentId)
    .executeTakeFirst();
  return row?.wrap_up_s;
}

/** Number of lists attached to the campaign. */
export async function countLists(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('lists')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
