/**
 * What calls do to agents: called by the callback routes after a callback or Dial action
 * was stored (`server/calls/status-routes.ts`, `server/texml/routes.ts`), with the leg as
 * it is now. An agent's leg (the agent leg, or a transfer leg) that answers makes the
 * agent Busy; when it ends, Wrap-up starts, unless another of the agent's legs is still
 * answered.
 *
 * Never throws: Telnyx must get its 200 whatever happens to the agent's status.
 *
 * @module
 */
import { countAnsweredLegsOfAgent } from '../calls/repository.ts';
import type { CallEventVerdict, LegRow } from '../calls/tables.ts';
import { isTerminalLegStatus } from '../calls/transitions.ts';
import type { AppContext } from '../context.ts';

export interface LegChange {
  verdict: CallEventVerdict;
  leg: Pick<LegRow, 'id' | 'agent_id' | 'status'> | null;
}

export async function reactToAgentLeg(ctx: AppContext, change: LegChange): Promise<void> {
  const { leg, verdict } = change;
  // Only a change that was applied now: duplicates and stale events were seen before.
  if (!leg || leg.agent_id === null || verdict !== 'applied') return;
  try {
    if (leg.status === 'in-progress') {
      await ctx.presence.applyQuietly(leg.agent_id, { type: 'call_answered' });
    } else if (isTerminalLegStatus(leg.status)) {
      if ((await countAnsweredLegsOfAgent(ctx.db, leg.agent_id, leg.id)) > 0) return;
      await ctx.presence.applyQuietly(leg.agent_id, { type: 'call_ended' });
    }
  } catch (error) {
    ctx.logger.error({ err: error, agentId: leg.agent_id, legId: leg.id }, 'agent status not updated after a call event');
  }
}
