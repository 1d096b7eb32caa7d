/**
 * Preview mode: the agent asks for the next lead (claimed for them, see `claim.ts`), reads
 * it and the script, then dials it or skips it. Dialling runs the compliance gate again
 * (a DNC request or the window may have changed since the claim) and places flow 1, the
 * agent-first call, through the same function as a manual click-to-call
 * (`ringAgentFirst`), with the attempt tied to its campaign and lead.
 *
 * Double clicks are safe: the lead row is locked while the attempt is written, and a lead
 * with a call in flight cannot be dialled again.
 *
 * @module
 */
import type { AgentView } from '../agents/agent-rows.ts';
import { ensureAgentCredential, sipUriOf } from '../agents/webrtc.ts';
import { ringAgentFirst } from '../calls/click-to-call.ts';
import { createAttempt, type AttemptWithLegs } from '../calls/repository.ts';
import type { AttemptRow } from '../calls/tables.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import { DialerError } from '../errors.ts';
import { describeReason, type GateDecision } from '../compliance/gate.ts';
import { applyRefusal, claimNextLead } from './claim.ts';
import { gateLead, gateRecord } from './gate.ts';
import { previewLeadView } from './lead-view.ts';
import { hasCallInFlight, settleCampaignAttempt } from './outcomes.ts';
import { campaignOfAgent, requireCampaign } from './repository.ts';
import { renderScript } from './script.ts';
import type { CampaignRow } from './tables.ts';

const now = (ctx: AppContext) => new Date(ctx.scheduler.now());

/** The campaign, if the agent works in it and it is a running preview campaign. */
export async function requireWorkingCampaign(ctx: AppContext, campaignId: string, agentId: string): Promise<CampaignRow> {
  const campaign = await requireCampaign(ctx.db, campaignId);
  const mine = await campaignOfAgent(ctx.db, agentId);
  if (mine?.id !== campaign.id) throw new DialerError('agent_not_in_campaign', { message: `You are not working in campaign "${campaign.name}"; join it first.` });
  if (campaign.status !== 'running') throw new DialerError('campaign_not_running', { message: `Campaign "${campaign.name}" is ${campaign.status}.` });
  if (campaign.mode !== 'preview') throw new DialerError('conflict', { message: `Campaign "${campaign.name}" is a ${campaign.mode} campaign, not a preview one.` });
  return campaign;
}

export type PreviewNextAnswer =
  | { found: true; body: { lead: ReturnType<typeof previewLeadView>; script: string; claimExpiresAt: string } }
  | { found: false; retryAfterS: number };

export async function previewNext(ctx: AppContext, campaignId: string, agentId: string): Promise<PreviewNextAnswer> {
  const campaign = await requireWorkingCampaign(ctx, campaignId, agentId);
  const at = now(ctx);
  const result = await claimNextLead(ctx, { campaign, agentId, kind: 'preview', now: at });
  if (!result.claimed) return { found: false, retryAfterS: result.retryAfterS };
  const { lead } = result;
  const script = renderScript(campaign.script, { firstName: lead.first_name, lastName: lead.last_name, phone: lead.phone_e164, fields: lead.fields });
  ctx.logger.info({ campaignId, agentId, leadId: lead.id }, 'preview lead claimed');
  return { found: true, body: { lead: previewLeadView(lead, at), script, claimExpiresAt: result.expiresAt.toISOString() } };
}

/**
 * Dial the lead the agent holds. Writes the attempt (campaign, lead, mode `preview`, the
 * gate's decision) while the lead is locked, then rings the agent's softphone.
 *
 * @throws DialerError `not_found`, `agent_not_in_campaign`, `campaign_not_running`,
 *   `lead_not_claimed`, `conflict` (a call to the lead is in flight), `agent_not_registered`,
 *   `compliance_refused` (the lead is then rescheduled, or marked `dnc`/`done` as the
 *   refusal says, and released), or the create's error from Telnyx.
 */
export async function dialLead(ctx: AppContext, leadId: string, agent: AgentView): Promise<AttemptWithLegs> {
  const lead = await ctx.db.selectFrom('leads').select(['id', 'campaign_id']).where('id', '=', leadId).executeTakeFirst();
  if (!lead) throw new DialerError('not_found', { message: `No lead ${leadId}.` });
  if (lead.campaign_id === null) throw new DialerError('agent_not_in_campaign', { message: 'This lead belongs to no campaign.' });
  const campaign = await requireWorkingCampaign(ctx, lead.campaign_id, agent.id);
  if (!agent.registered) throw new DialerError('agent_not_registered');
  if (agent.status === 'busy') throw new DialerError('conflict', { message: 'You are on a call; dial the next lead after it ends.' });
  const agentSip = sipUriOf(ctx, (await ensureAgentCredential(ctx, agent)).sipUsername);

  const at = now(ctx);
  const written = await inTransaction(ctx.db, async (trx): Promise<{ attempt: AttemptRow } | { refused: Extract<GateDecision, { allow: false }> }> => {
    const row = await trx.selectFrom('leads').selectAll().where('id', '=', leadId).forUpdate().executeTakeFirstOrThrow();
    if (row.claimed_by !== agent.id) throw new DialerError('lead_not_claimed');
    if (row.status !== 'new' && row.status !== 'callback') throw new DialerError('lead_not_claimed', { message: `This lead is ${row.status} now; ask for the next lead.` });
    if (await hasCallInFlight(trx, row.id, at)) throw new DialerError('conflict', { message: 'A call to this lead is already in progress.' });
    const gate = await gateLead(ctx, trx, campaign, row, 'preview', at);
    if (!gate.decision.allow) {
      await applyRefusal(trx, row, gate.decision, at);
      return { refused: gate.decision };
    }
    const attempt = await createAttempt(trx, {
      kind: 'click_to_call',
      agentSip,
      agentId: agent.id,
      customerNumber: row.phone_e164,
      callerId: campaign.caller_id,
      now: at,
      campaign: { campaignId: campaign.id, leadId: row.id, mode: 'preview', ringTimeoutS: campaign.ring_timeout_s, gateDecision: gateRecord(gate) },
    });
    await trx.updateTable('leads').set({ claimed_at: at }).where('id', '=', row.id).execute();
    return { attempt };
  });
  if ('refused' in written) {
    ctx.logger.info({ leadId, agentId: agent.id, reasons: written.refused.reasons }, 'preview dial refused by the compliance gate');
    throw new DialerError('compliance_refused', {
      message: `The call was not placed: ${written.refused.reasons.map(describeReason).join(' ')}`,
      details: { reasons: written.refused.reasons, checks: written.refused.checks },
    });
  }
  try {
    return await ringAgentFirst(ctx, written.attempt);
  } catch (error) {
    // Telnyx refused the create: the customer was never dialled; the lead stays claimed.
    await settleCampaignAttempt(ctx, written.attempt.id);
    throw error;
  }
}

/** Give the lead back (its `next_attempt_at` unchanged); the same agent is not offered it again for a while. */
export async function skipLead(ctx: AppContext, leadId: string, agentId: string, reason: string | null): Promise<void> {
  const at = now(ctx);
  await inTransaction(ctx.db, async (trx) => {
    const row = await trx.selectFrom('leads').select(['id', 'campaign_id', 'claimed_by']).where('id', '=', leadId).forUpdate().executeTakeFirst();
    if (!row) throw new DialerError('not_found', { message: `No lead ${leadId}.` });
    if (row.claimed_by !== agentId || row.campaign_id === null) throw new DialerError('lead_not_claimed');
    if (await hasCallInFlight(trx, row.id, at)) throw new DialerError('conflict', { message: 'This lead has a call in progress; it cannot be skipped.' });
    await trx.updateTable('leads').set({ claimed_by: null, claimed_at: null }).where('id', '=', row.id).execute();
    await trx.insertInto('lead_skips').values({ lead_id: row.id, campaign_id: row.campaign_id, agent_id: agentId, reason, skipped_at: at }).execute();
  });
  ctx.logger.info({ leadId, agentId, reason }, 'preview lead skipped');
}
