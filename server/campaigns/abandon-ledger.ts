/**
 * The abandon ledger of a campaign, from the attempt log (`GET /api/campaigns/:id/abandon-rate`,
 * and the ledger a paced campaign's governor watches).
 *
 * @module
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { PROFILES } from '../compliance/profiles.ts';
import type { CampaignRow } from './tables.ts';

const HOUR_MS = 3_600_000;

export interface LedgerWindow {
  abandoned: number;
  liveAnswered: number;
  /** abandoned / liveAnswered; 0 when nothing was answered. */
  rate: number;
}

/**
 * The abandon ledger, from the attempt log: abandoned calls over calls answered by a
 * person (machines, no-answers, busy and failed calls are not in the denominator), per
 * rolling 24 h and 30 days, by answer time. A call is abandoned when a person was not
 * connected to an agent within 2 s (47 CFR 64.1200): the safe-harbor message played
 * (`abandoned`), or a customer-first person was bridged later than that
 * (`two_second_rule_met = false`). An abandoned call that AMD later called a machine
 * stays in the numerator (it may have been a person: the conservative count). Preview
 * calls never abandon (the agent is on the line first) but their answered humans count
 * in the denominator.
 */
export async function abandonRate(ctx: Pick<AppContext, 'db' | 'scheduler'>, campaign: Pick<CampaignRow, 'id' | 'profile'>) {
  const now = ctx.scheduler.now();
  const window = async (hours: number): Promise<LedgerWindow> => {
    const since = new Date(now - hours * HOUR_MS);
    const row = await ctx.db
      .selectFrom('attempts')
      .select([
        // Abandoned: not connected to an agent within 2 s (the safe-harbor message played,
        // or a customer-first person bridged late).
        sql<number>`count(*) filter (where abandoned or (outcome = 'human' and two_second_rule_met = false))`.as('abandoned'),
        sql<number>`count(*) filter (where outcome = 'human')`.as('live'),
      ])
      .where('campaign_id', '=', campaign.id)
      .where('answered_at', '>', since)
      .where('answered_at', '<=', new Date(now))
      .executeTakeFirstOrThrow();
    const abandoned = Number(row.abandoned);
    const liveAnswered = Number(row.live);
    return { abandoned, liveAnswered, rate: liveAnswered === 0 ? 0 : abandoned / liveAnswered };
  };
  const profile = PROFILES[campaign.profile];
  return {
    rolling24h: await window(24),
    rolling30d: await window(30 * 24),
    target: profile.abandonTarget,
    ceiling: profile.abandonCeiling,
    profile: profile.id,
  };
}

