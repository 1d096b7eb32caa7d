/**
 * Async answering-machine detection of customer-first calls (progressive, power,
 * predictive; `amd.mode: "async"`, texml-api.md §7): the customer was connected to the agent at the answer, with no detection delay,
 * and the result arrives later at `AsyncAmdStatusCallback` (our status route with
 * `kind=amd`; fields `CallSid`, `AnsweredBy`, `MachineDetectionDuration`, signed like
 * every callback).
 *
 * The result is logged raw in `call_events` (source `amd`) and recorded once on the
 * attempt (`amd_result`, `amd_at`), under the attempt's row lock, so a duplicate delivery
 * changes nothing. Then:
 *
 * - a person (`human`, `unknown`, anything not `machine_*`/`fax`): nothing changes;
 * - a machine: the customer leg is redirected (update call `Url`) to the voicemail
 *   message when the lead gave written consent and the campaign has one, else hung up
 *   (update call `Status=completed`); either ends the `<Dial>` that holds the agent's leg,
 *   so the agent is released. Whether Telnyx hangs up a `<Dial>`ed leg when its parent is
 *   redirected is UNCONFIRMED (§2.1, §11.7 say the running document is replaced): the
 *   safe reading is to check, {@link AGENT_RELEASE_CHECK_MS} later, that the agent leg has
 *   ended, and hang it up if not. The agent never stays on a machine.
 * - a machine on a call already abandoned (the safe-harbor message is playing): left
 *   alone, still counted as abandoned. It may be an AMD false positive, and a possible
 *   person keeps the message and its opt-out key.
 *
 * @module
 */
import type { AttemptRow, LegRow } from '../calls/tables.ts';
import { eventRow } from '../calls/ingest-batch.ts';
import { lockAttempt } from '../calls/repository.ts';
import { isTerminalLegStatus } from '../calls/transitions.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import { isMachine } from './outcomes.ts';
import { voicemailAllowed } from './progressive-answer.ts';
import { progressiveUrls } from './progressive.ts';
import { isCustomerFirstMode } from './tables.ts';

/** How long after releasing a machine we check that the agent's leg has ended, ms. */
export const AGENT_RELEASE_CHECK_MS = 3000;

export interface AmdCallbackInput {
  /** From the callback URL (`attempt=`), as received. */
  attemptId: string;
  /** The parsed form fields (`AmdCallbackFields`), all strings. */
  fields: Readonly<Record<string, string>>;
  rawBody: string;
  receivedAt: Date;
}

/** What the machine's customer leg is told. */
export type MachineAction = { kind: 'none'; why: string } | { kind: 'voicemail'; callSid: string } | { kind: 'hangup'; callSid: string };

/**
 * What to do about an AMD result on this attempt. Pure.
 *
 * @param customer the customer leg as we know it (its CallSid may come from this callback).
 */
export function machineAction(
  answeredBy: string,
  attempt: Pick<AttemptRow, 'abandoned'>,
  customer: Pick<LegRow, 'status'> | undefined,
  callSid: string,
  voicemail: boolean,
): MachineAction {
  if (!isMachine(answeredBy)) return { kind: 'none', why: 'a person' };
  if (attempt.abandoned) return { kind: 'none', why: 'already abandoned: the safe-harbor message plays on' };
  if (customer && isTerminalLegStatus(customer.status)) return { kind: 'none', why: 'the customer leg has ended' };
  return voicemail ? { kind: 'voicemail', callSid } : { kind: 'hangup', callSid };
}

/**
 * Record an async AMD result and act on it. Throws only when it could not be recorded (the
 * status route then answers 500 and Telnyx retries); what follows is logged, not thrown.
 */
export async function applyAsyncAmdResult(ctx: AppContext, input: AmdCallbackInput): Promise<void> {
  const answeredBy = input.fields.AnsweredBy?.trim() || null;
  const callSid = input.fields.CallSid?.trim() || null;
  const key = { callSid, callStatus: null, sequence: null };
  const decided = await inTransaction(ctx.db, async (trx) => {
    const attempt = await lockAttempt(trx, input.attemptId);
    if (!attempt) {
      await trx.insertInto('call_events').values(eventRow('amd', input.attemptId, 'customer', key, 'unknown_attempt', input)).execute();
      return null;
    }
    const customer = await trx.selectFrom('call_legs').selectAll().where('attempt_id', '=', attempt.id).where('role', '=', 'customer').executeTakeFirst();
    const foreign = callSid === null || answeredBy === null || (customer?.call_sid != null && customer.call_sid !== callSid);
    const verdict = foreign ? 'illegal' : attempt.amd_result !== null ? 'duplicate' : 'applied';
    await trx.insertInto('call_events').values(eventRow('amd', attempt.id, 'customer', key, verdict, input)).execute();
    if (verdict !== 'applied' || !isCustomerFirstMode(attempt.mode) || attempt.lead_id === null || attempt.campaign_id === null) return null;
    const machine = isMachine(answeredBy);
    await trx
      .updateTable('attempts')
      // The two-second rule is about persons: a machine met by the agent has no verdict.
      .set({ amd_result: answeredBy, amd_at: input.receivedAt, updated_at: input.receivedAt, ...(machine ? { two_second_rule_met: null } : {}) })
      .where('id', '=', attempt.id)
      .execute();
    if (!machine) return null;
    const campaign = await trx.selectFrom('campaigns').select('voicemail').where('id', '=', attempt.campaign_id).executeTakeFirstOrThrow();
    const lead = await trx.selectFrom('leads').select('consent_type').where('id', '=', attempt.lead_id).executeTakeFirstOrThrow();
    return { attempt, action: machineAction(answeredBy!, attempt, customer, callSid!, voicemailAllowed(campaign, lead)) };
  });
  if (!decided) return;
  const { attempt, action } = decided;
  if (action.kind === 'none') {
    ctx.logger.info({ attemptId: attempt.id, answeredBy, why: action.why }, 'async AMD machine: nothing to change');
    return;
  }
  await releaseMachine(ctx, attempt.id, action);
}

/** Send the machine's customer leg to the voicemail message or hang it up, and make sure the agent's leg ends. */
async function releaseMachine(ctx: AppContext, attemptId: string, action: Exclude<MachineAction, { kind: 'none' }>): Promise<void> {
  try {
    if (action.kind === 'voicemail') {
      await ctx.telnyx.updateCall(action.callSid, { Url: progressiveUrls(ctx, attemptId).voicemail, Method: 'POST' });
    } else {
      await ctx.telnyx.updateCall(action.callSid, { Status: 'completed' });
    }
    ctx.logger.info({ attemptId, action: action.kind }, 'async AMD machine: customer leg released from the agent');
  } catch (error) {
    // Most often the call ended meanwhile; the agent check below runs either way.
    ctx.logger.warn({ err: error, attemptId, action: action.kind }, 'async AMD machine: the customer leg could not be updated');
  }
  ctx.scheduler.setTimeout(() => hangUpAgentLegIfLive(ctx, attemptId), AGENT_RELEASE_CHECK_MS);
}

/**
 * The agent's leg of the attempt, if its callbacks say it is still ringing or answered:
 * hang it up. Never throws.
 *
 * @returns whether a hang-up was sent.
 */
export async function hangUpAgentLegIfLive(ctx: AppContext, attemptId: string): Promise<boolean> {
  try {
    const leg = await ctx.db.selectFrom('call_legs').selectAll().where('attempt_id', '=', attemptId).where('role', '=', 'agent').executeTakeFirst();
    if (!leg || leg.call_sid === null || leg.status === 'queued' || isTerminalLegStatus(leg.status)) return false;
    await ctx.telnyx.updateCall(leg.call_sid, { Status: 'completed' });
    ctx.logger.warn({ attemptId, callSid: leg.call_sid }, 'async AMD machine: the agent leg was still up; hung it up');
    return true;
  } catch (error) {
    ctx.logger.error({ err: error, attemptId }, 'async AMD machine: agent leg not hung up');
    return false;
  }
}
