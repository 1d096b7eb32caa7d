/**
 * `SoftphoneController`: the one place that touches the Telnyx WebRTC SDK.
 *
 * It owns the page's single `TelnyxRTC` client (the SDK adds window listeners, body-level
 * ringtone elements and sessionStorage keys per instance, so a second client per page is
 * refused), connects when its host connects, and on disconnect removes its listeners with
 * `off()` before calling `disconnect()`. SDK events become plain state
 * ({@link SoftphoneController.registration}, {@link SoftphoneController.calls}) plus
 * `dialer-*` events on the host, and every change calls `host.requestUpdate()`. Call
 * updates are folded into tracked calls by `CallTracker` (`call-tracker.ts`).
 *
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallTracker } from './call-tracker.ts';
import { emit } from './events.ts';
import { isConnected, nextRegistration, type ErrorCode, type Registration, type RegistrationEvent } from './state.ts';
import {
  clientOptions,
  playQuietly,
  type ClientFactory,
  type SdkErrorEvent,
  type SdkNotification,
  type SdkWarningEvent,
  type SoftphoneClient,
  type SoftphoneCredentials,
  type SoftphoneEventName,
} from './softphone-client.ts';
import type { TrackedCall } from './tracked-call.ts';

export type { SoftphoneCredentials } from './softphone-client.ts';
export type { TrackedCall } from './tracked-call.ts';

export interface SoftphoneDeps {
  /** Read on every connect, so the host's `clientFactory` property may be set late. */
  clientFactory: () => ClientFactory;
  /** Fresh credentials, or `null` when the agent must sign in first. */
  loadCredentials: () => Promise<SoftphoneCredentials | null>;
  /** A fresh login token (asked for on SDK warning 34001, two minutes before expiry). */
  refreshToken: () => Promise<string>;
  /** The host's remote `<audio>` element. */
  remoteAudio: () => HTMLAudioElement;
  /** Whether to connect when the host connects (the `auto-connect` attribute). */
  autoConnect?: () => boolean;
  ringtoneUrl?: () => string | undefined;
  /**
   * The number to show for a server-placed call. The SDK only knows the caller ID the
   * server presented to the softphone; the host may know the customer's number.
   */
  remoteNumberFor?: (attemptId: string) => string | undefined;
  now?: () => number;
}

export interface AudioDevices {
  inputs: MediaDeviceInfo[];
  outputs: MediaDeviceInfo[];
  inputId: string;
  outputId: string;
}

export interface SoftphoneProblem {
  code: ErrorCode;
  message: string;
  fatal: boolean;
}

/** The controller that currently owns the page's client (module-level singleton guard). */
let owner: SoftphoneController | null = null;

/** SDK warning code: the login JWT expires in two minutes. */
const TOKEN_EXPIRING_SOON = 34001;

export class SoftphoneController implements ReactiveController {
  registration: Registration = { state: 'offline' };
  devices: AudioDevices = { inputs: [], outputs: [], inputId: '', outputId: '' };
  /** The last SDK error, shown until the next successful registration. */
  problem: SoftphoneProblem | null = null;
  /** Settles when a teardown started by `hostDisconnected` has finished. */
  teardown: Promise<void> = Promise.resolve();

  private client: SoftphoneClient | null = null;
  private connecting = false;
  /** Bumped by every connect/disconnect so a stale async step can tell it lost the race. */
  private generation = 0;
  private readonly tracker: CallTracker;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly deps: SoftphoneDeps,
  ) {
    this.tracker = new CallTracker(host, {
      now: deps.now ?? Date.now,
      remoteNumberFor: deps.remoteNumberFor,
      onFirstActive: (tracked) => {
        // Devices can be switched only once there is an audio sender (§5).
        this.applyPreferredDevices(tracked);
        this.problem = null; // a call connected: whatever went wrong before is history
      },
      autoAnswer: (tracked, call) => void this.guard(tracked, () => call.answer({ remoteElement: this.deps.remoteAudio() })),
    });
    host.addController(this);
  }

  hostConnected(): void {
    if (this.deps.autoConnect?.() ?? true) void this.connect();
  }

  /**
   * Tears down one microtask later, and only if the host is still detached: moving the
   * element in the DOM (disconnect + connect in one task) must not hang up the agent's call.
   */
  hostDisconnected(): void {
    this.teardown = Promise.resolve().then(() => (this.host.isConnected ? undefined : this.disconnect()));
  }

  /** Calls in progress, by SDK call id; a call leaves the map when the SDK destroys it. */
  get calls(): ReadonlyMap<string, TrackedCall> {
    return this.tracker.calls;
  }

  /** The call the toolbar acts on: a connected call first, then ringing, then dialing. */
  get current(): TrackedCall | null {
    return this.tracker.current;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Loads credentials and registers. A no-op while connected or connecting. */
  async connect(): Promise<void> {
    if (this.client || this.connecting) return;
    if (owner && owner !== this) {
      this.setRegistration({
        state: 'failed',
        error: { code: 'softphone_in_use', message: 'Another <telnyx-dialer> on this page already owns the softphone.' },
      });
      return;
    }
    owner = this;
    this.connecting = true;
    const generation = ++this.generation;
    this.apply({ type: 'connect' });
    try {
      const credentials = await this.deps.loadCredentials();
      if (generation !== this.generation) return;
      if (!credentials) {
        this.release();
        this.apply({ type: 'disconnect' });
        return;
      }
      const client = this.deps.clientFactory()(clientOptions(credentials, this.deps.ringtoneUrl?.()));
      this.client = client;
      client.remoteElement = this.deps.remoteAudio();
      for (const [name, handler] of this.handlerEntries()) client.on(name, handler);
      await client.connect();
    } catch (error) {
      if (generation !== this.generation) return;
      const message = error instanceof Error ? error.message : String(error);
      this.report({ code: 'connect_failed', message, fatal: true });
      this.setRegistration({ state: 'failed', error: { code: 'connect_failed', message } });
    } finally {
      if (generation === this.generation) this.connecting = false;
    }
  }

  /** Removes our listeners, disconnects the SDK (which hangs up its calls) and frees the page's client slot. */
  async disconnect(): Promise<void> {
    this.generation += 1;
    this.connecting = false;
    const client = this.client;
    this.client = null;
    this.release();
    this.tracker.clear();
    if (client) {
      for (const [name, handler] of this.handlerEntries()) client.off(name, handler);
      try {
        await client.disconnect();
      } catch {
        // The socket is going away either way; nothing to tell the agent.
      }
    }
    this.apply({ type: 'disconnect' });
  }

  /** Places a call from the softphone itself (the number goes to Telnyx, not via the server); returns its id. */
  dial(destinationNumber: string, callerNumber?: string): string | null {
    if (!this.client || this.registration.state !== 'registered') return null;
    // The SDK emits the first `new` update inside newCall(), before it returns the call,
    // so the id must be ours and known up front.
    const id = crypto.randomUUID();
    this.tracker.expectLocalCall(id);
    const audio = this.deps.remoteAudio();
    this.client.newCall({ id, destinationNumber, audio: true, video: false, remoteElement: audio, ...(callerNumber ? { callerNumber } : {}) });
    playQuietly(audio);
    return id;
  }

  async answer(callId?: string): Promise<void> {
    const tracked = this.tracker.find(callId);
    if (!tracked || tracked.ui !== 'ringing') return;
    playQuietly(this.deps.remoteAudio());
    await this.guard(tracked, () => tracked.call.answer({ remoteElement: this.deps.remoteAudio() }));
  }

  async hangup(callId?: string): Promise<void> {
    const tracked = this.tracker.find(callId);
    if (!tracked) return;
    await this.guard(tracked, () => tracked.call.hangup());
  }

  toggleMute(callId?: string): void {
    const tracked = this.tracker.find(callId);
    if (!tracked || !isConnected(tracked.ui)) return;
    if (tracked.muted) tracked.call.unmuteAudio();
    else tracked.call.muteAudio();
    tracked.muted = !tracked.muted;
    this.host.requestUpdate();
  }

  /** Hold/unhold; the state changes when the server replies, so the button shows pending until then. */
  async toggleHold(callId?: string): Promise<void> {
    const tracked = this.tracker.find(callId);
    if (!tracked || !isConnected(tracked.ui) || tracked.holdPending) return;
    tracked.holdPending = true;
    this.host.requestUpdate();
    try {
      await this.guard(tracked, () => (tracked.ui === 'held' ? tracked.call.unhold() : tracked.call.hold()));
    } finally {
      tracked.holdPending = false;
      this.host.requestUpdate();
    }
  }

  dtmf(digit: string, callId?: string): boolean {
    const tracked = this.tracker.find(callId);
    if (!tracked || tracked.ui !== 'active' || !/^[0-9*#]$/.test(digit)) return false;
    tracked.call.dtmf(digit);
    return true;
  }

  async refreshDevices(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const [inputs, outputs] = await Promise.all([client.getAudioInDevices(), client.getAudioOutDevices()]);
      this.devices = { ...this.devices, inputs, outputs };
    } catch {
      this.devices = { ...this.devices, inputs: [], outputs: [] };
    }
    this.host.requestUpdate();
  }

  /** Remembers the microphone; switches it now if a call is connected (the SDK needs an audio sender). */
  async setInputDevice(deviceId: string): Promise<void> {
    this.devices = { ...this.devices, inputId: deviceId };
    const tracked = this.current;
    if (tracked && isConnected(tracked.ui) && deviceId) await this.guard(tracked, () => tracked.call.setAudioInDevice(deviceId));
    this.host.requestUpdate();
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    this.devices = { ...this.devices, outputId: deviceId };
    const tracked = this.current;
    if (tracked && isConnected(tracked.ui) && deviceId) await this.guard(tracked, () => tracked.call.setAudioOutDevice(deviceId));
    this.host.requestUpdate();
  }

  // -------------------------------------------------------------------------------------
  // SDK events

  private readonly onReady = (): void => {
    this.problem = null;
    this.apply({ type: 'ready' });
    void this.refreshDevices();
  };

  private readonly onError = (event: SdkErrorEvent): void => {
    const { code, message } = event.error;
    const fatal = event.error.fatal ?? false;
    this.report({ code, message, fatal });
    this.apply({ type: 'error', code, message, fatal });
  };

  private readonly onWarning = (event: SdkWarningEvent): void => {
    if (event.warning.code === TOKEN_EXPIRING_SOON) void this.refreshLogin();
  };

  private readonly onSocketClose = (): void => {
    this.apply({ type: 'socket-close' });
  };

  private readonly onNotification = (notification: SdkNotification): void => {
    if (notification.type === 'callUpdate' && notification.call) this.tracker.update(notification.call);
  };

  private handlerEntries(): Array<[SoftphoneEventName, (payload: never) => void]> {
    return [
      ['telnyx.ready', this.onReady],
      ['telnyx.error', this.onError],
      ['telnyx.warning', this.onWarning],
      ['telnyx.socket.close', this.onSocketClose],
      ['telnyx.notification', this.onNotification],
    ];
  }

  // -------------------------------------------------------------------------------------
  // Helpers

  private apply(event: RegistrationEvent): void {
    this.setRegistration(nextRegistration(this.registration, event));
  }

  private setRegistration(next: Registration): void {
    const previous = this.registration;
    this.registration = next;
    const changed = previous.state !== next.state || previous.error?.code !== next.error?.code || previous.error?.message !== next.error?.message;
    if (changed) emit(this.host, 'dialer-registration-change', next.error ? { state: next.state, error: next.error } : { state: next.state });
    this.host.requestUpdate();
  }

  private report(problem: SoftphoneProblem): void {
    this.problem = problem;
    emit(this.host, 'dialer-error', { ...problem, source: 'sdk' });
    this.host.requestUpdate();
  }

  private async refreshLogin(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const token = await this.deps.refreshToken();
      if (this.client === client) await client.login({ creds: { login_token: token } });
    } catch (error) {
      this.report({ code: 'token_refresh_failed', message: `Could not refresh the softphone login: ${errorText(error)}`, fatal: false });
    }
  }

  private applyPreferredDevices(tracked: TrackedCall): void {
    const { inputId, outputId } = this.devices;
    if (inputId) void this.guard(tracked, () => tracked.call.setAudioInDevice(inputId));
    if (outputId) void this.guard(tracked, () => tracked.call.setAudioOutDevice(outputId));
  }

  /** Runs an SDK call method; a rejection becomes a non-fatal `dialer-error`. */
  private async guard(tracked: TrackedCall, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.report({ code: 'call_action_failed', message: `Call ${tracked.id}: ${errorText(error)}`, fatal: false });
    }
  }

  private release(): void {
    if (owner === this) owner = null;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
