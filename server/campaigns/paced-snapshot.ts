/**
 * What a paced campaign's controller sees at one tick (`PacingSnapshot`, pacing.md §3.1),
 * built from the database: pure rules from rows to the snapshot ({@link agentSnapshotOf},
 * {@link callSnapshotOf}, {@link buildSnapshot}), and {@link loadSnapshot}, which reads the
 * rows.
 *
 * - Agents of the campaign who are logged in: `free` = Available with a registered
 *   softphone and no live call (not being offered one); `busy` = on a call, or Available
 *   with a call ringing their softphone (about to be busy); `wrap` = in wrap-up; `paused` =
 *   Unavailable (or Available with the softphone lost). Offline agents are not counted.
 * - Calls in flight: the campaign's customer-first attempts that are not over and not
 *   connected to an agent: `ringing` (not picked up), `answered` (picked up, the sync AMD
 *   verdict not in yet), `waiting` (a person known, no agent yet). A machine, an abandoned
 *   call, a bridged call and a paced call whose person was given an agent are not in
 *   flight. A progressive attempt (from before a switch of mode) stays in flight until
 *   bridged, although its agent is also counted busy: the cautious double count.
 * - The abandon ledger (`abandon-ledger.ts`), 24 h and 30 days.
 * - `dialsAllowedNow`: the account's dials per second (`TELNYX_DIALS_PER_SECOND`). The
 *   dial limiter lives inside the Telnyx client and cannot say what is left of its budget;
 *   one tick lasts a second, so a tick never asks for more than a second's worth, and the
 *   limiter still spaces the creates.
 * - `leadsAvailable`: leads that are due and not held, counted up to the line cap. The
 *   gate is not run here (that costs a query per lead): an upper bound, and the launch
 *   stops at the first lead the claim cannot find.
 *
 * @module
 */
import { sql } from 'kysely';
import type { AgentStatus } from '../agents/tables.ts';
import type { AttemptRow } from '../calls/tables.ts';
import type { AppContext } from '../context.ts';
import type { AbandonLedger, AgentSnapshot, CallSnapshot, PacingSnapshot } from '../pacing/index.ts';
import { abandonRate } from './abandon-ledger.ts';
import { claimTtlMs } from './claim.ts';
import { callInFlight, IN_FLIGHT_MAX_MS, isMachine } from './outcomes.ts';
import { reservedAgents } from './progressive.ts';
import { isPacedMode, type CampaignRow } from './tables.ts';

/** An agent of the campaign as the snapshot needs it. */
export interface CampaignAgentState {
  id: string;
  status: AgentStatus;
  statusSince: Date;
  registered: boolean;
  /** A call of theirs is live (ringing their softphone, or up): `reservedAgents`. */
  reserved: boolean;
}

/** The agent's phase, or null when not logged in (Offline). */
export function agentSnapshotOf(agent: CampaignAgentState, nowMs: number): AgentSnapshot | null {
  const sinceMs = agent.statusSince.getTime();
  switch (agent.status) {
    case 'offline':
      return null;
    case 'available':
      if (!agent.registered) return { id: agent.id, phase: 'paused', phaseSinceMs: sinceMs };
      // Being offered a call: busy from now on (the agent leg rings for a few seconds).
      if (agent.reserved) return { id: agent.id, phase: 'busy', phaseSinceMs: nowMs, handleStartedMs: nowMs };
      return { id: agent.id, phase: 'free', phaseSinceMs: sinceMs };
    case 'busy':
      // Busy starts when the agent's leg is answered: the connect.
      return { id: agent.id, phase: 'busy', phaseSinceMs: sinceMs, handleStartedMs: sinceMs };
    case 'wrap_up':
      return { id: agent.id, phase: 'wrap', phaseSinceMs: sinceMs };
    case 'unavailable':
      return { id: agent.id, phase: 'paused', phaseSinceMs: sinceMs };
  }
}

/** An attempt as the in-flight rule needs it (the attempt and its customer leg's pick-up). */
export type InFlightAttempt = Pick<
  AttemptRow,
  'id' | 'mode' | 'status' | 'outcome' | 'created_at' | 'answered_at' | 'amd_result' | 'bridged_at' | 'abandoned' | 'agent_id'
> & { customer_answered_at: Date | null };

/** The call's phase, or null when it is not in flight (see the module comment). */
export function callSnapshotOf(row: InFlightAttempt, nowMs: number): CallSnapshot | null {
  const over = row.status === 'completed' || row.status === 'failed' || row.outcome !== null;
  if (over || row.bridged_at !== null || row.abandoned || isMachine(row.amd_result)) return null;
  if (row.created_at.getTime() <= nowMs - IN_FLIGHT_MAX_MS) return null;
  if (isPacedMode(row.mode) && row.agent_id !== null) return null;
  const launchedAtMs = row.created_at.getTime();
  if (row.answered_at) return { id: row.id, phase: 'waiting', launchedAtMs, phaseSinceMs: row.answered_at.getTime() };
  if (row.customer_answered_at) return { id: row.id, phase: 'answered', launchedAtMs, phaseSinceMs: row.customer_answered_at.getTime() };
  return { id: row.id, phase: 'ringing', launchedAtMs, phaseSinceMs: launchedAtMs };
}

/** The ledger in the controller's terms, from the campaign's abandon-rate report. */
export function ledgerOf(report: { rolling24h: { abandoned: number; liveAnswered: number }; rolling30d: { abandoned: number; liveAnswered: number } }): AbandonLedger {
  return {
    humans24h: report.rolling24h.liveAnswered,
    abandons24h: report.rolling24h.abandoned,
    humans30d: report.rolling30d.liveAnswered,
    abandons30d: report.rolling30d.abandoned,
  };
}

export interface SnapshotRows {
  nowMs: number;
  agents: readonly CampaignAgentState[];
  attempts: readonly InFlightAttempt[];
  ledger: AbandonLedger;
  dialsAllowedNow: number;
  leadsAvailable: number;
}

/** Rows → snapshot. Agents and calls keep the rows' order. */
export function buildSnapshot(rows: SnapshotRows): PacingSnapshot {
  const agents: AgentSnapshot[] = [];
  for (const agent of rows.agents) {
    const snapshot = agentSnapshotOf(agent, rows.nowMs);
    if (snapshot) agents.push(snapshot);
  }
  const calls: CallSnapshot[] = [];
  for (const attempt of rows.attempts) {
    const snapshot = callSnapshotOf(attempt, rows.nowMs);
    if (snapshot) calls.push(snapshot);
  }
  return { nowMs: rows.nowMs, agents, calls, ledger: rows.ledger, dialsAllowedNow: rows.dialsAllowedNow, leadsAvailable: rows.leadsAvailable };
}

/** The campaign's agents with their status and whether a call of theirs is live. */
export async function loadCampaignAgents(ctx: Pick<AppContext, 'db' | 'scheduler'>, campaignId: string): Promise<CampaignAgentState[]> {
  const rows = await ctx.db
    .selectFrom('campaign_agents as m')
    .innerJoin('agents as g', 'g.user_id', 'm.agent_id')
    .select(['g.user_id as id', 'g.status', 'g.status_since as statusSince', 'g.registered'])
    .where('m.campaign_id', '=', campaignId)
    .orderBy('g.status_since')
    .orderBy('g.user_id')
    .execute();
  const reserved = await reservedAgents(ctx, rows.map((row) => row.id));
  return rows.map((row) => ({ ...row, reserved: reserved.has(row.id) }));
}

/** The campaign's customer-first attempts that may be in flight (not over, placed in the last `IN_FLIGHT_MAX_MS`). */
export async function loadLiveAttempts(ctx: Pick<AppContext, 'db'>, campaignId: string, nowMs: number): Promise<InFlightAttempt[]> {
  return ctx.db
    .selectFrom('attempts as a')
    .leftJoin('call_legs as c', (join) => join.onRef('c.attempt_id', '=', 'a.id').on('c.role', '=', 'customer'))
    .select(['a.id', 'a.mode', 'a.status', 'a.outcome', 'a.created_at', 'a.answered_at', 'a.amd_result', 'a.bridged_at', 'a.abandoned', 'a.agent_id'])
    .select('c.answered_at as customer_answered_at')
    .where('a.campaign_id', '=', campaignId)
    .where('a.kind', '=', 'progressive')
    .where('a.status', 'not in', ['completed', 'failed'])
    .where('a.outcome', 'is', null)
    .where('a.created_at', '>', new Date(nowMs - IN_FLIGHT_MAX_MS))
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
}

/**
 * Leads of the campaign the claim could offer `claimant` now, ignoring the gate (see the
 * module comment), counted up to `limit`.
 */
export async function countDueLeads(ctx: Pick<AppContext, 'db'>, campaign: Pick<CampaignRow, 'id' | 'preview_timeout_s'>, claimant: string, now: Date, limit: number): Promise<number> {
  const claimCutoff = new Date(now.getTime() - claimTtlMs(campaign));
  const due = ctx.db
    .selectFrom('leads')
    .select('id')
    .where('campaign_id', '=', campaign.id)
    .where('status', 'in', ['new', 'callback'])
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', claimCutoff), eb('claimed_by', '=', claimant)]))
    .where(sql<boolean>`not ${callInFlight('leads.id', now)}`)
    .limit(limit);
  const row = await ctx.db
    .selectFrom(due.as('due'))
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Everything the controller sees of the campaign now; `ledger` when the caller has a recent one. */
export async function loadSnapshot(
  ctx: Pick<AppContext, 'db' | 'scheduler' | 'config'>,
  campaign: Pick<CampaignRow, 'id' | 'profile' | 'preview_timeout_s'>,
  options: { claimant: string; maxLines: number; ledger?: AbandonLedger },
): Promise<PacingSnapshot> {
  const nowMs = ctx.scheduler.now();
  return buildSnapshot({
    nowMs,
    agents: await loadCampaignAgents(ctx, campaign.id),
    attempts: await loadLiveAttempts(ctx, campaign.id, nowMs),
    ledger: options.ledger ?? ledgerOf(await abandonRate(ctx, campaign)),
    dialsAllowedNow: ctx.config.telnyx.dialsPerSecond,
    leadsAvailable: await countDueLeads(ctx, campaign, options.claimant, new Date(nowMs), Math.max(1, options.maxLines)),
  });
}
