/**
 * The agent's side of campaigns: which campaign I work in (one at most), preview leads
 * (next, dial, skip), and dispositions (the agent on the call, or a supervisor or admin).
 *
 * @module
 */
import { z } from 'zod';
import { currentAgent } from '../agents/agents-routes.ts';
import { principalOf } from '../agents/auth.ts';
import { DialerError } from '../errors.ts';
import { ANY_ROLE, apiRoute, type ApiRouter } from '../http/api-route.ts';
import { parseBody } from '../http/validate.ts';
import { getAttemptWithLegs } from '../calls/repository.ts';
import { dispositionRequest, recordDisposition } from './dispositions.ts';
import { leadStateView } from './lead-view.ts';
import { dialLead, previewNext, skipLead } from './preview.ts';
import { campaignOfAgent, joinCampaign, leaveCampaign, requireCampaign } from './repository.ts';
import { agentCampaignView } from './settings.ts';
import type { Db } from './repository.ts';

const joinRequest = z.object({ campaignId: z.string().trim().min(1).max(100) }).strict();
const skipRequest = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

/** Leads the agent holds are given back when they leave or change campaigns. */
async function releaseClaims(db: Db, agentId: string): Promise<void> {
  await db.updateTable('leads').set({ claimed_by: null, claimed_at: null }).where('claimed_by', '=', agentId).execute();
}

export function registerCampaignAgentRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const now = () => new Date(ctx.scheduler.now());

  apiRoute(api, {
    method: 'get',
    path: '/agents/me/campaign',
    roles: ['agent'],
    handler: async (req, res) => {
      const campaign = await campaignOfAgent(ctx.db, principalOf(req).user.id);
      res.json({ campaign: campaign ? agentCampaignView(campaign) : null });
    },
  });

  apiRoute(api, {
    method: 'put',
    path: '/agents/me/campaign',
    roles: ['agent'],
    handler: async (req, res) => {
      const body = parseBody(joinRequest, req.body);
      const agent = await currentAgent(ctx, req);
      const campaign = await requireCampaign(ctx.db, body.campaignId);
      if (campaign.status !== 'running' && campaign.status !== 'paused') {
        throw new DialerError('campaign_not_running', { message: `Campaign "${campaign.name}" is ${campaign.status}; only running or paused campaigns can be joined.` });
      }
      const previous = await campaignOfAgent(ctx.db, agent.id);
      if (previous?.id !== campaign.id) await releaseClaims(ctx.db, agent.id);
      await joinCampaign(ctx.db, agent.id, campaign.id, now());
      ctx.logger.info({ agentId: agent.id, campaignId: campaign.id }, 'agent joined campaign');
      res.json({ campaign: agentCampaignView(campaign) });
    },
  });

  apiRoute(api, {
    method: 'delete',
    path: '/agents/me/campaign',
    roles: ['agent'],
    handler: async (req, res) => {
      const agentId = principalOf(req).user.id;
      await leaveCampaign(ctx.db, agentId);
      await releaseClaims(ctx.db, agentId);
      res.status(204).end();
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/campaigns/:campaignId/preview/next',
    roles: ['agent'],
    handler: async (req, res) => {
      const answer = await previewNext(ctx, String(req.params.campaignId), principalOf(req).user.id);
      if (answer.found) {
        res.json(answer.body);
      } else {
        res.set('Retry-After', String(answer.retryAfterS)).status(204).end();
      }
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/leads/:leadId/dial',
    roles: ['agent'],
    handler: async (req, res) => {
      const attempt = await dialLead(ctx, String(req.params.leadId), await currentAgent(ctx, req));
      // As `POST /api/calls`: 202 while Telnyx has not confirmed the create.
      res.status(attempt.create_state === 'accepted' ? 201 : 202).json({ attempt });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/leads/:leadId/skip',
    roles: ['agent'],
    handler: async (req, res) => {
      const body = parseBody(skipRequest, req.body);
      await skipLead(ctx, String(req.params.leadId), principalOf(req).user.id, body.reason ?? null);
      res.status(204).end();
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/attempts/:attemptId/disposition',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const attemptId = String(req.params.attemptId);
      const { user } = principalOf(req);
      const existing = await ctx.db.selectFrom('attempts').select(['id', 'agent_id']).where('id', '=', attemptId).executeTakeFirst();
      if (!existing) throw new DialerError('not_found', { message: `No call attempt ${attemptId}.` });
      if (user.role === 'agent' && existing.agent_id !== user.id) throw new DialerError('forbidden', { message: 'Only the agent on the call, a supervisor or an admin can record its disposition.' });
      const body = parseBody(dispositionRequest, req.body);
      const recorded = await recordDisposition(ctx, attemptId, body, user.id);
      const attempt = await getAttemptWithLegs(ctx.db, attemptId);
      res.json({ attempt, lead: leadStateView(recorded.lead, now()) });
    },
  });
}
