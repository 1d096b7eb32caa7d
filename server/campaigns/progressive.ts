/**
 * Progressive mode (flow 3, customer first, one line per ready agent), with SYNC
 * answering-machine detection.
 *
 * A pacer loop runs per running progressive campaign (a scheduler timer every
 * {@link PACE_MS}): each agent of the campaign who is Available, registered and not
 * reserved gets one lead, claimed through `claim.ts` (the same gate, kind `progressive`);
 * the agent is reserved (in memory while the dial is being placed, then by the attempt's
 * `agent_id` while the attempt is live) and the CUSTOMER is called first, with
 * `MachineDetection` and `AsyncAmd=false`. On answer Telnyx fetches
 * `/texml/campaign/answer` with `AnsweredBy` (see `progressive-routes.ts`): a machine gets
 * the voicemail message (campaign has one and the lead has written consent) or a hangup;
 * a human is connected to the reserved agent's softphone if the agent is still Available
 * and registered (`call.offered` is published to the agent first), or hears the
 * safe-harbor message with key-press opt-out (an abandoned call).
 *
 * The reservation ends when the attempt is over (`completed` or `failed`): the customer
 * leg ended without a bridge, or the agent leg ended. Outcomes and retries go through
 * `outcomes.ts` like preview calls.
 *
 * Not yet: async AMD (the `amd.mode` setting is ignored: detection is always sync here).
 *
 * @module
 */
import type { TimerHandle } from '../../lib/scheduler.ts';
import { getAgentView, type AgentView } from '../agents/agent-rows.ts';
import { ensureAgentCredential, sipUriOf } from '../agents/webrtc.ts';
import { createAttempt, markCreateState } from '../calls/repository.ts';
import { reconcileUnknownCreate } from '../calls/reconcile.ts';
import type { AttemptRow } from '../calls/tables.ts';
import type { AppContext } from '../context.ts';
import { isDialerError } from '../errors.ts';
import { attemptToken } from '../texml/url-token.ts';
import { claimNextLead } from './claim.ts';
import { gateRecord } from './gate.ts';
import { IN_FLIGHT_MAX_MS, settleCampaignAttempt } from './outcomes.ts';
import { agentIdsOfCampaign, getCampaign, listCampaigns } from './repository.ts';
import type { CampaignRow } from './tables.ts';

/** How often the pacer looks for ready agents, ms. */
export const PACE_MS = 1000;
/** A create Telnyx refused: the lead waits this long before it is tried again, ms. */
const REJECTED_CREATE_HOLD_MS = 60_000;

/** The URLs of a progressive attempt (the attempt id and its token ride in each). */
export function progressiveUrls(ctx: Pick<AppContext, 'config'>, attemptId: string) {
  const base = ctx.config.http.publicBaseUrl;
  const attempt = encodeURIComponent(attemptId);
  const token = attemptToken(ctx.config.secrets.dialerSecret, attemptId);
  return {
    answer: `${base}/texml/campaign/answer?attempt=${attempt}&t=${token}`,
    optOut: `${base}/texml/campaign/opt-out?attempt=${attempt}&t=${token}`,
    agentAction: `${base}/texml/campaign/agent-action?attempt=${attempt}&t=${token}`,
    status: (leg: 'customer' | 'agent') => `${base}/telnyx/status?attempt=${attempt}&leg=${leg}`,
  };
}

/** Is the agent free to take a progressive call? */
export function agentReady(agent: Pick<AgentView, 'status' | 'registered'> | undefined): boolean {
  return agent !== undefined && agent.registered && agent.status === 'available';
}

export class ProgressivePacer {
  readonly #active = new Set<string>();
  readonly #timers = new Map<string, TimerHandle>();
  readonly #ticks = new Set<Promise<void>>();
  /** Agents a dial is being placed for right now (before their attempt row exists). */
  readonly #reserving = new Set<string>();
  #closed = false;

  constructor(private readonly ctx: AppContext) {}

  /** Start pacing the campaign (no-op if it already runs or the pacer is closed). */
  start(campaignId: string): void {
    if (this.#closed || this.#active.has(campaignId)) return;
    this.#active.add(campaignId);
    this.#schedule(campaignId);
  }

  stop(campaignId: string): void {
    this.#active.delete(campaignId);
    const timer = this.#timers.get(campaignId);
    if (timer !== undefined) this.ctx.scheduler.clearTimeout(timer);
    this.#timers.delete(campaignId);
  }

  /** Server start: pace every running progressive campaign. */
  async resume(): Promise<void> {
    for (const campaign of await listCampaigns(this.ctx.db, { status: 'running' })) {
      if (campaign.mode === 'progressive') this.start(campaign.id);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const id of [...this.#active]) this.stop(id);
    await Promise.allSettled([...this.#ticks]);
  }

  #schedule(campaignId: string): void {
    const timer = this.ctx.scheduler.setTimeout(async () => {
      this.#timers.delete(campaignId);
      if (!this.#active.has(campaignId)) return;
      const tick = this.tick(campaignId).catch((error: unknown) => {
        this.ctx.logger.error({ err: error, campaignId }, 'progressive pacer tick failed');
      });
      this.#ticks.add(tick);
      try {
        await tick;
      } finally {
        this.#ticks.delete(tick);
      }
      if (this.#active.has(campaignId) && !this.#closed) this.#schedule(campaignId);
    }, PACE_MS);
    this.#timers.set(campaignId, timer);
  }

  /** One pass: one call for each ready, unreserved agent of the campaign. */
  async tick(campaignId: string): Promise<void> {
    const { ctx } = this;
    const campaign = await getCampaign(ctx.db, campaignId);
    if (!campaign || campaign.mode !== 'progressive' || campaign.status !== 'running') {
      if (!campaign || campaign.status !== 'paused') this.stop(campaignId);
      return;
    }
    const agentIds = await agentIdsOfCampaign(ctx.db, campaignId);
    if (agentIds.length === 0) return;
    const reserved = await reservedAgents(ctx, agentIds);
    for (const agentId of agentIds) {
      if (this.#closed || reserved.has(agentId) || this.#reserving.has(agentId)) continue;
      const agent = await getAgentView(ctx.db, agentId);
      if (!agentReady(agent)) continue;
      this.#reserving.add(agentId);
      try {
        const more = await dialForAgent(ctx, campaign, agent!);
        if (!more) break;
      } finally {
        this.#reserving.delete(agentId);
      }
    }
  }
}

/** Agents (of `agentIds`) reserved by a live progressive attempt. */
export async function reservedAgents(ctx: Pick<AppContext, 'db' | 'scheduler'>, agentIds: readonly string[]): Promise<Set<string>> {
  if (agentIds.length === 0) return new Set();
  const since = new Date(ctx.scheduler.now() - IN_FLIGHT_MAX_MS);
  const rows = await ctx.db
    .selectFrom('attempts')
    .select('agent_id')
    .where('mode', '=', 'progressive')
    .where('agent_id', 'in', agentIds)
    .where('status', 'not in', ['completed', 'failed'])
    .where('created_at', '>', since)
    .execute();
  return new Set(rows.map((row) => row.agent_id!));
}

/**
 * Claim a lead for the agent and call the customer.
 *
 * @returns false when the campaign has nothing to dial now (no lead, or a refusal that
 *   holds for the whole campaign): the other agents need not be tried this pass.
 */
async function dialForAgent(ctx: AppContext, campaign: CampaignRow, agent: AgentView): Promise<boolean> {
  const at = new Date(ctx.scheduler.now());
  let claimed;
  try {
    claimed = await claimNextLead(ctx, { campaign, agentId: agent.id, kind: 'progressive', now: at });
  } catch (error) {
    if (!isDialerError(error, 'compliance_refused')) throw error;
    ctx.logger.warn({ campaignId: campaign.id, message: error.message }, 'progressive campaign cannot dial');
    return false;
  }
  if (!claimed.claimed) return false;
  const { lead } = claimed;
  const agentSip = sipUriOf(ctx, (await ensureAgentCredential(ctx, agent)).sipUsername);
  const attempt = await createAttempt(ctx.db, {
    kind: 'progressive',
    agentSip,
    agentId: agent.id,
    customerNumber: lead.phone_e164,
    callerId: campaign.caller_id,
    now: at,
    campaign: { campaignId: campaign.id, leadId: lead.id, mode: 'progressive', ringTimeoutS: campaign.ring_timeout_s, gateDecision: gateRecord(claimed.gate) },
  });
  await callCustomerFirst(ctx, campaign, attempt);
  return true;
}

/** The customer-first create; records what became of it like `ringAgentFirst`. */
export async function callCustomerFirst(ctx: AppContext, campaign: CampaignRow, attempt: AttemptRow): Promise<void> {
  const urls = progressiveUrls(ctx, attempt.id);
  try {
    await ctx.telnyx.createCall({
      ApplicationSid: ctx.telnyxAccount.applicationSid,
      To: attempt.customer_number,
      From: attempt.caller_id,
      Url: urls.answer,
      UrlMethod: 'POST',
      StatusCallback: urls.status('customer'),
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'initiated ringing answered completed',
      Timeout: campaign.ring_timeout_s,
      // Sync AMD only in this slice: `AnsweredBy` comes with the answer fetch.
      ...(campaign.amd.enabled ? { MachineDetection: campaign.amd.detection, AsyncAmd: false } : {}),
    });
    await markCreateState(ctx.db, attempt.id, 'accepted', undefined, new Date(ctx.scheduler.now()));
    ctx.logger.info({ attemptId: attempt.id, campaignId: campaign.id, agentId: attempt.agent_id, leadId: attempt.lead_id }, 'progressive call placed');
  } catch (error) {
    const now = new Date(ctx.scheduler.now());
    if (isDialerError(error, 'telnyx_outcome_unknown')) {
      await markCreateState(ctx.db, attempt.id, 'outcome_unknown', { code: error.code, message: error.message }, now);
      ctx.scheduler.setTimeout(() => reconcileUnknownCreate(ctx, attempt.id), ctx.config.dialing.createReconcileAfterMs);
      return;
    }
    const code = isDialerError(error) ? error.code : 'internal';
    await markCreateState(ctx.db, attempt.id, 'rejected', { code, message: error instanceof Error ? error.message : String(error) }, now);
    await settleCampaignAttempt(ctx, attempt.id);
    // Not dialled: give the lead back, and do not hammer Telnyx with it every pass.
    await ctx.db
      .updateTable('leads')
      .set({ claimed_by: null, claimed_at: null, next_attempt_at: new Date(now.getTime() + REJECTED_CREATE_HOLD_MS) })
      .where('id', '=', attempt.lead_id!)
      .execute();
    ctx.logger.warn({ attemptId: attempt.id, code }, 'progressive create refused');
  }
}

const pacers = new WeakMap<AppContext, ProgressivePacer>();

/** The one pacer of this app (per context). */
export function progressivePacerOf(ctx: AppContext): ProgressivePacer {
  let pacer = pacers.get(ctx);
  if (!pacer) {
    pacer = new ProgressivePacer(ctx);
    pacers.set(ctx, pacer);
  }
  return pacer;
}
