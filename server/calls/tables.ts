/**
 * Row types of the calls feature's tables (created by `server/db/migrations/0001-calls.ts`).
 * Other features reach these rows through `repository.ts` and `ingest.ts`, never directly.
 *
 * @module
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { TerminalCallStatus } from '../../lib/telnyx-wire.ts';
import type { LegStatus } from './transitions.ts';

export const ATTEMPT_STATUS = {
  /** Row written; the create request has not been answered yet. */
  created: 'created',
  dialingAgent: 'dialing_agent',
  agentAnswered: 'agent_answered',
  dialingCustomer: 'dialing_customer',
  bridged: 'bridged',
  /** The customer is being redirected to another agent (flow 4); `bridged` again once that agent answers. */
  transferring: 'transferring',
  /** The flow ended after the agent answered; the customer's outcome is in `dial_call_status`. */
  completed: 'completed',
  /** The agent was never reached, or Telnyx refused or never created the call. */
  failed: 'failed',
  /** The create request's result is unknown and no callback has shown the call yet. */
  outcomeUnknown: 'outcome_unknown',
} as const;
export type AttemptStatus = (typeof ATTEMPT_STATUS)[keyof typeof ATTEMPT_STATUS];

/** What we know of the `POST …/Calls` request that started the attempt. */
export const CREATE_STATE = {
  pending: 'pending',
  accepted: 'accepted',
  /** Timed out or 5xx: Telnyx may or may not have created the call; reconcile, never redial. */
  outcomeUnknown: 'outcome_unknown',
  reconciledFound: 'reconciled_found',
  reconciledAbsent: 'reconciled_absent',
  rejected: 'rejected',
} as const;
export type CreateState = (typeof CREATE_STATE)[keyof typeof CREATE_STATE];

/** Flows an attempt can follow. Issue 4 adds the campaign kinds (and their columns). */
/** `click_to_call`: flow 1, the server calls the agent first; `agent_dialled`: flow 2, a call the agent placed from the softphone. */
/** `progressive`: flow 3, a campaign calls the customer first and connects an agent on answer. */
export type AttemptKind = 'click_to_call' | 'agent_dialled' | 'progressive';

/** `transfer`: the leg that rings the agent a customer is transferred to (flow 4). */
export type LegRole = 'agent' | 'customer' | 'transfer';
export type CallEventSource = 'status_callback' | 'dial_action' | 'amd' | 'gather';
export type CallEventVerdict = 'applied' | 'duplicate' | 'stale' | 'illegal' | 'unknown_attempt' | 'confirmed';
/** Who set a leg's current status: its own callback, or (provisionally) the Dial action. */
export type LegStatusSource = 'callback' | 'dial_action';

export interface AttemptsTable {
  /** UUID, made by the server; rides in every Url and StatusCallback (`attempt=`). */
  id: string;
  kind: AttemptKind;
  /** `sip:<user>@<domain>` of the agent's softphone. */
  agent_sip: string;
  /** E.164. */
  customer_number: string;
  /** E.164, one of the account's numbers. */
  caller_id: string;
  /** Derived from the legs by `deriveAttemptStatus`; never set by hand. */
  status: ColumnType<AttemptStatus, AttemptStatus | undefined, AttemptStatus>;
  create_state: ColumnType<CreateState, CreateState | undefined, CreateState>;
  /** `DialCallStatus` of the `<Dial action>` request. */
  dial_call_status: TerminalCallStatus | null;
  /** `DialCallDuration`, seconds. */
  dial_call_duration_s: number | null;
  /** Telnyx error code of a refused create (or ours, e.g. `compliance_blocked`). */
  error_code: string | null;
  error_message: string | null;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
  // --- campaign attempts (migration 0006; null on manual calls outside campaigns) -----
  campaign_id: Optional<string>;
  lead_id: Optional<string>;
  /** The campaign's mode when the attempt was made. */
  mode: Optional<'manual' | 'preview' | 'progressive' | 'power' | 'predictive'>;
  /** The agent the call was placed for (the user id). */
  agent_id: Optional<string>;
  /** How long the customer rings, seconds; null = CUSTOMER_RING_TIMEOUT_S. */
  ring_timeout_s: Optional<number>;
  /** What the compliance gate said right before the dial (its input and decision). */
  // Written as an object: the batch ingestion re-inserts whole attempt rows (both drivers send objects as JSON).
  gate_decision: ColumnType<Record<string, unknown> | null, Record<string, unknown> | null | undefined, Record<string, unknown> | null>;
  /** The customer's call-progress outcome, set once when it is known (`server/campaigns/outcomes.ts`). */
  outcome: Optional<AttemptOutcome>;
  outcome_at: Optional<Date>;
  /** `AnsweredBy` of answering-machine detection, and when it came. */
  amd_result: Optional<string>;
  amd_at: Optional<Date>;
  /** The customer answered; the customer and an agent were connected. */
  answered_at: Optional<Date>;
  bridged_at: Optional<Date>;
  /** Connected to an agent within 2 s of the answer (the abandoned-call definition). */
  two_second_rule_met: Optional<boolean>;
  message_played: Optional<'voicemail' | 'safe_harbor'>;
  abandoned: ColumnType<boolean, boolean | undefined, boolean>;
  /** The agent's disposition: written once, never changed. */
  disposition: Optional<string>;
  disposition_notes: Optional<string>;
  disposition_at: Optional<Date>;
  disposition_by: Optional<string>;
}

/** A nullable column that inserts may leave out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** What became of the customer leg of a campaign attempt; `not_dialled`: the customer was never called (the agent did not answer, Telnyx refused). */
export type AttemptOutcome = 'human' | 'machine' | 'busy' | 'no_answer' | 'failed' | 'canceled' | 'not_dialled';

export interface CallLegsTable {
  id: Generated<number>;
  attempt_id: string;
  role: LegRole;
  /** The agent (user id) whose softphone this leg rings; null for customers and unknown SIP addresses. */
  agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Unknown until the leg's first callback (the account-scoped create returns none). */
  call_sid: string | null;
  parent_call_sid: string | null;
  status: ColumnType<LegStatus, LegStatus | undefined, LegStatus>;
  status_source: LegStatusSource | null;
  /** Highest `SequenceNumber` applied; -1 before any. */
  last_sequence: ColumnType<number, number | undefined, number>;
  from_number: string | null;
  to_number: string | null;
  initiated_at: Date | null;
  ringing_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  /** `CallDuration`, seconds. */
  duration_s: number | null;
  hangup_cause: string | null;
  hangup_source: string | null;
  sip_hangup_cause: string | null;
  answered_by: string | null;
  error_code: string | null;
  updated_at: Date;
}

/** Append-only: every callback and action exactly as received, with what we made of it. */
export interface CallEventsTable {
  id: Generated<number>;
  received_at: ColumnType<Date, Date, never>;
  source: ColumnType<CallEventSource, CallEventSource, never>;
  /** As it arrived in the URL; may name no attempt (verdict `unknown_attempt`). No FK. */
  attempt_id: ColumnType<string | null, string | null, never>;
  role: ColumnType<LegRole | null, LegRole | null, never>;
  call_sid: ColumnType<string | null, string | null, never>;
  call_status: ColumnType<string | null, string | null, never>;
  sequence_number: ColumnType<number | null, number | null, never>;
  verdict: ColumnType<CallEventVerdict, CallEventVerdict, never>;
  /** The request body byte for byte (decoded as UTF-8), for audit and replay. */
  raw_body: ColumnType<string, string, never>;
  /** The parsed form fields; written as JSON text. */
  fields: ColumnType<Record<string, string>, string, never>;
}

export interface CallsTables {
  attempts: AttemptsTable;
  call_legs: CallLegsTable;
  call_events: CallEventsTable;
}

export type AttemptRow = Selectable<AttemptsTable>;
export type NewAttempt = Insertable<AttemptsTable>;
export type LegRow = Selectable<CallLegsTable>;
export type LegUpdate = Updateable<CallLegsTable>;
export type CallEventRow = Selectable<CallEventsTable>;
