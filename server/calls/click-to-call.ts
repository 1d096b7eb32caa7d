/**
 * Flow 1 of the design, agent first: the server calls the agent's softphone, and when
 * the agent answers Telnyx fetches `/texml/bridge`, which dials the customer.
 *
 * The compliance gate (`server/compliance/`) is asked first: a refused call answers 422
 * `compliance_refused` before any attempt is written or any Telnyx request is made.
 *
 * The create is the one request that must never be sent twice by accident: a create whose
 * outcome is unknown (timeout, 5xx) is left to {@link reconcileUnknownCreate}, which
 * looks for evidence of the call before anyone may dial again.
 *
 * @module
 */
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DialerError, isDialerError } from '../errors.ts';
import { findAgentIdBySipUsername } from '../agents/agent-rows.ts';
import { checkManualDial, complianceRefusal } from '../compliance/manual.ts';
import { attemptUrls } from '../texml/urls.ts';
import { createAttempt, getAttemptWithLegs, markCreateState, type AttemptWithLegs } from './repository.ts';
import type { AttemptRow } from './tables.ts';
import { reconcileUnknownCreate } from './reconcile.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

export const clickToCallRequest = z.object({
  /** The agent's SIP address (`sip:gencred…@sip.telnyx.com`) or bare SIP user name. */
  agent: z.string().trim().min(1).max(200),
  /** The customer's number, E.164. */
  to: z.string().trim().regex(E164, 'must be an E.164 number such as +13125550123'),
  /** One of the account's numbers; defaults to the first configured caller ID. */
  callerId: z.string().trim().regex(E164, 'must be an E.164 number').optional(),
});
export type ClickToCallRequest = z.infer<typeof clickToCallRequest>;

/** An agent calls from their own softphone: `agent` may be left out. */
export const agentClickToCallRequest = clickToCallRequest.extend({ agent: clickToCallRequest.shape.agent.optional() });

/** `sip:user@domain` for a SIP URI or a bare user name; refuses anything else. */
export function agentSipUri(agent: string, sipDomain: string): string {
  if (/^sip:[^@\s:;]+@[A-Za-z0-9.-]+$/.test(agent)) return agent;
  if (/^[A-Za-z0-9._-]+$/.test(agent)) return `sip:${agent}@${sipDomain}`;
  throw new DialerError('validation_failed', {
    message: 'agent: expected a SIP address like sip:gencredXXXX@sip.telnyx.com or a SIP user name.',
    details: { fields: [{ field: 'agent', message: 'not a SIP address or user name' }] },
  });
}

/** The agent whose softphone `sip:<user>@<SIP_DOMAIN>` is, if any (its status follows the call). */
async function agentIdOfSipUri(ctx: AppContext, sipUri: string): Promise<string | null> {
  const match = /^sip:([^@]+)@(.+)$/.exec(sipUri);
  if (!match || match[2]!.toLowerCase() !== ctx.config.dialing.sipDomain) return null;
  return (await findAgentIdBySipUsername(ctx.db, match[1]!)) ?? null;
}

/**
 * @param agentId the agent (user id) whose softphone `request.agent` is; looked up by the
 *   SIP user when not given, and null for an address that is none of our agents'.
 */
export async function startClickToCall(ctx: AppContext, request: ClickToCallRequest, agentId?: string): Promise<AttemptWithLegs> {
  const { config } = ctx;
  const agentSip = agentSipUri(request.agent, config.dialing.sipDomain);
  const callerId = request.callerId ?? config.dialing.callerIds[0]!;
  if (!config.dialing.callerIds.includes(callerId)) {
    throw new DialerError('validation_failed', {
      message: `callerId: ${callerId} is not one of the account's numbers (DIALER_CALLER_IDS).`,
      details: { fields: [{ field: 'callerId', message: 'not owned by the account' }] },
    });
  }
  const decision = await checkManualDial(ctx, { kind: 'manual', phone: request.to, callerId, by: agentSip });
  if (!decision.allow) throw complianceRefusal(decision);

  const attempt = await createAttempt(ctx.db, {
    kind: 'click_to_call',
    agentSip,
    agentId: agentId ?? (await agentIdOfSipUri(ctx, agentSip)),
    customerNumber: request.to,
    callerId,
    now: new Date(ctx.scheduler.now()),
  });
  return ringAgentFirst(ctx, attempt);
}

/**
 * Flow 1's one Telnyx request, shared by every agent-first call (a manual click-to-call,
 * a campaign's preview dial): for an attempt already written (kind `click_to_call`),
 * create the agent leg and record what became of the create.
 *
 * @throws the create's error when Telnyx refused it (the attempt is then `rejected`); an
 *   unknown outcome is not thrown but reconciled later, never redialled.
 */
export async function ringAgentFirst(ctx: AppContext, attempt: AttemptRow): Promise<AttemptWithLegs> {
  const { config, telnyx, telnyxAccount, logger } = ctx;
  const urls = attemptUrls({ publicBaseUrl: config.http.publicBaseUrl, secret: config.secrets.dialerSecret, attemptId: attempt.id });

  try {
    await telnyx.createCall({
      ApplicationSid: telnyxAccount.applicationSid,
      To: attempt.agent_sip,
      From: attempt.caller_id,
      Url: urls.bridge,
      UrlMethod: 'POST',
      StatusCallback: urls.status('agent'),
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'initiated ringing answered completed',
      Timeout: config.dialing.agentRingTimeoutS,
      // The softphone auto-answers only calls that carry our attempt id.
      CustomHeaders: [{ name: 'X-Dialer-Attempt', value: attempt.id }],
    });
    await markCreateState(ctx.db, attempt.id, 'accepted', undefined, new Date(ctx.scheduler.now()));
  } catch (error) {
    if (isDialerError(error, 'telnyx_outcome_unknown')) {
      await markCreateState(ctx.db, attempt.id, 'outcome_unknown', { code: error.code, message: error.message }, new Date(ctx.scheduler.now()));
      logger.warn({ attemptId: attempt.id }, 'create outcome unknown; reconciling before any redial');
      ctx.scheduler.setTimeout(() => reconcileUnknownCreate(ctx, attempt.id), config.dialing.createReconcileAfterMs);
    } else {
      const code = isDialerError(error) ? error.code : 'internal';
      await markCreateState(ctx.db, attempt.id, 'rejected', { code, message: error instanceof Error ? error.message : String(error) }, new Date(ctx.scheduler.now()));
      throw error;
    }
  }
  const created = await getAttemptWithLegs(ctx.db, attempt.id);
  if (!created) throw new DialerError('internal', { message: 'attempt vanished after create' });
  return created;
}
