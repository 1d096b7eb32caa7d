/**
 * The TeXML document as data: what the builder produces before serialising, and what
 * `parseTexml()` returns after validating a document. The server renders these, the
 * sandbox interprets them; both go through the same schema (`schema.ts`).
 *
 * Attribute values are already typed: numbers are numbers (units in the doc comments),
 * booleans are booleans, space-separated lists are arrays. Attribute names and their
 * allowed values follow `shared/reference/texml-api.md` §6.
 *
 * @module
 */

export type HttpMethod = 'GET' | 'POST';

/** Events a `<Number>`/`<Sip>` noun can report to its `statusCallback`. */
export type NounStatusCallbackEvent = 'initiated' | 'ringing' | 'answered' | 'amd' | 'dtmf' | 'completed';

export type DialRecord =
  | 'do-not-record'
  | 'record-from-answer'
  | 'record-from-ringing'
  | 'record-from-answer-dual'
  | 'record-from-ringing-dual';

export type MachineDetection = 'Enable' | 'DetectMessageEnd' | 'Disable';

export interface DialAttributes {
  /** URL fetched when the dialled call ends; its TeXML continues the A-leg. */
  action?: string;
  /** Method for `action`. @default 'POST' */
  method?: HttpMethod;
  /** E.164 number presented to the called party. */
  callerId?: string;
  /** Caller name, at most 128 characters of letters, digits, space and `-_~!.+`. */
  fromDisplayName?: string;
  /** Hang up the B-leg when the caller presses `*`. @default false */
  hangupOnStar?: boolean;
  /** Ring time before giving up, 5–120 s. @default 30 */
  timeout?: number;
  /** Longest bridged call, 60–14400 s. @default 14400 */
  timeLimit?: number;
  /** @default 'do-not-record' */
  record?: DialRecord;
  /** Answer the A-leg only when the B-leg answers. @default false */
  answerOnBridge?: boolean;
  /** Ringback country code (`us`, `uk`, …). @default 'us' */
  ringTone?: string;
}

interface NounCommon {
  /** Where this leg's progress callbacks go (outbound legs only). */
  statusCallback?: string;
  /** @default ['completed'] */
  statusCallbackEvent?: NounStatusCallbackEvent[];
  /** @default 'POST' */
  statusCallbackMethod?: HttpMethod;
  /** "Whisper" TeXML run on the callee before bridging. */
  url?: string;
  /** Method for `url`. @default 'POST' */
  method?: HttpMethod;
  /** @default 'Disable' */
  machineDetection?: MachineDetection;
  /** @default 'Regular' */
  detectionMode?: 'Regular' | 'Premium';
  /** AMD timeout, 500–60000 ms. @default 3500 */
  machineDetectionTimeout?: number;
}

export interface NumberAttributes extends NounCommon {
  /** DTMF sent on answer: `0-9 # *` and `w` (0.5 s pause). */
  sendDigits?: string;
}

export interface SipAttributes extends NounCommon {
  username?: string;
  password?: string;
}

export interface ConferenceAttributes {
  muted?: boolean;
  /** @default true */
  startConferenceOnEnter?: boolean;
  /** @default false */
  endConferenceOnExit?: boolean;
  /** 2–250. @default 250 */
  maxParticipants?: number;
  beep?: 'true' | 'false' | 'onEnter' | 'onExit';
  statusCallback?: string;
  statusCallbackEvent?: Array<'start' | 'end' | 'join' | 'leave' | 'speaker'>;
  waitUrl?: string;
}

export interface QueueAttributes {
  url?: string;
  method?: HttpMethod;
}

export interface SayAttributes {
  /** `man`, `woman`, `alice`, `Polly.<Voice>`, `Polly.<Voice>-Neural`, … @default 'man' */
  voice?: string;
  /** BCP-47 language, used with `alice` and the cloud voices. */
  language?: string;
  /** 0–10 repetitions, 0 = forever. @default 1 */
  loop?: number;
}

export interface PlayAttributes {
  /** 0–10 repetitions, 0 = forever. @default 1 */
  loop?: number;
  /** DTMF to play instead of audio: `0-9 * # w`. */
  digits?: string;
}

export interface PauseAttributes {
  /** 1–180 s. @default 1 */
  length?: number;
}

export interface GatherAttributes {
  /** Where the collected digits go. */
  action?: string;
  /** @default 'POST' */
  method?: HttpMethod;
  /** Seconds to wait for the first/next digit, 1–120. @default 5 */
  timeout?: number;
  /** @default ['dtmf'] */
  input?: Array<'dtmf' | 'speech'>;
  /** @default '#' */
  finishOnKey?: string;
  /** Stop after this many digits, 1–128. */
  numDigits?: number;
  /** 1–128. @default 1 */
  minDigits?: number;
  /** 1–128. @default 128 */
  maxDigits?: number;
  /** Digits accepted, e.g. `0123456789`. */
  validDigits?: string;
  /** BCP-47. @default 'en-US' */
  language?: string;
}

export interface RedirectAttributes {
  /** @default 'POST' */
  method?: HttpMethod;
}

export interface RejectAttributes {
  /** @default 'rejected' */
  reason?: 'rejected' | 'busy';
}

export type EmptyAttributes = Record<string, never>;

export interface NumberNode {
  name: 'Number';
  attributes: NumberAttributes;
  /** E.164 number. */
  text: string;
}
export interface SipNode {
  name: 'Sip';
  attributes: SipAttributes;
  /** `sip:user@host` URI. */
  text: string;
}
export interface ConferenceNode {
  name: 'Conference';
  attributes: ConferenceAttributes;
  /** Conference room name. */
  text: string;
}
export interface QueueNode {
  name: 'Queue';
  attributes: QueueAttributes;
  /** Queue name. */
  text: string;
}
export type DialNoun = NumberNode | SipNode | ConferenceNode | QueueNode;

export interface DialNode {
  name: 'Dial';
  attributes: DialAttributes;
  /** At least one noun; a bare number as text is normalised into a `<Number>`. */
  children: DialNoun[];
}
export interface SayNode {
  name: 'Say';
  attributes: SayAttributes;
  text: string;
}
export interface PlayNode {
  name: 'Play';
  attributes: PlayAttributes;
  /** Audio URL (empty when `digits` is set). */
  text: string;
}
export interface PauseNode {
  name: 'Pause';
  attributes: PauseAttributes;
}
export type GatherChild = SayNode | PlayNode | PauseNode;
export interface GatherNode {
  name: 'Gather';
  attributes: GatherAttributes;
  children: GatherChild[];
}
export interface HangupNode {
  name: 'Hangup';
  attributes: EmptyAttributes;
}
export interface RedirectNode {
  name: 'Redirect';
  attributes: RedirectAttributes;
  /** Absolute or relative URL of the next document. */
  text: string;
}
export interface RejectNode {
  name: 'Reject';
  attributes: RejectAttributes;
}

export type VerbNode = DialNode | SayNode | PlayNode | PauseNode | GatherNode | HangupNode | RedirectNode | RejectNode;
export type VerbName = VerbNode['name'];
export type NounName = DialNoun['name'];

/** A whole `<Response>` document. */
export interface TexmlDocument {
  verbs: VerbNode[];
}
