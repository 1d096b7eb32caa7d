/**
 * One call as the UI sees it, and how an SDK call update changes it. Kept apart from the
 * controller so the bookkeeping (direction, attempt id, remote party, timer) reads as one
 * function.
 *
 * @module
 */
import type { SoftphoneCall } from './softphone-client.ts';
import { attemptIdOf, uiCallState, type CallDirection, type UiCallState } from './state.ts';

/** One call, keyed by the SDK's call id. */
export interface TrackedCall {
  readonly id: string;
  readonly call: SoftphoneCall;
  ui: UiCallState;
  direction: CallDirection | undefined;
  remoteNumber: string;
  remoteName: string;
  /** Set on server-placed calls (`X-Dialer-Attempt`). */
  attemptId: string | undefined;
  placedLocally: boolean;
  /** Server-placed and answered without the agent pressing Answer. */
  autoAnswer: boolean;
  muted: boolean;
  holdPending: boolean;
  /** When the call first became active (ms); starts the timer. */
  activeSince: number | undefined;
  /** When the call first reached hangup/destroy (ms); stops the timer. */
  endedAt: number | undefined;
}

export function newTracked(call: SoftphoneCall, placedLocally: boolean): TrackedCall {
  return {
    id: call.id,
    call,
    ui: 'idle',
    direction: undefined,
    remoteNumber: '',
    remoteName: '',
    attemptId: undefined,
    placedLocally,
    autoAnswer: false,
    muted: call.isAudioMuted,
    holdPending: false,
    activeSince: undefined,
    endedAt: undefined,
  };
}

/**
 * Folds one SDK update into `tracked` (everything but `ui`) and returns the UI state it
 * maps to, or `null` when the update says nothing new (the first `new` of an inbound call).
 *
 * `remoteNumberFor` lets the host name the customer of a server-placed call: the SDK only
 * sees the caller ID the server presented to the softphone.
 */
export function observe(
  tracked: TrackedCall,
  call: SoftphoneCall,
  now: number,
  remoteNumberFor?: (attemptId: string) => string | undefined,
): UiCallState | null {
  if (call.direction === 'inbound' || call.direction === 'outbound') tracked.direction = call.direction;
  else if (tracked.placedLocally) tracked.direction = 'outbound';
  tracked.attemptId ??= tracked.direction === 'inbound' ? attemptIdOf(call.options.customHeaders) : undefined;
  const options = call.options;
  const sdkNumber = (tracked.direction === 'inbound' ? options.remoteCallerNumber : options.destinationNumber) ?? '';
  tracked.remoteNumber = (tracked.attemptId && remoteNumberFor?.(tracked.attemptId)) || sdkNumber;
  // A server-placed call's SIP caller name is the caller ID we present, not the customer,
  // and a name that is only a number adds nothing: show a name only when it is one.
  const sdkName = (tracked.direction === 'inbound' && !tracked.attemptId ? options.remoteCallerName : '') ?? '';
  tracked.remoteName = /^\+?[\d\s()-]*$/.test(sdkName) ? '' : sdkName;

  const next = uiCallState({ state: call.state, direction: tracked.direction, placedLocally: tracked.placedLocally });
  if (next === 'active') tracked.activeSince ??= now;
  if (next === 'ending' || next === 'idle') {
    tracked.endedAt ??= now;
    tracked.holdPending = false;
  }
  return next;
}

/** Which call the toolbar acts on: a connected call first, then ringing, then dialing, then ending. */
const DISPLAY_ORDER: Record<UiCallState, number> = { active: 0, held: 0, ringing: 1, dialing: 2, ending: 3, idle: 4 };

export function pickCurrent(calls: Iterable<TrackedCall>): TrackedCall | null {
  let best: TrackedCall | null = null;
  for (const call of calls) {
    if (!best || DISPLAY_ORDER[call.ui] < DISPLAY_ORDER[best.ui]) best = call;
  }
  return best && best.ui !== 'idle' ? best : null;
}
