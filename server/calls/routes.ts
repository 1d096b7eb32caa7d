/**
 * `/api/calls`: click-to-call, what the server knows about each attempt, hang-up and
 * transfer. Agents act on the calls they are on; supervisors and admins on any.
 *
 * @module
 */
import type { Request } from 'express';
import { currentAgent } from '../agents/agents-routes.ts';
import { principalOf } from '../agents/auth.ts';
import { ensureAgentCredential, sipUriOf } from '../agents/webrtc.ts';
import type { AppContext } from '../context.ts';
import { TERMINAL_CALL_STATUSES } from '../../lib/telnyx-wire.ts';
import { DialerError, isDialerError } from '../errors.ts';
import { ANY_ROLE, apiRoute, STAFF, type ApiRouter } from '../http/api-route.ts';
import { requireRow } from '../http/require-row.ts';
import { parseBody } from '../http/validate.ts';
import { agentClickToCallRequest, agentSipUri, clickToCallRequest, startClickToCall } from './click-to-call.ts';
import { getAttemptWithLegs, listEvents, type AttemptWithLegs } from './repository.ts';
import { transferCall, transferRequest } from './transfer.ts';
import { isTerminalLegStatus } from './transitions.ts';

export function registerCallsRoutes(api: ApiRouter): void {
  const { ctx } = api;

  apiRoute(api, {
    method: 'post',
    path: '/calls',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      let attempt: AttemptWithLegs;
      if (principalOf(req).user.role === 'agent') {
        // Agents call from their own softphone, which must be registered to ring.
        const body = parseBody(agentClickToCallRequest, req.body);
        const agent = await currentAgent(ctx, req);
        if (!agent.registered) throw new DialerError('agent_not_registered');
        const sipUri = sipUriOf(ctx, (await ensureAgentCredential(ctx, agent)).sipUsername);
        if (body.agent !== undefined && agentSipUri(body.agent, ctx.config.dialing.sipDomain) !== sipUri) {
          throw new DialerError('forbidden', { message: 'Agents place calls from their own softphone only; leave out "agent".' });
        }
        attempt = await startClickToCall(ctx, { to: body.to, agent: sipUri, ...(body.callerId ? { callerId: body.callerId } : {}) }, agent.id);
      } else {
        attempt = await startClickToCall(ctx, parseBody(clickToCallRequest, req.body));
      }
      // 202 when Telnyx has not confirmed the create: the attempt is being reconciled.
      res.status(attempt.create_state === 'accepted' ? 201 : 202).json({ attempt });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/calls/:attemptId',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      res.json({ attempt: await requireAttempt(ctx, req, 'any') });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/calls/:attemptId/events',
    roles: STAFF,
    handler: async (req, res) => {
      const attempt = await requireAttempt(ctx, req, 'any');
      res.json({ events: await listEvents(ctx.db, attempt.id) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/calls/:attemptId/hangup',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const attempt = await requireAttempt(ctx, req, 'live');
      const live = attempt.legs.filter((leg) => leg.call_sid && !isTerminalLegStatus(leg.status));
      // The agent leg first: hanging it up ends the bridge, and Telnyx ends the B-leg.
      live.sort((a, b) => (a.role === 'agent' ? -1 : b.role === 'agent' ? 1 : 0));
      for (const leg of live) await hangUpLeg(ctx, leg.call_sid!);
      res.status(202).json({ hungUp: live.map((leg) => leg.role) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/calls/:attemptId/transfer',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const body = parseBody(transferRequest, req.body);
      const attempt = await requireAttempt(ctx, req, 'live');
      res.status(202).json({ attempt: await transferCall(ctx, attempt, body.agentId) });
    },
  });
}

/**
 * The attempt, if the caller may see it: supervisors and admins any; an agent only one
 * with a leg of theirs (`'any'`) or, to act on it, a leg of theirs that is still live.
 */
async function requireAttempt(ctx: AppContext, req: Request, agentNeeds: 'any' | 'live'): Promise<AttemptWithLegs> {
  const attempt = await requireRow(req, 'attemptId', 'call attempt', (id) => getAttemptWithLegs(ctx.db, id));
  const { user } = principalOf(req);
  if (user.role !== 'agent') return attempt;
  const mine = attempt.legs.filter((leg) => leg.agent_id === user.id);
  const allowed = agentNeeds === 'any' ? mine.length > 0 : mine.some((leg) => !isTerminalLegStatus(leg.status));
  if (!allowed) throw new DialerError('forbidden', { message: 'You are not on this call.' });
  return attempt;
}

/**
 * End one leg. Hanging up the agent leg makes Telnyx end the legs bridged to it before our
 * next request arrives, and Telnyx refuses to update a call that has ended; such a refusal
 * is success here, but only when Telnyx confirms the call is over.
 */
async function hangUpLeg(ctx: AppContext, callSid: string): Promise<void> {
  try {
    await ctx.telnyx.updateCall(callSid, { Status: 'completed' });
  } catch (error) {
    if (!isDialerError(error, 'telnyx_rejected') && !isDialerError(error, 'not_found')) throw error;
    const call = await ctx.telnyx.getCall(callSid).catch(() => null);
    if (call === null || !(TERMINAL_CALL_STATUSES as readonly string[]).includes(call.status)) throw error;
  }
}
