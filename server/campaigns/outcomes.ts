/**
 * What the end of a campaign attempt's customer leg does to its lead: busy, no answer, a
 * machine (and a failed or cancelled call) count an attempt and schedule the next one by
 * the campaign's retry delays, or finish the lead once `max_attempts` is reached; an
 * answer counts an attempt and waits for the agent's disposition; a call whose customer
 * leg never started (the agent did not answer, Telnyx refused) counts nothing and leaves
 * the lead with the agent who claimed it.
 *
 * Hooked next to the agent reaction (`server/agents/call-reaction.ts`): the callback
 * routes call {@link reactToCampaignAttempt} with each ingestion result. Ingestion itself
 * knows nothing of campaigns. The outcome is written once (`attempts.outcome`), under the
 * attempt's row lock, so callbacks delivered twice or concurrently apply it once.
 *
 * @module
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { isMachineAnswer } from '../../lib/telnyx-wire.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { lockAttempt } from '../calls/repository.ts';
import type { AttemptOutcome, AttemptRow, LegRow } from '../calls/tables.ts';
import { isTerminalLegStatus } from '../calls/transitions.ts';
import { updateLeadAfterAttempt, type AttemptResult } from './leads/repository.ts';
import type { LeadRow } from './leads/tables.ts';
import { isCustomerFirstMode, type CampaignRow, type RetryDelays } from './tables.ts';

const MINUTE_MS = 60_000;

/**
 * `AnsweredBy` values that mean no person is on the line: `machine_*` and `fax`
 * (texml-api.md §7). `human`, `unknown`, `not_sure` and any value we do not know count
 * as a person: the safe reading, since a person is never hung up on or left to a machine's
 * treatment (voicemail message, machine retry delay, machine lock) by mistake.
 */
export function isMachine(answeredBy: string | null | undefined): boolean {
  return isMachineAnswer(answeredBy ?? undefined);
}

/**
 * The customer's outcome, or null while it is not known yet. `dial_call_status` (the Dial
 * action) and the customer leg's own final callback may come in either order; either one
 * settles it. An attempt that ended with its customer leg never started was not dialled.
 * An answer is `machine` when AMD said so ({@link isMachine}), else `human`.
 */
export function customerOutcome(
  attempt: Pick<AttemptRow, 'status' | 'dial_call_status' | 'amd_result'>,
  customer: Pick<LegRow, 'status' | 'answered_by'> | undefined,
): AttemptOutcome | null {
  const final = attempt.dial_call_status ?? (customer && isTerminalLegStatus(customer.status) ? customer.status : null);
  if (final === null) {
    const ended = attempt.status === 'completed' || attempt.status === 'failed';
    return ended && (!customer || customer.status === 'queued') ? 'not_dialled' : null;
  }
  switch (final) {
    case 'completed': {
      const answeredBy = attempt.amd_result ?? customer?.answered_by ?? null;
      return isMachine(answeredBy) ? 'machine' : 'human';
    }
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no_answer';
    case 'canceled':
      return 'canceled';
    default:
      return 'failed';
  }
}

/** Minutes before the next try after `outcome`; failed and cancelled calls wait like an unanswered one. */
export function retryDelayMinutes(outcome: AttemptOutcome, delays: RetryDelays): number {
  if (outcome === 'busy') return delays.busy;
  if (outcome === 'machine') return delays.machine;
  return delays.no_answer;
}

/**
 * What `outcome` does to the lead (as `updateLeadAfterAttempt` of the leads feature takes
 * it: one more attempt, its time and outcome, the claim released), or null when it does
 * nothing (the customer was never dialled: the lead stays with the agent who claimed it).
 *
 * `dispositioned`: the agent already gave the attempt a disposition (during the call),
 * which decided the lead's status and next attempt; the outcome then only counts. The
 * same holds for a lead that is already `done`, `dnc` or `invalid`.
 *
 * An answer also schedules the next attempt by the no-answer delay, provisionally: the
 * disposition replaces it, and a disposition never given does not leave the lead stuck.
 */
export function leadAfterOutcome(
  lead: Pick<LeadRow, 'status' | 'attempts' | 'next_attempt_at'>,
  outcome: AttemptOutcome,
  campaign: Pick<CampaignRow, 'max_attempts' | 'retry_delays'>,
  now: Date,
  dispositioned: boolean,
): AttemptResult | null {
  if (outcome === 'not_dialled') return null;
  const base = { outcome, at: now, machine: outcome === 'machine' };
  if (dispositioned || lead.status === 'done' || lead.status === 'dnc' || lead.status === 'invalid') {
    return { ...base, status: lead.status, nextAttemptAt: lead.next_attempt_at };
  }
  const nextAttemptAt = new Date(now.getTime() + retryDelayMinutes(outcome, campaign.retry_delays) * MINUTE_MS);
  return { ...base, status: lead.attempts + 1 >= campaign.max_attempts ? 'done' : lead.status, nextAttemptAt };
}

/** The attempt's columns the outcome fills: times, the two-second rule (agent-first calls are bridged on answer). */
export function attemptOutcomeColumns(outcome: AttemptOutcome, customer: Pick<LegRow, 'answered_at'> | undefined, now: Date) {
  const answered = outcome === 'human' || outcome === 'machine' ? (customer?.answered_at ?? null) : null;
  return {
    outcome,
    outcome_at: now,
    answered_at: answered,
    // Flow 1: the agent is on the line before the customer is dialled, so a human is
    // connected the moment they answer.
    bridged_at: outcome === 'human' ? answered : null,
    two_second_rule_met: outcome === 'human' ? true : null,
  };
}

export interface AttemptChange {
  attempt: Pick<AttemptRow, 'id' | 'lead_id' | 'outcome'> | null;
}

/**
 * After any callback or action was stored: settle the outcome of a campaign attempt once
 * it is known. Cheap for everything else (no query unless the attempt has a lead and no
 * outcome yet). Never throws: Telnyx must get its 200.
 */
export async function reactToCampaignAttempt(ctx: AppContext, change: AttemptChange): Promise<void> {
  const { attempt } = change;
  if (!attempt || attempt.lead_id === null || attempt.outcome !== null) return;
  try {
    await settleCampaignAttempt(ctx, attempt.id);
  } catch (error) {
    ctx.logger.error({ err: error, attemptId: attempt.id }, 'campaign outcome not recorded');
  }
}

/** Record the attempt's outcome and update its lead, if the outcome is known and not yet recorded. */
export async function settleCampaignAttempt(ctx: AppContext, attemptId: string): Promise<AttemptOutcome | null> {
  const now = new Date(ctx.scheduler.now());
  return inTransaction(ctx.db, async (trx) => {
    const attempt = await lockAttempt(trx, attemptId);
    if (!attempt || attempt.lead_id === null || attempt.campaign_id === null || attempt.outcome !== null) return null;
    const customer = await trx.selectFrom('call_legs').selectAll().where('attempt_id', '=', attempt.id).where('role', '=', 'customer').executeTakeFirst();
    const outcome = customerOutcome(attempt, customer);
    if (outcome === null) return null;
    const columns = attemptOutcomeColumns(outcome, customer, now);
    if (isCustomerFirstMode(attempt.mode)) {
      // Customer first: the answer and the bridge were recorded as they happened
      // (`progressive-timing.ts`); a person is not connected just by answering.
      columns.answered_at = attempt.answered_at ?? columns.answered_at;
      columns.bridged_at = attempt.bridged_at;
      // The rule is about persons: a machine (even one an async agent met) has no verdict.
      columns.two_second_rule_met = outcome === 'human' ? (attempt.two_second_rule_met ?? false) : null;
    }
    await trx.updateTable('attempts').set(columns).where('id', '=', attempt.id).execute();
    await applyToLead(trx, attempt, outcome, now);
    ctx.logger.info({ attemptId, leadId: attempt.lead_id, outcome }, 'campaign attempt outcome');
    return outcome;
  });
}

async function applyToLead(trx: Transaction<Tables>, attempt: AttemptRow, outcome: AttemptOutcome, now: Date): Promise<void> {
  const campaign = await trx.selectFrom('campaigns').select(['max_attempts', 'retry_delays']).where('id', '=', attempt.campaign_id!).executeTakeFirst();
  const lead = await trx.selectFrom('leads').select(['id', 'status', 'attempts', 'next_attempt_at']).where('id', '=', attempt.lead_id!).forUpdate().executeTakeFirst();
  if (!campaign || !lead) return;
  const result = leadAfterOutcome(lead, outcome, campaign, now, attempt.disposition_at !== null);
  if (result !== null) await updateLeadAfterAttempt(trx, lead.id, result);
}

/**
 * Leads with a call in flight: an attempt whose outcome is not known yet, and that is not
 * over (a create Telnyx refused, or reconciled as never made, is over). Such a lead is
 * never offered, whatever its claim's age. Bounded to the last `IN_FLIGHT_MAX_MS` so an
 * attempt that never hears back cannot hold its lead forever.
 */
export const IN_FLIGHT_MAX_MS = 2 * 3_600_000;

export function callInFlight(leadIdColumn: string, now: Date) {
  const since = new Date(now.getTime() - IN_FLIGHT_MAX_MS);
  return sql<boolean>`exists (select 1 from attempts a where a.lead_id = ${sql.ref(leadIdColumn)} and a.outcome is null and a.status <> 'failed' and a.created_at > ${since})`;
}

export async function hasCallInFlight(db: Kysely<Tables> | Transaction<Tables>, leadId: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('attempts')
    .select('id')
    .where('lead_id', '=', leadId)
    .where('outcome', 'is', null)
    .where('status', '<>', 'failed')
    .where('created_at', '>', new Date(now.getTime() - IN_FLIGHT_MAX_MS))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
