/**
 * `POST /telnyx/status?attempt=…&leg=…`: signed call-progress callbacks. Verified
 * before anything is read; every verified callback is stored raw, then applied at most
 * once (see `ingest.ts`). Telnyx expects exactly HTTP 200 (texml-api.md §4).
 *
 * @module
 */
import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { telnyxWebhookMiddleware } from '../telnyx/webhook-middleware.ts';
import { ingestStatusCallback } from './ingest.ts';

const ROLES = new Set(['agent', 'customer']);

export function statusCallbackRouter(ctx: AppContext): Router {
  const router = Router();
  const verify = telnyxWebhookMiddleware({
    publicKeyBase64: ctx.telnyxAccount.webhookPublicKeyBase64,
    clock: ctx.scheduler,
    toleranceS: ctx.config.telnyx.webhookToleranceS,
    logger: ctx.logger,
  });

  router.post('/telnyx/status', verify, async (req, res) => {
    const attemptId = String(req.query.attempt ?? '');
    const role = String(req.query.leg ?? '');
    if (!attemptId || !ROLES.has(role)) {
      throw new DialerError('bad_request', { message: 'StatusCallback URL must carry attempt and leg=agent|customer.' });
    }
    const result = await ingestStatusCallback(ctx.db, {
      attemptId,
      role: role as 'agent' | 'customer',
      fields: req.telnyxFields!,
      rawBody: req.rawBody!.toString('utf8'),
      receivedAt: new Date(ctx.scheduler.now()),
    });
    ctx.logger.debug({ attemptId, role, verdict: result.verdict, status: req.telnyxFields!.CallStatus }, 'status callback');
    res.status(200).end();
  });

  return router;
}
