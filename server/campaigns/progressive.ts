/**
 * Progressive mode (flow 3, customer first, one line per ready agent): the pacer.
 *
 * A pacer loop runs per running progressive campaign (a scheduler timer every
 * `PACE_MS`, `campaign-loop.ts`): each agent of the campaign who is Available, registered and not
 * reserved gets one lead, claimed through `claim.ts` (the same gate, kind `progressive`),
 * and the CUSTOMER is called first. An agent is reserved while a dial is being placed for
 * them (in memory) and while any call of theirs is live (an attempt that is not over with
 * one of its legs on their softphone, whatever its mode: a preview call placed just
 * before the campaign switched to progressive, a manual call, a transfer ringing them).
 *
 * AMD per campaign (`amd.mode`): `sync` creates with `AsyncAmd=false`, so the answer fetch
 * waits for detection and carries `AnsweredBy`; `async` (the default) creates with
 * `AsyncAmd=true` and `AsyncAmdStatusCallback` = our status route with `kind=amd`, so the
 * answer fetch comes at once and the result arrives on its own (`progressive-amd.ts`).
 * What the answer does is in `progressive-answer.ts`.
 *
 * The reservation ends when the attempt is over (`completed` or `failed`). Outcomes and
 * retries go through `outcomes.ts` like preview calls.
 *
 * @module
 */
import { TERMINAL_CALL_STATUSES, type CreateCallParams } from '../../lib/telnyx-wire.ts';
import { getAgentViews, type AgentView } from '../agents/agent-rows.ts';
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
import { CampaignLoop } from './campaign-loop.ts';
import { agentIdsOfCampaign } from './repository.ts';
import type { AmdSettings, CampaignRow } from './tables.ts';

/** A create Telnyx refused: the lead waits this long before it is tried again, ms. */
export const REJECTED_CREATE_HOLD_MS = 60_000;

/** The URLs of a progressive attempt (the attempt id, and for TeXML its token, ride in each). */
export function progressiveUrls(ctx: Pick<AppContext, 'config'>, attemptId: string) {
  const base = ctx.config.http.publicBaseUrl;
  const attempt = encodeURIComponent(attemptId);
  const token = attemptToken(ctx.config.secrets.dialerSecret, attemptId);
  return {
    answer: `${base}/texml/campaign/answer?attempt=${attempt}&t=${token}`,
    optOut: `${base}/texml/campaign/opt-out?attempt=${attempt}&t=${token}`,
    agentAction: `${base}/texml/campaign/agent-action?attempt=${attempt}&t=${token}`,
    /** Where an async-AMD machine is redirected when it may hear the voicemail message. */
    voicemail: `${base}/texml/campaign/voicemail?attempt=${attempt}&t=${token}`,
    status: (leg: 'customer' | 'agent') => `${base}/telnyx/status?attempt=${attempt}&leg=${leg}`,
    /** `AsyncAmdStatusCallback`: the status route, told by `kind=amd` that this is an AMD result. */
    amd: `${base}/telnyx/status?attempt=${attempt}&leg=customer&kind=amd`,
  };
}

/** The AMD fields of the customer-first create, by the campaign's `amd` setting. */
export function amdCreateParams(amd: AmdSettings, amdCallbackUrl: string): Partial<CreateCallParams> {
  if (!amd.enabled) return {};
  if (amd.mode === 'sync') return { MachineDetection: amd.detection, AsyncAmd: false };
  // The method is spelled as the spec spells it; the docs' samples say
  // `AsyncAMDStatusCallbackMethod` (texml-api.md §1.1). POST is the default either way,
  // so a spelling Telnyx ignored would change nothing.
  return { MachineDetection: amd.detection, AsyncAmd: true, AsyncAmdStatusCallback: amdCallbackUrl, AsyncAmdStatusCallbackMethod: 'POST' };
}

/** Is the agent free to take a progressive call? */
export function agentReady(agent: Pick<AgentView, 'status' | 'registered'> | undefined): boolean {
  return agent !== undefined && agent.registered && agent.status === 'available';
}

/** What one pacer pass saw and did (kept for "why isn't it dialing"). */
export interface PacerTick {
  /** ISO 8601. */
  at: string;
  /** Agents in the campaign. */
  agents: number;
  /** Of those, Available with a registered softphone. */
  ready: number;
  /** Of those, reserved by a live call or a dial being placed. */
  reserved: number;
  /** Customer calls placed in this pass. */
  placed: number;
  /** Why the pass stopped before every free agent had a call; null when it did not. */
  stoppedBecause: { code: 'no_lead' | 'compliance_refused'; message: string } | null;
}

export class ProgressivePacer extends CampaignLoop<'progressive'> {
  readonly #lastTicks = new Map<string, PacerTick>();
  /** Agents a dial is being placed for right now (before their attempt row exists). */
  readonly #reserving = new Set<string>();

  constructor(ctx: AppContext) {
    super(ctx, { name: 'progressive pacer', runsIn: (mode): mode is 'progressive' => mode === 'progressive' });
  }

  /** The last pass over the campaign, if one ran in this process. */
  lastTick(campaignId: string): PacerTick | undefined {
    return this.#lastTicks.get(campaignId);
  }

  /** One pass: one call for each ready, unreserved agent of the campaign. */
  override async tick(campaignId: string): Promise<void> {
    const { ctx } = this;
    const campaign = await this.campaignToDial(campaignId);
    if (!campaign) return;
    const agentIds = await agentIdsOfCampaign(ctx.db, campaignId);
    const [reserved, views] = await Promise.all([reservedAgents(ctx, agentIds), getAgentViews(ctx.db, agentIds)]);
    const report: PacerTick = { at: new Date(ctx.scheduler.now()).toISOString(), agents: agentIds.length, ready: 0, reserved: 0, placed: 0, stoppedBecause: null };
    const ready: AgentView[] = [];
    for (const agentId of agentIds) {
      const agent = views.get(agentId);
      if (!agentReady(agent)) continue;
      report.ready++;
      if (reserved.has(agentId) || this.#reserving.has(agentId)) report.reserved++;
      else ready.push(agent!);
    }
    for (const agent of ready) {
      if (this.closed || this.#reserving.has(agent.id)) continue;
      this.#reserving.add(agent.id);
      try {
        const result = await dialForAgent(ctx, campaign, agent);
        if (result.placed) report.placed++;
        if (result.stop) {
          report.stoppedBecause = result.stop;
          break;
        }
      } finally {
        this.#reserving.delete(agent.id);
      }
    }
    this.#lastTicks.set(campaignId, report);
  }
}

/**
 * Agents (of `agentIds`) with a live call: an attempt that is not over (bounded to the
 * last `IN_FLIGHT_MAX_MS`) one of whose legs rings or holds their softphone and has not
 * ended. Any mode counts, so no agent ever gets a progressive customer on top of another
 * call that has not reached them yet.
 */
export async function reservedAgents(ctx: Pick<AppContext, 'db' | 'scheduler'>, agentIds: readonly string[]): Promise<Set<string>> {
  if (agentIds.length === 0) return new Set();
  const since = new Date(ctx.scheduler.now() - IN_FLIGHT_MAX_MS);
  const rows = await ctx.db
    .selectFrom('call_legs as l')
    .innerJoin('attempts as a', 'a.id', 'l.attempt_id')
    .select('l.agent_id')
    .distinct()
    .where('l.agent_id', 'in', agentIds)
    .where('l.status', 'not in', TERMINAL_CALL_STATUSES)
    .where('a.status', 'not in', ['completed', 'failed'])
    .where('a.created_at', '>', since)
    .execute();
  return new Set(rows.map((row) => row.agent_id!));
}

interface DialResult {
  placed: boolean;
  /** Set when the campaign has nothing to dial now: the other agents need not be tried this pass. */
  stop?: NonNullable<PacerTick['stoppedBecause']>;
}

/** Claim a lead for the agent and call the customer. */
async function dialForAgent(ctx: AppContext, campaign: CampaignRow, agent: AgentView): Promise<DialResult> {
  const at = new Date(ctx.scheduler.now());
  let claimed;
  try {
    claimed = await claimNextLead(ctx, { campaign, agentId: agent.id, kind: 'progressive', now: at });
  } catch (error) {
    if (!isDialerError(error, 'compliance_refused')) throw error;
    ctx.logger.warn({ campaignId: campaign.id, message: error.message }, 'progressive campaign cannot dial');
    return { placed: false, stop: { code: 'compliance_refused', message: error.message } };
  }
  if (!claimed.claimed) {
    return { placed: false, stop: { code: 'no_lead', message: `No lead can be dialled now; the next may be due in ${claimed.retryAfterS} s.` } };
  }
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
  return { placed: await callCustomerFirst(ctx, campaign, attempt) };
}

/**
 * The customer-first create; records what became of it like `ringAgentFirst`.
 *
 * @returns false when Telnyx refused it (the lead is given back with a
 *   {@link REJECTED_CREATE_HOLD_MS} hold), true when it was or may have been placed.
 */
export async function callCustomerFirst(ctx: AppContext, campaign: CampaignRow, attempt: AttemptRow): Promise<boolean> {
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
      ...amdCreateParams(campaign.amd, urls.amd),
    });
    await markCreateState(ctx.db, attempt.id, 'accepted', undefined, new Date(ctx.scheduler.now()));
    ctx.logger.info({ attemptId: attempt.id, campaignId: campaign.id, agentId: attempt.agent_id, leadId: attempt.lead_id }, 'progressive call placed');
    return true;
  } catch (error) {
    const now = new Date(ctx.scheduler.now());
    if (isDialerError(error, 'telnyx_outcome_unknown')) {
      await markCreateState(ctx.db, attempt.id, 'outcome_unknown', { code: error.code, message: error.message }, now);
      ctx.scheduler.setTimeout(() => reconcileUnknownCreate(ctx, attempt.id), ctx.config.dialing.createReconcileAfterMs);
      return true;
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
    return false;
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
