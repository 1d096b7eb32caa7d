/**
 * `CallTracker`: the softphone's calls in progress. It folds each SDK call update into a
 * {@link TrackedCall}, emits `dialer-call-state` and `dialer-call-end` on the host, and
 * forgets a call once the SDK has released it. Kept apart from `SoftphoneController`,
 * which owns the SDK client, the registration and the call actions.
 *
 * @module
 */
import type { ReactiveControllerHost } from 'lit';
import { emit } from './events.ts';
import type { SoftphoneCall } from './softphone-client.ts';
import { durationSeconds } from './state.ts';
import { newTracked, observe, pickCurrent, type TrackedCall } from './tracked-call.ts';

/** How many released call ids to remember (see `released`). */
const RELEASED_MEMORY = 50;

/** What the tracker asks of the controller that owns it. */
export interface CallTrackerHooks {
  now: () => number;
  /** The customer's number for a server-placed call (see `observe`). */
  remoteNumberFor: ((attemptId: string) => string | undefined) | undefined;
  /** The call connected for the first time. */
  onFirstActive: (tracked: TrackedCall) => void;
  /** A server-placed call rings: answer it without the agent pressing Answer. */
  autoAnswer: (tracked: TrackedCall, call: SoftphoneCall) => void;
}

export class CallTracker {
  /** Calls in progress, by SDK call id; a call leaves the map when the SDK destroys it. */
  readonly calls = new Map<string, TrackedCall>();
  /** Ids of the calls this softphone placed itself (`dial`). */
  private readonly localIds = new Set<string>();
  /**
   * Ids of calls already released. The SDK can emit `hangup`/`destroy` again for a call it
   * destroyed (e.g. a hang-up racing the peer set-up while answering: error 44005); those
   * late updates must not bring the call back or end it twice.
   */
  private readonly released = new Set<string>();

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly hooks: CallTrackerHooks,
  ) {}

  /** The call the toolbar acts on: a connected call first, then ringing, then dialing. */
  get current(): TrackedCall | null {
    return pickCurrent(this.calls.values());
  }

  /** The call with this id, or the current one when no id is given. */
  find(callId?: string): TrackedCall | null {
    return callId ? (this.calls.get(callId) ?? null) : this.current;
  }

  /** Marks an id as placed here; the SDK reports the call's first update before `newCall()` returns. */
  expectLocalCall(callId: string): void {
    this.localIds.add(callId);
  }

  /** Forgets every call in progress (the SDK client is going away). */
  clear(): void {
    this.calls.clear();
    this.localIds.clear();
  }

  /** Applies one SDK `callUpdate`. */
  update(call: SoftphoneCall): void {
    if (this.released.has(call.id)) return;
    let tracked = this.calls.get(call.id);
    if (!tracked) {
      tracked = newTracked(call, this.localIds.has(call.id));
      this.calls.set(call.id, tracked);
    }
    const now = this.hooks.now();
    const firstActive = tracked.activeSince === undefined;
    const next = observe(tracked, call, now, this.hooks.remoteNumberFor);
    if (next === 'active' && firstActive) this.hooks.onFirstActive(tracked);
    const previous = tracked.ui;
    if (next !== null && next !== previous) {
      tracked.ui = next;
      emit(this.host, 'dialer-call-state', {
        callId: tracked.id,
        state: next,
        previous,
        direction: tracked.direction,
        remoteNumber: tracked.remoteNumber,
        ...(tracked.attemptId ? { attemptId: tracked.attemptId } : {}),
      });
    }
    if (call.state === 'ringing' && tracked.direction === 'inbound' && tracked.attemptId && !tracked.autoAnswer) {
      tracked.autoAnswer = true;
      this.hooks.autoAnswer(tracked, call);
    }
    if (next === 'idle') {
      this.calls.delete(call.id);
      this.localIds.delete(call.id);
      this.remember(call.id);
      if (previous !== 'idle') {
        emit(this.host, 'dialer-call-end', {
          callId: tracked.id,
          cause: call.cause ?? 'NORMAL_CLEARING',
          ...(typeof call.causeCode === 'number' ? { causeCode: call.causeCode } : {}),
          ...(typeof call.sipCode === 'number' ? { sipCode: call.sipCode } : {}),
          durationS: durationSeconds(tracked.activeSince, tracked.endedAt ?? now),
          ...(tracked.attemptId ? { attemptId: tracked.attemptId } : {}),
        });
      }
    }
    this.host.requestUpdate();
  }

  private remember(callId: string): void {
    this.released.add(callId);
    // A bounded memory: late duplicates arrive within seconds, not hundreds of calls later.
    if (this.released.size > RELEASED_MEMORY) this.released.delete(this.released.values().next().value!);
  }
}
