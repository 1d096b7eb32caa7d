/**
 * One call between the sandbox and a registered softphone, in either direction:
 *
 * - `to-client`: the sandbox rings the client (what `<Dial><Sip>` and a REST call to
 *   `sip:<user>@sip.telnyx.com` use). We offer, the client answers.
 * - `from-client`: the client placed it with `newCall` (a parked outbound call). The
 *   client offers; whoever handles the gateway's `clientCall` event answers, rejects or
 *   hangs up through the handle.
 *
 * The handle is the only owner of the call's media peer, and every way a call ends goes
 * through one private `#finish`, so the peer is closed and `'ended'` fires exactly once.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type { Leg } from '../transcript.ts';
import { MediaPeer, type MediaConfig, type MediaState, type MediaStats } from './media-peer.ts';
import { byeParams, hangupCause, METHODS, type TelnyxCallIds } from './verto-messages.ts';

export type RtcCallDirection = 'to-client' | 'from-client';

/**
 * - `ringing`: invite sent (to-client) or received (from-client), not yet answered;
 * - `answering`: from-client only, while our answer SDP is being built;
 * - `active` / `held`: answered; `held` after the client's hold (media keeps flowing, as
 *   with Telnyx, whose hold music plays on the far leg);
 * - `ended`.
 */
export type RtcCallState = 'ringing' | 'answering' | 'active' | 'held' | 'ended';

/**
 * - `client_bye`: the client hung up an answered call (or cancelled its own call);
 * - `rejected`: the client declined our ring, or `reject()` declined the client's call;
 * - `server_hangup`: `hangup()` was called;
 * - `socket_closed`: the client's WebSocket went away (or the gateway closed);
 * - `failed`: the media peer could not be set up (bad SDP): a bye was sent when possible.
 */
export type RtcEndCause = 'client_bye' | 'socket_closed' | 'server_hangup' | 'rejected' | 'failed';

export interface RtcCallEvents {
  answered: [];
  /** `sipCode` when the end maps to a SIP final response (486 busy, 603 declined, …). */
  ended: [cause: RtcEndCause, sipCode?: number];
  /** One event per key: '0'–'9', '*', '#', 'A'–'D'. */
  dtmf: [digit: string];
  hold: [held: boolean];
  media: [state: MediaState];
}

export type RtcCallStats = MediaStats;

/** The sandbox call a handle belongs to, so its transcript lines filter with the call's. */
export interface RtcTranscriptTags {
  callSid?: string;
  leg?: Leg;
}

export interface RtcCallHandle extends EventEmitter<RtcCallEvents> {
  /** The Verto `callID` (a uuid); the SDK's `call.id`. */
  readonly callId: string;
  readonly sipUsername: string;
  readonly direction: RtcCallDirection;
  readonly state: RtcCallState;
  readonly mediaState: MediaState;
  readonly telnyxIds: TelnyxCallIds;
  /** End the call from the sandbox's side: sends `telnyx_rtc.bye` with this Q.850 cause. */
  hangup(cause?: string): void;
  stats(): RtcCallStats;
}

/** A call the client placed (`clientCall`): the sandbox decides what happens to it. */
export interface ClientCallHandle extends RtcCallHandle {
  /** Build our SDP answer and send `telnyx_rtc.answer {callID, sdp}`. Rejects if the call can no longer be answered. */
  answer(): Promise<void>;
  /** Send `telnyx_rtc.ringing` (fills the SDK's `telnyxIDs`, starts its ringback file). */
  ringing(): void;
  /** Decline before answering: a bye with this cause (default CALL_REJECTED, SIP 603). */
  reject(cause?: string): void;
  /**
   * Tag this call's later transcript lines with the sandbox call that now carries it
   * (the client placed it before that call existed), so they filter with the call's.
   */
  tagTranscript(tags: RtcTranscriptTags): void;
}

/** What a handle needs from the socket that carries it. */
export interface CallSignalling {
  /** Send a server request; false when the socket is already gone. */
  sendRequest(method: string, params: Record<string, unknown>): boolean;
  /** Add a transcript line about this call. */
  record(handle: CallHandleImpl, line: string, detail?: Record<string, unknown>): void;
  warn(details: object, message: string): void;
  /** The call is over: forget it. */
  callEnded(handle: CallHandleImpl): void;
}

export interface CallHandleInit {
  callId: string;
  sipUsername: string;
  direction: RtcCallDirection;
  telnyxIds: TelnyxCallIds;
  media: MediaConfig;
  signalling: CallSignalling;
  /** from-client: the client's offer. */
  remoteOffer?: string;
  /** Copied into every transcript entry about this call (the sandbox's call, if any). */
  transcriptTags?: RtcTranscriptTags;
}

export class CallHandleImpl extends EventEmitter<RtcCallEvents> implements ClientCallHandle {
  readonly callId: string;
  readonly sipUsername: string;
  readonly direction: RtcCallDirection;
  readonly telnyxIds: TelnyxCallIds;
  readonly transcriptTags: RtcTranscriptTags;
  readonly #signalling: CallSignalling;
  readonly #peer: MediaPeer;
  readonly #remoteOffer: string | undefined;
  #state: RtcCallState = 'ringing';
  #mediaState: MediaState = 'new';
  /** to-client: whether the invite has left; before that there is nothing to bye. */
  #invited: boolean;

  constructor(init: CallHandleInit) {
    super();
    this.callId = init.callId;
    this.sipUsername = init.sipUsername;
    this.direction = init.direction;
    this.telnyxIds = init.telnyxIds;
    this.transcriptTags = { ...init.transcriptTags };
    this.#signalling = init.signalling;
    this.#remoteOffer = init.remoteOffer;
    this.#invited = init.direction === 'from-client';
    this.#peer = new MediaPeer({
      ...init.media,
      onState: (state) => {
        this.#mediaState = state;
        if (state === 'failed') this.#signalling.warn({ callId: this.callId }, 'rtc media failed (ICE/DTLS)');
        this.#emit('media', state);
      },
    });
  }

  get state(): RtcCallState {
    return this.#state;
  }

  get mediaState(): MediaState {
    return this.#mediaState;
  }

  stats(): RtcCallStats {
    return this.#peer.stats();
  }

  hangup(cause = 'NORMAL_CLEARING'): void {
    if (this.#state === 'ended') return;
    this.#sendBye(cause);
    this.#finish('server_hangup', hangupCause(cause).sipCode);
  }

  reject(cause = 'CALL_REJECTED'): void {
    if (this.direction !== 'from-client') throw new Error('reject() is for calls the client placed; use hangup()');
    if (this.#state === 'ended') return;
    if (this.#state !== 'ringing') throw new Error(`cannot reject a call that is ${this.#state}`);
    this.#sendBye(cause);
    this.#finish('rejected', hangupCause(cause).sipCode);
  }

  tagTranscript(tags: RtcTranscriptTags): void {
    Object.assign(this.transcriptTags, tags);
  }

  ringing(): void {
    if (this.direction !== 'from-client') throw new Error('ringing() is for calls the client placed');
    if (this.#state !== 'ringing') return;
    this.#signalling.sendRequest(METHODS.ringing, { callID: this.callId, ...this.telnyxIds });
  }

  async answer(): Promise<void> {
    if (this.direction !== 'from-client' || this.#remoteOffer === undefined) {
      throw new Error('answer() is for calls the client placed');
    }
    if (this.#state !== 'ringing') throw new Error(`cannot answer a call that is ${this.#state}`);
    this.#state = 'answering';
    let sdp: string;
    try {
      sdp = await this.#peer.answerOffer(this.#remoteOffer);
    } catch (error) {
      if (this.#ended()) throw new Error('the call ended before it was answered');
      this.#fail(error, 'INCOMPATIBLE_DESTINATION');
      throw error;
    }
    if (this.#state !== 'answering') throw new Error('the call ended before it was answered');
    // Answer-with-SDP alone, no separate telnyx_rtc.media: avoids the SDK race #754.
    this.#signalling.sendRequest(METHODS.answer, { callID: this.callId, sdp, ...this.telnyxIds });
    this.#state = 'active';
    this.#signalling.record(this, `rtc answer ${this.sipUsername}`);
    this.#emit('answered');
  }

  // ——— driven by the session (to-client set-up and client frames) ———

  /** to-client: build the offer. Resolves to null if the call ended meanwhile or failed. */
  async createOffer(): Promise<string | null> {
    try {
      const sdp = await this.#peer.createOffer();
      return this.#state === 'ended' ? null : sdp;
    } catch (error) {
      if (this.#state !== 'ended') this.#fail(error, 'NORMAL_TEMPORARY_FAILURE', false);
      return null;
    }
  }

  /** to-client: the session has sent our `telnyx_rtc.invite`. */
  inviteSent(): void {
    this.#invited = true;
  }

  /** to-client: the client's `telnyx_rtc.answer`. Throws on a bad SDP (after ending the call). */
  async clientAnswered(sdp: string): Promise<void> {
    if (this.direction !== 'to-client' || this.#state !== 'ringing') throw new Error(`cannot accept an answer while ${this.#state}`);
    this.#state = 'answering';
    try {
      await this.#peer.acceptAnswer(sdp);
    } catch (error) {
      if (!this.#ended()) this.#fail(error, 'INCOMPATIBLE_DESTINATION');
      throw error;
    }
    if (this.#state !== 'answering') throw new Error('the call ended while the answer was applied');
    this.#state = 'active';
    this.#signalling.record(this, `rtc answer ${this.sipUsername}`);
    this.#emit('answered');
  }

  /** The client's `telnyx_rtc.bye`. */
  clientBye(cause: string | undefined, sipCode: number | undefined): void {
    if (this.#state === 'ended') return;
    this.#signalling.record(this, `rtc bye ${this.sipUsername} client`, { cause });
    // Hanging up our ring before answering is how the SDK declines (USER_BUSY, §2.6).
    if (this.direction === 'to-client' && this.#state === 'ringing') {
      this.#finish('rejected', sipCode ?? hangupCause(cause ?? 'USER_BUSY').sipCode ?? 486);
    } else {
      this.#finish('client_bye', sipCode);
    }
  }

  /** The client's hold/unhold/toggleHold; returns the new holdState, or null if not answered. */
  clientHold(action: string): 'held' | 'active' | null {
    if (this.#state !== 'active' && this.#state !== 'held') return null;
    const held = action === 'hold' ? true : action === 'unhold' ? false : this.#state === 'active';
    const before = this.#state;
    this.#state = held ? 'held' : 'active';
    this.#signalling.record(this, `rtc hold ${this.sipUsername} ${held ? 'held' : 'active'}`);
    if (before !== this.#state) this.#emit('hold', held);
    return this.#state;
  }

  clientDtmf(digits: string): void {
    for (const digit of digits) {
      if (!/^[0-9*#A-D]$/i.test(digit)) continue;
      this.#signalling.record(this, `rtc dtmf ${this.sipUsername} ${digit}`);
      this.#emit('dtmf', digit.toUpperCase());
    }
  }

  /** The client's `modify updateMedia` (ICE restart): our answer to its new offer. */
  async clientReoffer(sdp: string): Promise<string> {
    return this.#peer.answerOffer(sdp);
  }

  /** The socket went away (or the gateway closed): no bye can be sent. */
  socketClosed(): void {
    if (this.#state === 'ended') return;
    this.#signalling.record(this, `rtc call ended ${this.sipUsername} (socket closed)`);
    this.#finish('socket_closed');
  }

  /** Read through a method: `#state` changes across awaits, which narrowing cannot see. */
  #ended(): boolean {
    return this.#state === 'ended';
  }

  #sendBye(cause: string): void {
    // Hung up while our offer was still gathering: the client never heard of the call.
    if (this.#invited) this.#signalling.sendRequest(METHODS.bye, byeParams(this.callId, cause));
    this.#signalling.record(this, `rtc bye ${this.sipUsername} server`, { cause, ...(this.#invited ? {} : { beforeInvite: true }) });
  }

  #fail(error: unknown, cause: string, sendBye = true): void {
    this.#signalling.warn({ callId: this.callId, err: error instanceof Error ? error.message : String(error) }, 'rtc media set-up failed');
    if (sendBye) this.#sendBye(cause);
    else this.#signalling.record(this, `rtc call failed ${this.sipUsername}`);
    this.#finish('failed', hangupCause(cause).sipCode);
  }

  #finish(cause: RtcEndCause, sipCode?: number): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    void this.#peer.close();
    this.#signalling.callEnded(this);
    this.#emit('ended', cause, sipCode);
  }

  /** Listener errors must not break the socket's frame handling: log them instead. */
  #emit<K extends keyof RtcCallEvents>(event: K, ...args: RtcCallEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: RtcCallEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#signalling.warn({ callId: this.callId, event, err: error instanceof Error ? error.message : String(error) }, 'rtc call listener threw');
    }
  }
}
