/**
 * `POST /telnyx/status?attempt=…&leg=…`: signed call-progress callbacks, and with
 * `&kind=amd` the async answering-machine result of a progressive call (handed to
 * `server/campaigns/progressive-amd.ts`, which logs and applies it once). Verified
 * before anything is read; every verified callback is stored raw, then applied at most
 * once (see `ingest-batch.ts`). Callbacks that arrive together share one transaction
 * (`ingest-batcher.ts`); each is answered 200 only after that transaction has committed,
 * and 500 if it failed, so Telnyx retries it. Telnyx expects exactly HTTP 200
 * (texml-api.md §4).
 *
 * @module
 */
import { Router } from 'express';
import { reactToAgentLeg } from '../agents/call-reaction.ts';
import { reactToCampaignAttempt } from '../campaigns/outcomes.ts';
import { applyAsyncAmdResult } from '../campaigns/progressive-amd.ts';
import { noteProgressiveLeg } from '../campaigns/progressive-timing.ts';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { telnyxWebhookMiddleware } from '../telnyx/webhook-middleware.ts';
import { createCallbackBatcher } from './ingest-batcher.ts';
import type { LegRole } from './tables.ts';

const ROLES = new Set<string>(['agent', 'customer', 'transfer'] satisfies LegRole[]);

export function statusCallbackRouter(ctx: AppContext): Router {
  const router = Router();
  const verify = telnyxWebhookMiddleware({
    publicKeyBase64: ctx.telnyxAccount.webhookPublicKeyBase64,
    clock: ctx.scheduler,
    toleranceS: ctx.config.telnyx.webhookToleranceS,
    logger: ctx.logger,
  });
  // One per app: every callback of this process goes through the same queue.
  const batcher = createCallbackBatcher({
    db: ctx.db,
    onApplied: ({ inputs, durationMs, retry }) => ctx.logger.debug({ size: inputs.length, ms: Math.round(durationMs * 10) / 10, retry }, 'status callbacks committed'),
  });

  router.post('/telnyx/status', verify, async (req, res) => {
    const attemptId = String(req.query.attempt ?? '');
    const role = String(req.query.leg ?? '');
    if (!attemptId || !ROLES.has(role)) {
      throw new DialerError('bad_request', { message: 'StatusCallback URL must carry attempt and leg=agent|customer|transfer.' });
    }
    const receivedAt = new Date(ctx.scheduler.now());
    const rawBody = req.rawBody!.toString('utf8');
    if (req.query.kind === 'amd') {
      await applyAsyncAmdResult(ctx, { attemptId, fields: req.telnyxFields!, rawBody, receivedAt });
      res.status(200).end();
      return;
    }
    const result = await batcher.submit({ attemptId, role: role as LegRole, fields: req.telnyxFields!, rawBody, receivedAt });
    ctx.logger.debug({ attemptId, role, verdict: result.verdict, status: req.telnyxFields!.CallStatus }, 'status callback');
    // The leg is stored; now what it means for the agent whose softphone it rings.
    await reactToAgentLeg(ctx, result);
    await noteProgressiveLeg(ctx, result, receivedAt);
    await reactToCampaignAttempt(ctx, result);
    res.status(200).end();
  });

  return router;
}
