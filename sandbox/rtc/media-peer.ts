/**
 * The sandbox's end of a call's media: one werift `RTCPeerConnection` that plays the
 * simulated customer (PCMU) to the agent and counts the agent's RTP coming back, which
 * is the proof that the agent's microphone reaches the "customer".
 *
 * Recipe from webrtc-sdk.md §3: `iceServers: []` (host candidates only, no outbound
 * STUN/TURN), complete ICE gathering before an SDP leaves (the SDK does not trickle to
 * us, and we do not trickle to it), and on the answering side `setDirection('sendrecv')`
 * plus a track on every transceiver; without them werift answers `recvonly` and
 * Chromium gets no remote stream.
 *
 * Audio is paced by a real-time interval (media is real time even when the sandbox's
 * scheduler is virtual), starts only once ICE and DTLS are connected, and stops on close.
 *
 * @module
 */

import { MediaStream, MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { createAudioSource, FRAME_MS, PCMU_PAYLOAD_TYPE, PCMU_SAMPLE_RATE, SAMPLES_PER_FRAME, type AudioKind, type AudioSource } from './pcmu.ts';

export type MediaState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface MediaStats {
  /** RTP payload bytes sent to the agent (headers excluded, like RTCStats `bytesSent`). */
  rtpBytesSent: number;
  packetsSent: number;
  /** RTP payload bytes received from the agent. */
  rtpBytesReceived: number;
  packetsReceived: number;
}

/** How every call's media peer is set up (gateway-wide). */
export interface MediaConfig {
  audio: AudioKind;
  /**
   * Host addresses offered besides werift's own choice (which skips loopback). The
   * default `['127.0.0.1']` lets Node peers connect on a loopback-only machine; Chromium
   * ignores loopback and needs a real interface (webrtc-sdk.md §3).
   */
  extraHostAddresses: readonly string[];
}

export interface MediaPeerOptions extends MediaConfig {
  /** Told every state change (connecting, connected, failed, closed). */
  onState?: (state: MediaState) => void;
}

/** PCMU only: what a PSTN leg carries, and the one codec our generator produces. */
export function pcmuCodecs(): { audio: RTCRtpCodecParameters[] } {
  return {
    audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: PCMU_SAMPLE_RATE, payloadType: PCMU_PAYLOAD_TYPE })],
  };
}

/** At most this many frames are sent in one tick to catch up after a stall; older ones are skipped. */
const MAX_CATCH_UP_FRAMES = 5;
/** Stream id in `a=msid`, so the browser's `ontrack` gets a `streams[0]`. */
const STREAM_ID = 'sandbox-customer';

export class MediaPeer {
  readonly #pc: RTCPeerConnection;
  readonly #source: AudioSource;
  readonly #onState: ((state: MediaState) => void) | undefined;
  #state: MediaState = 'new';
  #pacer: ReturnType<typeof setInterval> | null = null;
  #stats: MediaStats = { rtpBytesSent: 0, packetsSent: 0, rtpBytesReceived: 0, packetsReceived: 0 };

  constructor(options: MediaPeerOptions) {
    this.#source = createAudioSource(options.audio);
    this.#onState = options.onState;
    this.#pc = new RTCPeerConnection({
      iceServers: [],
      codecs: pcmuCodecs(),
      ...(options.extraHostAddresses.length > 0 ? { iceAdditionalHostAddresses: [...options.extraHostAddresses] } : {}),
    });
    this.#pc.connectionStateChange.subscribe((state) => {
      if (state === 'connecting') this.#setState('connecting');
      else if (state === 'connected') {
        this.#setState('connected');
        this.#startPacer();
      } else if (state === 'failed') {
        this.#stopPacer();
        this.#setState('failed');
      }
    });
    this.#pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        this.#stats.rtpBytesReceived += rtp.payload.length;
        this.#stats.packetsReceived++;
      });
    });
  }

  get state(): MediaState {
    return this.#state;
  }

  stats(): MediaStats {
    return { ...this.#stats };
  }

  /** Offer side (a call to the client): one sendrecv audio m-line, ICE complete. */
  async createOffer(): Promise<string> {
    const transceiver = this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
    await this.#attachTrack(transceiver.sender);
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    return this.#localSdp();
  }

  /** Offer side: apply the client's answer; ICE/DTLS then connect on their own. */
  async acceptAnswer(sdp: string): Promise<void> {
    this.#assertOpen();
    assertAudioSdp(sdp);
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /**
   * Answer side (a call from the client), or a client re-offer (`modify updateMedia`,
   * an ICE restart): returns our answer SDP with ICE complete.
   */
  async answerOffer(sdp: string): Promise<string> {
    this.#assertOpen();
    assertAudioSdp(sdp);
    await this.#pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of this.#pc.getTransceivers()) {
      if (transceiver.kind !== 'audio') continue;
      transceiver.setDirection('sendrecv');
      if (!transceiver.sender.track) await this.#attachTrack(transceiver.sender);
    }
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    return this.#localSdp();
  }

  /** Stop audio and release sockets. Idempotent; safe at any point, even mid-negotiation. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#stopPacer();
    this.#setState('closed');
    try {
      await this.#pc.close();
    } catch {
      // Closing a half-negotiated werift peer can throw; the sockets are released anyway.
    }
  }

  async #attachTrack(sender: { replaceTrack(track: MediaStreamTrack): Promise<void>; setStreams(streams: MediaStream[]): void }): Promise<void> {
    sender.setStreams([new MediaStream({ id: STREAM_ID })]);
    await sender.replaceTrack(new MediaStreamTrack({ kind: 'audio', streamId: STREAM_ID }));
  }

  /** Wait for gathering to complete (host candidates only: tens of ms), then read the SDP. */
  async #localSdp(): Promise<string> {
    if (this.#pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const { unSubscribe } = this.#pc.iceGatheringStateChange.subscribe((state) => {
          if (state === 'complete') {
            unSubscribe();
            resolve();
          }
        });
        // It may have completed between the check and the subscription.
        if (this.#pc.iceGatheringState === 'complete') {
          unSubscribe();
          resolve();
        }
      });
    }
    this.#assertOpen();
    const sdp = this.#pc.localDescription?.sdp;
    if (!sdp) throw new Error('werift produced no local description');
    return sdp;
  }

  #assertOpen(): void {
    if (this.#state === 'closed') throw new Error('media peer is closed');
  }

  #setState(state: MediaState): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.#onState?.(state);
  }

  /**
   * Send one 20 ms PCMU frame per tick, catching up from the wall clock rather than
   * trusting the interval (timers drift and stall under load). RTP timestamps follow
   * the frame index, so skipped frames show as a timestamp jump with consecutive
   * sequence numbers, which is how a real sender reports a gap.
   */
  #startPacer(): void {
    if (this.#pacer) return;
    const sender = this.#pc.getTransceivers().find((t) => t.kind === 'audio')?.sender;
    if (!sender) return;
    const ssrc = sender.ssrc;
    const firstSeq = randomUint(16);
    const firstTimestamp = randomUint(32);
    const startedAt = performance.now();
    let nextFrame = 0;
    const tick = (): void => {
      const due = Math.floor((performance.now() - startedAt) / FRAME_MS) + 1;
      if (due - nextFrame > MAX_CATCH_UP_FRAMES) nextFrame = due - MAX_CATCH_UP_FRAMES;
      for (; nextFrame < due; nextFrame++) {
        // werift drops packets silently while DTLS is not up (a consent failure, a
        // restart); skip the frame without counting it.
        if (sender.dtlsTransport.state !== 'connected') continue;
        const payload = this.#source.frame(nextFrame);
        const header = new RtpHeader({
          payloadType: PCMU_PAYLOAD_TYPE,
          sequenceNumber: (firstSeq + this.#stats.packetsSent) & 0xffff,
          timestamp: (firstTimestamp + nextFrame * SAMPLES_PER_FRAME) >>> 0,
          ssrc,
          marker: this.#stats.packetsSent === 0,
        });
        this.#stats.packetsSent++;
        this.#stats.rtpBytesSent += payload.length;
        sender.sendRtp(new RtpPacket(header, payload)).catch(() => {
          // A packet racing close() or a DTLS teardown: media is best effort.
        });
      }
    };
    tick();
    this.#pacer = setInterval(tick, FRAME_MS);
    // Never the reason a process stays up: the signalling socket or server does that.
    this.#pacer.unref();
  }

  #stopPacer(): void {
    if (this.#pacer) clearInterval(this.#pacer);
    this.#pacer = null;
  }
}

/**
 * werift accepts almost any text as a description and then simply never connects, so
 * check the minimum a usable WebRTC audio SDP has: an audio m-line, ICE credentials and
 * a DTLS fingerprint.
 */
function assertAudioSdp(sdp: string): void {
  const missing = [
    [/^m=audio /m, 'an m=audio line'],
    [/^a=ice-ufrag:/m, 'a=ice-ufrag'],
    [/^a=fingerprint:/m, 'a=fingerprint'],
  ].flatMap(([pattern, name]) => ((pattern as RegExp).test(sdp) ? [] : [name as string]));
  if (missing.length > 0) throw new Error(`SDP lacks ${missing.join(', ')}`);
}

function randomUint(bits: 16 | 32): number {
  return Math.floor(Math.random() * 2 ** bits) >>> 0;
}
