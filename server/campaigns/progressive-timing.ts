/**
 * The two-second rule of progressive (customer-first) calls, and the two moments it is
 * measured between. A person must be connected to an agent within 2 s "after the called
 * person's completed greeting" (47 CFR 64.1200, Ofcom 2010; dialers-and-compliance.md
 * §4), else the call is abandoned.
 *
 * What is measured, both on the dialer's clock (the time each request reached us, so
 * Telnyx's delivery delay only ever adds to it: a conservative reading):
 *
 * - `attempts.answered_at`, the moment the person is known to have answered:
 *   - sync AMD: the answer fetch (`/texml/campaign/answer`), which Telnyx sends only once
 *     detection has finished, i.e. after the greeting; or the customer's `answered`
 *     callback if it already carries `AnsweredBy` (which request carries the sync result
 *     is UNCONFIRMED, texml-api.md §7, so either one counts, the earlier wins);
 *   - async AMD, or AMD off: the customer's `answered` callback or the answer fetch,
 *     whichever came first (both come at the answer; detection runs alongside);
 * - `attempts.bridged_at`: the agent leg's `answered` (`in-progress`) callback.
 *
 * `two_second_rule_met` = `bridged_at − answered_at ≤ 2000 ms`; false for an abandoned
 * call (nobody was connected); null for a machine (the rule is about persons).
 *
 * @module
 */
import { sql } from 'kysely';
import type { IngestResult } from '../calls/ingest-batch.ts';
import type { AppContext } from '../context.ts';
import { isMachine } from './outcomes.ts';
import { isCustomerFirstMode, type AmdSettings } from './tables.ts';

/** The two-second rule: a person must be connected this soon after answering, ms. */
export const TWO_SECOND_RULE_MS = 2000;

/** Does the customer's `answered` callback mark the moment the person is known answered? */
export function answeredCallbackMarksPerson(amd: AmdSettings, answeredBy: string | null): boolean {
  // Sync: nothing runs before detection ends; a callback without the result may have come
  // at pick-up, before the greeting was over, and is not the starting point.
  if (amd.enabled && amd.mode === 'sync') return answeredBy !== null;
  return true;
}

/** Was the person connected in time? null when the start is unknown. */
export function twoSecondRuleMet(personKnownAt: Date | null, bridgedAt: Date): boolean | null {
  if (personKnownAt === null) return null;
  return bridgedAt.getTime() - personKnownAt.getTime() <= TWO_SECOND_RULE_MS;
}

/** Set `answered_at` unless an earlier request set it already. */
export async function markPersonAnswered(ctx: Pick<AppContext, 'db'>, attemptId: string, at: Date): Promise<void> {
  await ctx.db
    .updateTable('attempts')
    .set({ answered_at: sql<Date>`coalesce(answered_at, ${at})`, updated_at: at })
    .where('id', '=', attemptId)
    .execute();
}

/**
 * After a callback was stored (status route): for a customer-first attempt (progressive,
 * power, predictive), the customer's
 * `answered` callback may mark the person answered, and the agent leg's marks the bridge
 * (`bridged_at`, `two_second_rule_met`). Applied callbacks only, so duplicates change
 * nothing. Never throws: Telnyx must get its 200.
 *
 * @param receivedAt when the callback reached us.
 */
export async function noteProgressiveLeg(ctx: AppContext, result: Pick<IngestResult, 'verdict' | 'leg' | 'attempt'>, receivedAt: Date): Promise<void> {
  const { verdict, leg, attempt } = result;
  if (verdict !== 'applied' || !leg || !attempt || leg.status !== 'in-progress' || !isCustomerFirstMode(attempt.mode)) return;
  try {
    if (leg.role === 'customer') {
      const campaign = await ctx.db.selectFrom('campaigns').select('amd').where('id', '=', attempt.campaign_id!).executeTakeFirst();
      if (campaign && answeredCallbackMarksPerson(campaign.amd, leg.answered_by)) await markPersonAnswered(ctx, attempt.id, receivedAt);
      return;
    }
    if (leg.role !== 'agent') return;
    const row = await ctx.db.selectFrom('attempts').select(['answered_at', 'bridged_at', 'amd_result']).where('id', '=', attempt.id).executeTakeFirst();
    if (!row || row.bridged_at !== null) return;
    await ctx.db
      .updateTable('attempts')
      .set({ bridged_at: receivedAt, two_second_rule_met: isMachine(row.amd_result) ? null : twoSecondRuleMet(row.answered_at, receivedAt), updated_at: receivedAt })
      .where('id', '=', attempt.id)
      .where('bridged_at', 'is', null)
      .execute();
  } catch (error) {
    ctx.logger.error({ err: error, attemptId: attempt.id }, 'progressive answer or bridge time not recorded');
  }
}
