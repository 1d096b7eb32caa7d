/**
 * `/api/campaigns`: create, read and change campaigns (supervisors and admins), start,
 * pause and stop them, and read what they did: the pre-start preview, the "why isn't it
 * dialing" panel, the current dial level and why (`/pacing`), the change log, the
 * attempts as CSV and the abandon ledger. Agents may
 * list the running campaigns (to pick one). The agent's own routes are in
 * `agent-routes.ts`.
 *
 * @module
 */
import type { Request } from 'express';
import { z } from 'zod';
import { principalOf } from '../agents/auth.ts';
import { PROFILES } from '../compliance/profiles.ts';
import { ANY_ROLE, apiRoute, STAFF, type ApiRouter } from '../http/api-route.ts';
import { parseBody } from '../http/validate.ts';
import { registerCampaignAgentRoutes } from './agent-routes.ts';
import { changeStatus, refuseUnrunnableMode, type LifecycleAction } from './lifecycle.ts';
import { syncCampaignDialers } from './dialers.ts';
import { pacingView } from './paced-status.ts';
import { abandonRate, preflight, streamAttemptsCsv, whyNotDialing } from './reports.ts';
import { insertCampaign, listCampaigns, listChanges, requireCampaign, saveCampaign, wrapUpSecondsOfAgent } from './repository.ts';
import {
  applyPatch,
  campaignView,
  createCampaignRequest,
  floorProblems,
  patchCampaignRequest,
  settingsForCreate,
  settingsOf,
  throwFieldProblems,
  type CampaignSettings,
  type ProfileFloor,
} from './settings.ts';
import { CAMPAIGN_STATUSES } from './tables.ts';

const listQuery = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional() });

/** What the campaign's profile demands of its settings. */
function floorOf(settings: CampaignSettings): ProfileFloor {
  const profile = PROFILES[settings.profile];
  return { minRingTimeoutS: profile.minRingTimeoutS, allowsVoicemailDrop: profile.prerecorded !== 'forbidden', abandonCeiling: profile.abandonCeiling };
}

const campaignId = (req: Request) => String(req.params.campaignId);
const who = (req: Request) => principalOf(req).user.id;

export function registerCampaignRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const now = () => new Date(ctx.scheduler.now());

  apiRoute(api, {
    method: 'post',
    path: '/campaigns',
    roles: STAFF,
    handler: async (req, res) => {
      const settings = settingsForCreate(parseBody(createCampaignRequest, req.body), { wrapUpS: ctx.config.agents.wrapUpS });
      throwFieldProblems(floorProblems(settings, floorOf(settings), null));
      const campaign = await insertCampaign(ctx.db, settings, who(req), now());
      res.status(201).json({ campaign: campaignView(campaign) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const query = parseBody(listQuery, req.query);
      if (principalOf(req).user.role === 'agent') {
        // Agents pick among the running campaigns; they see no settings.
        const rows = query.status === undefined || query.status === 'running' ? await listCampaigns(ctx.db, { status: 'running' }) : [];
        res.json({ campaigns: rows.map((row) => ({ id: row.id, name: row.name, mode: row.mode, status: row.status })) });
        return;
      }
      const rows = await listCampaigns(ctx.db, query.status === undefined ? {} : { status: query.status });
      res.json({ campaigns: rows.map(campaignView) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId',
    roles: STAFF,
    handler: async (req, res) => {
      res.json({ campaign: campaignView(await requireCampaign(ctx.db, campaignId(req))) });
    },
  });

  apiRoute(api, {
    method: 'patch',
    path: '/campaigns/:campaignId',
    roles: STAFF,
    handler: async (req, res) => {
      const id = campaignId(req);
      // 404 before 422: a missing campaign is the first thing to say.
      await requireCampaign(ctx.db, id);
      const patch = parseBody(patchCampaignRequest, req.body);
      const campaign = await saveCampaign(ctx.db, {
        id,
        action: 'update',
        by: who(req),
        now: now(),
        change: async (current, trx) => {
          const before = settingsOf(current);
          const settings = applyPatch(before, patch);
          const problems = floorProblems(settings, floorOf(settings), { settings: before, status: current.status });
          // A running or paused campaign may only move to another number the account owns.
          if ((current.status === 'running' || current.status === 'paused') && !ctx.config.dialing.callerIds.includes(settings.caller_id)) {
            problems.push({ field: 'callerId', message: "must be one of the account's numbers (DIALER_CALLER_IDS) while the campaign is running or paused" });
          }
          throwFieldProblems(problems);
          if (current.status === 'running' && settings.mode !== before.mode) await refuseUnrunnableMode(ctx, trx, current, settings, now());
          return JSON.stringify(settings) === JSON.stringify(before) ? null : { settings };
        },
      });
      // A running campaign may change mode (if it could start in the new one): the loop of
      // the new mode starts and the old one stops (→ preview, manual: none runs). Calls in
      // flight finish as they were placed; no agent is dialled for twice, since both loops
      // skip agents with any live call (`reservedAgents`). A change of the pacing settings
      // gives a paced campaign a new controller on its next pass.
      syncCampaignDialers(ctx, campaign);
      res.json({ campaign: campaignView(campaign) });
    },
  });

  for (const action of ['start', 'pause', 'stop'] as const satisfies readonly LifecycleAction[]) {
    apiRoute(api, {
      method: 'post',
      path: `/campaigns/:campaignId/${action}`,
      roles: STAFF,
      handler: async (req, res) => {
        res.json({ campaign: campaignView(await changeStatus(ctx, campaignId(req), action, who(req))) });
      },
    });
  }

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/preflight',
    roles: STAFF,
    handler: async (req, res) => {
      res.json(await preflight(ctx, await requireCampaign(ctx.db, campaignId(req))));
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/why-not-dialing',
    roles: STAFF,
    handler: async (req, res) => {
      res.json(await whyNotDialing(ctx, await requireCampaign(ctx.db, campaignId(req))));
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/pacing',
    roles: STAFF,
    handler: async (req, res) => {
      res.json(await pacingView(ctx, await requireCampaign(ctx.db, campaignId(req))));
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/changes',
    roles: STAFF,
    handler: async (req, res) => {
      const campaign = await requireCampaign(ctx.db, campaignId(req));
      const changes = await listChanges(ctx.db, campaign.id);
      res.json({
        changes: changes.map((change) => ({
          id: change.id,
          action: change.action,
          changedBy: change.changed_by,
          changedAt: change.changed_at.toISOString(),
          before: change.before,
          after: change.after,
        })),
      });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/attempts.csv',
    roles: STAFF,
    handler: async (req, res) => {
      await streamAttemptsCsv(ctx, await requireCampaign(ctx.db, campaignId(req)), res);
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/campaigns/:campaignId/abandon-rate',
    roles: STAFF,
    handler: async (req, res) => {
      res.json(await abandonRate(ctx, await requireCampaign(ctx.db, campaignId(req))));
    },
  });

  registerCampaignAgentRoutes(api);
  // An agent in a campaign wraps up for the campaign's `wrap_up_s`, not AGENT_WRAP_UP_S.
  ctx.presence.setWrapUpSource((agentId) => wrapUpSecondsOfAgent(ctx.db, agentId));
}
