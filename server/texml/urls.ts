/**
 * The absolute URLs the server hands to Telnyx for one attempt. Our own correlation id
 * (`attempt`, `leg`) rides in every query string because the account-scoped create
 * response carries no call SID (texml-api.md §1.1).
 *
 * @module
 */
import type { LegRole } from '../calls/tables.ts';
import { attemptToken } from './url-token.ts';

export type { LegRole };

export interface AttemptUrls {
  /** Instruction fetch for the agent leg: answers `<Dial><Number>`. */
  bridge: string;
  /** `<Dial action>`: the customer leg's outcome, answers the rest of the agent leg. */
  dialAction: string;
  /** Signed call-progress callbacks for one leg. */
  status(role: LegRole): string;
  /** REST redirect target of a transfer (flow 4): answers `<Dial><Sip>` to agent `agentId`. */
  transfer(agentId: string): string;
  /** `<Dial action>` of the transfer's Dial: the new agent's leg ended. */
  transferAction: string;
}

export function attemptUrls(options: { publicBaseUrl: string; secret: string; attemptId: string }): AttemptUrls {
  const { publicBaseUrl, secret, attemptId } = options;
  const attempt = encodeURIComponent(attemptId);
  const token = attemptToken(secret, attemptId);
  return {
    bridge: `${publicBaseUrl}/texml/bridge?attempt=${attempt}&t=${token}`,
    dialAction: `${publicBaseUrl}/texml/dial-action?attempt=${attempt}&t=${token}`,
    status: (role) => `${publicBaseUrl}/telnyx/status?attempt=${attempt}&leg=${role}`,
    transfer: (agentId) => `${publicBaseUrl}/texml/transfer?attempt=${attempt}&agent=${encodeURIComponent(agentId)}&t=${token}`,
    transferAction: `${publicBaseUrl}/texml/transfer-action?attempt=${attempt}&t=${token}`,
  };
}
