/**
 * The agent-status state machine, written as data, and the one pure function that says
 * what an event does to an agent. `presence.ts` reads the row, asks {@link decide}, and
 * writes and announces the result; nothing else changes an agent's status.
 *
 * Rules (DESIGN.md "State"): the server holds the truth. Available needs a registered
 * softphone. Busy and Wrap-up come from calls only: an answered agent leg makes the agent
 * Busy from any status (the call is happening, whatever the agent had chosen); the end of
 * the call starts Wrap-up, after which the agent is Available again if the softphone is
 * still registered, else Unavailable (`softphone_disconnected`). A lost softphone makes
 * an Available, Wrap-up or Unavailable agent Unavailable at once; a Busy agent stays Busy
 * until the call ends, an Offline one stays Offline.
 *
 * @module
 */
import type { AgentStatus } from './tables.ts';

/** Reason given when the softphone's registration or socket is lost. */
export const SOFTPHONE_DISCONNECTED = 'softphone_disconnected';

/** Statuses an agent may choose (`PUT /api/agents/me/status`). */
export const AGENT_SETTABLE = ['available', 'unavailable', 'offline'] as const;
export type AgentSettableStatus = (typeof AGENT_SETTABLE)[number];

/** Every move a status may make; staying put is not a move and is always allowed. */
export const ALLOWED_AGENT_TRANSITIONS: Readonly<Record<AgentStatus, readonly AgentStatus[]>> = {
  offline: ['available', 'unavailable', 'busy'],
  available: ['unavailable', 'offline', 'busy'],
  // Straight to available/unavailable when the wrap-up time is 0.
  busy: ['wrap_up', 'available', 'unavailable', 'offline'],
  wrap_up: ['available', 'unavailable', 'offline', 'busy'],
  unavailable: ['available', 'offline', 'busy'],
};

export function canAgentTransition(from: AgentStatus, to: AgentStatus): boolean {
  return from === to || ALLOWED_AGENT_TRANSITIONS[from].includes(to);
}

export type AgentEvent =
  /** The agent chose a status. */
  | { type: 'set'; status: AgentSettableStatus; reason?: string | null }
  /** One of the agent's legs answered. */
  | { type: 'call_answered' }
  /** The agent's answered leg ended (and no other is live). */
  | { type: 'call_ended' }
  /** The agent pressed "done", or the wrap-up time ran out. */
  | { type: 'wrap_up_done' }
  /** The softphone reported anything but `registered`, its socket closed, or it went silent. */
  | { type: 'softphone_lost' }
  /** The agent logged out. */
  | { type: 'logout' };

export interface AgentState {
  status: AgentStatus;
  reason: string | null;
  registered: boolean;
}

export type Decision =
  | { ok: true; status: AgentStatus; reason: string | null }
  | { ok: false; code: 'agent_not_registered' | 'conflict'; message: string };

/**
 * What `event` does to an agent in `state`. `wrapUpS` is AGENT_WRAP_UP_S (0 = no wrap-up).
 * An event that changes nothing answers the current status and reason.
 */
export function decide(state: AgentState, event: AgentEvent, wrapUpS: number): Decision {
  const stay: Decision = { ok: true, status: state.status, reason: state.reason };
  const afterWrapUp: Decision = state.registered
    ? { ok: true, status: 'available', reason: null }
    : { ok: true, status: 'unavailable', reason: SOFTPHONE_DISCONNECTED };
  let next: Decision;
  switch (event.type) {
    case 'set':
      if (state.status === 'busy') return { ok: false, code: 'conflict', message: 'You are on a call; change your status after it ends.' };
      if (event.status === 'available' && !state.registered) {
        return { ok: false, code: 'agent_not_registered', message: 'Your softphone is not registered; connect it before going Available.' };
      }
      next = { ok: true, status: event.status, reason: event.status === 'unavailable' ? (event.reason ?? null) : null };
      break;
    case 'call_answered':
      next = { ok: true, status: 'busy', reason: null };
      break;
    case 'call_ended':
      if (state.status !== 'busy') return stay;
      next = wrapUpS > 0 ? { ok: true, status: 'wrap_up', reason: null } : afterWrapUp;
      break;
    case 'wrap_up_done':
      if (state.status !== 'wrap_up') return { ok: false, code: 'conflict', message: 'You are not in wrap-up.' };
      next = afterWrapUp;
      break;
    case 'softphone_lost':
      if (state.status === 'offline' || state.status === 'busy') return stay;
      next = { ok: true, status: 'unavailable', reason: SOFTPHONE_DISCONNECTED };
      break;
    case 'logout':
      next = { ok: true, status: 'offline', reason: null };
      break;
  }
  if (!canAgentTransition(state.status, next.status)) {
    return { ok: false, code: 'conflict', message: `An agent cannot go from ${state.status} to ${next.status}.` };
  }
  return next;
}
