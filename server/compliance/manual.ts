/**
 * The gate for the two manual dial paths (flow 1 click-to-call, flow 2 agent-dialled):
 * the number's zones from the numbering plan, the `DIALER_DEFAULT_PROFILE`, the account's
 * caller IDs and the server's clock. A refusal is logged here; no attempt is written for
 * it, because nothing was dialled.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { evaluateDial } from './evaluate.ts';
import { describeReason, type GateDecision } from './gate.ts';

export interface ManualDial {
  kind: 'manual' | 'agent_dialled';
  phone: string;
  callerId: string;
  /** Who is dialling, for the log: an agent's SIP address or user id. */
  by?: string | null | undefined;
}

export async function checkManualDial(ctx: AppContext, dial: ManualDial): Promise<GateDecision> {
  const { config } = ctx;
  const decision = await evaluateDial(ctx.db, {
    phone: dial.phone,
    kind: dial.kind,
    profile: config.compliance.defaultProfile,
    callerId: dial.callerId,
    ownedCallerIds: config.dialing.callerIds,
    now: new Date(ctx.scheduler.now()),
    ...(config.mode === 'sandbox' ? { sandboxCustomerTimeZone: config.sandbox.customerTimeZone } : {}),
  });
  if (!decision.allow) {
    ctx.logger.info({ kind: dial.kind, to: dial.phone, by: dial.by, reasons: decision.reasons, checks: decision.checks }, 'compliance gate refused a manual call');
  }
  return decision;
}

/** 422 `compliance_refused`, with every reason (codes, `opensAt`, `dueAt`) in `details.reasons`. */
export function complianceRefusal(decision: Extract<GateDecision, { allow: false }>): DialerError {
  return new DialerError('compliance_refused', {
    message: `The call was not placed: ${decision.reasons.map(describeReason).join(' ')}`,
    details: { reasons: decision.reasons, checks: decision.checks },
  });
}
