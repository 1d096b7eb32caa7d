/**
 * Flows 1 and 2 (DESIGN.md "Call flows"): the agent's leg is up, agent-first from the
 * REST create or agent-dialled from the softphone, and this document rings the customer
 * and bridges them. The customer leg's progress arrives only through the `<Number>`'s
 * `statusCallback`, so every event the call-leg state machine needs is asked for.
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { NounStatusCallbackEvent, TexmlDocument } from '../types.ts';

export interface BridgeAgentToCustomerInput {
  /** The customer's number, E.164. */
  customerNumber: string;
  /** The campaign's caller ID shown to the customer, E.164. */
  callerId: string;
  /** `<Dial action>`: fetched when the customer leg ends; absolute, may carry a query string. */
  actionUrl: string;
  /** Where the customer leg's progress events go. */
  customerStatusCallbackUrl: string;
  /** Seconds to let the customer's phone ring, 15–120. @default 25 */
  ringTimeoutS?: number;
  /** Longest bridged call in seconds, 60–14400. Omitted: Telnyx's own 4 h limit. */
  timeLimitS?: number;
  /**
   * Keep the agent's leg unanswered (hearing ringback) until the customer answers.
   * Only matters for flow 2, where the softphone's parked outbound leg is not yet
   * answered; flow 1's agent leg is already answered.
   */
  answerOnBridge?: boolean;
}

/** Customer-leg events the call-leg state machine follows. */
export const CUSTOMER_LEG_EVENTS: readonly NounStatusCallbackEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/** Ring time used when the campaign sets none (dialers-and-compliance.md §4.4). */
export const DEFAULT_CUSTOMER_RING_TIMEOUT_S = 25;

/** US TSR and Ofcom: an unanswered call must ring at least 15 s before it is dropped. */
export const MIN_CUSTOMER_RING_TIMEOUT_S = 15;

export function buildBridgeAgentToCustomer(input: BridgeAgentToCustomerInput): TexmlDocument {
  const ringTimeoutS = input.ringTimeoutS ?? DEFAULT_CUSTOMER_RING_TIMEOUT_S;
  if (ringTimeoutS < MIN_CUSTOMER_RING_TIMEOUT_S) {
    throw new RangeError(
      `ringTimeoutS ${ringTimeoutS} is below ${MIN_CUSTOMER_RING_TIMEOUT_S} s: US and UK rules require unanswered calls to ring at least 15 s`,
    );
  }
  return response()
    .dial(
      {
        action: input.actionUrl,
        method: 'POST',
        callerId: input.callerId,
        timeout: ringTimeoutS,
        timeLimit: input.timeLimitS,
        answerOnBridge: input.answerOnBridge,
      },
      (dial) =>
        dial.number(
          { statusCallback: input.customerStatusCallbackUrl, statusCallbackEvent: [...CUSTOMER_LEG_EVENTS] },
          input.customerNumber,
        ),
    )
    .toDocument();
}

export function renderBridgeAgentToCustomer(input: BridgeAgentToCustomerInput): string {
  return serialize(buildBridgeAgentToCustomer(input));
}
