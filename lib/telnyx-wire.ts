/**
 * The Telnyx TeXML wire format, written once as data and used by both sides: the
 * server's Telnyx client builds requests typed by it, and the sandbox validates incoming
 * requests against the same field tables and answers with Telnyx's error codes.
 * Source: `shared/reference/texml-api.md` §1–§4.
 *
 * @module
 */

export type FieldSpec =
  | { type: 'string'; required?: boolean; maxLength?: number; pattern?: RegExp; patternHint?: string }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean }
  | { type: 'enum'; required?: boolean; values: readonly string[] }
  /** Space-separated list whose items must come from `values`. */
  | { type: 'list'; required?: boolean; values: readonly string[] }
  /** `[{name, value}]`; from a form it arrives as JSON text. */
  | { type: 'headers'; required?: boolean };

export type FieldTable = Readonly<Record<string, FieldSpec>>;

const METHOD = ['GET', 'POST'] as const;

/** `POST /v2/texml/Accounts/{account_sid}/Calls` (texml-api.md §1.1). */
export const CREATE_CALL_FIELDS = {
  ApplicationSid: { type: 'string', required: true },
  To: { type: 'string', required: true },
  From: { type: 'string', required: true },
  CallerId: { type: 'string', maxLength: 128, pattern: /^[A-Za-z0-9 \-_~!.+]*$/, patternHint: 'letters, digits, space and -_~!.+' },
  Url: { type: 'string' },
  UrlMethod: { type: 'enum', values: METHOD },
  FallbackUrl: { type: 'string' },
  Texml: { type: 'string' },
  StatusCallback: { type: 'string' },
  StatusCallbackMethod: { type: 'enum', values: METHOD },
  StatusCallbackEvent: { type: 'list', values: ['initiated', 'ringing', 'answered', 'completed'] },
  MachineDetection: { type: 'enum', values: ['Enable', 'Disable', 'DetectMessageEnd'] },
  DetectionMode: { type: 'enum', values: ['Premium', 'Regular', 'PremiumCallScreening'] },
  AsyncAmd: { type: 'boolean' },
  AsyncAmdStatusCallback: { type: 'string' },
  AsyncAmdStatusCallbackMethod: { type: 'enum', values: METHOD },
  MachineDetectionTimeout: { type: 'integer', min: 500, max: 60_000 },
  MachineDetectionSpeechThreshold: { type: 'integer', min: 0 },
  MachineDetectionSpeechEndThreshold: { type: 'integer', min: 0 },
  MachineDetectionSilenceTimeout: { type: 'integer', min: 0 },
  CancelPlaybackOnMachineDetection: { type: 'boolean' },
  CancelPlaybackOnDetectMessageEnd: { type: 'boolean' },
  Timeout: { type: 'integer', min: 5, max: 120 },
  TimeLimit: { type: 'integer', min: 30, max: 14_400 },
  Record: { type: 'boolean' },
  RecordingChannels: { type: 'enum', values: ['mono', 'dual'] },
  RecordingStatusCallback: { type: 'string' },
  RecordingStatusCallbackEvent: { type: 'list', values: ['in-progress', 'completed', 'absent'] },
  RecordingStatusCallbackMethod: { type: 'enum', values: METHOD },
  RecordingTimeout: { type: 'integer', min: 0 },
  RecordingTrack: { type: 'enum', values: ['inbound', 'outbound', 'both'] },
  Trim: { type: 'enum', values: ['trim-silence', 'do-not-trim'] },
  SendRecordingUrl: { type: 'boolean' },
  SipAuthUsername: { type: 'string' },
  SipAuthPassword: { type: 'string' },
  SipRegion: { type: 'enum', values: ['US', 'Europe', 'Canada', 'Australia', 'Middle East'] },
  MediaEncryption: { type: 'enum', values: ['disabled', 'SRTP', 'DTLS'] },
  PreferredCodecs: { type: 'string' },
  CustomHeaders: { type: 'headers' },
} as const satisfies FieldTable;

/** `POST /v2/texml/Accounts/{account_sid}/Calls/{call_sid}`, form-encoded (texml-api.md §2.1). */
export const UPDATE_CALL_FIELDS = {
  // UNCONFIRMED whether `canceled` is accepted for unanswered calls: only `completed`, the
  // one value the spec's own error example allows, is sent or accepted here.
  Status: { type: 'enum', values: ['completed'] },
  Url: { type: 'string' },
  Method: { type: 'enum', values: METHOD },
  FallbackUrl: { type: 'string' },
  FallbackMethod: { type: 'enum', values: METHOD },
  StatusCallback: { type: 'string' },
  StatusCallbackMethod: { type: 'enum', values: METHOD },
  Texml: { type: 'string' },
} as const satisfies FieldTable;

export type HttpMethod = (typeof METHOD)[number];
export type CallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface CustomHeader {
  name: string;
  value: string;
}

/** What the server sends to create a call. Field meanings: texml-api.md §1.1. */
export interface CreateCallParams {
  ApplicationSid: string;
  To: string;
  From: string;
  CallerId?: string;
  Url?: string;
  UrlMethod?: HttpMethod;
  FallbackUrl?: string;
  Texml?: string;
  StatusCallback?: string;
  StatusCallbackMethod?: HttpMethod;
  /** Sent as one space-separated string, as the official SDK does (§12). */
  StatusCallbackEvent?: string;
  MachineDetection?: 'Enable' | 'Disable' | 'DetectMessageEnd';
  DetectionMode?: 'Premium' | 'Regular' | 'PremiumCallScreening';
  AsyncAmd?: boolean;
  AsyncAmdStatusCallback?: string;
  AsyncAmdStatusCallbackMethod?: HttpMethod;
  /** ms, 500–60000. */
  MachineDetectionTimeout?: number;
  /** Ring time before the call is given up, 5–120 s. */
  Timeout?: number;
  /** Longest call, 30–14400 s. */
  TimeLimit?: number;
  CustomHeaders?: CustomHeader[];
}

/** Declared 200 body of the account-scoped create (no call SID: texml-api.md §1.1). */
export interface CreateCallResponse {
  from: string;
  to: string;
  status: string;
  /** Only some endpoints return it; never rely on it. */
  call_sid?: string;
}

export interface UpdateCallParams {
  Status?: 'completed';
  Url?: string;
  Method?: HttpMethod;
  FallbackUrl?: string;
  FallbackMethod?: HttpMethod;
  StatusCallback?: string;
  StatusCallbackMethod?: HttpMethod;
  Texml?: string;
}

export type CallResourceStatus = 'queued' | 'ringing' | 'in-progress' | 'canceled' | 'completed' | 'failed' | 'busy' | 'no-answer';

/** `CallResource`, snake_case JSON (texml-api.md §2.4). Times are RFC 2822. */
export interface CallResource {
  account_sid: string;
  sid: string;
  status: CallResourceStatus;
  direction: 'inbound' | 'outbound';
  answered_by?: 'human' | 'machine' | 'not_sure';
  from: string;
  to: string;
  caller_name?: string;
  /** Seconds, as a string. */
  duration: string;
  start_time?: string;
  end_time?: string;
  date_created: string;
  date_updated: string;
  uri: string;
}

export interface CallListResponse {
  calls: CallResource[];
  end: number;
  first_page_uri: string;
  next_page_uri: string | null;
  page: number;
  page_size: number;
  start: number;
  uri: string;
}

/** One entry of Telnyx's `{"errors": [...]}` body. `code` is a string. */
export interface TelnyxErrorObject {
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string };
  meta?: Record<string, unknown>;
}

/** Telnyx error codes this project produces or handles. */
export const TELNYX_ERROR = {
  missingParameter: '10004',
  resourceNotFound: '10005',
  unauthorized: '10009',
  tooManyRequests: '10011',
  invalidType: '10026',
  invalidEnum: '10032',
  outOfRange: '10033',
  dialsPerSecondExceeded: '90103',
} as const;

/** `CallStatus` values of status callbacks (the `answered` event reports `in-progress`). */
export const CALLBACK_CALL_STATUSES = ['initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'canceled', 'failed'] as const;
export type CallbackCallStatus = (typeof CALLBACK_CALL_STATUSES)[number];
export const TERMINAL_CALL_STATUSES = ['completed', 'busy', 'no-answer', 'canceled', 'failed'] as const;
export type TerminalCallStatus = (typeof TERMINAL_CALL_STATUSES)[number];

/**
 * Fields of a call-progress status callback, all strings as they arrive form-encoded
 * (texml-api.md §4). Required ones first; the rest are present when they apply.
 */
export interface StatusCallbackFields {
  AccountSid: string;
  CallSid: string;
  CallSidLegacy: string;
  CallStatus: CallbackCallStatus;
  CallbackSource: 'call-progress-events';
  ConnectionId: string;
  From: string;
  To: string;
  CallInitiatedAt: string;
  Timestamp: string;
  /** Integer per call, as a string. */
  SequenceNumber: string;
  CallerId?: string;
  /** Seconds, as a string. */
  CallDuration?: string;
  ParentCallSid?: string;
  ParentCallSidLegacy?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
  AnsweredBy?: string;
  StartTime?: string;
  AnsweredTime?: string;
  EndTime?: string;
  HangupCause?: string;
  HangupSource?: string;
  SipHangupCause?: string;
}

/** Fields of the `<Dial action>` request: the completed set plus the dialled leg's outcome. */
export interface DialActionFields extends Omit<StatusCallbackFields, 'CallbackSource' | 'SequenceNumber'> {
  DialCallSid: string;
  DialCallSidLegacy: string;
  DialCallStatus: TerminalCallStatus;
  /** Seconds, as a string. */
  DialCallDuration: string;
}

/** Fields of an instruction fetch (`Url`, redirect, `action`) (texml-api.md §3). */
export interface InstructionFetchFields {
  AccountSid: string;
  CallSid: string;
  CallSidLegacy: string;
  CallerId: string;
  CallingPartyType: 'pstn' | 'sip';
  From: string;
  FromSipUri: string;
  To: string;
  ToSipUri: string;
  ConnectionId: string;
  CallStatus: string;
  /** Sync AMD result (placement UNCONFIRMED, so the sandbox sends it on the fetch too). */
  AnsweredBy?: string;
}

/** Async AMD result (`TexmlCallAmdWebhook`). */
export interface AmdCallbackFields {
  AccountSid: string;
  CallSid: string;
  CallSidLegacy: string;
  ConnectionId: string;
  AnsweredBy: string;
  /** ms, as a string. */
  MachineDetectionDuration: string;
}

/** `<Gather action>` request. */
export interface GatherActionFields {
  AccountSid: string;
  CallSid: string;
  CallSidLegacy: string;
  From: string;
  To: string;
  Digits?: string;
}

/** Headers carrying the Ed25519 webhook signature over `timestamp|rawBody` (texml-api.md §5). */
export const SIGNATURE_HEADERS = {
  timestamp: 'telnyx-timestamp',
  signature: 'telnyx-signature-ed25519',
} as const;

/** Treat any `AnsweredBy` that starts with `machine` (or is `fax`) as not a person (§7). */
export function isMachineAnswer(answeredBy: string | undefined): boolean {
  if (!answeredBy) return false;
  return answeredBy.startsWith('machine') || answeredBy === 'fax';
}
