/**
 * The sandbox's WebRTC signalling endpoint: what `@telnyx/webrtc` reaches with
 * `host: 'ws://127.0.0.1:<port>/rtc'`. It owns the registry (one registration per SIP
 * username, last login wins, as with Telnyx), lets the sandbox ring a registered
 * softphone (`<Dial><Sip>`), and reports calls the softphone places (parked outbound).
 *
 * Timers (server pings, the self-test answer) go through the injected scheduler; the
 * sockets and the media run in real time.
 *
 * @example
 * const rtc = createRtcGateway({
 *   scheduler,
 *   verifyLoginToken: (token) => {
 *     const credential = sandbox.credentials.verifyToken(token);
 *     return credential ? { sipUsername: credential.sip_username } : null;
 *   },
 *   transcript: env.transcript,
 * });
 * const detach = rtc.attach(httpServer); // ws://host:port/rtc
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { Leg, TranscriptKind } from '../transcript.ts';
import type { CallHandleImpl, ClientCallHandle, RtcCallHandle, RtcTranscriptTags } from './call-handle.ts';
import type { AudioKind } from './pcmu.ts';
import { VertoSession, type ClientCallRequest, type RingClientOptions, type RtcLogger, type SessionEndReason, type SessionHost } from './session.ts';

export type { ClientCallHandle, RtcCallDirection, RtcCallEvents, RtcCallHandle, RtcCallState, RtcCallStats, RtcEndCause } from './call-handle.ts';
export type { MediaState } from './media-peer.ts';
export type { AudioKind } from './pcmu.ts';
export type { ClientCallRequest, RingClientOptions, RtcLogger } from './session.ts';
export type { CustomHeader } from './verto-messages.ts';

/** The transcript kind of every `rtc …` line (`?kind=rtc` on the control API). */
export const RTC_TRANSCRIPT_KIND: TranscriptKind = 'rtc';

/** Where lines go: `sandbox/transcript.ts`'s `Transcript` fits as is. */
export interface RtcTranscript {
  add(entry: { kind: TranscriptKind; line: string; callSid?: string; leg?: Leg; detail?: Record<string, unknown> }): unknown;
}

export interface RtcGatewayOptions {
  /** Server pings and the self-test answer are timed on it. */
  scheduler: Scheduler;
  /** The SIP user a `login_token` logs in as, or null to refuse (error -32001). */
  verifyLoginToken(token: string): { sipUsername: string } | null;
  transcript?: RtcTranscript;
  logger?: RtcLogger;
  /** Period of server `telnyx_rtc.ping`s, ms (the real server's is ~15 s). @default 15000 */
  pingIntervalMs?: number;
  /** What the simulated customer sounds like. @default 'tone' */
  audio?: AudioKind;
  /** Extra host candidate addresses for the media peer. @default ['127.0.0.1'] */
  mediaHostAddresses?: readonly string[];
}

export type UnregisterReason = SessionEndReason | 'replaced' | 'relogin';

export interface ClientCallInfo extends ClientCallRequest {
  handle: ClientCallHandle;
}

export interface RtcGatewayEvents {
  registered: [event: { sipUsername: string }];
  unregistered: [event: { sipUsername: string; reason: UnregisterReason }];
  /**
   * The client placed a call. A listener must `answer()`, `reject()` or `hangup()` it
   * (`ringing()` first if it likes). With no listener, the gateway answers it itself.
   */
  clientCall: [call: ClientCallInfo];
}

export interface RtcGateway extends EventEmitter<RtcGatewayEvents> {
  /**
   * Take WebSocket upgrades whose path is `path` or below it (any query); leave the
   * others to the server's other `upgrade` listeners (answered 404 if there are none).
   * Returns a function that detaches.
   */
  attach(server: Server, path?: string): () => void;
  isRegistered(sipUsername: string): boolean;
  /** Registered SIP usernames, sorted. */
  registrations(): string[];
  /** Ring a registered softphone; null when `sipUsername` is not registered. */
  ringClient(sipUsername: string, options: RingClientOptions): RtcCallHandle | null;
  /** Close every socket (calls end `socket_closed`) and detach from every server. */
  close(): Promise<void>;
}

const SILENT: RtcLogger = { info() {}, warn() {}, error() {} };
/** Largest frame accepted, bytes: SDPs are a few kB, SDK debug reports tens of kB. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export function createRtcGateway(options: RtcGatewayOptions): RtcGateway {
  return new Gateway(options);
}

class Gateway extends EventEmitter<RtcGatewayEvents> implements RtcGateway {
  readonly #options: RtcGatewayOptions;
  readonly #host: SessionHost;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  readonly #registry = new Map<string, VertoSession>();
  readonly #sessions = new Set<VertoSession>();
  readonly #detachers = new Set<() => void>();

  constructor(options: RtcGatewayOptions) {
    super();
    const pingIntervalMs = options.pingIntervalMs ?? 15_000;
    if (!Number.isFinite(pingIntervalMs) || pingIntervalMs <= 0) {
      throw new TypeError(`Expected \`pingIntervalMs\` to be a number of ms above 0, got \`${String(pingIntervalMs)}\``);
    }
    this.#options = options;
    const logger = options.logger ?? SILENT;
    this.#host = {
      scheduler: options.scheduler,
      pingIntervalMs,
      media: { audio: options.audio ?? 'tone', extraHostAddresses: options.mediaHostAddresses ?? ['127.0.0.1'] },
      logger,
      verifyLoginToken: (token) => {
        try {
          return options.verifyLoginToken(token);
        } catch (error) {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rtc token check threw; login refused');
          return null;
        }
      },
      record: (line, detail, tags) => this.#record(line, detail, tags),
      loggedIn: (session, sipUsername) => this.#register(session, sipUsername),
      isRegisteredHere: (session, sipUsername) => this.#registry.get(sipUsername) === session,
      ended: (session, reason) => {
        this.#sessions.delete(session);
        const sipUsername = session.sipUsername;
        if (sipUsername !== null && this.#registry.get(sipUsername) === session) this.#unregister(sipUsername, reason);
      },
      clientCall: (request, handle) => this.#clientCall(request, handle),
    };
  }

  attach(server: Server, path = '/rtc'): () => void {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const pathname = new URL(req.url ?? '/', 'http://sandbox.invalid').pathname;
      if (pathname !== path && !pathname.startsWith(prefix)) {
        if (server.listenerCount('upgrade') === 1) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        }
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new VertoSession(ws, this.#host);
        this.#sessions.add(session);
      });
    };
    server.on('upgrade', onUpgrade);
    const detach = (): void => {
      server.off('upgrade', onUpgrade);
      this.#detachers.delete(detach);
    };
    this.#detachers.add(detach);
    return detach;
  }

  isRegistered(sipUsername: string): boolean {
    return this.#registry.has(sipUsername);
  }

  registrations(): string[] {
    return [...this.#registry.keys()].sort();
  }

  ringClient(sipUsername: string, options: RingClientOptions): RtcCallHandle | null {
    const session = this.#registry.get(sipUsername);
    return session ? session.ringClient(options) : null;
  }

  async close(): Promise<void> {
    for (const detach of [...this.#detachers]) detach();
    for (const session of [...this.#sessions]) session.close();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #register(session: VertoSession, sipUsername: string): void {
    // A socket that logs in again as someone else gives up its old registration.
    for (const [name, holder] of this.#registry) {
      if (holder === session && name !== sipUsername) this.#unregister(name, 'relogin');
    }
    const previous = this.#registry.get(sipUsername);
    if (previous === session) return;
    if (previous) this.#unregister(sipUsername, 'replaced');
    this.#registry.set(sipUsername, session);
    this.#record(`rtc registered ${sipUsername}`);
    this.#emitSafely('registered', { sipUsername });
  }

  #unregister(sipUsername: string, reason: UnregisterReason): void {
    this.#registry.delete(sipUsername);
    this.#record(`rtc unregistered ${sipUsername} (${reason})`);
    this.#emitSafely('unregistered', { sipUsername, reason });
  }

  #clientCall(request: ClientCallRequest, handle: CallHandleImpl): void {
    if (this.listenerCount('clientCall') > 0) {
      this.#emitSafely('clientCall', { ...request, handle });
      return;
    }
    // Self-test mode: nobody routes client calls, so answer and play the customer audio.
    this.#record(`rtc self-test answer ${request.sipUsername} (no clientCall listener)`, { callId: handle.callId });
    this.#options.scheduler.setTimeout(
      () =>
        handle.answer().catch((error: unknown) => {
          this.#host.logger.warn({ callId: handle.callId, err: error instanceof Error ? error.message : String(error) }, 'rtc self-test answer failed');
        }),
      0,
    );
  }

  #record(line: string, detail?: Record<string, unknown>, tags?: RtcTranscriptTags): void {
    this.#options.transcript?.add({ kind: RTC_TRANSCRIPT_KIND, line, ...tags, ...(detail === undefined ? {} : { detail }) });
  }

  /** A throwing listener must not break the socket that triggered the event. */
  #emitSafely<K extends keyof RtcGatewayEvents>(event: K, ...args: RtcGatewayEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: RtcGatewayEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#host.logger.error({ event, err: error instanceof Error ? error.message : String(error) }, 'rtc gateway listener threw');
    }
  }
}
