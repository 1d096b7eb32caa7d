/**
 * Flows 3 and 4 (DESIGN.md "Call flows"): a customer leg answered by a human, or one
 * being transferred, is bridged to an agent's softphone through `<Sip>`. The softphone
 * auto-answers, so the ring time is short: a customer not connected within 2 s already
 * counts as abandoned (dialers-and-compliance.md §4.1), and when the agent does not
 * answer, the `action` handler should play the identification message at once rather
 * than leave the customer in silence.
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { NounStatusCallbackEvent, TexmlDocument } from '../types.ts';

export interface ConnectCustomerToAgentInput {
  /** The agent softphone's address, `sip:<credential user>@sip.telnyx.com`. */
  agentSipUri: string;
  /** `<Dial action>`: fetched when the agent leg ends; absolute, may carry a query string. */
  actionUrl: string;
  /** Where the agent leg's progress events go. */
  statusCallbackUrl: string;
  /** Seconds to ring the agent, 5–120. @default 5 (TeXML's minimum) */
  ringTimeoutS?: number;
}

/** Agent-leg events the call-leg state machine follows. */
export const AGENT_LEG_EVENTS: readonly NounStatusCallbackEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/** The shortest ring TeXML allows; an auto-answering softphone needs far less. */
export const DEFAULT_AGENT_RING_TIMEOUT_S = 5;

export function buildConnectCustomerToAgent(input: ConnectCustomerToAgentInput): TexmlDocument {
  return response()
    .dial({ action: input.actionUrl, timeout: input.ringTimeoutS ?? DEFAULT_AGENT_RING_TIMEOUT_S }, (dial) =>
      dial.sip({ statusCallback: input.statusCallbackUrl, statusCallbackEvent: [...AGENT_LEG_EVENTS] }, input.agentSipUri),
    )
    .toDocument();
}

export function renderConnectCustomerToAgent(input: ConnectCustomerToAgentInput): string {
  return serialize(buildConnectCustomerToAgent(input));
}
