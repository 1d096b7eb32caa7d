/**
 * What supervisors read about a campaign: the pre-start preview and the "why isn't it
 * dialing" panel (both count what the compliance gate would refuse, lead by lead), the
 * audit export of every attempt as CSV, and the abandon ledger (`abandon-ledger.ts`).
 *
 * @module
 */
import { once } from 'node:events';
import type { Response } from 'express';
import type { AppContext } from '../context.ts';
import { explainLeads, type LeadsExplanation } from '../compliance/evaluate.ts';
import type { DialKind } from '../compliance/gate.ts';
import { csvRow } from '../reports/csv.ts';
import { claimTtlMs } from './claim.ts';
import { loadStartFacts, startRefusals, type StartRefusal } from './lifecycle.ts';
import { IN_FLIGHT_MAX_MS } from './outcomes.ts';
import { pacedDialerView } from './paced-status.ts';
import { progressivePacerView } from './progressive-status.ts';
import { isPacedMode, type CampaignRow } from './tables.ts';

export { abandonRate } from './abandon-ledger.ts';

const DIAL_KIND: Record<CampaignRow['mode'], DialKind> = { manual: 'manual', preview: 'preview', progressive: 'progressive', power: 'power', predictive: 'predictive' };

export async function explainCampaignLeads(ctx: AppContext, campaign: CampaignRow, now: Date): Promise<LeadsExplanation & { summary: string }> {
  const explanation = await explainLeads(ctx.db, {
    campaignId: campaign.id,
    profile: campaign.profile,
    callerId: campaign.caller_id,
    ownedCallerIds: ctx.config.dialing.callerIds,
    maxAttempts: campaign.max_attempts,
    kind: DIAL_KIND[campaign.mode],
    now,
  });
  const reasons = Object.entries(explanation.byReason)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([code, count]) => `${code} ${count}`);
  const summary =
    `${explanation.evaluated} leads to dial: ${explanation.allowed} can be dialled now, ${explanation.blocked} will be skipped` +
    (reasons.length > 0 ? ` (${reasons.join(', ')})` : '') +
    '.';
  return { ...explanation, summary };
}

function campaignHead(campaign: CampaignRow) {
  return { id: campaign.id, name: campaign.name, status: campaign.status, mode: campaign.mode, profile: campaign.profile };
}

/** `GET /api/campaigns/:id/preflight`: could it start, and what would the gate skip. */
export async function preflight(ctx: AppContext, campaign: CampaignRow) {
  const now = new Date(ctx.scheduler.now());
  const reasons: StartRefusal[] = startRefusals(campaign, await loadStartFacts(ctx, ctx.db, campaign, now));
  return { campaign: campaignHead(campaign), startable: reasons.length === 0, reasons, leads: await explainCampaignLeads(ctx, campaign, now) };
}

/**
 * `GET /api/campaigns/:id/why-not-dialing`: the preflight of a running campaign, plus its
 * agents and claims; for a progressive campaign what its pacer sees (`pacer`, see
 * `progressive-status.ts`; null for other modes), for a power or predictive campaign what
 * its paced dialer sees and decided (`paced`, see `paced-status.ts`; null for others).
 */
export async function whyNotDialing(ctx: AppContext, campaign: CampaignRow) {
  const now = new Date(ctx.scheduler.now());
  const refusals = startRefusals(campaign, await loadStartFacts(ctx, ctx.db, campaign, now));
  const agentRows = await ctx.db
    .selectFrom('campaign_agents')
    .innerJoin('agents', 'agents.user_id', 'campaign_agents.agent_id')
    .select(['agents.status', 'agents.registered'])
    .where('campaign_agents.campaign_id', '=', campaign.id)
    .execute();
  const agents = { joined: agentRows.length, available: 0, busy: 0, wrapUp: 0, unavailable: 0, offline: 0, registered: 0 };
  for (const row of agentRows) {
    if (row.registered) agents.registered++;
    if (row.status === 'available') agents.available++;
    else if (row.status === 'busy') agents.busy++;
    else if (row.status === 'wrap_up') agents.wrapUp++;
    else if (row.status === 'unavailable') agents.unavailable++;
    else agents.offline++;
  }
  const claimCutoff = new Date(now.getTime() - claimTtlMs(campaign));
  const claims = await ctx.db
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaign.id)
    .where('claimed_at', '>=', claimCutoff)
    .executeTakeFirstOrThrow();
  const inFlight = await ctx.db
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaign.id)
    .where('outcome', 'is', null)
    .where('status', '<>', 'failed')
    .where('created_at', '>', new Date(now.getTime() - IN_FLIGHT_MAX_MS))
    .executeTakeFirstOrThrow();
  const problems: string[] = [];
  if (campaign.status !== 'running') problems.push(`The campaign is ${campaign.status}, not running.`);
  for (const refusal of refusals) problems.push(refusal.message);
  if (agents.joined === 0) problems.push('No agent works in this campaign.');
  else if (agents.available + agents.wrapUp + agents.busy === 0) problems.push('None of its agents is Available, on a call or in wrap-up.');
  const leads = await explainCampaignLeads(ctx, campaign, now);
  if (leads.evaluated === 0) problems.push('No lead is left to dial (every lead is done, DNC or invalid).');
  else if (leads.allowed === 0) problems.push(`Every lead is blocked right now: ${leads.summary}`);
  // A progressive campaign dials on its own: say what its pacer sees.
  const progressive = campaign.mode === 'progressive' ? await progressivePacerView(ctx, campaign) : null;
  if (progressive) problems.push(...progressive.problems);
  // Power and predictive: what the paced dialer sees and its last decision.
  const paced = isPacedMode(campaign.mode) ? await pacedDialerView(ctx, campaign) : null;
  if (paced) problems.push(...paced.problems);
  return {
    campaign: campaignHead(campaign),
    problems,
    reasons: refusals,
    agents,
    leads,
    claimedLeads: Number(claims.count),
    callsInFlight: Number(inFlight.count),
    pacer: progressive?.pacer ?? null,
    paced: paced?.paced ?? null,
  };
}

export const CSV_COLUMNS = [
  'attempt_id',
  'created_at',
  'answered_at',
  'bridged_at',
  'ended_at',
  'mode',
  'agent_id',
  'lead_id',
  'caller_id',
  'number',
  'status',
  'outcome',
  'dial_call_status',
  'amd_result',
  'amd_at',
  'two_second_rule_met',
  'message_played',
  'abandoned',
  'disposition',
  'disposition_notes',
  'disposition_at',
  'disposition_by',
  'gate_allow',
  'gate_reasons',
  'gate_decision',
] as const;

const PAGE = 500;

/**
 * Stream every attempt of the campaign, oldest first, as CSV (RFC 4180, CRLF), 500 rows
 * per query (keyset on created_at, id), every cell through `escapeCsvCell` so nothing a
 * lead file or a note carried can run as a spreadsheet formula.
 */
export async function streamAttemptsCsv(ctx: AppContext, campaign: CampaignRow, res: Response): Promise<void> {
  res.status(200);
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="campaign-${campaign.id}-attempts.csv"`);
  res.set('Cache-Control', 'no-store');
  const write = async (text: string) => {
    if (!res.write(text)) await once(res, 'drain');
  };
  try {
    await write(csvRow(CSV_COLUMNS));
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      let query = ctx.db
        .selectFrom('attempts as a')
        .selectAll('a')
        .select((eb) => [
          eb.selectFrom('call_legs as l').select('l.ended_at').whereRef('l.attempt_id', '=', 'a.id').where('l.role', '=', 'customer').as('customer_ended_at'),
          eb.selectFrom('call_legs as l').select('l.ended_at').whereRef('l.attempt_id', '=', 'a.id').where('l.role', '=', 'agent').as('agent_ended_at'),
        ])
        .where('a.campaign_id', '=', campaign.id);
      if (after !== null) {
        const { at, id } = after;
        query = query.where((eb) => eb.or([eb('a.created_at', '>', at), eb.and([eb('a.created_at', '=', at), eb('a.id', '>', id)])]));
      }
      const rows = await query.orderBy('a.created_at').orderBy('a.id').limit(PAGE).execute();
      let chunk = '';
      for (const row of rows) {
        const gate = row.gate_decision as { allow?: boolean; reasons?: Array<{ code: string }> } | null;
        chunk += csvRow([
          row.id,
          row.created_at,
          row.answered_at,
          row.bridged_at,
          row.customer_ended_at ?? row.agent_ended_at,
          row.mode,
          row.agent_id,
          row.lead_id,
          row.caller_id,
          row.customer_number,
          row.status,
          row.outcome,
          row.dial_call_status,
          row.amd_result,
          row.amd_at,
          row.two_second_rule_met,
          row.message_played,
          row.abandoned,
          row.disposition,
          row.disposition_notes,
          row.disposition_at,
          row.disposition_by,
          gate?.allow ?? null,
          gate?.reasons?.map((reason) => reason.code).join(' ') ?? null,
          gate === null ? null : JSON.stringify(gate),
        ]);
      }
      if (chunk) await write(chunk);
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { at: last.created_at, id: last.id };
    }
    res.end();
  } catch (error) {
    ctx.logger.error({ err: error, campaignId: campaign.id }, 'attempts export failed');
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
