/**
 * The softphone's media, played by a second werift peer (standing in for Chromium):
 * it answers or offers like the browser, sends "microphone" RTP once connected, and
 * records what it hears from the sandbox.
 */

import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';

export interface Heard {
  bytes: number;
  packets: number;
  payloadTypes: Set<number>;
  /** Payloads in arrival order (capped), for level checks. */
  payloads: Buffer[];
  sequenceNumbers: number[];
  timestamps: number[];
  ssrcs: Set<number>;
}

const PCMU = () => new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 });
/** What a browser offers first: Opus, then G.711. The sandbox must pick PCMU. */
const BROWSER_LIKE = () => [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }), PCMU()];

export class ClientMedia {
  readonly pc: RTCPeerConnection;
  readonly heard: Heard = { bytes: 0, packets: 0, payloadTypes: new Set(), payloads: [], sequenceNumbers: [], timestamps: [], ssrcs: new Set() };
  #mic: ReturnType<typeof setInterval> | null = null;

  /**
   * `loopbackOnly`: offer only a 127.0.0.1 candidate and ignore the sandbox's other ones,
   * as on a machine whose only interface is `lo`.
   */
  constructor(
    codecs: 'pcmu' | 'browser-like' = 'pcmu',
    private readonly loopbackOnly = false,
  ) {
    this.pc = new RTCPeerConnection({
      iceServers: [],
      codecs: { audio: codecs === 'pcmu' ? [PCMU()] : BROWSER_LIKE() },
      ...(loopbackOnly ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    });
    this.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        this.heard.bytes += rtp.payload.length;
        this.heard.packets++;
        this.heard.payloadTypes.add(rtp.header.payloadType);
        this.heard.ssrcs.add(rtp.header.ssrc);
        if (this.heard.payloads.length < 500) {
          this.heard.payloads.push(Buffer.from(rtp.payload));
          this.heard.sequenceNumbers.push(rtp.header.sequenceNumber);
          this.heard.timestamps.push(rtp.header.timestamp);
        }
      }),
    );
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.#startMic();
    });
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  /** Inbound call: the browser answers the sandbox's offer (sendrecv, like a real mic). */
  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.#filter(offerSdp) });
    for (const transceiver of this.pc.getTransceivers()) {
      transceiver.setDirection('sendrecv');
      await transceiver.sender.replaceTrack(new MediaStreamTrack({ kind: 'audio' }));
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.#gathered();
  }

  /** Outbound call: the browser's offer. */
  async offer(): Promise<string> {
    const transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    await transceiver.sender.replaceTrack(new MediaStreamTrack({ kind: 'audio' }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.#gathered();
  }

  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: this.#filter(answerSdp) });
  }

  async close(): Promise<void> {
    if (this.#mic) clearInterval(this.#mic);
    this.#mic = null;
    await this.pc.close();
  }

  async #gathered(): Promise<string> {
    while (this.pc.iceGatheringState !== 'complete') await this.pc.iceGatheringStateChange.asPromise();
    return this.#filter(this.pc.localDescription!.sdp);
  }

  #filter(sdp: string): string {
    if (!this.loopbackOnly) return sdp;
    return sdp
      .split('\r\n')
      .filter((line) => !line.startsWith('a=candidate:') || line.includes(' 127.0.0.1 '))
      .join('\r\n');
  }

  /** 20 ms frames of a quiet μ-law pattern, as a mic would send. */
  #startMic(): void {
    const sender = this.pc.getTransceivers()[0]?.sender;
    if (!sender || this.#mic) return;
    let seq = 1000;
    let timestamp = 90_000;
    this.#mic = setInterval(() => {
      const payload = Buffer.alloc(160, 0x7e);
      void sender.sendRtp(new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: seq++ & 0xffff, timestamp, ssrc: sender.ssrc }), payload)).catch(() => {});
      timestamp += 160;
    }, 20);
  }
}
