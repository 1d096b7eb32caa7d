/**
 * Claiming the next lead of a campaign for an agent, in ONE transaction (DESIGN.md
 * "State"): candidate rows are read `FOR UPDATE SKIP LOCKED`, so two agents, or two
 * server processes on one PostgreSQL, never get the same lead; each candidate goes
 * through the compliance gate, and a refusal changes the lead at once (rescheduled to
 * when its window opens, `dnc`, `done`) so it is not looked at again and again; the first
 * allowed candidate is claimed (`claimed_by`, `claimed_at`).
 *
 * Order: the agent's own unexpired claim (a reload gets the same lead back); due
 * callbacks this agent promised; other due callbacks; then never-tried leads before
 * retries (`next_attempt_at` nulls first), oldest retry first, then by id.
 *
 * Not offered: leads with a call in flight, leads claimed by someone else within the
 * claim's time to live, leads this agent skipped recently, and callbacks another agent
 * promised (until they are `AGENT_CALLBACK_GRACE_MS` overdue; then anyone may call).
 *
 * Mode-neutral: preview uses it per agent request; a progressive dialer will claim
 * through the same function for each ready agent.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { describeReason, type DialKind, type GateDecision } from '../compliance/gate.ts';
import { campaignWideReasons, gateLead, refusalEffect, type GateRun } from './gate.ts';
import type { LeadRow } from './leads/tables.ts';
import { callInFlight } from './outcomes.ts';
import type { CampaignRow } from './tables.ts';

/** Base time an agent holds a claimed lead, ms; the campaign's preview timeout is added. */
export const CLAIM_TTL_MS = 120_000;
/** A skipped lead is not offered to the same agent again for this long, ms. */
export const SKIP_HOLD_MS = 15 * 60_000;
/** An agent-owned callback this overdue may be taken by anyone, ms. */
export const AGENT_CALLBACK_GRACE_MS = 15 * 60_000;
/**
 * Candidates locked per round, and rounds per request (one request looks at 25 leads at
 * most). One at a time on purpose: every candidate a transaction locks is invisible to
 * concurrent claimers (`SKIP LOCKED`) until it commits, so with k rows per round, n agents
 * asking at once would need n × k free leads to all get one.
 */
export const CLAIM_BATCH = 1;
export const CLAIM_ROUNDS = 25;

export function claimTtlMs(campaign: Pick<CampaignRow, 'preview_timeout_s'>): number {
  return CLAIM_TTL_MS + (campaign.preview_timeout_s ?? 0) * 1000;
}

export interface ClaimRequest {
  campaign: CampaignRow;
  agentId: string;
  kind: DialKind;
  now: Date;
}

export type ClaimResult =
  | { claimed: true; lead: LeadRow; gate: GateRun; expiresAt: Date }
  /** `retryAfterS`: when a lead may next be available, seconds (5–300). */
  | { claimed: false; retryAfterS: number };

type Trx = Transaction<Tables>;

/** Candidate leads in claim order, locked (`SKIP LOCKED`): see the module comment. */
export async function lockCandidates(trx: Trx, request: ClaimRequest, excluded: readonly string[], limit: number): Promise<LeadRow[]> {
  const { campaign, agentId, now } = request;
  const claimCutoff = new Date(now.getTime() - claimTtlMs(campaign));
  const skipCutoff = new Date(now.getTime() - SKIP_HOLD_MS);
  const graceCutoff = new Date(now.getTime() - AGENT_CALLBACK_GRACE_MS);
  let query = trx
    .selectFrom('leads')
    .selectAll()
    .where('campaign_id', '=', campaign.id)
    .where('status', 'in', ['new', 'callback'])
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', claimCutoff), eb('claimed_by', '=', agentId)]))
    .where((eb) =>
      eb.or([
        eb('status', '<>', 'callback'),
        eb('callback_agent_id', 'is', null),
        eb('callback_agent_id', '=', agentId),
        eb('next_attempt_at', '<', graceCutoff),
      ]),
    )
    .where(sql<boolean>`not ${callInFlight('leads.id', now)}`)
    .where(
      sql<boolean>`not exists (select 1 from lead_skips s where s.lead_id = leads.id and s.agent_id = ${agentId} and s.skipped_at > ${skipCutoff})`,
    );
  if (excluded.length > 0) query = query.where('id', 'not in', excluded);
  return query
    .orderBy(
      sql`case
        when claimed_by = ${agentId} and claimed_at >= ${claimCutoff} then 0
        when status = 'callback' and callback_agent_id = ${agentId} then 1
        when status = 'callback' then 2
        else 3 end`,
    )
    .orderBy(sql`next_attempt_at asc nulls first`)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Claim the next lead for the agent.
 *
 * @throws DialerError `compliance_refused` when a refusal holds for the whole campaign
 *   (stale national registry, caller ID not owned): no lead can be dialled until fixed.
 */
export async function claimNextLead(ctx: Pick<AppContext, 'db' | 'config' | 'logger'>, request: ClaimRequest): Promise<ClaimResult> {
  const { now, agentId } = request;
  return inTransaction(ctx.db, async (trx) => {
    const excluded: string[] = [];
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const candidates = await lockCandidates(trx, request, excluded, CLAIM_BATCH);
      for (const lead of candidates) {
        const gate = await gateLead(ctx, trx, request.campaign, lead, request.kind, now);
        if (gate.decision.allow) {
          const claimed = await trx
            .updateTable('leads')
            .set({ claimed_by: agentId, claimed_at: now })
            .where('id', '=', lead.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          return { claimed: true as const, lead: claimed, gate, expiresAt: new Date(now.getTime() + claimTtlMs(request.campaign)) };
        }
        const wide = campaignWideReasons(gate.decision.reasons);
        if (wide.length > 0) throw campaignRefused(gate.decision, wide);
        await applyRefusal(trx, lead, gate.decision, now);
        excluded.push(lead.id);
      }
      if (candidates.length < CLAIM_BATCH) break;
    }
    return { claimed: false as const, retryAfterS: await retryAfterS(trx, request) };
  });
}

/** Change the lead as the refusal says (see `refusalEffect`); drop a claim of ours on it. */
export async function applyRefusal(trx: Trx, lead: Pick<LeadRow, 'id' | 'next_attempt_at'>, decision: GateDecision, now: Date): Promise<void> {
  if (decision.allow) return;
  const effect = refusalEffect(decision.reasons, now);
  if (effect.kind === 'status') {
    await trx.updateTable('leads').set({ status: effect.status, claimed_by: null, claimed_at: null }).where('id', '=', lead.id).execute();
  } else if (effect.kind === 'reschedule') {
    await trx.updateTable('leads').set({ next_attempt_at: effect.at, claimed_by: null, claimed_at: null }).where('id', '=', lead.id).execute();
  }
}

function campaignRefused(decision: Extract<GateDecision, { allow: false }>, wide: readonly Extract<GateDecision, { allow: false }>['reasons'][number][]): DialerError {
  return new DialerError('compliance_refused', {
    message: `No lead of this campaign can be dialled: ${wide.map(describeReason).join(' ')}`,
    details: { reasons: wide, checks: decision.checks },
  });
}

const MIN_RETRY_AFTER_S = 5;
const MAX_RETRY_AFTER_S = 300;
const DEFAULT_RETRY_AFTER_S = 60;

/** Seconds until a lead may next be offered: the next due retry or the next claim to expire, within 5–300 s. */
async function retryAfterS(trx: Trx, request: ClaimRequest): Promise<number> {
  const { campaign, now } = request;
  const claimCutoff = new Date(now.getTime() - claimTtlMs(campaign));
  const row = await trx
    .selectFrom('leads')
    .select((eb) => [
      eb.fn.min(eb.case().when('next_attempt_at', '>', now).then(eb.ref('next_attempt_at')).end()).as('next_due'),
      eb.fn.min(eb.case().when('claimed_at', '>=', claimCutoff).then(eb.ref('claimed_at')).end()).as('oldest_claim'),
    ])
    .where('campaign_id', '=', campaign.id)
    .where('status', 'in', ['new', 'callback'])
    .executeTakeFirst();
  const moments: number[] = [];
  if (row?.next_due) moments.push(new Date(row.next_due).getTime());
  if (row?.oldest_claim) moments.push(new Date(row.oldest_claim).getTime() + claimTtlMs(campaign));
  if (moments.length === 0) return DEFAULT_RETRY_AFTER_S;
  const seconds = Math.ceil((Math.min(...moments) - now.getTime()) / 1000);
  return Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, seconds));
}
