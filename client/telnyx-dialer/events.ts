/**
 * The `dialer-*` events: one typed catalogue and one `emit()` helper.
 *
 * Every event bubbles and is `composed`, so it leaves the element's shadow root and any
 * shadow roots around it (a host page can listen on `document`). Only
 * `dialer-request-hangup` is cancelable: the page may veto a hang-up with
 * `preventDefault()` (e.g. "save the disposition first").
 *
 * @module
 */
import type { Lead } from './campaign-api.ts';
import type { AgentStatus, CallDirection, ErrorCode, RegistrationState, UiCallState } from './state.ts';

export interface DialerStatusChangeDetail {
  status: AgentStatus;
  previous: AgentStatus;
  reason?: string | null;
}

export interface DialerRegistrationChangeDetail {
  state: RegistrationState;
  error?: { code: ErrorCode; message: string };
}

export interface DialerCallStateDetail {
  callId: string;
  state: UiCallState;
  previous: UiCallState;
  direction: CallDirection | undefined;
  /** The other party: the dialled number (outbound) or the caller's number (inbound). */
  remoteNumber: string;
  /** Set on calls the server placed (custom SIP header `X-Dialer-Attempt`). */
  attemptId?: string;
}

export interface DialerCallEndDetail {
  callId: string;
  /** SIP/Q.850 cause name, e.g. `NORMAL_CLEARING`, `USER_BUSY`. */
  cause: string;
  causeCode?: number;
  sipCode?: number;
  /** Seconds connected (0 when the call never became active). */
  durationS: number;
  attemptId?: string;
}

export interface DialerErrorDetail {
  /** SDK codes are numbers (46001); server codes are strings (`agent_not_available`). */
  code: ErrorCode;
  message: string;
  /** True when the softphone cannot work until the agent acts (e.g. login failed). */
  fatal: boolean;
  source: 'sdk' | 'server';
}

export interface DialerRequestHangupDetail {
  callId: string;
  attemptId?: string;
  /** What asked for it: a toolbar button, a keyboard shortcut or the `hangup()` method. */
  source: 'button' | 'keyboard' | 'method';
}

export interface DialerLeadDetail {
  lead: Lead;
  /** Known once the lead's call is placed (preview) or offered (progressive). */
  attemptId?: string;
  source: 'preview' | 'offered';
}

export interface DialerDispositionDetail {
  attemptId: string;
  code: string;
  /** The lead the server recorded the disposition on. */
  leadId: string;
}

/** Event name → detail type. */
export interface DialerEventMap {
  'dialer-status-change': DialerStatusChangeDetail;
  'dialer-registration-change': DialerRegistrationChangeDetail;
  'dialer-call-state': DialerCallStateDetail;
  'dialer-call-end': DialerCallEndDetail;
  'dialer-error': DialerErrorDetail;
  'dialer-request-hangup': DialerRequestHangupDetail;
  'dialer-lead': DialerLeadDetail;
  'dialer-disposition': DialerDispositionDetail;
}

export type DialerEventName = keyof DialerEventMap;

/** The events a host page may cancel with `preventDefault()`. */
const CANCELABLE: ReadonlySet<DialerEventName> = new Set(['dialer-request-hangup']);

/**
 * Dispatches `name` on `host` (bubbling, composed; cancelable only for request events) and
 * returns the event, so callers can check `defaultPrevented`.
 */
export function emit<K extends DialerEventName>(host: EventTarget, name: K, detail: DialerEventMap[K]): CustomEvent<DialerEventMap[K]> {
  const event = new CustomEvent(name, { bubbles: true, composed: true, cancelable: CANCELABLE.has(name), detail });
  host.dispatchEvent(event);
  return event;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'dialer-status-change': CustomEvent<DialerStatusChangeDetail>;
    'dialer-registration-change': CustomEvent<DialerRegistrationChangeDetail>;
    'dialer-call-state': CustomEvent<DialerCallStateDetail>;
    'dialer-call-end': CustomEvent<DialerCallEndDetail>;
    'dialer-error': CustomEvent<DialerErrorDetail>;
    'dialer-request-hangup': CustomEvent<DialerRequestHangupDetail>;
    'dialer-lead': CustomEvent<DialerLeadDetail>;
    'dialer-disposition': CustomEvent<DialerDispositionDetail>;
  }
}
