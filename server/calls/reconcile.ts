/**
 * Reconciling a create whose outcome is unknown (a timeout or 5xx on
 * `POST …/Calls`). Redialling blindly could ring the same person twice, so the safe
 * reading is taken: the call is assumed to exist unless there is positive evidence that it
 * does not.
 *
 * 1. Any callback that carries the attempt id proves the call exists.
 * 2. Otherwise Telnyx is asked for calls to the same destination started since the
 *    attempt; any such call counts as ours (we cannot tell it apart, and a missed redial
 *    is better than a double ring).
 * 3. Only when both say nothing is the attempt marked `reconciled_absent` and may be
 *    dialled again.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { getAttemptWithLegs, listEvents, markCreateState } from './repository.ts';

export type ReconcileOutcome = 'reconciled_found' | 'reconciled_absent' | 'not_pending' | 'failed';

export async function reconcileUnknownCreate(ctx: AppContext, attemptId: string): Promise<ReconcileOutcome> {
  const attempt = await getAttemptWithLegs(ctx.db, attemptId);
  if (!attempt || attempt.create_state !== 'outcome_unknown') return 'not_pending';

  const events = await listEvents(ctx.db, attemptId);
  if (events.length > 0) {
    await markCreateState(ctx.db, attemptId, 'reconciled_found', undefined, new Date(ctx.scheduler.now()));
    return 'reconciled_found';
  }
  try {
    const createdAt = new Date(attempt.created_at);
    const calls = await ctx.telnyx.listCalls({ To: attempt.kind === 'progressive' ? attempt.customer_number : attempt.agent_sip, PageSize: 50 });
    // `StartTime_gt` filters by day only (YYYY-MM-DD), so compare the RFC 2822 times here.
    const since = createdAt.getTime() - 1000;
    const found = calls.calls.some((call) => Date.parse(call.date_created) >= since);
    const outcome = found ? 'reconciled_found' : 'reconciled_absent';
    await markCreateState(ctx.db, attemptId, outcome, undefined, new Date(ctx.scheduler.now()));
    ctx.logger.info({ attemptId, outcome }, 'create reconciled');
    return outcome;
  } catch (error) {
    // Telnyx unreachable: stay `outcome_unknown` (never redial) and try again later.
    ctx.logger.warn({ attemptId, err: error }, 'reconcile failed; retrying later');
    ctx.scheduler.setTimeout(() => reconcileUnknownCreate(ctx, attemptId), ctx.config.dialing.createReconcileAfterMs);
    return 'failed';
  }
}

/** At start-up: reconcile every create left unknown by a previous run. */
export async function reconcileAllUnknownCreates(ctx: AppContext, attemptIds: readonly string[]): Promise<void> {
  for (const attemptId of attemptIds) await reconcileUnknownCreate(ctx, attemptId);
}
