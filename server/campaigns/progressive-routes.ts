/**
 * The documents Telnyx fetches for a progressive (customer-first) call:
 *
 * - `/texml/campaign/answer`: the customer answered; `AnsweredBy` (sync AMD) decides:
 *   a machine gets the voicemail message (the campaign has one and the lead gave written
 *   consent) or a hangup; a person is connected to the reserved agent's softphone when
 *   the agent is still Available and registered (`call.offered` is sent to the agent
 *   before the answer goes back), else hears the safe-harbor message with key-press
 *   opt-out, and the call counts as abandoned.
 * - `/texml/campaign/agent-action`: the `<Dial action>` of the agent leg: over after a
 *   talk, or the agent did not answer (abandoned: the safe-harbor message plays).
 * - `/texml/campaign/opt-out`: the `<Gather action>` of the safe-harbor message: the
 *   opt-out key puts the number on the internal DNC list at once.
 *
 * Like every `/texml/*` route they always answer TeXML.
 *
 * @module
 */
import { Router, type Response } from 'express';
import {
  renderAbandonMessage,
  renderConnectCustomerToAgent,
  renderHangup,
  renderVoicemailMessage,
  response,
  serialize,
} from '../../texml-templates/index.ts';
import { getAgentView } from '../agents/agent-rows.ts';
import type { IngestResult } from '../calls/ingest-batch.ts';
import { getAttempt } from '../calls/repository.ts';
import type { AttemptRow } from '../calls/tables.ts';
import { addToDnc } from '../compliance/dnc.ts';
import type { AppContext } from '../context.ts';
import { texmlAuth } from '../texml/texml-auth.ts';
import { previewLeadView } from './lead-view.ts';
import { agentReady, progressiveUrls } from './progressive.ts';
import { getCampaign } from './repository.ts';
import { renderScript } from './script.ts';
import type { CampaignRow } from './tables.ts';

/** Seconds to ring the agent's auto-answering softphone (TeXML's minimum). */
const AGENT_RING_S = 5;
/** The two-second rule: a person must be connected this soon after answering, ms. */
export const TWO_SECOND_RULE_MS = 2000;

export function progressiveRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = texmlAuth(ctx);

  router.all('/texml/campaign/answer', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    try {
      sendTexml(res, await answerCustomer(ctx, attemptId, res.locals.texmlFields as Record<string, string>));
    } catch (error) {
      ctx.logger.error({ err: error, attemptId }, 'progressive answer failed');
      sendTexml(res, renderHangup());
    }
  });

  router.all('/texml/campaign/agent-action', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const fields = res.locals.texmlFields as Record<string, string>;
    try {
      const loaded = await load(ctx, attemptId);
      if (!loaded || fields.DialCallStatus === 'completed') {
        sendTexml(res, renderHangup());
        return;
      }
      // The agent never answered: the customer is abandoned, not left in silence.
      sendTexml(res, await abandon(ctx, loaded.attempt, loaded.campaign));
    } catch (error) {
      ctx.logger.error({ err: error, attemptId }, 'progressive agent action failed');
      sendTexml(res, renderHangup());
    }
  });

  router.all('/texml/campaign/opt-out', ...auth, async (req, res) => {
    const attemptId = String(req.query.attempt);
    const fields = res.locals.texmlFields as Record<string, string>;
    try {
      const loaded = await load(ctx, attemptId);
      const digit = loaded?.campaign.safe_harbor?.optOutDigit;
      if (!loaded || digit === undefined || fields.Digits !== digit) {
        sendTexml(res, renderHangup());
        return;
      }
      const now = new Date(ctx.scheduler.now());
      await addToDnc(ctx.db, { phone: loaded.attempt.customer_number, scope: 'internal', source: 'opt_out', reason: `opt-out key on attempt ${attemptId}`, by: null, now });
      await ctx.db.updateTable('leads').set({ status: 'dnc', claimed_by: null, claimed_at: null }).where('id', '=', loaded.attempt.lead_id!).execute();
      ctx.logger.info({ attemptId, leadId: loaded.attempt.lead_id }, 'opt-out: number added to the internal DNC list');
      sendTexml(res, serialize(response().say({}, 'You have been removed from our calling list. Goodbye.').hangup().toDocument()));
    } catch (error) {
      ctx.logger.error({ err: error, attemptId }, 'opt-out not recorded');
      sendTexml(res, renderHangup());
    }
  });

  return router;
}

async function load(ctx: AppContext, attemptId: string): Promise<{ attempt: AttemptRow; campaign: CampaignRow } | null> {
  const attempt = await getAttempt(ctx.db, attemptId);
  if (!attempt || attempt.mode !== 'progressive' || attempt.campaign_id === null || attempt.lead_id === null) return null;
  const campaign = await getCampaign(ctx.db, attempt.campaign_id);
  return campaign ? { attempt, campaign } : null;
}

/** `AnsweredBy` values that mean no person is on the line. */
export function isMachine(answeredBy: string | null | undefined): boolean {
  return answeredBy != null && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}

async function answerCustomer(ctx: AppContext, attemptId: string, fields: Record<string, string>): Promise<string> {
  const loaded = await load(ctx, attemptId);
  if (!loaded) {
    ctx.logger.warn({ attemptId }, 'campaign answer for an attempt that is not a progressive one');
    return renderHangup();
  }
  const { attempt, campaign } = loaded;
  const at = new Date(ctx.scheduler.now());
  const answeredBy = fields.AnsweredBy ? fields.AnsweredBy : null;
  await ctx.db
    .updateTable('attempts')
    .set({ answered_at: attempt.answered_at ?? at, amd_result: answeredBy, amd_at: answeredBy === null ? null : at, updated_at: at })
    .where('id', '=', attempt.id)
    .execute();
  const lead = await ctx.db.selectFrom('leads').selectAll().where('id', '=', attempt.lead_id!).executeTakeFirstOrThrow();

  if (isMachine(answeredBy)) {
    const voicemail = campaign.voicemail;
    const hasMessage = voicemail.audioUrl !== undefined || voicemail.text !== undefined;
    if (hasMessage && lead.consent_type === 'written') {
      await ctx.db.updateTable('attempts').set({ message_played: 'voicemail' }).where('id', '=', attempt.id).execute();
      return renderVoicemailMessage(voicemail.audioUrl !== undefined ? { audioUrl: voicemail.audioUrl } : { text: voicemail.text! });
    }
    return renderHangup();
  }

  const agent = attempt.agent_id === null ? undefined : await getAgentView(ctx.db, attempt.agent_id);
  if (!agentReady(agent)) return abandon(ctx, attempt, campaign);

  // The agent sees who it is before the customer's leg reaches the softphone.
  const script = renderScript(campaign.script, { firstName: lead.first_name, lastName: lead.last_name, phone: lead.phone_e164, fields: lead.fields });
  ctx.presence.notify(agent!.id, { type: 'call.offered', attemptId: attempt.id, lead: previewLeadView(lead, at), script });
  const urls = progressiveUrls(ctx, attempt.id);
  return renderConnectCustomerToAgent({
    // As the transfer route: the softphone auto-answers calls that carry our attempt id.
    agentSipUri: `${attempt.agent_sip}?X-Dialer-Attempt=${encodeURIComponent(attempt.id)}`,
    actionUrl: urls.agentAction,
    statusCallbackUrl: urls.status('agent'),
    ringTimeoutS: AGENT_RING_S,
  });
}

/** A person answered and no agent can take them: the safe-harbor message, and the call is abandoned. */
async function abandon(ctx: AppContext, attempt: AttemptRow, campaign: CampaignRow): Promise<string> {
  const at = new Date(ctx.scheduler.now());
  await ctx.db
    .updateTable('attempts')
    .set({ abandoned: true, message_played: campaign.safe_harbor ? 'safe_harbor' : null, two_second_rule_met: false, updated_at: at })
    .where('id', '=', attempt.id)
    .execute();
  await ctx.db.updateTable('leads').set({ last_abandon_at: at }).where('id', '=', attempt.lead_id!).execute();
  ctx.logger.warn({ attemptId: attempt.id, campaignId: campaign.id }, 'progressive call abandoned: no agent free');
  if (!campaign.safe_harbor) return renderHangup();
  const urls = progressiveUrls(ctx, attempt.id);
  return renderAbandonMessage({
    companyName: campaign.safe_harbor.companyName,
    callbackNumber: campaign.safe_harbor.callbackNumber,
    optOutDigit: campaign.safe_harbor.optOutDigit,
    gatherActionUrl: urls.optOut,
  });
}

/**
 * After a callback was stored: the agent leg of a progressive call answered, so the
 * customer is connected now (`bridged_at`, and whether that was within 2 s of the answer).
 * Never throws.
 */
export async function noteProgressiveBridge(ctx: AppContext, result: Pick<IngestResult, 'verdict' | 'leg' | 'attempt'>): Promise<void> {
  const { verdict, leg, attempt } = result;
  if (verdict !== 'applied' || !leg || !attempt || leg.role !== 'agent' || leg.status !== 'in-progress' || attempt.mode !== 'progressive') return;
  try {
    const bridgedAt = leg.answered_at ?? new Date(ctx.scheduler.now());
    const row = await getAttempt(ctx.db, attempt.id);
    if (!row || row.bridged_at !== null) return;
    const answeredAt = row.answered_at;
    await ctx.db
      .updateTable('attempts')
      .set({ bridged_at: bridgedAt, two_second_rule_met: answeredAt === null ? null : bridgedAt.getTime() - answeredAt.getTime() <= TWO_SECOND_RULE_MS })
      .where('id', '=', attempt.id)
      .where('bridged_at', 'is', null)
      .execute();
  } catch (error) {
    ctx.logger.error({ err: error, attemptId: attempt.id }, 'progressive bridge time not recorded');
  }
}

function sendTexml(res: Response, xml: string): void {
  res.status(200).type('application/xml').send(xml);
}
