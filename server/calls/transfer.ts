/**
 * Flow 4 of the design, transfer: the customer's leg is redirected by a REST update to
 * `/texml/transfer`, which answers `<Dial><Sip>` to the new agent. In Telnyx (and the
 * sandbox) that takes the customer out of the first bridge: the first agent's `<Dial>`
 * ends, its action is fetched and answers `<Hangup/>`, and the first agent goes to
 * Wrap-up. The new agent's leg reports as role `transfer`, and makes them Busy on answer.
 *
 * Only an Available agent with a registered softphone may be chosen, checked before
 * anything is sent to Telnyx. One transfer per attempt.
 *
 * @module
 */
import { z } from 'zod';
import { getAgentView } from '../agents/agent-rows.ts';
import type { AgentStatus } from '../agents/tables.ts';
import { ensureAgentCredential, sipUriOf } from '../agents/webrtc.ts';
import type { AppContext } from '../context.ts';
import { DialerError, isDialerError } from '../errors.ts';
import { attemptUrls } from '../texml/urls.ts';
import { getAttemptWithLegs, releaseTransferLeg, reserveTransferLeg, type AttemptWithLegs } from './repository.ts';
import { isTerminalLegStatus } from './transitions.ts';

export const transferRequest = z.object({
  /** The target agent's id (`GET /api/agents?status=available`). */
  agentId: z.string().trim().min(1).max(100),
});

const STATUS_WORDS: Record<AgentStatus, string> = {
  offline: 'Offline',
  available: 'Available',
  busy: 'on a call',
  wrap_up: 'in wrap-up',
  unavailable: 'Unavailable',
};

export async function transferCall(ctx: AppContext, attempt: AttemptWithLegs, targetAgentId: string): Promise<AttemptWithLegs> {
  const target = await getAgentView(ctx.db, targetAgentId);
  if (!target) throw new DialerError('not_found', { message: `No agent ${targetAgentId}.` });
  if (attempt.legs.some((leg) => leg.agent_id === target.id && !isTerminalLegStatus(leg.status))) {
    throw new DialerError('agent_not_available', { message: `${target.displayName} is already on this call.` });
  }
  if (target.status !== 'available' || !target.registered) {
    const why = target.status === 'available' ? 'not registered' : STATUS_WORDS[target.status];
    throw new DialerError('agent_not_available', {
      message: `${target.displayName} is ${why}; only Available agents with a registered softphone can take a transfer.`,
      details: { agentId: target.id, status: target.status, registered: target.registered },
    });
  }
  const customer = attempt.legs.find((leg) => leg.role === 'customer');
  if (!customer || customer.status !== 'in-progress' || customer.call_sid === null) {
    throw new DialerError('conflict', {
      message: `The customer is not connected (${customer?.status ?? 'not dialled'}); only a call in progress can be transferred.`,
    });
  }
  if (attempt.legs.some((leg) => leg.role === 'transfer')) {
    throw new DialerError('conflict', { message: 'This call has already been transferred once; it cannot be transferred again.' });
  }

  const agentSip = sipUriOf(ctx, (await ensureAgentCredential(ctx, target)).sipUsername);
  const now = () => new Date(ctx.scheduler.now());
  await reserveTransferLeg(ctx.db, { attemptId: attempt.id, agentId: target.id, agentSip, now: now() });
  const urls = attemptUrls({ publicBaseUrl: ctx.config.http.publicBaseUrl, secret: ctx.config.secrets.dialerSecret, attemptId: attempt.id });
  try {
    await ctx.telnyx.updateCall(customer.call_sid, { Url: urls.transfer(target.id), Method: 'POST' });
  } catch (error) {
    // Refused: undo. Unanswered (timeout, 5xx after retries): the redirect may have
    // happened, so the leg stays and its callbacks, if any, will tell.
    if (!isDialerError(error, 'telnyx_unavailable')) await releaseTransferLeg(ctx.db, attempt.id, now());
    throw error;
  }
  ctx.logger.info({ attemptId: attempt.id, agentId: target.id }, 'customer redirected to another agent');
  const updated = await getAttemptWithLegs(ctx.db, attempt.id);
  if (!updated) throw new DialerError('internal', { message: 'attempt vanished during transfer' });
  return updated;
}
