/**
 * What a customer-first call (progressive, power, predictive) does once the customer
 * answers, as TeXML documents; the routes are in `progressive-routes.ts`.
 *
 * - The answer fetch records the answer (see `progressive-timing.ts`) and, with sync
 *   AMD, the `AnsweredBy` it carries. A machine (`machine_*`, `fax`: `isMachine`) gets
 *   {@link machineDocument}; anyone else (`human`, `unknown`, no AMD, async AMD whose
 *   result is not in yet) goes to {@link connectPersonOrAbandon}.
 * - {@link connectPersonOrAbandon} is the one decision "connect this person to an agent or
 *   abandon". Which agent is a decision of the mode ({@link chooseAgent}): progressive
 *   takes the agent reserved when the call was placed, if still Available and registered;
 *   power and predictive take the longest-idle free agent of the campaign at this moment
 *   (`paced-routing.ts`). The agent is told first (`call.offered`); with nobody, the
 *   safe-harbor message plays ({@link abandon}).
 * - The agent-leg `<Dial action>`: after a talk, hang up; the agent did not answer,
 *   abandon; the call turned out to be a machine (async AMD), the machine's treatment.
 *
 * @module
 */
import { sql } from 'kysely';
import {
  renderAbandonMessage,
  renderConnectCustomerToAgent,
  renderHangup,
  renderVoicemailMessage,
} from '../../texml-templates/index.ts';
import { getAgentView } from '../agents/agent-rows.ts';
import { getAttempt } from '../calls/repository.ts';
import type { AttemptRow } from '../calls/tables.ts';
import type { AppContext } from '../context.ts';
import type { LeadRow } from './leads/tables.ts';
import { previewLeadView } from './lead-view.ts';
import { isMachine } from './outcomes.ts';
import { assignFreeAgent, type AgentChoice } from './paced-routing.ts';
import { agentReady, progressiveUrls } from './progressive.ts';
import { getCampaign } from './repository.ts';
import { renderScript } from './script.ts';
import { isCustomerFirstMode, isPacedMode, type CampaignRow } from './tables.ts';

/** Seconds to ring the agent's auto-answering softphone (TeXML's minimum). */
export const AGENT_RING_S = 5;

export interface ProgressiveCall {
  attempt: AttemptRow;
  campaign: CampaignRow;
}

/** The attempt and its campaign, if it is a customer-first campaign attempt (progressive, power, predictive). */
export async function loadProgressiveCall(ctx: Pick<AppContext, 'db'>, attemptId: string): Promise<ProgressiveCall | null> {
  const attempt = await getAttempt(ctx.db, attemptId);
  if (!attempt || !isCustomerFirstMode(attempt.mode) || attempt.campaign_id === null || attempt.lead_id === null) return null;
  const campaign = await getCampaign(ctx.db, attempt.campaign_id);
  return campaign ? { attempt, campaign } : null;
}

async function leadOf(ctx: Pick<AppContext, 'db'>, attempt: AttemptRow): Promise<LeadRow> {
  return ctx.db.selectFrom('leads').selectAll().where('id', '=', attempt.lead_id!).executeTakeFirstOrThrow();
}

/** May this lead's machine hear the campaign's voicemail message (a message exists, written consent)? */
export function voicemailAllowed(campaign: Pick<CampaignRow, 'voicemail'>, lead: Pick<LeadRow, 'consent_type'>): boolean {
  const { voicemail } = campaign;
  return (voicemail.audioUrl !== undefined || voicemail.text !== undefined) && lead.consent_type === 'written';
}

/** `/texml/campaign/answer`. */
export async function answerCustomer(ctx: AppContext, attemptId: string, fields: Readonly<Record<string, string>>, at: Date): Promise<string> {
  const loaded = await loadProgressiveCall(ctx, attemptId);
  if (!loaded) {
    ctx.logger.warn({ attemptId }, 'campaign answer for an attempt that is not a customer-first one');
    return renderHangup();
  }
  const answeredBy = fields.AnsweredBy ? fields.AnsweredBy : null;
  // The person is known answered now (sync: detection is over). A result already in (an
  // async callback that overtook this fetch) is kept.
  const attempt = await ctx.db
    .updateTable('attempts')
    .set({
      answered_at: sql<Date>`coalesce(answered_at, ${at})`,
      amd_result: sql<string | null>`coalesce(amd_result, ${answeredBy})`,
      amd_at: sql<Date | null>`case when amd_result is null and ${answeredBy}::text is not null then ${at} else amd_at end`,
      updated_at: at,
    })
    .where('id', '=', loaded.attempt.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const lead = await leadOf(ctx, attempt);
  if (isMachine(attempt.amd_result)) return machineDocument(ctx, { attempt, campaign: loaded.campaign }, lead, at);
  return connectPersonOrAbandon(ctx, { attempt, campaign: loaded.campaign }, lead, at);
}

/**
 * A person answered: connect them to the agent the mode chooses ({@link chooseAgent}), or
 * abandon the call when there is none. The agent sees who it is (`call.offered`) before
 * the customer's leg reaches the softphone.
 */
export async function connectPersonOrAbandon(ctx: AppContext, call: ProgressiveCall, lead: LeadRow, at: Date): Promise<string> {
  const { attempt, campaign } = call;
  const choice = await chooseAgent(ctx, call, at);
  if (choice.agent === null) return abandon(ctx, call, at, choice.why);
  const script = renderScript(campaign.script, { firstName: lead.first_name, lastName: lead.last_name, phone: lead.phone_e164, fields: lead.fields });
  ctx.presence.notify(choice.agent.id, { type: 'call.offered', attemptId: attempt.id, lead: previewLeadView(lead, at), script });
  const urls = progressiveUrls(ctx, attempt.id);
  return renderConnectCustomerToAgent({
    // As the transfer route: the softphone auto-answers calls that carry our attempt id.
    agentSipUri: `${choice.agent.sip}?X-Dialer-Attempt=${encodeURIComponent(attempt.id)}`,
    actionUrl: urls.agentAction,
    statusCallbackUrl: urls.status('agent'),
    ringTimeoutS: AGENT_RING_S,
  });
}

/**
 * Which agent takes the person, by the campaign mode of the attempt:
 * - progressive: the agent reserved when the call was placed (`attempts.agent_id`), if
 *   still Available with a registered softphone;
 * - power, predictive: the longest-idle free agent of the campaign, assigned to the
 *   attempt atomically (`paced-routing.ts`).
 */
export async function chooseAgent(ctx: AppContext, call: ProgressiveCall, at: Date): Promise<AgentChoice> {
  const { attempt } = call;
  if (isPacedMode(attempt.mode)) return assignFreeAgent(ctx, attempt.id, at);
  const agent = attempt.agent_id === null ? undefined : await getAgentView(ctx.db, attempt.agent_id);
  return agentReady(agent) ? { agent: { id: agent!.id, sip: attempt.agent_sip } } : { agent: null, why: 'the reserved agent is not free' };
}

/**
 * A person answered and no agent can take them: the safe-harbor message with its opt-out
 * key, and the call counts as abandoned (`abandoned_at`; the lead's `last_abandon_at`
 * starts the UK 72 h lock).
 */
export async function abandon(ctx: AppContext, call: ProgressiveCall, at: Date, why: string): Promise<string> {
  const { attempt, campaign } = call;
  await ctx.db
    .updateTable('attempts')
    .set({
      abandoned: true,
      abandoned_at: sql<Date>`coalesce(abandoned_at, ${at})`,
      message_played: campaign.safe_harbor ? 'safe_harbor' : null,
      two_second_rule_met: false,
      updated_at: at,
    })
    .where('id', '=', attempt.id)
    .execute();
  await ctx.db.updateTable('leads').set({ last_abandon_at: at }).where('id', '=', attempt.lead_id!).execute();
  ctx.logger.warn({ attemptId: attempt.id, campaignId: campaign.id, mode: attempt.mode, why }, 'customer-first call abandoned');
  if (!campaign.safe_harbor) return renderHangup();
  const urls = progressiveUrls(ctx, attempt.id);
  return renderAbandonMessage({
    companyName: campaign.safe_harbor.companyName,
    callbackNumber: campaign.safe_harbor.callbackNumber,
    optOutDigit: campaign.safe_harbor.optOutDigit,
    gatherActionUrl: urls.optOut,
  });
}

/** A machine: the voicemail message (recorded as played) when allowed, else a hangup. */
export async function machineDocument(ctx: AppContext, call: ProgressiveCall, lead: LeadRow, at: Date): Promise<string> {
  const { attempt, campaign } = call;
  if (!voicemailAllowed(campaign, lead)) return renderHangup();
  await ctx.db.updateTable('attempts').set({ message_played: 'voicemail', updated_at: at }).where('id', '=', attempt.id).execute();
  const { audioUrl, text } = campaign.voicemail;
  return renderVoicemailMessage(audioUrl !== undefined ? { audioUrl } : { text: text! });
}

/** `/texml/campaign/voicemail`: where an async-AMD machine is redirected (`progressive-amd.ts`). */
export async function voicemailForAttempt(ctx: AppContext, attemptId: string, at: Date): Promise<string> {
  const loaded = await loadProgressiveCall(ctx, attemptId);
  if (!loaded || !isMachine(loaded.attempt.amd_result)) return renderHangup();
  return machineDocument(ctx, loaded, await leadOf(ctx, loaded.attempt), at);
}

/** `/texml/campaign/agent-action`: the agent leg's `<Dial>` ended. */
export async function agentLegEnded(ctx: AppContext, attemptId: string, fields: Readonly<Record<string, string>>, at: Date): Promise<string> {
  const loaded = await loadProgressiveCall(ctx, attemptId);
  if (!loaded) return renderHangup();
  // Async AMD said machine and the customer was redirected; whether Telnyx still fetches
  // the interrupted <Dial>'s action, and runs what it gets, is UNCONFIRMED (the sandbox
  // does not fetch it): answer with what the machine gets anyway, never the safe harbor.
  if (isMachine(loaded.attempt.amd_result)) return machineDocument(ctx, loaded, await leadOf(ctx, loaded.attempt), at);
  if (fields.DialCallStatus === 'completed') return renderHangup();
  // The agent never answered: the customer is abandoned, not left in silence.
  return abandon(ctx, loaded, at, `agent leg ${fields.DialCallStatus ?? 'ended'}`);
}
