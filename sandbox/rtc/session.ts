/**
 * One softphone's WebSocket: the Verto JSON-RPC conversation of webrtc-sdk.md §2.3–2.7
 * (login → clientReady → gatewayState REGED, pings, calls both ways, hold, DTMF, bye).
 *
 * Frames from the client are handled strictly one after another (a promise chain), so
 * an `answer` whose SDP is still being applied is never overtaken by the `bye` that
 * followed it on the wire.
 *
 * The registry (who is registered as which SIP user) lives in the gateway; the session
 * only reports logins and its own end through {@link SessionHost}.
 *
 * @module
 */

import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Scheduler, TimerHandle } from '../../lib/scheduler.ts';
import { CallHandleImpl, type CallSignalling, type RtcCallHandle, type RtcTranscriptTags } from './call-handle.ts';
import type { MediaConfig } from './media-peer.ts';
import {
  clientReady,
  dialogParams,
  frameCallId,
  gatewayStateResult,
  loginResult,
  METHODS,
  parseFrame,
  readCustomHeaders,
  request,
  result,
  RPC_ERRORS,
  rpcError,
  stringField,
  type CustomHeader,
  type GatewayState,
  type InviteToClientParams,
  type OutboundFrame,
  type RpcId,
  type TelnyxCallIds,
} from './verto-messages.ts';

/** The subset of a pino logger the gateway uses (same shape as the sandbox's). */
export interface RtcLogger {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

export type SessionEndReason = 'socket closed' | 'socket error' | 'gateway closed';

/** What a ringing client is told about the caller (§2.6). */
export interface RingClientOptions {
  callerName: string;
  callerNumber: string;
  /** Reach the SDK as `dialogParams.custom_headers`; auto-answer keys on `X-Dialer-Attempt`. */
  customHeaders?: CustomHeader[];
  /** @default the SIP username */
  calleeName?: string;
  /** The sandbox call this ring belongs to, for the transcript. */
  callSid?: string;
  leg?: RtcTranscriptTags['leg'];
}

/** What the client said when it placed a call (`telnyx_rtc.invite` dialogParams, §2.5). */
export interface ClientCallRequest {
  sipUsername: string;
  destination: string;
  callerNumber: string;
  callerName: string;
  customHeaders: CustomHeader[];
  /** base64 `clientState`, if the app set one. */
  clientState?: string;
}

/** The gateway's side of a session. */
export interface SessionHost {
  readonly scheduler: Scheduler;
  /** Server `telnyx_rtc.ping` period, ms. */
  readonly pingIntervalMs: number;
  readonly media: MediaConfig;
  readonly logger: RtcLogger;
  verifyLoginToken(token: string): { sipUsername: string } | null;
  record(line: string, detail?: Record<string, unknown>, tags?: RtcTranscriptTags): void;
  /** A login succeeded: register the session under `sipUsername`. */
  loggedIn(session: VertoSession, sipUsername: string): void;
  isRegisteredHere(session: VertoSession, sipUsername: string): boolean;
  /** The session is over: drop its registration if it still holds one. */
  ended(session: VertoSession, reason: SessionEndReason): void;
  clientCall(request: ClientCallRequest, handle: CallHandleImpl): void;
}

export class VertoSession {
  readonly #ws: WebSocket;
  readonly #host: SessionHost;
  readonly #calls = new Map<string, CallHandleImpl>();
  readonly #signalling: CallSignalling;
  #sessid: string | null = null;
  #sipUsername: string | null = null;
  #nextRequestId = 1;
  #pingTimer: TimerHandle | null = null;
  #queue: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(ws: WebSocket, host: SessionHost) {
    this.#ws = ws;
    this.#host = host;
    this.#signalling = {
      sendRequest: (method, params) => this.#request(method, params),
      record: (handle, line, detail) => host.record(line, { callId: handle.callId, ...detail }, handle.transcriptTags),
      warn: (details, message) => host.logger.warn(details, message),
      callEnded: (handle) => this.#calls.delete(handle.callId),
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      this.#queue = this.#queue.then(() => this.#handle(text)).catch((error: unknown) => {
        host.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'rtc frame handling failed');
      });
    });
    ws.on('error', (error) => {
      host.logger.warn({ err: error.message }, 'rtc socket error');
      this.#end('socket error');
    });
    ws.on('close', () => this.#end('socket closed'));
  }

  /** The SIP user this socket logged in as, or null before a successful login. */
  get sipUsername(): string | null {
    return this.#sipUsername;
  }

  /** Ring the client; the invite leaves once our offer has gathered its candidates. */
  ringClient(options: RingClientOptions): RtcCallHandle {
    const sipUsername = this.#sipUsername;
    if (!sipUsername || this.#ended) throw new Error('cannot ring a socket that is not logged in');
    const handle = new CallHandleImpl({
      callId: randomUUID(),
      sipUsername,
      direction: 'to-client',
      telnyxIds: newTelnyxIds(),
      media: this.#host.media,
      signalling: this.#signalling,
      transcriptTags: { ...(options.callSid === undefined ? {} : { callSid: options.callSid }), ...(options.leg === undefined ? {} : { leg: options.leg }) },
    });
    this.#calls.set(handle.callId, handle);
    this.#signalling.record(handle, `rtc invite → ${sipUsername}`, { callerNumber: options.callerNumber });
    void handle.createOffer().then((sdp) => {
      if (sdp === null || handle.state === 'ended') return;
      const params: InviteToClientParams = {
        callID: handle.callId,
        sdp,
        caller_id_name: options.callerName,
        caller_id_number: options.callerNumber,
        callee_id_name: options.calleeName ?? sipUsername,
        callee_id_number: sipUsername,
        display_direction: 'outbound',
        ...handle.telnyxIds,
        dialogParams: { custom_headers: options.customHeaders ?? [] },
      };
      if (this.#request(METHODS.invite, { ...params })) handle.inviteSent();
    });
    return handle;
  }

  /** Close the socket (the gateway is shutting down); its calls end `socket_closed`. */
  close(): void {
    this.#end('gateway closed');
    this.#ws.terminate();
  }

  async #handle(text: string): Promise<void> {
    // A frame queued behind the socket's close must not log a dead socket in.
    if (this.#ended) return;
    const frame = parseFrame(text);
    if (frame.type === 'response') return; // the client's ack of one of our requests
    if (frame.type === 'invalid') {
      this.#send(rpcError(frame.id, frame.id === null ? RPC_ERRORS.parse : RPC_ERRORS.invalidRequest, frame.reason));
      return;
    }
    const { id, method, params } = frame;
    if (method === METHODS.login) return this.#login(id, params);
    if (method === METHODS.ping) return void this.#send(result(id, { method: METHODS.ping }));
    if (method === METHODS.gatewayState) return void this.#send(gatewayStateResult(id, this.#sessid ?? '', this.#gatewayState()));
    if (!this.#sessid) {
      this.#send(rpcError(id, RPC_ERRORS.authenticationRequired, 'Authentication Required'));
      return;
    }
    switch (method) {
      case METHODS.invite:
        return this.#clientInvite(id, params);
      case METHODS.answer:
        return this.#clientAnswer(id, params);
      case METHODS.modify:
        return this.#clientModify(id, params);
      case METHODS.info:
        return this.#clientInfo(id, params);
      case METHODS.bye:
        return this.#clientBye(id, params);
      default:
        // debug_report_*, attach, candidate, … : a generic OK keeps the SDK moving (§2.8).
        this.#send(result(id, {}));
    }
  }

  #login(id: RpcId, params: Record<string, unknown>): void {
    const token = stringField(params, 'login_token');
    const claimed = stringField(params, 'login');
    const refuse = (agent: string, message: string): void => {
      this.#host.record(`rtc login agent=${agent} → refused`, { reason: message });
      this.#send(rpcError(id, RPC_ERRORS.loginRefused, message));
    };
    if (token === undefined) {
      refuse(
        claimed ?? 'unknown',
        claimed !== undefined
          ? 'Login refused: the sandbox accepts only login_token (JWT) logins, not SIP credentials (login/passwd)'
          : 'Login refused: no login_token in the login request',
      );
      return;
    }
    const identity = this.#host.verifyLoginToken(token);
    if (!identity) {
      refuse('unknown', 'Login refused: the login_token is invalid, expired or not issued by this sandbox');
      return;
    }
    // A reconnecting SDK sends its previous sessid; keeping it is what a reattach looks like.
    this.#sessid = this.#sessid ?? stringField(params, 'sessid') ?? randomUUID();
    this.#sipUsername = identity.sipUsername;
    this.#send(loginResult(id, this.#sessid));
    this.#host.record(`rtc login agent=${identity.sipUsername} → ok`);
    this.#host.loggedIn(this, identity.sipUsername);
    this.#send(clientReady(this.#nextRequestId++));
    this.#schedulePing();
  }

  #gatewayState(): GatewayState {
    if (!this.#sipUsername) return 'NOREG';
    return this.#host.isRegisteredHere(this, this.#sipUsername) ? 'REGED' : 'UNREGED';
  }

  #clientInvite(id: RpcId, params: Record<string, unknown>): void {
    const dialog = dialogParams(params);
    const callID = frameCallId(params);
    const sdp = stringField(params, 'sdp');
    if (!callID || !sdp) {
      this.#send(rpcError(id, RPC_ERRORS.invalidRequest, 'telnyx_rtc.invite needs sdp and dialogParams.callID'));
      return;
    }
    if (this.#calls.has(callID)) {
      this.#send(rpcError(id, RPC_ERRORS.invalidRequest, `call ${callID} already exists`));
      return;
    }
    const sipUsername = this.#sipUsername!;
    const handle = new CallHandleImpl({
      callId: callID,
      sipUsername,
      direction: 'from-client',
      telnyxIds: newTelnyxIds(),
      media: this.#host.media,
      signalling: this.#signalling,
      remoteOffer: sdp,
    });
    this.#calls.set(callID, handle);
    this.#send(result(id, { message: 'CALL CREATED', callID, sessid: this.#sessid }));
    const destination = stringField(dialog, 'destination_number') ?? '';
    this.#signalling.record(handle, `rtc client call ${sipUsername} → ${destination}`);
    const clientState = stringField(dialog, 'clientState');
    this.#host.clientCall(
      {
        sipUsername,
        destination,
        callerNumber: stringField(dialog, 'caller_id_number') ?? '',
        callerName: stringField(dialog, 'caller_id_name') ?? '',
        customHeaders: readCustomHeaders(dialog.custom_headers),
        ...(clientState === undefined ? {} : { clientState }),
      },
      handle,
    );
  }

  async #clientAnswer(id: RpcId, params: Record<string, unknown>): Promise<void> {
    const callID = frameCallId(params);
    const call = callID === undefined ? undefined : this.#calls.get(callID);
    const sdp = stringField(params, 'sdp');
    if (!call || call.direction !== 'to-client') {
      this.#send(rpcError(id, RPC_ERRORS.callNotFound, `no call ${callID ?? '(none)'} ringing this client`));
      return;
    }
    if (!sdp) {
      this.#send(rpcError(id, RPC_ERRORS.invalidRequest, 'telnyx_rtc.answer needs sdp'));
      return;
    }
    try {
      await call.clientAnswered(sdp);
      this.#send(result(id, { message: 'CALL ANSWERED', callID: call.callId }));
    } catch (error) {
      this.#send(rpcError(id, RPC_ERRORS.notSupported, `answer not applied: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  async #clientModify(id: RpcId, params: Record<string, unknown>): Promise<void> {
    const callID = frameCallId(params);
    const call = callID === undefined ? undefined : this.#calls.get(callID);
    const action = stringField(params, 'action') ?? '';
    if (!call) {
      this.#send(rpcError(id, RPC_ERRORS.callNotFound, `no call ${callID ?? '(none)'} on this socket`));
      return;
    }
    if (action === 'hold' || action === 'unhold' || action === 'toggleHold') {
      const holdState = call.clientHold(action);
      if (holdState === null) this.#send(rpcError(id, RPC_ERRORS.notSupported, `cannot ${action} a call that is ${call.state}`));
      else this.#send(result(id, { callID: call.callId, action, holdState }));
      return;
    }
    const sdp = stringField(params, 'sdp');
    if (action === 'updateMedia' && sdp) {
      try {
        this.#send(result(id, { callID: call.callId, action, sdp: await call.clientReoffer(sdp) }));
      } catch (error) {
        this.#send(rpcError(id, RPC_ERRORS.notSupported, `updateMedia failed: ${error instanceof Error ? error.message : String(error)}`));
      }
      return;
    }
    this.#send(result(id, { callID: call.callId, action }));
  }

  #clientInfo(id: RpcId, params: Record<string, unknown>): void {
    const callID = frameCallId(params);
    const dtmf = stringField(params, 'dtmf');
    const call = callID === undefined ? undefined : this.#calls.get(callID);
    if (call && dtmf !== undefined) call.clientDtmf(dtmf);
    this.#send(result(id, { message: 'SENT', ...(callID === undefined ? {} : { callID }) }));
  }

  #clientBye(id: RpcId, params: Record<string, unknown>): void {
    const callID = frameCallId(params) ?? '';
    const sipCode = typeof params.sipCode === 'number' ? params.sipCode : undefined;
    this.#calls.get(callID)?.clientBye(stringField(params, 'cause'), sipCode);
    // Answered even for an unknown call: without a reply the SDK waits 5 s (§2.7).
    this.#send(result(id, { callID, message: 'CALL ENDED' }));
  }

  /** Server pings keep the SDK's health monitor quiet (§2.4); timed by the scheduler. */
  #schedulePing(): void {
    if (this.#pingTimer || this.#ended) return;
    this.#pingTimer = this.#host.scheduler.setTimeout(() => {
      this.#pingTimer = null;
      if (this.#ended) return;
      this.#request(METHODS.ping, {});
      this.#schedulePing();
    }, this.#host.pingIntervalMs);
  }

  #request(method: string, params: Record<string, unknown>): boolean {
    return this.#send(request(this.#nextRequestId++, method, params));
  }

  #send(frame: OutboundFrame): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  #end(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#pingTimer) this.#host.scheduler.clearTimeout(this.#pingTimer);
    this.#pingTimer = null;
    for (const call of [...this.#calls.values()]) call.socketClosed();
    this.#calls.clear();
    this.#host.ended(this, reason);
  }
}

/** Fresh Telnyx-style ids for one call (the SDK only stores and echoes them). */
function newTelnyxIds(): TelnyxCallIds {
  return {
    telnyx_session_id: randomUUID(),
    telnyx_leg_id: randomUUID(),
    telnyx_call_control_id: `v3:${randomBytes(24).toString('base64url')}`,
  };
}
