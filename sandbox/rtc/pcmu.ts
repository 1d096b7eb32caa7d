/**
 * G.711 μ-law (PCMU, RTP payload type 0) in pure TypeScript, and the sound of the
 * simulated customer that the sandbox's media peer plays to the agent.
 *
 * Why PCMU: it is the one codec every SIP/WebRTC stack must support, needs no library
 * (a few shifts per sample), and is what a real PSTN leg through Telnyx usually carries.
 *
 * Units: 8000 samples/s, 20 ms frames = 160 samples = 160 bytes of payload; RTP
 * timestamps advance by 160 per frame (the clock rate is the sample rate).
 *
 * Sources are pure functions of the absolute frame index, so a pacer that must skip
 * frames after a stall (event-loop pause) can jump ahead without a phase glitch.
 *
 * @module
 */

/** PCMU sample rate and RTP clock rate, Hz. */
export const PCMU_SAMPLE_RATE = 8000;
/** Packet duration, ms. */
export const FRAME_MS = 20;
/** Samples (= payload bytes) per 20 ms frame. */
export const SAMPLES_PER_FRAME = (PCMU_SAMPLE_RATE * FRAME_MS) / 1000;
/** Static RTP payload type of PCMU (RFC 3551). */
export const PCMU_PAYLOAD_TYPE = 0;
/** μ-law code of a zero sample: what silence looks like on the wire. */
export const MULAW_SILENCE = 0xff;

const BIAS = 0x84;
/** Largest magnitude μ-law can represent after the bias is added. */
const CLIP = 32635;

/** One 16-bit linear PCM sample (-32768…32767) → one μ-law byte (ITU-T G.711). */
export function encodeMuLaw(sample: number): number {
  let value = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = value < 0 ? 0x80 : 0;
  if (value < 0) value = -value;
  if (value > CLIP) value = CLIP;
  value += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One μ-law byte → a 16-bit linear sample (used by tests and by level checks). */
export function decodeMuLaw(byte: number): number {
  const code = ~byte & 0xff;
  const exponent = (code >> 4) & 0x07;
  const magnitude = ((((code & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return code & 0x80 ? -magnitude : magnitude;
}

/** Root-mean-square level of a μ-law payload, in linear units (0 = digital silence). */
export function muLawRms(payload: Uint8Array): number {
  if (payload.length === 0) return 0;
  let sum = 0;
  for (const byte of payload) {
    const sample = decodeMuLaw(byte);
    sum += sample * sample;
  }
  return Math.sqrt(sum / payload.length);
}

/**
 * What the customer "says":
 * - `tone`: 440 Hz, 1 s on / 0.5 s off (easy to recognise in a recording or by ear);
 * - `voice`: buzzy vowel-like syllables in phrases with pauses, closer to speech for
 *   demos (and for anything that measures talk/silence);
 * - `silence`: valid μ-law silence, so RTP still flows.
 */
export type AudioKind = 'tone' | 'voice' | 'silence';

export interface AudioSource {
  /** The 160-byte μ-law payload of frame `index` (frame 0 starts at t = 0). */
  frame(index: number): Buffer;
}

export function createAudioSource(kind: AudioKind): AudioSource {
  switch (kind) {
    case 'tone':
      return sampledSource(toneSample);
    case 'voice':
      return sampledSource(voiceSample);
    case 'silence':
      return { frame: () => Buffer.alloc(SAMPLES_PER_FRAME, MULAW_SILENCE) };
  }
}

function sampledSource(sampleAt: (n: number) => number): AudioSource {
  return {
    frame(index) {
      const payload = Buffer.alloc(SAMPLES_PER_FRAME);
      const first = index * SAMPLES_PER_FRAME;
      for (let i = 0; i < SAMPLES_PER_FRAME; i++) payload[i] = encodeMuLaw(sampleAt(first + i));
      return payload;
    },
  };
}

/** Tone frequency, Hz. */
export const TONE_HZ = 440;
/** Tone cadence: on for `TONE_ON_MS`, then silent until `TONE_PERIOD_MS`. */
export const TONE_ON_MS = 1000;
export const TONE_PERIOD_MS = 1500;
/** Peak amplitude: about -12 dBFS, loud enough to hear, far from clipping. */
const TONE_AMPLITUDE = 8000;
/** Fade in/out at each burst edge, ms, so the cadence does not click. */
const FADE_MS = 5;

/** Linear sample `n` (at 8 kHz) of the tone with its cadence. */
export function toneSample(n: number): number {
  const samplesPerMs = PCMU_SAMPLE_RATE / 1000;
  const inPeriodMs = (n / samplesPerMs) % TONE_PERIOD_MS;
  if (inPeriodMs >= TONE_ON_MS) return 0;
  const edgeMs = Math.min(inPeriodMs, TONE_ON_MS - inPeriodMs);
  const gain = edgeMs < FADE_MS ? edgeMs / FADE_MS : 1;
  return gain * TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * n) / PCMU_SAMPLE_RATE);
}

interface Syllable {
  /** Start within the phrase cycle, ms. */
  startMs: number;
  durationMs: number;
  /** Fundamental at start and end of the syllable, Hz (a linear glide, like intonation). */
  f0StartHz: number;
  f0EndHz: number;
  /** First two formants of the vowel, Hz. */
  formantsHz: readonly [number, number];
}

/** Vowel formants (F1, F2), Hz, of /a/ /e/ /i/ /o/ /u/ (adult averages). */
const VOWELS: readonly (readonly [number, number])[] = [
  [730, 1090],
  [530, 1840],
  [270, 2290],
  [570, 840],
  [300, 870],
];

/**
 * One fixed "sentence" of syllables, then a pause; the cycle repeats. Fixed (not random)
 * so two runs sound and measure the same.
 */
const PHRASE: readonly Syllable[] = buildPhrase();
/** Phrase cycle length, ms: the syllables plus a pause of ~0.9 s. */
const PHRASE_CYCLE_MS = (PHRASE.at(-1)!.startMs + PHRASE.at(-1)!.durationMs) + 900;
const VOICE_AMPLITUDE = 6000;
const HARMONICS = 14;

function buildPhrase(): Syllable[] {
  const durations = [180, 140, 240, 160, 120, 260, 200, 150];
  const syllables: Syllable[] = [];
  let at = 0;
  durations.forEach((durationMs, i) => {
    // Falling intonation over the phrase, with a small rise on every third syllable.
    const base = 190 - i * 9;
    syllables.push({
      startMs: at,
      durationMs,
      f0StartHz: base,
      f0EndHz: i % 3 === 2 ? base + 15 : base - 10,
      formantsHz: VOWELS[(i * 3) % VOWELS.length]!,
    });
    at += durationMs + 50 + (i % 2) * 30;
  });
  return syllables;
}

/** Resonance weight of a harmonic at `hz` for a vowel (two simple formant peaks). */
function formantGain(hz: number, [f1, f2]: readonly [number, number]): number {
  const peak = (centre: number, width: number): number => 1 / (1 + ((hz - centre) / width) ** 2);
  return peak(f1, 90) + 0.6 * peak(f2, 120) + 0.02;
}

/** Linear sample `n` of the voice-like pattern. */
export function voiceSample(n: number): number {
  const tMs = (n * 1000) / PCMU_SAMPLE_RATE;
  const inCycleMs = tMs % PHRASE_CYCLE_MS;
  const syllable = PHRASE.find((s) => inCycleMs >= s.startMs && inCycleMs < s.startMs + s.durationMs);
  if (!syllable) return 0;
  const localS = (inCycleMs - syllable.startMs) / 1000;
  const durS = syllable.durationMs / 1000;
  // Phase of a linear glide: 2π ∫ f(t) dt = 2π (f0 t + (Δf / 2T) t²).
  const slope = (syllable.f0EndHz - syllable.f0StartHz) / durS;
  const phase = 2 * Math.PI * (syllable.f0StartHz * localS + 0.5 * slope * localS * localS);
  const f0 = syllable.f0StartHz + slope * localS;
  let sum = 0;
  let norm = 0;
  for (let k = 1; k <= HARMONICS && k * f0 < PCMU_SAMPLE_RATE / 2; k++) {
    const gain = formantGain(k * f0, syllable.formantsHz) / k ** 0.5;
    sum += gain * Math.sin(k * phase);
    norm += gain;
  }
  // Raised-cosine envelope: syllables swell and fade like speech, no clicks.
  const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * localS) / durS);
  return norm === 0 ? 0 : (VOICE_AMPLITUDE * envelope * sum) / norm * 1.8;
}
