/**
 * Routing a person of a power or predictive call to an agent: the call was placed with no
 * agent reserved, so when its person is known (the answer fetch) the longest-idle free
 * agent of the campaign takes them: Available, with a registered softphone, and no live
 * call (not being offered one: `reservedAgents`).
 *
 * Atomic: in one transaction the attempt row is locked (every writer of an attempt or its
 * legs locks it first), then the candidate agents' rows (`FOR UPDATE`, in one order, so
 * two picks cannot deadlock), and the choice is written to the attempt (`agent_id`,
 * `agent_sip`) and its agent leg (`agent_id`, `to_number`) before the transaction ends. A
 * second person answered at the same moment waits for those row locks and then sees the
 * first one's agent leg, which reserves that agent: two people never get the same agent,
 * on PGlite (one connection: only `trx` is used inside) or a shared PostgreSQL.
 *
 * @module
 */
import { sipUriOf } from '../agents/webrtc.ts';
import { lockAttempt } from '../calls/repository.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import { reservedAgents } from './progressive.ts';

/** Who takes a person: the agent to connect (their softphone's `sip:` URI), or why nobody. */
export type AgentChoice = { agent: { id: string; sip: string } } | { agent: null; why: string };

/**
 * Give the attempt's person the longest-idle free agent of its campaign, or say why none.
 * A repeated answer fetch for the same attempt gets the agent already chosen.
 */
export async function assignFreeAgent(ctx: AppContext, attemptId: string, at: Date): Promise<AgentChoice> {
  return inTransaction(ctx.db, async (trx) => {
    const attempt = await lockAttempt(trx, attemptId);
    if (!attempt || attempt.campaign_id === null) return { agent: null, why: 'not a campaign attempt' };
    if (attempt.agent_id !== null) return { agent: { id: attempt.agent_id, sip: attempt.agent_sip } };
    const candidates = await trx
      .selectFrom('agents as g')
      .innerJoin('campaign_agents as m', 'm.agent_id', 'g.user_id')
      .innerJoin('users as u', 'u.id', 'g.user_id')
      .select(['g.user_id as id', 'g.sip_username as sipUsername'])
      .where('m.campaign_id', '=', attempt.campaign_id)
      .where('g.status', '=', 'available')
      .where('g.registered', '=', true)
      .where('g.sip_username', 'is not', null)
      .where('u.disabled', '=', false)
      // Longest idle first: Available the longest.
      .orderBy('g.status_since')
      .orderBy('g.user_id')
      .forUpdate('g')
      .execute();
    if (candidates.length === 0) return { agent: null, why: 'no agent of the campaign is Available with a registered softphone' };
    const reserved = await reservedAgents({ db: trx, scheduler: ctx.scheduler }, candidates.map((candidate) => candidate.id));
    const chosen = candidates.find((candidate) => !reserved.has(candidate.id));
    if (!chosen) return { agent: null, why: `every Available agent (${candidates.length}) is taking a call` };
    const sip = sipUriOf(ctx, chosen.sipUsername!);
    await trx.updateTable('attempts').set({ agent_id: chosen.id, agent_sip: sip, updated_at: at }).where('id', '=', attempt.id).execute();
    await trx
      .updateTable('call_legs')
      .set({ agent_id: chosen.id, to_number: sip, updated_at: at })
      .where('attempt_id', '=', attempt.id)
      .where('role', '=', 'agent')
      .execute();
    return { agent: { id: chosen.id, sip } };
  });
}
