/**
 * The form fields of each request the sandbox sends, per texml-api.md §3, §4, §6 and §7.
 * Every value is a string, as it arrives form-encoded. Times are ISO-8601 UTC on the
 * scheduler's clock, and each one is the time of its event, so the `AnsweredTime` of a
 * completed callback equals the `Timestamp` of the answered callback of the same call.
 *
 * @module
 */

import type { CallEnd, SimCall } from '../calls/call.ts';

export type StatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

type Fields = Record<string, string>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Whole seconds from answer to end (0 when never answered): `CallDuration` and `DialCallDuration`. */
export function callDurationS(call: SimCall, until = call.endedAt): number {
  if (call.answeredAt === undefined || until === undefined) return 0;
  return Math.round((until - call.answeredAt) / 1000);
}

/** The fields every request about a call carries. */
function identity(call: SimCall): Fields {
  return {
    AccountSid: call.accountSid,
    CallSid: call.sid,
    CallSidLegacy: call.sid,
    ConnectionId: call.connectionId,
    From: call.from,
    To: call.to,
    ...(call.callerIdName === undefined ? {} : { CallerId: call.callerIdName }),
    ...(call.parent ? { ParentCallSid: call.parent.sid, ParentCallSidLegacy: call.parent.sid } : {}),
  };
}

/** When the call was placed (`CallInitiatedAt`, `StartTime`). */
function startedAt(call: SimCall): number {
  return call.initiatedAt ?? call.createdAt;
}

function eventTime(call: SimCall, event: StatusEvent): number {
  const times: Record<StatusEvent, number | undefined> = {
    initiated: call.initiatedAt,
    ringing: call.ringingAt,
    answered: call.answeredAt,
    completed: call.endedAt,
  };
  return times[event] ?? startedAt(call);
}

/** A call-progress status callback (§4). */
export function statusFields(call: SimCall, event: StatusEvent, sequence: number): Fields {
  const fields: Fields = {
    ...identity(call),
    CallStatus: callStatusOf(call, event),
    CallbackSource: 'call-progress-events',
    CallInitiatedAt: iso(startedAt(call)),
    Timestamp: iso(eventTime(call, event)),
    // UNCONFIRMED: counts the callbacks actually sent for this call, from 0 (the Hangup
    // docs show a lone completed with "0"; the spec examples number 0–3).
    SequenceNumber: String(sequence),
  };
  if (event === 'answered') {
    Object.assign(fields, { Codec: 'PCMU', SamplingRate: '8000' });
    if (call.answeredBy !== undefined) fields.AnsweredBy = call.answeredBy;
  }
  if (event === 'completed') Object.assign(fields, completedExtras(call));
  return fields;
}

function callStatusOf(call: SimCall, event: StatusEvent): string {
  if (event === 'answered') return 'in-progress';
  if (event === 'completed') return call.end?.status ?? 'completed';
  return event;
}

/** The end-of-call fields (completed callback, and the A-leg part of a Dial action). */
function completedExtras(call: SimCall): Fields {
  const end: CallEnd | undefined = call.end;
  return {
    CallDuration: String(callDurationS(call)),
    StartTime: iso(startedAt(call)),
    ...(call.answeredAt === undefined ? {} : { AnsweredTime: iso(call.answeredAt) }),
    ...(call.endedAt === undefined ? {} : { EndTime: iso(call.endedAt) }),
    ...(end ? { HangupCause: end.hangupCause, HangupSource: end.hangupSource, SipHangupCause: end.sipHangupCause } : {}),
    ...(end?.errorCode === undefined ? {} : { ErrorCode: end.errorCode, ErrorMessage: end.errorMessage ?? '' }),
    ...(call.answeredBy === undefined ? {} : { AnsweredBy: call.answeredBy }),
    CallControlId: call.sid,
    CallLegId: call.callLegId,
    CallSessionId: call.callSessionId,
  };
}

/** `sip:alice@host` → `alice@host`; a number gets Telnyx's SIP domain. */
function sipUri(address: string): string {
  return address.startsWith('sip:') ? address.slice(4) : `${address}@sip.telnyx.com`;
}

/** An instruction fetch (`Url`, `<Redirect>`, `<Gather action>`) (§3, §11.7). */
export function fetchFields(call: SimCall): Fields {
  return {
    AccountSid: call.accountSid,
    CallSid: call.sid,
    CallSidLegacy: call.sid,
    CallerId: call.callerIdName ?? call.from,
    CallingPartyType: call.from.startsWith('sip:') ? 'sip' : 'pstn',
    From: call.from,
    FromSipUri: sipUri(call.from),
    To: call.to,
    ToSipUri: sipUri(call.to),
    ConnectionId: call.connectionId,
    CallStatus: call.status,
    ...(call.answeredBy === undefined ? {} : { AnsweredBy: call.answeredBy }),
  };
}

/**
 * The `<Dial action>` request (§6): the A-leg's completed-style fields plus the dialled
 * leg's outcome. `DialCallDuration` is computed exactly as the B-leg's `CallDuration`.
 */
export function dialActionFields(a: SimCall, b: SimCall, dialCallStatus: string, dialCallDurationS: number, now: number): Fields {
  return {
    ...identity(a),
    CallStatus: a.status,
    CallInitiatedAt: iso(startedAt(a)),
    Timestamp: iso(now),
    StartTime: iso(startedAt(a)),
    ...(a.answeredAt === undefined ? {} : { AnsweredTime: iso(a.answeredAt) }),
    ...(a.answeredBy === undefined ? {} : { AnsweredBy: a.answeredBy }),
    DialCallSid: b.sid,
    DialCallSidLegacy: b.sid,
    DialCallStatus: dialCallStatus,
    DialCallDuration: String(dialCallDurationS),
    ...(b.end?.errorCode === undefined ? {} : { ErrorCode: b.end.errorCode, ErrorMessage: b.end.errorMessage ?? '' }),
  };
}

/** The async AMD result (`TexmlCallAmdWebhook`, §7). */
export function amdFields(call: SimCall, answeredBy: string, durationMs: number): Fields {
  return {
    AccountSid: call.accountSid,
    CallSid: call.sid,
    CallSidLegacy: call.sid,
    ConnectionId: call.connectionId,
    AnsweredBy: answeredBy,
    MachineDetectionDuration: String(Math.round(durationMs)),
  };
}
