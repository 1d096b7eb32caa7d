/**
 * The seam between the softphone and `@telnyx/webrtc`: the few client and call members the
 * controller uses (webrtc-sdk.md §7), the default factory that builds the real
 * `TelnyxRTC`, and the remote `<audio>` element the SDK plays into. Tests pass their own
 * factory returning a fake; nothing is module-mocked.
 *
 * @module
 */
import { TelnyxRTC, type IClientOptions } from '@telnyx/webrtc';

/** The SDK events the controller listens to. */
export type SoftphoneEventName = 'telnyx.ready' | 'telnyx.error' | 'telnyx.warning' | 'telnyx.notification' | 'telnyx.socket.close';

export interface SdkErrorEvent {
  error: { code: number; name?: string; message: string; fatal?: boolean };
  callId?: string;
}

export interface SdkWarningEvent {
  warning: { code: number; name?: string; message: string };
  callId?: string;
}

export interface SdkNotification {
  type: string;
  call?: SoftphoneCall;
}

export interface CustomHeader {
  name: string;
  value: string;
}

/** The call object: the SDK re-emits the same mutable instance on every state change. */
export interface SoftphoneCall {
  readonly id: string;
  readonly state: string;
  readonly direction?: string;
  readonly options: {
    destinationNumber?: string;
    remoteCallerNumber?: string;
    remoteCallerName?: string;
    callerNumber?: string;
    callerName?: string;
    customHeaders?: CustomHeader[];
  };
  readonly cause?: string;
  readonly causeCode?: number;
  readonly sipCode?: number;
  readonly isAudioMuted: boolean;
  answer(params?: { remoteElement?: HTMLMediaElement }): Promise<void>;
  hangup(): Promise<void>;
  /** Resolves after the server's reply; the state becomes `held` just before. */
  hold(): Promise<unknown>;
  unhold(): Promise<unknown>;
  muteAudio(): void;
  unmuteAudio(): void;
  dtmf(digit: string): void;
  setAudioInDevice(deviceId: string): Promise<void>;
  setAudioOutDevice(deviceId: string): Promise<boolean>;
}

export interface NewCallOptions {
  id: string;
  destinationNumber: string;
  callerNumber?: string;
  audio: boolean;
  video: boolean;
  remoteElement: HTMLMediaElement;
}

export interface SoftphoneClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Re-authenticates on the open socket (JWT refresh). */
  login(params: { creds: { login_token: string } }): Promise<void>;
  newCall(options: NewCallOptions): SoftphoneCall;
  on(event: SoftphoneEventName, callback: (payload: never) => void): unknown;
  off(event: SoftphoneEventName, callback?: (payload: never) => void): unknown;
  /** Where remote audio plays. An element, never an id: ids cannot see into shadow roots. */
  get remoteElement(): unknown;
  set remoteElement(element: HTMLMediaElement);
  getAudioInDevices(): Promise<MediaDeviceInfo[]>;
  getAudioOutDevices(): Promise<MediaDeviceInfo[]>;
}

/**
 * `IClientOptions` plus `host`, which the SDK honours but does not declare (the WebSocket
 * URL; Telnyx's own demo passes it the same way).
 */
export type SoftphoneClientOptions = IClientOptions & { host?: string };

export type ClientFactory = (options: SoftphoneClientOptions) => SoftphoneClient;

/** What the server hands out for one registration (from `GET /api/softphone/session`). */
export interface SoftphoneCredentials {
  loginToken: string;
  /** The signalling WebSocket URL, given only by a server that runs the sandbox. */
  host?: string;
  sandbox: boolean;
}

/**
 * Client options: `host` only when the server gives one; in sandbox mode no STUN/TURN
 * (`iceServers: []`, nothing to reach offline) and no call reports (they would POST to the
 * signalling host).
 */
export function clientOptions(credentials: SoftphoneCredentials, ringtoneUrl?: string): SoftphoneClientOptions {
  return {
    login_token: credentials.loginToken,
    ...(credentials.host ? { host: credentials.host } : {}),
    ...(credentials.sandbox ? { iceServers: [], enableCallReports: false } : {}),
    ...(ringtoneUrl ? { ringtoneFile: ringtoneUrl } : {}),
  };
}

/** The production factory: one real `TelnyxRTC`. */
export const createTelnyxClient: ClientFactory = (options) => new TelnyxRTC(options);

/** The element remote audio plays in (handed to the SDK as an element: ids cannot see into shadow roots). */
export function createRemoteAudio(): HTMLAudioElement {
  const audio = document.createElement('audio');
  audio.autoplay = true;
  audio.setAttribute('playsinline', '');
  audio.className = 'dialer__audio';
  audio.setAttribute('aria-hidden', 'true');
  return audio;
}

/** The SDK assigns `srcObject` but never calls `play()`; from a click, this unblocks autoplay. */
export function playQuietly(audio: HTMLAudioElement): void {
  try {
    const result = audio.play() as Promise<void> | undefined;
    result?.catch(() => {});
  } catch {
    // No media yet, or play() not implemented (tests): the SDK's autoplay still applies.
  }
}
