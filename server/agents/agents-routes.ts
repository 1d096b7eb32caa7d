/**
 * `/api/agents` (who is there, for supervisors and transfer lists; my own status) and
 * `/api/softphone/session` (the softphone's login).
 *
 * @module
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { ANY_ROLE, apiRoute, type ApiRouter } from '../http/api-route.ts';
import { parseBody } from '../http/validate.ts';
import { getAgentView, listAgentViews, publicAgent, type AgentView } from './agent-rows.ts';
import { principalOf } from './auth.ts';
import { AGENT_SETTABLE } from './status.ts';
import { AGENT_STATUSES } from './tables.ts';
import { softphoneSession } from './webrtc.ts';

const statusRequest = z.object({
  // Busy and Wrap-up come from calls only, so they are not accepted here (422).
  status: z.enum(AGENT_SETTABLE),
  reason: z.string().trim().min(1).max(100).optional(),
});

const listQuery = z.object({ status: z.enum(AGENT_STATUSES as [string, ...string[]]).optional() });

/** The calling agent's own row. */
export async function currentAgent(ctx: AppContext, req: Request): Promise<AgentView> {
  const agent = await getAgentView(ctx.db, principalOf(req).user.id);
  if (!agent) throw new DialerError('not_found', { message: 'You are not an agent.' });
  return agent;
}

export function registerAgentsRoutes(api: ApiRouter): void {
  const { ctx } = api;

  apiRoute(api, {
    method: 'get',
    path: '/agents',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const query = parseBody(listQuery, req.query);
      const agents = await listAgentViews(ctx.db, query.status === undefined ? {} : { status: query.status as AgentView['status'] });
      res.json({ agents: agents.map(publicAgent) });
    },
  });

  apiRoute(api, {
    method: 'put',
    path: '/agents/me/status',
    roles: ['agent'],
    handler: async (req, res) => {
      const body = parseBody(statusRequest, req.body);
      const agent = await ctx.presence.apply(principalOf(req).user.id, { type: 'set', status: body.status, reason: body.reason ?? null });
      res.json({ agent: publicAgent(agent) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/agents/me/wrap-up/done',
    roles: ['agent'],
    handler: async (req, res) => {
      const agent = await ctx.presence.apply(principalOf(req).user.id, { type: 'wrap_up_done' });
      res.json({ agent: publicAgent(agent) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/softphone/session',
    roles: ['agent'],
    handler: async (req, res) => {
      // The login token is a credential: never cache this answer.
      res.set('Cache-Control', 'no-store');
      res.json(await softphoneSession(ctx, await currentAgent(ctx, req), req.hostname));
    },
  });
}
