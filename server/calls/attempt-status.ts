/**
 * An attempt's status is a function of its legs and of what we know of its create
 * request, recomputed after every change (`ingest.ts`, `repository.ts`), never set by
 * hand. Being a pure function of the final rows, it is the same whatever order the
 * callbacks came in.
 *
 * @module
 */
import type { AttemptRow, AttemptStatus, CreateState, LegRow } from './tables.ts';
import { isTerminalLegStatus, type LegStatus } from './transitions.ts';

const FROM_CREATE_STATE: Record<CreateState, AttemptStatus> = {
  pending: 'created',
  accepted: 'dialing_agent',
  reconciled_found: 'dialing_agent',
  outcome_unknown: 'outcome_unknown',
  reconciled_absent: 'failed',
  rejected: 'failed',
};

/**
 * Status of an agent-first (click-to-call) attempt.
 *
 * - Nothing heard from Telnyx: follows `create_state` (pending → created, accepted →
 *   dialing_agent, unknown → outcome_unknown, rejected/absent → failed).
 * - Agent leg initiated/ringing → dialing_agent; ended without answering → failed.
 * - Agent answered (its callbacks say so, or the customer leg or the Dial action exists,
 *   which Telnyx only starts after the agent answers): then the customer leg decides:
 *   none yet → agent_answered, initiated/ringing → dialing_customer, in-progress →
 *   bridged, ended (or the Dial action came) → completed. The agent leg ending also
 *   means completed. A `completed` attempt's customer outcome is `dial_call_status`.
 * - Transferred (a `transfer` leg exists, flow 4): the first agent's leg and Dial action
 *   no longer decide; the customer and the transfer leg do: either ended → completed,
 *   transfer leg answered → bridged, otherwise → transferring.
 */
export function deriveAttemptStatus(
  legs: readonly Pick<LegRow, 'role' | 'status'>[],
  attempt: Pick<AttemptRow, 'create_state' | 'dial_call_status'>,
): AttemptStatus {
  const agent: LegStatus = legs.find((leg) => leg.role === 'agent')?.status ?? 'queued';
  const customer: LegStatus = legs.find((leg) => leg.role === 'customer')?.status ?? 'queued';
  const transfer: LegStatus | undefined = legs.find((leg) => leg.role === 'transfer')?.status;
  if (transfer !== undefined) {
    if (isTerminalLegStatus(customer) || isTerminalLegStatus(transfer)) return 'completed';
    return transfer === 'in-progress' ? 'bridged' : 'transferring';
  }
  const customerStarted = customer !== 'queued' || attempt.dial_call_status !== null;
  const agentAnswered = agent === 'in-progress' || agent === 'completed' || customerStarted;

  if (isTerminalLegStatus(agent)) return agentAnswered ? 'completed' : 'failed';
  if (agentAnswered) {
    if (isTerminalLegStatus(customer) || attempt.dial_call_status !== null) return 'completed';
    if (customer === 'in-progress') return 'bridged';
    if (customer === 'initiated' || customer === 'ringing') return 'dialing_customer';
    return 'agent_answered';
  }
  if (agent === 'initiated' || agent === 'ringing') return 'dialing_agent';
  return FROM_CREATE_STATE[attempt.create_state];
}
