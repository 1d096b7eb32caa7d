/**
 * The paced dialer's reads and writes for what its controller learns: the attempts the
 * {@link ObservationFeed} asks for (with the customer leg's pick-up, the agent leg's end
 * and the agent's next bridged call), the agents' release times it derives and stores
 * (`attempts.agent_released_at`, see `releaseTimeOf` in `paced-observations.ts`), and the
 * pass that feeds the controller.
 *
 * @module
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { PacingController } from '../pacing/index.ts';
import { ObservationFeed, releaseTimeOf, type FeedAttempt, type FeedQuery } from './paced-observations.ts';
import type { CampaignRow } from './tables.ts';

/** A feed row, plus the agent's next campaign call bridged after this one (only for a call whose release is unknown). */
export interface FeedAttemptRow extends FeedAttempt {
  next_bridged_at: Date | null;
}

const toDate = (value: Date | string | null): Date | null => (value === null ? null : value instanceof Date ? value : new Date(value));

/** The customer-first attempts of the campaign that `query` names. */
export async function loadFeedRows(ctx: Pick<AppContext, 'db'>, campaignId: string, query: FeedQuery): Promise<FeedAttemptRow[]> {
  let select = ctx.db
    .selectFrom('attempts as a')
    .leftJoin('call_legs as c', (join) => join.onRef('c.attempt_id', '=', 'a.id').on('c.role', '=', 'customer'))
    .leftJoin('call_legs as g', (join) => join.onRef('g.attempt_id', '=', 'a.id').on('g.role', '=', 'agent'))
    .select([
      'a.id',
      'a.created_at',
      'a.answered_at',
      'c.answered_at as customer_answered_at',
      'a.amd_result',
      'a.amd_at',
      'a.outcome',
      'a.outcome_at',
      'a.bridged_at',
      'a.abandoned',
      'a.abandoned_at',
      'a.two_second_rule_met',
      'a.agent_id',
      'g.ended_at as agent_ended_at',
      'a.agent_released_at',
    ])
    .select(
      sql<Date | string | null>`case when a.bridged_at is not null and a.agent_released_at is null and a.agent_id is not null then
        (select min(b.bridged_at) from attempts b where b.agent_id = a.agent_id and b.bridged_at > a.bridged_at) end`.as('next_bridged_at'),
    )
    .where('a.campaign_id', '=', campaignId)
    .where('a.kind', '=', 'progressive');
  if (query.kind === 'warm-up') {
    select = select.where('a.created_at', '>', new Date(query.sinceMs)).orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(query.limit);
  } else {
    const { createdFromMs, openIds } = query;
    select = select.where((eb) => eb.or([eb('a.created_at', '>=', new Date(createdFromMs)), ...(openIds.length > 0 ? [eb('a.id', 'in', openIds)] : [])]));
  }
  const rows = await select.execute();
  return rows.map((row) => ({ ...row, next_bridged_at: toDate(row.next_bridged_at) }));
}

/**
 * Store the release time of every bridged call of `rows` whose agent is now known to be
 * free again, and set it on the rows. The update is conditional (`agent_released_at is
 * null`), so two processes store one value.
 *
 * @returns how many were stored.
 */
export async function recordAgentReleases(ctx: Pick<AppContext, 'db'>, campaign: Pick<CampaignRow, 'wrap_up_s'>, rows: FeedAttemptRow[], nowMs: number): Promise<number> {
  const pending = rows.filter((row) => row.bridged_at && row.agent_ended_at && !row.agent_released_at && row.agent_id !== null);
  if (pending.length === 0) return 0;
  const agentIds = [...new Set(pending.map((row) => row.agent_id!))];
  const agents = await ctx.db.selectFrom('agents').select(['user_id', 'status', 'status_since']).where('user_id', 'in', agentIds).execute();
  const byId = new Map(agents.map((agent) => [agent.user_id, { status: agent.status, statusSince: agent.status_since }]));
  let stored = 0;
  for (const row of pending) {
    const releasedAt = releaseTimeOf(row, byId.get(row.agent_id!), { wrapUpMs: campaign.wrap_up_s * 1000, nextBridgedAt: row.next_bridged_at, nowMs });
    if (!releasedAt) continue;
    await ctx.db.updateTable('attempts').set({ agent_released_at: releasedAt }).where('id', '=', row.id).where('agent_released_at', 'is', null).execute();
    row.agent_released_at = releasedAt;
    stored++;
  }
  return stored;
}

/**
 * One learning pass: read what the feed asks for, store the releases now known, and give
 * the controller every observation it has not had yet, oldest first.
 *
 * @returns the number of observations given.
 */
export async function feedController(
  ctx: Pick<AppContext, 'db'>,
  campaign: Pick<CampaignRow, 'id' | 'amd' | 'wrap_up_s'>,
  feed: ObservationFeed,
  controller: PacingController,
  nowMs: number,
): Promise<number> {
  const rows = await loadFeedRows(ctx, campaign.id, feed.query(nowMs));
  await recordAgentReleases(ctx, campaign, rows, nowMs);
  const observations = feed.take(rows, campaign.amd, nowMs);
  for (const observation of observations) controller.observe(observation);
  return observations.length;
}
