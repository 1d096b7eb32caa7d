/**
 * The softphone's state rules, as plain functions with no DOM and no SDK import, so that
 * every rule can be table-tested.
 *
 * - SDK call state (`call.state`, a lowercase string) → the six UI call states.
 * - SDK events → registration state (with the SDK error code and message on failure).
 * - Which toolbar buttons apply in which UI call state.
 * - The call timer's text.
 * - Which agent statuses the agent may pick, and why not.
 *
 * @module
 */

/** Every `call.state` the SDK emits, in its own enum order (`webrtc/constants.ts` `State`). */
export const SDK_CALL_STATES = [
  'new',
  'requesting',
  'trying',
  'recovering',
  'ringing',
  'answering',
  'early',
  'active',
  'held',
  'hangup',
  'destroy',
  'purge',
] as const;
export type SdkCallState = (typeof SDK_CALL_STATES)[number];

/**
 * What the agent sees.
 * - `idle`: no call.
 * - `dialing`: set-up in progress with no audio yet (outbound requesting/trying/early, an
 *   inbound call being answered, a call being recovered after a reconnect).
 * - `ringing`: an inbound call waits for Answer.
 * - `active`, `held`: connected.
 * - `ending`: hung up, the SDK has not released the call yet (it may wait up to 5 s for the
 *   BYE reply).
 */
export const UI_CALL_STATES = ['idle', 'dialing', 'ringing', 'active', 'held', 'ending'] as const;
export type UiCallState = (typeof UI_CALL_STATES)[number];

export type CallDirection = 'inbound' | 'outbound';

export interface CallFacts {
  /** `call.state` as the SDK reports it. */
  state: string;
  /** `call.direction`; undefined in the first `new` update of every call. */
  direction?: string | undefined;
  /** True for calls this softphone placed itself (we know before the SDK says so). */
  placedLocally?: boolean;
}

/**
 * Maps one SDK call update to a UI call state, or `null` when the update says nothing new
 * (the first `new` of a call whose direction is not yet known: keep the previous state).
 *
 * Outbound calls never pass through `ringing` (the server's ringing message only starts the
 * ringback), so `requesting`, `trying` and `early` all read as `dialing`.
 */
export function uiCallState(facts: CallFacts): UiCallState | null {
  switch (facts.state) {
    case 'new':
      if (facts.placedLocally || facts.direction === 'outbound') return 'dialing';
      if (facts.direction === 'inbound') return 'ringing';
      return null;
    case 'requesting':
    case 'trying':
    case 'early':
    case 'answering':
    case 'recovering':
      return 'dialing';
    case 'ringing':
      return 'ringing';
    case 'active':
      return 'active';
    case 'held':
      return 'held';
    case 'hangup':
    case 'purge':
      return 'ending';
    case 'destroy':
      return 'idle';
    default:
      return null;
  }
}

/** True while a call occupies the agent (anything but idle and ending). */
export function isLiveCall(state: UiCallState): boolean {
  return state === 'dialing' || state === 'ringing' || state === 'active' || state === 'held';
}

/** Connected calls: the states in which media flows and mid-call controls apply. */
export function isConnected(state: UiCallState): boolean {
  return state === 'active' || state === 'held';
}

// ---------------------------------------------------------------------------------------
// Registration

export const REGISTRATION_STATES = ['offline', 'connecting', 'registered', 'reconnecting', 'failed'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/** An SDK error code (number, e.g. 46001) or a local one (string, e.g. `softphone_in_use`). */
export type ErrorCode = number | string;

export interface RegistrationError {
  code: ErrorCode;
  message: string;
}

export interface Registration {
  state: RegistrationState;
  error?: RegistrationError;
}

export type RegistrationEvent =
  | { type: 'connect' }
  | { type: 'ready' }
  | { type: 'socket-close' }
  | { type: 'disconnect' }
  | { type: 'error'; code: ErrorCode; message: string; fatal?: boolean };

/**
 * Errors after which the SDK gives up: reconnection exhausted (45003), login failed
 * (46001), invalid credentials (46002), authentication required (46003).
 */
export const REGISTRATION_FAILED_CODES: ReadonlySet<ErrorCode> = new Set([45003, 46001, 46002, 46003]);

/**
 * Errors after which the SDK keeps trying on its own: socket failure/error (45001, 45002),
 * gateway failure (45004, followed by a reconnect loop), network offline (48001).
 */
export const REGISTRATION_RETRY_CODES: ReadonlySet<ErrorCode> = new Set([45001, 45002, 45004, 48001]);

/**
 * The next registration state. Call-level errors (SDP, media, hold, BYE, ICE: 40001–44003,
 * 47001) leave registration alone.
 */
export function nextRegistration(previous: Registration, event: RegistrationEvent): Registration {
  switch (event.type) {
    case 'connect':
      return { state: 'connecting' };
    case 'ready':
      return { state: 'registered' };
    case 'disconnect':
      return { state: 'offline' };
    case 'socket-close':
      // After a deliberate disconnect or a final failure the SDK does not reconnect.
      if (previous.state === 'offline' || previous.state === 'failed') return previous;
      return withError('reconnecting', previous.error);
    case 'error': {
      const error = { code: event.code, message: event.message };
      if (REGISTRATION_FAILED_CODES.has(event.code)) return { state: 'failed', error };
      if (REGISTRATION_RETRY_CODES.has(event.code)) {
        if (previous.state === 'offline' || previous.state === 'failed') return previous;
        return { state: previous.state === 'connecting' ? 'connecting' : 'reconnecting', error };
      }
      return previous;
    }
  }
}

function withError(state: RegistrationState, error: RegistrationError | undefined): Registration {
  return error ? { state, error } : { state };
}

/** The chip's text, e.g. `Registered`, `Failed: 46001 Login failed`. */
export function registrationLabel(registration: Registration): string {
  const base = REGISTRATION_LABELS[registration.state];
  const error = registration.error;
  if (!error || registration.state === 'registered' || registration.state === 'offline') return base;
  return `${base}: ${error.code} ${error.message}`;
}

const REGISTRATION_LABELS: Record<RegistrationState, string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  registered: 'Registered',
  reconnecting: 'Reconnecting…',
  failed: 'Failed',
};

// ---------------------------------------------------------------------------------------
// Toolbar

export interface ToolbarFacts {
  call: UiCallState;
  registration: RegistrationState;
  /** A dialable number is in the number input. */
  hasNumber: boolean;
  /** The server is placing a click-to-call and has not rung the softphone yet. */
  placing?: boolean;
  /** The current call is being auto-answered (server-placed), so Answer does not apply. */
  autoAnswer?: boolean;
  /** The current call carries an attempt id, which server-side transfer needs. */
  hasAttempt?: boolean;
  /** A hold/unhold request is waiting for the server. */
  holdPending?: boolean;
}

export interface Toolbar {
  call: boolean;
  answer: boolean;
  hangup: boolean;
  mute: boolean;
  hold: boolean;
  keypad: boolean;
  dtmf: boolean;
  transfer: boolean;
}

/** Which buttons are enabled. Each button applies only in the call states listed here. */
export function toolbarFor(facts: ToolbarFacts): Toolbar {
  const { call } = facts;
  const connected = isConnected(call);
  return {
    call: call === 'idle' || call === 'ending' ? facts.registration === 'registered' && facts.hasNumber && !facts.placing : false,
    answer: call === 'ringing' && !facts.autoAnswer,
    hangup: isLiveCall(call) || !!facts.placing,
    mute: connected,
    hold: connected && !facts.holdPending,
    keypad: call === 'idle' || call === 'ending' || call === 'active',
    dtmf: call === 'active',
    transfer: connected && !!facts.hasAttempt,
  };
}

// ---------------------------------------------------------------------------------------
// Dial string and timer

/**
 * Strips the formatting people paste (`+1 (555) 010-2030`) and returns what can be dialled,
 * or `null`. Accepts E.164-ish digit strings with `*`/`#` and `sip:` URIs.
 */
export function normalizeDialString(input: string): string | null {
  const trimmed = input.trim();
  if (/^sip:[^\s@]+(@[^\s]+)?$/i.test(trimmed)) return trimmed;
  const compact = trimmed.replace(/[\s().-]/g, '');
  return /^\+?[0-9*#]{2,32}$/.test(compact) ? compact : null;
}

/** `0:07`, `12:34`, `1:02:03`. Negative or non-finite durations read as `0:00`. */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** Whole seconds between two instants (ms), never negative. */
export function durationSeconds(startMs: number | undefined, endMs: number): number {
  if (startMs === undefined) return 0;
  return Math.max(0, Math.round((endMs - startMs) / 1000));
}

// ---------------------------------------------------------------------------------------
// Agent status

export const AGENT_STATUSES = ['offline', 'available', 'busy', 'wrap_up', 'unavailable'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
/** The statuses an agent may pick; Busy and Wrap-up are set by the server. */
export type SettableAgentStatus = 'available' | 'unavailable' | 'offline';

export const AGENT_STATUS_LABELS: Record<AgentStatus, string> = {
  available: 'Available',
  unavailable: 'Unavailable',
  offline: 'Offline',
  busy: 'Busy',
  wrap_up: 'Wrap-up',
};

/** Reasons offered with Unavailable. */
export const UNAVAILABLE_REASONS = ['Break', 'Lunch', 'Meeting', 'Training', 'Other'] as const;

export type StatusCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether the agent may ask for `target` now. Available needs a registered softphone:
 * the server refuses it otherwise (409 `agent_not_registered`), and a dialer would send
 * calls to a phone that cannot ring.
 */
export function canSetStatus(target: AgentStatus, registration: RegistrationState): StatusCheck {
  if (target === 'busy' || target === 'wrap_up') {
    return { ok: false, reason: `${AGENT_STATUS_LABELS[target]} is set by the server.` };
  }
  if (target === 'available' && registration !== 'registered') {
    return { ok: false, reason: 'Available needs a registered softphone; wait for “Registered”.' };
  }
  return { ok: true };
}

export interface StatusOption {
  value: AgentStatus;
  label: string;
  enabled: boolean;
  reason?: string;
}

/** The options of the status selector, in display order. */
export function statusOptions(registration: RegistrationState): StatusOption[] {
  const order: AgentStatus[] = ['available', 'unavailable', 'offline', 'busy', 'wrap_up'];
  return order.map((value) => {
    const check = canSetStatus(value, registration);
    return check.ok
      ? { value, label: AGENT_STATUS_LABELS[value], enabled: true }
      : { value, label: AGENT_STATUS_LABELS[value], enabled: false, reason: check.reason };
  });
}

// ---------------------------------------------------------------------------------------
// Server-placed calls

/** The custom SIP header the server puts on every call it places to an agent. */
export const ATTEMPT_HEADER = 'X-Dialer-Attempt';

/** The attempt id of a server-placed call, from `call.options.customHeaders`. */
export function attemptIdOf(customHeaders: ReadonlyArray<{ name: string; value: string }> | undefined): string | undefined {
  const header = customHeaders?.find((h) => h.name.toLowerCase() === ATTEMPT_HEADER.toLowerCase());
  const value = header?.value.trim();
  return value ? value : undefined;
}
