/**
 * What one callback does to a leg, as pure functions: `ingest.ts` locks the rows, asks
 * these for a verdict and a patch, and writes both.
 *
 * The rules are built so that the final rows do not depend on the order (or the number
 * of copies) in which Telnyx delivers a call's callbacks and the Dial action:
 *
 * 1. **Status** moves only along `ALLOWED_TRANSITIONS`, guarded by `SequenceNumber`; a
 *    duplicate, an older event (stale) or an illegal move never changes it.
 * 2. **Facts** that each come from one kind of event (`CallInitiatedAt`, the ringing and
 *    answered `Timestamp`s, From/To, the SIDs) are written once: any event of the leg may
 *    fill a column that is still empty, whatever its verdict, and nothing overwrites it.
 *    A ringing callback that arrives after `completed` is stale, yet its time is kept.
 *    (This assumes that every event of a leg carries the same value for such a field.)
 * 3. **Terminal details** (end time, duration, hangup cause, AnsweredTime…) are taken
 *    from the leg's own terminal callback, which wins over anything else; fields it lacks
 *    keep what earlier events filled in.
 * 4. **The Dial action** may end the customer leg before its own terminal callback
 *    arrives. That status is provisional (`status_source = 'dial_action'`): the leg's own
 *    terminal callback then either confirms it (same status: verdict `confirmed`, details
 *    applied) or replaces it (verdict `applied`).
 *
 * @module
 */
import { CALLBACK_CALL_STATUSES, TERMINAL_CALL_STATUSES, type CallbackCallStatus, type TerminalCallStatus } from '../../lib/telnyx-wire.ts';
import type { AttemptRow, CallEventVerdict, LegRow, LegUpdate } from './tables.ts';
import { canTransition, isTerminalLegStatus } from './transitions.ts';

/** A status callback's fields, parsed leniently (a bad or missing value becomes null). */
export interface ParsedCallback {
  callSid: string | null;
  /** Null when absent or not one of CALLBACK_CALL_STATUSES (e.g. `dtmf`). */
  status: CallbackCallStatus | null;
  rawStatus: string | null;
  /**
   * `SequenceNumber`, or null when missing or not a non-negative integer. Telnyx marks it
   * required, but its docs disagree on how it counts (texml-api.md §4), so a callback
   * without a usable one is not refused: it is judged by the transition table alone.
   */
  sequence: number | null;
  parentCallSid: string | null;
  from: string | null;
  to: string | null;
  initiatedAt: Date | null;
  timestamp: Date | null;
  answeredTime: Date | null;
  endTime: Date | null;
  /** `CallDuration`, seconds. */
  durationS: number | null;
  hangupCause: string | null;
  hangupSource: string | null;
  sipHangupCause: string | null;
  answeredBy: string | null;
  errorCode: string | null;
}

export function parseStatusCallback(fields: Readonly<Record<string, string | undefined>>): ParsedCallback {
  const rawStatus = text(fields.CallStatus);
  return {
    callSid: text(fields.CallSid),
    status: (CALLBACK_CALL_STATUSES as readonly string[]).includes(rawStatus ?? '') ? (rawStatus as CallbackCallStatus) : null,
    rawStatus,
    sequence: nonNegativeInt(fields.SequenceNumber),
    parentCallSid: text(fields.ParentCallSid),
    from: text(fields.From),
    to: text(fields.To),
    initiatedAt: time(fields.CallInitiatedAt),
    timestamp: time(fields.Timestamp),
    answeredTime: time(fields.AnsweredTime),
    endTime: time(fields.EndTime),
    durationS: nonNegativeInt(fields.CallDuration),
    hangupCause: text(fields.HangupCause),
    hangupSource: text(fields.HangupSource),
    sipHangupCause: text(fields.SipHangupCause),
    answeredBy: text(fields.AnsweredBy),
    errorCode: text(fields.ErrorCode),
  };
}

export interface CallbackContext {
  /** An event with the same (CallSid, SequenceNumber, CallStatus) was already applied or confirmed. */
  alreadyApplied: boolean;
  /** Another leg already owns this CallSid. */
  sidTakenByOtherLeg: boolean;
}

export interface Evaluation {
  verdict: CallEventVerdict;
  /** Columns to write on the leg; empty when nothing changes. */
  patch: LegUpdate;
}

type Leg = Omit<LegRow, 'id' | 'attempt_id' | 'role' | 'agent_id' | 'updated_at'>;

export function evaluateCallback(leg: Leg, event: ParsedCallback, context: CallbackContext): Evaluation {
  const { status, callSid } = event;
  // Not a call-progress status, no CallSid, or a CallSid that is not this leg's: keep it
  // in the log and touch nothing.
  if (status === null || callSid === null || context.sidTakenByOtherLeg) return { verdict: 'illegal', patch: {} };
  if (leg.call_sid !== null && leg.call_sid !== callSid) return { verdict: 'illegal', patch: {} };
  if (context.alreadyApplied) return { verdict: 'duplicate', patch: {} };

  const patch: LegUpdate = facts(leg, event, status);
  if (event.sequence !== null && event.sequence <= leg.last_sequence) return { verdict: 'stale', patch };

  const provisional = isTerminalLegStatus(leg.status) && leg.status_source === 'dial_action';
  if (provisional && isTerminalLegStatus(status)) {
    Object.assign(patch, moved(leg, event, status), terminalDetails(event));
    return { verdict: status === leg.status ? 'confirmed' : 'applied', patch };
  }
  if (!canTransition(leg.status, status)) return { verdict: 'illegal', patch };

  Object.assign(patch, moved(leg, event, status));
  if (isTerminalLegStatus(status)) Object.assign(patch, terminalDetails(event));
  return { verdict: 'applied', patch };
}

/** Write-once columns: fill what is still empty. */
function facts(leg: Leg, event: ParsedCallback, status: CallbackCallStatus): LegUpdate {
  const patch: LegUpdate = {};
  const fill = <K extends keyof Leg & keyof LegUpdate>(column: K, value: Leg[K] | null): void => {
    if (leg[column] === null && value !== null) (patch as Record<string, unknown>)[column] = value;
  };
  fill('call_sid', event.callSid);
  fill('parent_call_sid', event.parentCallSid);
  fill('from_number', event.from);
  fill('to_number', event.to);
  fill('initiated_at', event.initiatedAt ?? (status === 'initiated' ? event.timestamp : null));
  if (status === 'ringing') fill('ringing_at', event.timestamp);
  if (status === 'in-progress') fill('answered_at', event.timestamp);
  fill('answered_by', event.answeredBy);
  fill('error_code', event.errorCode);
  return patch;
}

function moved(leg: Leg, event: ParsedCallback, status: CallbackCallStatus): LegUpdate {
  return {
    status,
    status_source: 'callback',
    last_sequence: event.sequence === null ? leg.last_sequence : Math.max(leg.last_sequence, event.sequence),
  };
}

/** The terminal callback's own account of the call; absent fields leave the column alone. */
function terminalDetails(event: ParsedCallback): LegUpdate {
  const patch: LegUpdate = {};
  const set = <K extends keyof LegUpdate>(column: K, value: LegUpdate[K] | null): void => {
    if (value !== null && value !== undefined) patch[column] = value;
  };
  set('answered_at', event.answeredTime);
  set('ended_at', event.endTime ?? event.timestamp);
  set('duration_s', event.durationS);
  set('hangup_cause', event.hangupCause);
  set('hangup_source', event.hangupSource);
  set('sip_hangup_cause', event.sipHangupCause);
  set('answered_by', event.answeredBy);
  set('error_code', event.errorCode);
  return patch;
}

/** The dialled leg's outcome from a `<Dial action>` request. */
export interface ParsedDialAction {
  dialCallSid: string | null;
  /** Null when absent or not terminal. */
  dialCallStatus: TerminalCallStatus | null;
  rawStatus: string | null;
  /** `DialCallDuration`, seconds. */
  dialCallDurationS: number | null;
}

export function parseDialAction(fields: Readonly<Record<string, string | undefined>>): ParsedDialAction {
  const rawStatus = text(fields.DialCallStatus);
  return {
    dialCallSid: text(fields.DialCallSid),
    dialCallStatus: (TERMINAL_CALL_STATUSES as readonly string[]).includes(rawStatus ?? '') ? (rawStatus as TerminalCallStatus) : null,
    rawStatus,
    dialCallDurationS: nonNegativeInt(fields.DialCallDuration),
  };
}

export interface DialActionEvaluation {
  verdict: CallEventVerdict;
  attemptPatch: Partial<Pick<AttemptRow, 'dial_call_status' | 'dial_call_duration_s'>>;
  /** Null: leave the customer leg alone. */
  legPatch: LegUpdate | null;
}

/**
 * The Dial action is applied once per attempt: a second one with the same outcome is a
 * duplicate, one with another outcome is illegal (recorded, ignored). It ends the customer
 * leg provisionally if nothing ended it yet, and fills its CallSid and duration.
 *
 * With `dialledLegContinues` (the customer was redirected to another agent, flow 4) the
 * action reports the end of the first bridge only: the outcome is stored on the attempt
 * and the dialled leg is left alone, since it goes on. The same function judges the
 * action of the transfer's own `<Dial>`, with `attempt` standing for that Dial's earlier
 * outcome.
 */
export function evaluateDialAction(
  attempt: Pick<AttemptRow, 'dial_call_status'>,
  customer: Pick<LegRow, 'status' | 'call_sid' | 'duration_s'>,
  action: ParsedDialAction,
  context: Pick<CallbackContext, 'sidTakenByOtherLeg'> & { dialledLegContinues?: boolean },
): DialActionEvaluation {
  const { dialCallStatus, dialCallSid } = action;
  if (dialCallStatus === null) return { verdict: 'illegal', attemptPatch: {}, legPatch: null };
  if (attempt.dial_call_status !== null) {
    return { verdict: attempt.dial_call_status === dialCallStatus ? 'duplicate' : 'illegal', attemptPatch: {}, legPatch: null };
  }
  const attemptPatch = { dial_call_status: dialCallStatus, dial_call_duration_s: action.dialCallDurationS };
  const otherLeg = context.sidTakenByOtherLeg || (dialCallSid !== null && customer.call_sid !== null && customer.call_sid !== dialCallSid);
  if (otherLeg || context.dialledLegContinues) return { verdict: 'applied', attemptPatch, legPatch: null };

  const legPatch: LegUpdate = {};
  if (customer.call_sid === null && dialCallSid !== null) legPatch.call_sid = dialCallSid;
  if (customer.duration_s === null && action.dialCallDurationS !== null) legPatch.duration_s = action.dialCallDurationS;
  if (!isTerminalLegStatus(customer.status)) {
    legPatch.status = dialCallStatus;
    legPatch.status_source = 'dial_action';
  }
  return { verdict: 'applied', attemptPatch, legPatch };
}

function text(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** A non-negative integer that fits PostgreSQL's `integer`, else null. */
function nonNegativeInt(value: string | undefined): number | null {
  const trimmed = value?.trim() ?? '';
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const number = Number(trimmed);
  return number <= 2_147_483_647 ? number : null;
}

/** Lenient: ISO 8601, `2021-04-28 21:51:18.731479Z` or RFC 2822; anything else is null. */
function time(value: string | undefined): Date | null {
  const trimmed = text(value);
  if (trimmed === null) return null;
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}
