/**
 * Test doubles for the softphone (webrtc-sdk.md §7):
 * - `FakeClient`/`FakeCall`: the SDK seam. Call updates re-emit the SAME mutable call
 *   object through `telnyx.notification {type: 'callUpdate', call}`, the first `new` has no
 *   direction, outbound calls never ring, and hold resolves only when the test says so.
 * - `createFakeServer()` and `FakeSocket` (the dialer server) live in `./fake-server.ts`
 *   and are re-exported here.
 * - `until()`: waits for a condition by draining microtasks, never by sleeping.
 */
import type {
  CustomHeader,
  NewCallOptions,
  SoftphoneCall,
  SoftphoneClient,
  SoftphoneClientOptions,
  SoftphoneEventName,
} from '../../../client/telnyx-dialer/softphone-client.ts';

export { FakeSocket, createFakeServer, type FakeAgent, type FakeServer, type FakeServerOptions } from './fake-server.ts';

type Listener = (payload: unknown) => void;

export interface FakeCallInit {
  id: string;
  options: SoftphoneCall['options'];
}

export class FakeCall implements SoftphoneCall {
  readonly id: string;
  state = 'new';
  prevState = '';
  direction: string | undefined = undefined;
  options: SoftphoneCall['options'];
  cause: string | undefined;
  causeCode: number | undefined;
  sipCode: number | undefined;
  isAudioMuted = false;
  /** Read-back: what the softphone did to this call. */
  readonly answers: Array<{ remoteElement?: HTMLMediaElement } | undefined> = [];
  dtmfSent = '';
  hangups = 0;
  inputDevice: string | undefined;
  outputDevice: string | undefined;
  private pendingHold: { action: 'hold' | 'unhold'; resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly client: FakeClient,
    init: FakeCallInit,
  ) {
    this.id = init.id;
    this.options = init.options;
  }

  /** Moves to `state` and emits a callUpdate carrying this same object, as the SDK does. */
  setState(state: string): this {
    this.prevState = this.state;
    this.state = state;
    this.client.emit('telnyx.notification', { type: 'callUpdate', call: this });
    return this;
  }

  answer(params?: { remoteElement?: HTMLMediaElement }): Promise<void> {
    this.answers.push(params);
    this.setState('answering');
    return Promise.resolve();
  }

  hangup(): Promise<void> {
    this.hangups += 1;
    const connected = this.state === 'active' || this.state === 'held';
    this.cause = connected ? 'NORMAL_CLEARING' : 'USER_BUSY';
    this.causeCode = connected ? 16 : 17;
    this.setState('hangup');
    return Promise.resolve();
  }

  /** The far end hangs up: `hangup` then `destroy`, with the cause copied from the BYE. */
  remoteHangup(cause = 'NORMAL_CLEARING', causeCode = 16, sipCode?: number): void {
    this.cause = cause;
    this.causeCode = causeCode;
    this.sipCode = sipCode;
    this.setState('hangup');
    this.setState('destroy');
  }

  hold(): Promise<unknown> {
    return new Promise((resolve, reject) => (this.pendingHold = { action: 'hold', resolve, reject }));
  }

  unhold(): Promise<unknown> {
    return new Promise((resolve, reject) => (this.pendingHold = { action: 'unhold', resolve, reject }));
  }

  get holdRequested(): 'hold' | 'unhold' | undefined {
    return this.pendingHold?.action;
  }

  /** The server answered the modify: the state changes, then the promise resolves. */
  completeHold(): void {
    const pending = this.pendingHold;
    if (!pending) throw new Error('no hold request is pending');
    this.pendingHold = undefined;
    this.setState(pending.action === 'hold' ? 'held' : 'active');
    pending.resolve({ holdState: this.state });
  }

  failHold(message = 'HOLD_FAILED'): void {
    const pending = this.pendingHold;
    if (!pending) throw new Error('no hold request is pending');
    this.pendingHold = undefined;
    pending.reject(new Error(message));
  }

  muteAudio(): void {
    this.isAudioMuted = true;
  }

  unmuteAudio(): void {
    this.isAudioMuted = false;
  }

  dtmf(digit: string): void {
    this.dtmfSent += digit;
  }

  setAudioInDevice(deviceId: string): Promise<void> {
    this.inputDevice = deviceId;
    return Promise.resolve();
  }

  setAudioOutDevice(deviceId: string): Promise<boolean> {
    this.outputDevice = deviceId;
    return Promise.resolve(true);
  }
}

let inboundSeq = 0;

export class FakeClient implements SoftphoneClient {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly calls: FakeCall[] = [];
  readonly logins: string[] = [];
  connectCount = 0;
  disconnectCount = 0;
  remoteElement: unknown;
  inputs: MediaDeviceInfo[] = [device('mic-1', 'Headset microphone', 'audioinput'), device('mic-2', 'Laptop microphone', 'audioinput')];
  outputs: MediaDeviceInfo[] = [device('spk-1', 'Headset', 'audiooutput')];

  constructor(readonly options: SoftphoneClientOptions) {}

  connect(): Promise<void> {
    this.connectCount += 1;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnectCount += 1;
    return Promise.resolve();
  }

  login(params: { creds: { login_token: string } }): Promise<void> {
    this.logins.push(params.creds.login_token);
    return Promise.resolve();
  }

  /** Like the SDK: the first `new` update (no direction) is emitted before newCall returns. */
  newCall(options: NewCallOptions): FakeCall {
    const call = new FakeCall(this, { id: options.id, options: { destinationNumber: options.destinationNumber, callerNumber: options.callerNumber } });
    this.calls.push(call);
    call.setState('new');
    call.direction = 'outbound';
    return call;
  }

  on(event: SoftphoneEventName, callback: (payload: never) => void): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback as Listener);
    return this;
  }

  off(event: SoftphoneEventName, callback?: (payload: never) => void): this {
    if (callback) this.listeners.get(event)?.delete(callback as Listener);
    else this.listeners.delete(event);
    return this;
  }

  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  getAudioInDevices(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve(this.inputs);
  }

  getAudioOutDevices(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve(this.outputs);
  }

  emit(event: string, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload);
  }

  emitReady(): void {
    this.emit('telnyx.ready', { type: 'vertoClientReady' });
  }

  emitSocketClose(): void {
    this.emit('telnyx.socket.close', { code: 1006 });
  }

  emitError(code: number, message: string, fatal = false): void {
    this.emit('telnyx.error', { error: { code, name: 'ERROR', message, fatal }, sessionId: 's-1' });
  }

  emitWarning(code: number, message = 'warning'): void {
    this.emit('telnyx.warning', { warning: { code, name: 'WARNING', message }, sessionId: 's-1' });
  }

  /** An inbound INVITE: `new` (no direction), then `ringing` with direction inbound. */
  ringInbound(opts: { callerNumber?: string; callerName?: string; customHeaders?: CustomHeader[] } = {}): FakeCall {
    inboundSeq += 1;
    const call = new FakeCall(this, {
      id: `inbound-${inboundSeq}`,
      options: {
        remoteCallerNumber: opts.callerNumber ?? '+15550001111',
        remoteCallerName: opts.callerName ?? 'Caller',
        destinationNumber: 'agent1',
        ...(opts.customHeaders ? { customHeaders: opts.customHeaders } : {}),
      },
    });
    this.calls.push(call);
    call.setState('new');
    call.direction = 'inbound';
    call.setState('ringing');
    return call;
  }
}

function device(deviceId: string, label: string, kind: MediaDeviceKind): MediaDeviceInfo {
  return { deviceId, label, kind, groupId: 'g', toJSON: () => ({ deviceId, label, kind }) };
}

/**
 * Resolves once `check()` holds, draining microtasks (and Lit updates) in between; fails
 * with `what` after 200 rounds. No timers, so it cannot pass by waiting long enough.
 */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 200; round += 1) {
    if (check()) return;
    await Promise.resolve();
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/**
 * Lets everything already in flight finish (the same 200 microtask rounds `until()` allows),
 * for asserting that something did NOT happen. No timers.
 */
export async function drain(): Promise<void> {
  for (let round = 0; round < 200; round += 1) await Promise.resolve();
}
