/**
 * Dispositions: the agent's verdict on a campaign attempt, recorded once on the attempt
 * (the attempt log is append-only: its disposition columns are filled once, never
 * changed) and applied to the lead by the disposition's kind:
 *
 * - `final`: the lead is `done`;
 * - `retry`: dialled again after the campaign's no-answer delay (`done` once the attempt
 *   cap is reached);
 * - `callback`: `callbackAt` is required and must fall inside the calling window of every
 *   zone of the lead (the gate is asked as of `callbackAt`), else 422
 *   `callback_outside_window` with the next `opensAt`; the lead becomes `callback` due at
 *   that time, owned by the agent of the call when `callbackScope` is `agent`;
 * - `dnc`: the number goes on the internal DNC list at once, in the same transaction,
 *   and the lead is `dnc`.
 *
 * Recording a disposition does not end the agent's wrap-up: the server ends it when the
 * campaign's `wrap_up_s` run out, or the softphone calls `POST /api/agents/me/wrap-up/done`
 * when the agent is ready.
 *
 * @module
 */
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import { DialerError } from '../errors.ts';
import { lockAttempt } from '../calls/repository.ts';
import type { AttemptRow } from '../calls/tables.ts';
import { addToDnc } from '../compliance/dnc.ts';
import { evaluateDial } from '../compliance/evaluate.ts';
import type { LeadRow, LeadStatus } from './leads/tables.ts';
import type { CampaignRow, Disposition } from './tables.ts';

const MINUTE_MS = 60_000;
/** Callbacks may be scheduled at most this far ahead, ms (90 days). */
export const MAX_CALLBACK_AHEAD_MS = 90 * 24 * 3_600_000;

export const dispositionRequest = z
  .object({
    code: z.string().trim().min(1).max(40),
    notes: z.string().trim().max(2000).optional(),
    callbackAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-06T15:00:00Z' }).optional(),
    callbackScope: z.enum(['agent', 'anyone']).optional(),
  })
  .strict();
export type DispositionRequest = z.infer<typeof dispositionRequest>;

export interface LeadDispositionPatch {
  status: LeadStatus;
  last_outcome: string;
  next_attempt_at?: Date | null;
  callback_agent_id: string | null;
  claimed_by: null;
  claimed_at: null;
}

/**
 * What the disposition does to the lead. `attemptsAfter`: the lead's attempt count once
 * this attempt is counted (it is counted when its outcome arrives, which may be after a
 * disposition given during the call).
 */
export function leadAfterDisposition(
  disposition: Disposition,
  input: {
    /** The lead's status now: `dnc` stays `dnc` whatever the disposition (a DNC request is never undone here). */
    status: LeadStatus;
    attemptsAfter: number;
    campaign: Pick<CampaignRow, 'max_attempts' | 'retry_delays'>;
    now: Date;
    callbackAt?: Date | undefined;
    /** The callback's owner (scope `agent`), else null. */
    callbackAgentId: string | null;
  },
): LeadDispositionPatch {
  const base = { last_outcome: disposition.code, callback_agent_id: null, claimed_by: null, claimed_at: null } as const;
  if (input.status === 'dnc') return { ...base, status: 'dnc' };
  switch (disposition.kind) {
    case 'final':
      return { ...base, status: 'done' };
    case 'dnc':
      return { ...base, status: 'dnc' };
    case 'retry':
      return {
        ...base,
        status: input.attemptsAfter >= input.campaign.max_attempts ? 'done' : 'new',
        next_attempt_at: new Date(input.now.getTime() + input.campaign.retry_delays.no_answer * MINUTE_MS),
      };
    case 'callback':
      if (!input.callbackAt) throw fieldError('callbackAt', 'is required for a callback disposition');
      return { ...base, status: 'callback', next_attempt_at: input.callbackAt, callback_agent_id: input.callbackAgentId };
  }
}

function fieldError(field: string, message: string): DialerError {
  return new DialerError('validation_failed', { message: `Invalid request: ${field}: ${message}`, details: { fields: [{ field, message }] } });
}

export interface RecordedDisposition {
  attempt: AttemptRow;
  lead: LeadRow;
}

/**
 * Record the disposition of a campaign attempt and apply it to the lead, in one
 * transaction (the attempt's row lock makes "once" hold against concurrent requests).
 *
 * @param by the user recording it (the agent on the call, a supervisor or an admin).
 * @throws DialerError `not_found`, `conflict` (not a campaign attempt, or the customer
 *   was never dialled), `disposition_already_recorded`, `validation_failed` (unknown
 *   code, a callback without or with a bad `callbackAt`), `callback_outside_window`.
 */
export async function recordDisposition(ctx: AppContext, attemptId: string, request: DispositionRequest, by: string): Promise<RecordedDisposition> {
  const now = new Date(ctx.scheduler.now());
  const callbackAt = request.callbackAt === undefined ? undefined : new Date(request.callbackAt);
  return inTransaction(ctx.db, async (trx) => {
    const attempt = await lockAttempt(trx, attemptId);
    if (!attempt) throw new DialerError('not_found', { message: `No call attempt ${attemptId}.` });
    if (attempt.lead_id === null || attempt.campaign_id === null) throw new DialerError('conflict', { message: 'Only campaign calls take a disposition.' });
    if (attempt.disposition !== null) {
      throw new DialerError('disposition_already_recorded', { details: { disposition: attempt.disposition, at: attempt.disposition_at?.toISOString() ?? null } });
    }
    if (attempt.outcome === 'not_dialled') throw new DialerError('conflict', { message: 'The customer was never dialled on this attempt; there is nothing to disposition.' });
    const campaign = await trx.selectFrom('campaigns').selectAll().where('id', '=', attempt.campaign_id).executeTakeFirstOrThrow();
    const disposition = campaign.dispositions.find((candidate) => candidate.code === request.code);
    if (!disposition) throw fieldError('code', `is not a disposition of this campaign (${campaign.dispositions.map((d) => d.code).join(', ')})`);
    const lead = await trx.selectFrom('leads').selectAll().where('id', '=', attempt.lead_id).forUpdate().executeTakeFirst();
    if (!lead) throw new DialerError('not_found', { message: `The lead of attempt ${attemptId} no longer exists.` });

    if (disposition.kind === 'callback') {
      if (!callbackAt) throw fieldError('callbackAt', 'is required for a callback disposition');
      if (callbackAt.getTime() <= now.getTime()) throw fieldError('callbackAt', 'must be in the future');
      if (callbackAt.getTime() > now.getTime() + MAX_CALLBACK_AHEAD_MS) throw fieldError('callbackAt', 'must be within 90 days');
      // The calling window as of the callback time, in every zone of the lead.
      const decision = await evaluateDial(trx, {
        phone: lead.phone_e164,
        timeZones: lead.time_zones,
        kind: 'preview',
        profile: campaign.profile,
        campaignId: campaign.id,
        callerId: campaign.caller_id,
        ownedCallerIds: ctx.config.dialing.callerIds,
        now: callbackAt,
      });
      const window = decision.allow ? undefined : decision.reasons.find((reason) => reason.code === 'outside_window' || reason.code === 'no_time_zone');
      if (window) {
        const opensAt = window.code === 'outside_window' ? window.opensAt : null;
        throw new DialerError('callback_outside_window', {
          message: opensAt
            ? `The callback time is outside the lead's calling hours; the next opening is ${opensAt}.`
            : "The lead's calling hours cannot be checked at that time.",
          details: { opensAt, timeZones: lead.time_zones },
        });
      }
    }

    const patch = leadAfterDisposition(disposition, {
      status: lead.status,
      attemptsAfter: lead.attempts + (attempt.outcome === null ? 1 : 0),
      campaign,
      now,
      callbackAt,
      callbackAgentId: request.callbackScope === 'agent' ? (attempt.agent_id ?? null) : null,
    });
    if (disposition.kind === 'dnc') {
      await addToDnc(trx, {
        phone: lead.phone_e164,
        scope: 'internal',
        source: 'disposition',
        reason: `disposition "${disposition.code}" on attempt ${attempt.id}`,
        by,
        now,
      });
    }
    const updatedAttempt = await trx
      .updateTable('attempts')
      .set({ disposition: disposition.code, disposition_notes: request.notes ?? null, disposition_at: now, disposition_by: by, updated_at: now })
      .where('id', '=', attempt.id)
      .where('disposition', 'is', null)
      .returningAll()
      .executeTakeFirstOrThrow();
    const updatedLead = await trx.updateTable('leads').set(patch).where('id', '=', lead.id).returningAll().executeTakeFirstOrThrow();
    ctx.logger.info({ attemptId, leadId: lead.id, disposition: disposition.code, kind: disposition.kind, by }, 'disposition recorded');
    return { attempt: updatedAttempt, lead: updatedLead };
  });
}
