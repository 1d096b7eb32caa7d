/**
 * What the progressive pacer sees of a campaign, for "why isn't it dialing": whether it
 * runs in this process, which agents it could dial for (Available with a registered
 * softphone), which of those are reserved by a live call, the customer calls in flight,
 * and what its last pass did. Plus the problems that follow, in words.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { IN_FLIGHT_MAX_MS } from './outcomes.ts';
import { PACE_MS } from './campaign-loop.ts';
import { agentReady, progressivePacerOf, reservedAgents, type PacerTick } from './progressive.ts';
import type { CampaignRow } from './tables.ts';

export interface ProgressivePacerView {
  /** The pacer loop runs for this campaign in this server process. */
  running: boolean;
  /** How often it looks, ms. */
  paceMs: number;
  /** Agents of the campaign Available with a registered softphone. */
  agentsReady: number;
  /** Of those, reserved by a live call (a customer ringing for them, a call not over). */
  agentsReserved: number;
  /** Of those, free: the next pass dials one customer for each. */
  agentsFree: number;
  /** Progressive customer calls of the campaign that are not over. */
  callsInFlight: number;
  /** The last pass, if one ran in this process. */
  lastTick: PacerTick | null;
}

export async function progressivePacerView(ctx: AppContext, campaign: Pick<CampaignRow, 'id' | 'status'>): Promise<{ pacer: ProgressivePacerView; problems: string[] }> {
  const pacer = progressivePacerOf(ctx);
  const now = ctx.scheduler.now();
  const agents = await ctx.db
    .selectFrom('campaign_agents')
    .innerJoin('agents', 'agents.user_id', 'campaign_agents.agent_id')
    .select(['agents.user_id as id', 'agents.status', 'agents.registered'])
    .where('campaign_agents.campaign_id', '=', campaign.id)
    .execute();
  const ready = agents.filter((agent) => agentReady(agent)).map((agent) => agent.id);
  const reserved = await reservedAgents(ctx, ready);
  const inFlight = await ctx.db
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaign.id)
    .where('mode', '=', 'progressive')
    .where('status', 'not in', ['completed', 'failed'])
    .where('created_at', '>', new Date(now - IN_FLIGHT_MAX_MS))
    .executeTakeFirstOrThrow();
  const view: ProgressivePacerView = {
    running: pacer.isPacing(campaign.id),
    paceMs: PACE_MS,
    agentsReady: ready.length,
    agentsReserved: reserved.size,
    agentsFree: ready.length - reserved.size,
    callsInFlight: Number(inFlight.count),
    lastTick: pacer.lastTick(campaign.id) ?? null,
  };
  const problems: string[] = [];
  if (campaign.status === 'running' && !view.running) {
    problems.push('The progressive pacer is not running in this server process (it starts with the campaign, on a switch to progressive, and at server start).');
  }
  if (agents.length > 0 && view.agentsReady === 0) problems.push('No agent of the campaign is Available with a registered softphone: the pacer has nobody to call for.');
  else if (view.agentsReady > 0 && view.agentsFree === 0) {
    problems.push(`Every Available agent (${view.agentsReady}) has a call in flight; the pacer dials again when one is free.`);
  }
  const stopped = view.lastTick?.stoppedBecause;
  if (campaign.status === 'running' && stopped) problems.push(`Last pacer pass (${view.lastTick!.at}): ${stopped.message}`);
  return { pacer: view, problems };
}
