/**
 * The ways a call ends, as the completed callback reports them. Cause names follow
 * Telnyx's Call Control `hangup_cause` values; the SIP codes are the usual ones for each
 * case. Both are the sandbox's choice where Telnyx documents no mapping.
 *
 * @module
 */

import type { CallEnd } from './call.ts';

/** A normal hang-up by `source` (`caller` = our side, `callee` = the far end). */
export function hungUpBy(source: string): CallEnd {
  return { status: 'completed', hangupCause: 'normal_clearing', hangupSource: source, sipHangupCause: '200' };
}

export const BUSY: CallEnd = { status: 'busy', hangupCause: 'user_busy', hangupSource: 'callee', sipHangupCause: '486' };

/** Rang until the ring timeout; Telnyx gives up (CANCEL → 487). */
export const NO_ANSWER: CallEnd = { status: 'no-answer', hangupCause: 'timeout', hangupSource: 'caller', sipHangupCause: '487' };

/** Ended by our side before it was answered (REST `Status=completed`, or another leg won the `<Dial>`). */
export const CANCELED: CallEnd = { status: 'canceled', hangupCause: 'originator_cancel', hangupSource: 'caller', sipHangupCause: '487' };

/** The carrier refused the call. `ErrorCode`/`ErrorMessage` as in the callback spec example (§4). */
export const FAILED: CallEnd = {
  status: 'failed',
  hangupCause: 'not_found',
  hangupSource: 'callee',
  sipHangupCause: '404',
  errorCode: '10001',
  errorMessage: 'Call failed',
};

/** `TimeLimit` (create) or `timeLimit` (`<Dial>`) reached. */
export const TIME_LIMIT: CallEnd = { status: 'completed', hangupCause: 'time_limit', hangupSource: 'caller', sipHangupCause: '200' };

/** UNCONFIRMED: how Telnyx reports a `<Dial>` leg refused by the dials-per-second rule (§9). */
export const DIAL_RATE_EXCEEDED: CallEnd = {
  status: 'failed',
  hangupCause: 'call_rejected',
  hangupSource: 'caller',
  sipHangupCause: '503',
  errorCode: '90103',
  errorMessage: 'Dials per second limit exceeded',
};

/**
 * A softphone leg's own ends (`softphone.ts`). Declining a ring with 603 is a refusal,
 * not a busy line. UNCONFIRMED for Telnyx, as are the causes below.
 */
export const DECLINED: CallEnd = { status: 'failed', hangupCause: 'call_rejected', hangupSource: 'callee', sipHangupCause: '603' };

/**
 * `sip:<user>@sip.telnyx.com` with no softphone registered (`unregisteredSip:
 * 'unavailable'`): the registrar answers 480 Temporarily Unavailable. Reported as
 * `no-answer`, as TwiML maps a 480 (UNCONFIRMED for Telnyx; `failed` is the other
 * reading); the cause is FreeSWITCH's name for it, which Telnyx's causes follow.
 */
export const SIP_UNAVAILABLE: CallEnd = {
  status: 'no-answer',
  hangupCause: 'user_not_registered',
  hangupSource: 'callee',
  sipHangupCause: '480',
};

/** The softphone's socket went away while it was ringing: the INVITE cannot be delivered. */
export const SOFTPHONE_GONE: CallEnd = {
  status: 'failed',
  hangupCause: 'normal_temporary_failure',
  hangupSource: 'callee',
  sipHangupCause: '503',
};

/** The softphone's media could not be set up (bad SDP): `sipCode` from the gateway, 488 by default. */
export function mediaFailed(sipCode = 488): CallEnd {
  return { status: 'failed', hangupCause: 'incompatible_destination', hangupSource: 'callee', sipHangupCause: String(sipCode) };
}

export function rejected(reason: 'rejected' | 'busy'): CallEnd {
  return reason === 'busy'
    ? { status: 'completed', hangupCause: 'user_busy', hangupSource: 'caller', sipHangupCause: '486' }
    : { status: 'completed', hangupCause: 'call_rejected', hangupSource: 'caller', sipHangupCause: '603' };
}

/**
 * The TeXML could not be fetched or was invalid: Telnyx says "an application error has
 * occurred" and hangs up. UNCONFIRMED codes: TeXML mirrors TwiML, whose 11200 is "HTTP
 * retrieval failure" and 12100 "Document parse failure".
 */
export const APPLICATION_ERROR = {
  retrieval: { code: '11200', message: 'HTTP retrieval failure' },
  parse: { code: '12100', message: 'Document parse failure' },
  noInstructions: { code: '11200', message: 'No Url, Texml or application voice URL to fetch' },
} as const;

export function applicationError(error: { code: string; message: string }): CallEnd {
  return { ...hungUpBy('caller'), errorCode: error.code, errorMessage: error.message };
}
