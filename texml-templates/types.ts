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

/** Recording events a `<Dial>` or `<Conference>` can report to `recordingStatusCallback`. */
export type RecordingStatusCallbackEvent = 'in-progress' | 'completed' | 'absent';

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
  /** Mono or stereo recording (with `record`). @default 'single' */
  recordingChannels?: 'single' | 'dual';
  /** Longest recording, 0–14400 s; 0 = no limit. @default 0 */
  recordMaxLength?: number;
  /** Where recording events go. */
  recordingStatusCallback?: string;
  /** @default 'POST' */
  recordingStatusCallbackMethod?: HttpMethod;
  /** @default ['completed'] */
  recordingStatusCallbackEvent?: RecordingStatusCallbackEvent[];
  /** Include the recording URL in callbacks. @default true */
  sendRecordingUrl?: boolean;
  /** Custom ringback audio URL; overrides `ringTone`. */
  audioUrl?: string;
  /** Pass the inbound call's Diversion SIP header on to the dialled leg. @default false */
  passDiversionHeader?: boolean;
  /** Premium AMD: longest greeting before "machine", in ms. */
  machineDetectionSpeechThreshold?: number;
  /** Premium AMD: silence after a greeting before "machine", in ms. */
  machineDetectionSpeechEndThreshold?: number;
  /** Premium AMD: longest initial silence before "machine", in ms. */
  machineDetectionSilenceTimeout?: number;
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
  /** Label of this participant, usable with the conference REST API. */
  participantLabel?: string;
  /** @default 'do-not-record' */
  record?: 'do-not-record' | 'record-from-start';
  /** Beep when the recording starts. @default true */
  recordBeep?: boolean;
  recordingStatusCallback?: string;
  /** @default 'POST' */
  recordingStatusCallbackMethod?: HttpMethod;
  /** @default ['completed'] */
  recordingStatusCallbackEvent?: RecordingStatusCallbackEvent[];
  /** Stop recording after this much silence, 0–14400 s; 0 = never. @default 0 */
  recordingTimeout?: number;
  /** @default 'do-not-trim' */
  trim?: 'trim-silence' | 'do-not-trim';
  /** @default true */
  sendRecordingUrl?: boolean;
  /** @default 'POST' */
  statusCallbackMethod?: HttpMethod;
  /** Method for `waitUrl`. @default 'POST' */
  waitMethod?: HttpMethod;
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
  /** Azure voices only. */
  gender?: 'Male' | 'Female';
  /** Audio effect, Azure voices only. */
  effect?: 'eq_telecomhp8k' | 'eq_car';
}

export interface PlayAttributes {
  /** 0–10 repetitions, 0 = forever. @default 1 */
  loop?: number;
  /** DTMF to play instead of audio: `0-9 * # w`. */
  digits?: string;
  /** The text is a Telnyx media-storage name instead of a URL. @default false */
  mediaStorage?: boolean;
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
  /** Where invalid digits go (same method as `action`). */
  invalidDigitsAction?: string;
  /** Seconds of silence after speech before the result is sent. */
  speechTimeout?: number;
  /** Where partial speech results go. */
  partialResultCallback?: string;
  /** @default 'POST' */
  partialResultCallbackMethod?: HttpMethod;
  profanityFilter?: boolean;
  /** Enhanced speech model (`phone_call` and `video`). */
  useEnhanced?: boolean;
  /** Words or phrases that help speech recognition. */
  hints?: string;
  transcriptionEngine?: 'Google' | 'Telnyx' | 'Azure' | 'Deepgram';
  /** Integration-secret reference for the transcription engine (Azure). */
  apiKeyRef?: string;
  /** Transcription engine region (required for Azure). */
  region?: string;
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
