/**
 * Realistic callbacks for one click-to-call attempt, built by hand from texml-api.md §4
 * (status callback fields) and §6 (Dial action fields), with what the rows must end as.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { applyDialAction, ingestStatusCallback, type IngestResult, type StatusCallbackInput } from '../../../server/calls/ingest.ts';
import type { LegRole } from '../../../server/calls/tables.ts';
import type { Tables } from '../../../server/db/schema.ts';

export const AGENT_SID = 'v3:9X2vAgentLeg0001';
export const CUSTOMER_SID = 'v3:7Hq1CustomerLeg02';
export const AGENT_SIP = 'sip:gencred4ab2@sip.telnyx.com';
export const CUSTOMER = '+13129457420';
export const CALLER_ID = '+13125550100';

export interface Delivery {
  /** A short label for failure messages, e.g. `customer:ringing#1`. */
  label: string;
  kind: 'status' | 'action';
  role: LegRole;
  fields: Record<string, string>;
  rawBody: string;
}

const COMMON = { AccountSid: 'f5586561-8ff0-4291-a0ac-84fe544797bd', CallbackSource: 'call-progress-events', ConnectionId: '1234567890' };

function body(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export function statusCallback(role: LegRole, status: string, sequence: string | undefined, timestamp: string, extra: Record<string, string> = {}): Delivery {
  const leg: Record<string, string> =
    role === 'agent'
      ? { CallSid: AGENT_SID, CallSidLegacy: AGENT_SID, From: CALLER_ID, To: AGENT_SIP, CallInitiatedAt: '2026-01-05T15:00:00.000Z' }
      : {
          CallSid: CUSTOMER_SID,
          CallSidLegacy: CUSTOMER_SID,
          ParentCallSid: AGENT_SID,
          ParentCallSidLegacy: AGENT_SID,
          From: CALLER_ID,
          To: CUSTOMER,
          CallInitiatedAt: '2026-01-05T15:00:04.500Z',
        };
  const fields: Record<string, string> = { ...COMMON, ...leg, CallStatus: status, Timestamp: timestamp, ...extra };
  if (sequence !== undefined) fields.SequenceNumber = sequence;
  return { label: `${role}:${status}#${sequence ?? '-'}`, kind: 'status', role, fields, rawBody: body(fields) };
}

export function dialAction(dialStatus: string, durationS: string, timestamp: string): Delivery {
  const fields: Record<string, string> = {
    ...COMMON,
    CallSid: AGENT_SID,
    CallSidLegacy: AGENT_SID,
    // The agent's leg goes on after the Dial ends; these fields describe it, not the customer.
    CallStatus: 'in-progress',
    From: CALLER_ID,
    To: AGENT_SIP,
    CallInitiatedAt: '2026-01-05T15:00:00.000Z',
    Timestamp: timestamp,
    DialCallSid: CUSTOMER_SID,
    DialCallSidLegacy: CUSTOMER_SID,
    DialCallStatus: dialStatus,
    DialCallDuration: durationS,
  };
  return { label: `action:${dialStatus}`, kind: 'action', role: 'customer', fields, rawBody: body(fields) };
}

const agentCompleted = statusCallback('agent', 'completed', '3', '2026-01-05T15:01:02.000Z', {
  CallDuration: '58',
  StartTime: '2026-01-05T15:00:00.100Z',
  AnsweredTime: '2026-01-05T15:00:04.000Z',
  EndTime: '2026-01-05T15:01:02.000Z',
  HangupCause: 'normal_clearing',
  HangupSource: 'caller',
  SipHangupCause: '200',
});

const agentUpToAnswer = [
  statusCallback('agent', 'initiated', '0', '2026-01-05T15:00:00.100Z'),
  statusCallback('agent', 'ringing', '1', '2026-01-05T15:00:01.000Z'),
  statusCallback('agent', 'in-progress', '2', '2026-01-05T15:00:04.000Z'),
];

/** Agent answers, customer answers, customer hangs up after 48 s, then the agent leg ends. In wire order. */
export const BRIDGED: readonly Delivery[] = [
  ...agentUpToAnswer,
  statusCallback('customer', 'initiated', '0', '2026-01-05T15:00:04.500Z'),
  statusCallback('customer', 'ringing', '1', '2026-01-05T15:00:05.200Z'),
  statusCallback('customer', 'in-progress', '2', '2026-01-05T15:00:12.000Z'),
  statusCallback('customer', 'completed', '3', '2026-01-05T15:01:00.000Z', {
    CallDuration: '48',
    StartTime: '2026-01-05T15:00:04.500Z',
    AnsweredTime: '2026-01-05T15:00:12.000Z',
    EndTime: '2026-01-05T15:01:00.000Z',
    HangupCause: 'normal_clearing',
    HangupSource: 'callee',
    SipHangupCause: '200',
  }),
  dialAction('completed', '48', '2026-01-05T15:01:00.300Z'),
  agentCompleted,
];

/** Agent answers, the customer is busy; the busy callback carries no duration. In wire order. */
export const CUSTOMER_BUSY: readonly Delivery[] = [
  ...agentUpToAnswer,
  statusCallback('customer', 'initiated', '0', '2026-01-05T15:00:04.500Z'),
  statusCallback('customer', 'ringing', '1', '2026-01-05T15:00:05.200Z'),
  statusCallback('customer', 'busy', '2', '2026-01-05T15:00:07.000Z', {
    StartTime: '2026-01-05T15:00:04.500Z',
    EndTime: '2026-01-05T15:00:07.000Z',
    HangupCause: 'user_busy',
    HangupSource: 'callee',
    SipHangupCause: '486',
  }),
  dialAction('busy', '0', '2026-01-05T15:00:07.200Z'),
  agentCompleted,
];

const at = (iso: string) => new Date(iso);

const AGENT_FINAL = {
  role: 'agent',
  agent_id: null,
  call_sid: AGENT_SID,
  parent_call_sid: null,
  status: 'completed',
  status_source: 'callback',
  last_sequence: 3,
  from_number: CALLER_ID,
  to_number: AGENT_SIP,
  initiated_at: at('2026-01-05T15:00:00.000Z'),
  ringing_at: at('2026-01-05T15:00:01.000Z'),
  answered_at: at('2026-01-05T15:00:04.000Z'),
  ended_at: at('2026-01-05T15:01:02.000Z'),
  duration_s: 58,
  hangup_cause: 'normal_clearing',
  hangup_source: 'caller',
  sip_hangup_cause: '200',
  answered_by: null,
  error_code: null,
};

/** Final rows (ids and updated_at left out) of each scenario, written by hand. */
export const EXPECTED = {
  BRIDGED: {
    attempt: { status: 'completed', create_state: 'accepted', dial_call_status: 'completed', dial_call_duration_s: 48 },
    legs: [
      AGENT_FINAL,
      {
        role: 'customer',
        agent_id: null,
        call_sid: CUSTOMER_SID,
        parent_call_sid: AGENT_SID,
        status: 'completed',
        status_source: 'callback',
        last_sequence: 3,
        from_number: CALLER_ID,
        to_number: CUSTOMER,
        initiated_at: at('2026-01-05T15:00:04.500Z'),
        ringing_at: at('2026-01-05T15:00:05.200Z'),
        answered_at: at('2026-01-05T15:00:12.000Z'),
        ended_at: at('2026-01-05T15:01:00.000Z'),
        duration_s: 48,
        hangup_cause: 'normal_clearing',
        hangup_source: 'callee',
        sip_hangup_cause: '200',
        answered_by: null,
        error_code: null,
      },
    ],
  },
  CUSTOMER_BUSY: {
    attempt: { status: 'completed', create_state: 'accepted', dial_call_status: 'busy', dial_call_duration_s: 0 },
    legs: [
      AGENT_FINAL,
      {
        role: 'customer',
        agent_id: null,
        call_sid: CUSTOMER_SID,
        parent_call_sid: AGENT_SID,
        status: 'busy',
        status_source: 'callback',
        last_sequence: 2,
        from_number: CALLER_ID,
        to_number: CUSTOMER,
        initiated_at: at('2026-01-05T15:00:04.500Z'),
        ringing_at: at('2026-01-05T15:00:05.200Z'),
        answered_at: null,
        ended_at: at('2026-01-05T15:00:07.000Z'),
        // From DialCallDuration: the busy callback has no CallDuration.
        duration_s: 0,
        hangup_cause: 'user_busy',
        hangup_source: 'callee',
        sip_hangup_cause: '486',
        answered_by: null,
        error_code: null,
      },
    ],
  },
} as const;

/** Hand one delivery to the server code, as the HTTP routes would. */
export function deliver(db: Kysely<Tables>, attemptId: string, delivery: Delivery, receivedAt: Date): Promise<IngestResult> {
  const input = { attemptId, fields: delivery.fields, rawBody: delivery.rawBody, receivedAt };
  return delivery.kind === 'action' ? applyDialAction(db, input) : ingestStatusCallback(db, { ...input, role: delivery.role });
}

/** The input the status route would build from `delivery` (a status callback). */
export function callbackInput(attemptId: string, delivery: Delivery, receivedAt: Date): StatusCallbackInput {
  return { attemptId, role: delivery.role, fields: delivery.fields, rawBody: delivery.rawBody, receivedAt };
}

/**
 * The same delivery for another call: both fixture CallSids get `-tag` appended (in the
 * fields and the raw body), so several attempts can run the scenarios side by side.
 */
export function retag(delivery: Delivery, tag: string): Delivery {
  const swap = (value: string) => value.replaceAll(AGENT_SID, `${AGENT_SID}-${tag}`).replaceAll(CUSTOMER_SID, `${CUSTOMER_SID}-${tag}`);
  const fields = Object.fromEntries(Object.entries(delivery.fields).map(([name, value]) => [name, swap(value)]));
  return { ...delivery, label: `${tag}/${delivery.label}`, fields, rawBody: body(fields) };
}

/** A shuffled copy with, on average, a third of the items sent twice or three times. */
export function scramble<T>(items: readonly T[], next: () => number): T[] {
  const out: T[] = [];
  for (const item of items) {
    out.push(item);
    while (next() < 0.33) out.push(item);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
