/**
 * The documents Telnyx fetches. They always answer 200 with valid TeXML when the
 * request is authentic, even when the attempt is gone or something failed: a non-TeXML
 * answer makes the caller hear a canned "application error" (texml-api.md §3), a spoken
 * refusal is better.
 *
 * @module
 */
import { Router, type Response } from 'express';
import {
  renderBridgeAgentToCustomer,
  renderConnectCustomerToAgent,
  renderHangup,
  renderRefusal,
} from '../../texml-templates/index.ts';
import { reactToAgentLeg } from '../agents/call-reaction.ts';
import { reactToCampaignAttempt } from '../campaigns/outcomes.ts';
import type { AppContext } from '../context.ts';
import { applyDialAction, applyTransferAction } from '../calls/ingest.ts';
import { isTerminalLegStatus } from '../calls/transitions.ts';
import { getAttempt, getAttemptWithLegs } from '../calls/repository.ts';
import { texmlAuth } from './texml-auth.ts';
import { attemptUrls } from './urls.ts';

const ACTIVE_CREATE_STATES = new Set(['accepted', 'outcome_unknown', 'reconciled_found']);

export function texmlRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = texmlAuth(ctx);

  router.all('/texml/bridge', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const attempt = await getAttempt(ctx.db, attemptId);
    if (!attempt || !ACTIVE_CREATE_STATES.has(attempt.create_state) || attempt.status === 'completed' || attempt.status === 'failed') {
      ctx.logger.warn({ attemptId }, 'bridge requested for an attempt that is not live');
      sendTexml(res, renderRefusal({ message: 'This call can no longer be connected. Goodbye.' }));
      return;
    }
    const urls = attemptUrls({ publicBaseUrl: ctx.config.http.publicBaseUrl, secret: ctx.config.secrets.dialerSecret, attemptId });
    sendTexml(
      res,
      renderBridgeAgentToCustomer({
        customerNumber: attempt.customer_number,
        callerId: attempt.caller_id,
        actionUrl: urls.dialAction,
        customerStatusCallbackUrl: urls.status('customer'),
        // A campaign's own ring time (never under the 15 s floor); else CUSTOMER_RING_TIMEOUT_S.
        ringTimeoutS: attempt.ring_timeout_s ?? ctx.config.dialing.customerRingTimeoutS,
      }),
    );
  });

  router.all('/texml/dial-action', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const result = await applyDialAction(ctx.db, {
      attemptId,
      fields: res.locals.texmlFields as Record<string, string>,
      rawBody: res.locals.rawBody as string,
      receivedAt: new Date(ctx.scheduler.now()),
    });
    await reactToAgentLeg(ctx, result);
    await reactToCampaignAttempt(ctx, result);
    sendTexml(res, renderHangup());
  });

  // Flow 4: the customer's leg, redirected by `transferCall`, is connected to the agent
  // of the attempt's transfer leg. The `agent` parameter must name that agent: the URL
  // token covers the attempt only, and the database, not the URL, says who was chosen.
  router.all('/texml/transfer', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const attempt = await getAttemptWithLegs(ctx.db, attemptId);
    const leg = attempt?.legs.find((candidate) => candidate.role === 'transfer');
    if (!leg || leg.agent_id !== String(req.query.agent ?? '') || isTerminalLegStatus(leg.status) || !leg.to_number) {
      ctx.logger.warn({ attemptId }, 'transfer requested for an attempt with no pending transfer');
      sendTexml(res, renderRefusal({ message: 'This call can no longer be transferred. Goodbye.' }));
      return;
    }
    const urls = attemptUrls({ publicBaseUrl: ctx.config.http.publicBaseUrl, secret: ctx.config.secrets.dialerSecret, attemptId });
    sendTexml(
      res,
      renderConnectCustomerToAgent({
        // The softphone auto-answers calls that carry our attempt id; on a <Sip> leg the
        // header rides in the URI (RFC 3261 §19.1.1; UNCONFIRMED that Telnyx forwards it,
        // as Twilio documents for <Sip>). Without it the agent answers by hand.
        agentSipUri: `${leg.to_number}?X-Dialer-Attempt=${encodeURIComponent(attemptId)}`,
        actionUrl: urls.transferAction,
        statusCallbackUrl: urls.status('transfer'),
        ringTimeoutS: ctx.config.dialing.agentRingTimeoutS,
      }),
    );
  });

  router.all('/texml/transfer-action', ...auth, async (req, res) => {
    const fields = res.locals.texmlFields as Record<string, string>;
    const result = await applyTransferAction(ctx.db, {
      attemptId: String(req.query.attempt),
      fields,
      rawBody: res.locals.rawBody as string,
      receivedAt: new Date(ctx.scheduler.now()),
    });
    await reactToAgentLeg(ctx, result);
    // The new agent talked and hung up: end the customer's call too. Never reached: say so.
    sendTexml(
      res,
      fields.DialCallStatus === 'completed' ? renderHangup() : renderRefusal({ message: 'We could not connect you to an agent. Goodbye.' }),
    );
  });

  return router;
}

function sendTexml(res: Response, xml: string): void {
  res.status(200).type('application/xml').send(xml);
}
