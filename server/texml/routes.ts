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
  renderHangup,
  renderRefusal,
} from '../../texml-templates/index.ts';
import type { AppContext } from '../context.ts';
import { applyDialAction } from '../calls/ingest.ts';
import { getAttemptWithLegs } from '../calls/repository.ts';
import { texmlAuth } from './texml-auth.ts';
import { attemptUrls } from './urls.ts';

const ACTIVE_CREATE_STATES = new Set(['accepted', 'outcome_unknown', 'reconciled_found']);

export function texmlRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = texmlAuth(ctx);

  router.all('/texml/bridge', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const attempt = await getAttemptWithLegs(ctx.db, attemptId);
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
        ringTimeoutS: ctx.config.dialing.customerRingTimeoutS,
      }),
    );
  });

  router.all('/texml/dial-action', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    await applyDialAction(ctx.db, {
      attemptId,
      fields: res.locals.texmlFields as Record<string, string>,
      rawBody: res.locals.rawBody as string,
      receivedAt: new Date(ctx.scheduler.now()),
    });
    sendTexml(res, renderHangup());
  });

  return router;
}

function sendTexml(res: Response, xml: string): void {
  res.status(200).type('application/xml').send(xml);
}
