/**
 * `/api/calls`: click-to-call and what the server knows about each attempt.
 *
 * @module
 */
import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { parseBody } from '../http/validate.ts';
import { clickToCallRequest, startClickToCall } from './click-to-call.ts';
import { getAttemptWithLegs, listEvents } from './repository.ts';
import { isTerminalLegStatus } from './transitions.ts';

export function callsApiRouter(ctx: AppContext): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const request = parseBody(clickToCallRequest, req.body);
    const attempt = await startClickToCall(ctx, request);
    // 202 when Telnyx has not confirmed the create: the attempt is being reconciled.
    res.status(attempt.create_state === 'accepted' ? 201 : 202).json({ attempt });
  });

  router.get('/:attemptId', async (req, res) => {
    res.json({ attempt: await requireAttempt(ctx, req.params.attemptId) });
  });

  router.get('/:attemptId/events', async (req, res) => {
    await requireAttempt(ctx, req.params.attemptId);
    res.json({ events: await listEvents(ctx.db, req.params.attemptId) });
  });

  router.post('/:attemptId/hangup', async (req, res) => {
    const attempt = await requireAttempt(ctx, req.params.attemptId);
    const live = attempt.legs.filter((leg) => leg.call_sid && !isTerminalLegStatus(leg.status));
    // The agent leg first: hanging it up ends the bridge, and Telnyx ends the B-leg.
    live.sort((a, b) => (a.role === 'agent' ? -1 : b.role === 'agent' ? 1 : 0));
    for (const leg of live) await ctx.telnyx.updateCall(leg.call_sid!, { Status: 'completed' });
    res.status(202).json({ hungUp: live.map((leg) => leg.role) });
  });

  return router;
}

async function requireAttempt(ctx: AppContext, attemptId: string) {
  const attempt = await getAttemptWithLegs(ctx.db, attemptId);
  if (!attempt) throw new DialerError('not_found', { message: `No call attempt ${attemptId}.` });
  return attempt;
}
