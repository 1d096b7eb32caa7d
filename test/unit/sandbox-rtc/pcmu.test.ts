import { describe, expect, it } from 'vitest';
import { createAudioSource, decodeMuLaw, encodeMuLaw, MULAW_SILENCE, muLawRms, SAMPLES_PER_FRAME, toneSample } from '../../../sandbox/rtc/pcmu.ts';

describe('G.711 μ-law', () => {
  it('encodes the reference points of the table', () => {
    expect(encodeMuLaw(0)).toBe(0xff);
    expect(encodeMuLaw(32767)).toBe(0x80);
    expect(encodeMuLaw(-32768)).toBe(0x00);
    expect(encodeMuLaw(1e9)).toBe(0x80); // clipped
    expect(decodeMuLaw(0xff)).toBe(0);
    expect(decodeMuLaw(0x80)).toBe(32124);
    expect(decodeMuLaw(0x00)).toBe(-32124);
  });

  it('round-trips every code (except negative zero, which becomes zero)', () => {
    for (let code = 0; code < 256; code++) {
      expect(encodeMuLaw(decodeMuLaw(code))).toBe(code === 0x7f ? 0xff : code);
    }
  });

  it('keeps the quantisation error within a few percent of the signal', () => {
    for (const sample of [-30000, -5000, -400, 400, 5000, 30000]) {
      const back = decodeMuLaw(encodeMuLaw(sample));
      expect(Math.abs(back - sample) / Math.abs(sample)).toBeLessThan(0.07);
    }
  });
});

describe('audio sources', () => {
  it('tone: 440 Hz for 1 s, then 0.5 s of silence, repeating', () => {
    const tone = createAudioSource('tone');
    expect(tone.frame(0)).toHaveLength(SAMPLES_PER_FRAME);
    for (let frame = 1; frame < 49; frame++) expect(muLawRms(tone.frame(frame))).toBeGreaterThan(5000);
    for (let frame = 50; frame < 75; frame++) expect(tone.frame(frame).every((byte) => byte === MULAW_SILENCE)).toBe(true);
    expect(muLawRms(tone.frame(76))).toBeGreaterThan(5000);
    // 440 Hz → 880 zero crossings per second.
    let crossings = 0;
    for (let n = 1; n < 8000; n++) if (Math.sign(toneSample(n)) !== Math.sign(toneSample(n - 1)) && toneSample(n) !== 0) crossings++;
    expect(crossings).toBeGreaterThan(860);
    expect(crossings).toBeLessThan(900);
  });

  it('voice: syllables and pauses, the same every run', () => {
    const voice = createAudioSource('voice');
    const levels = Array.from({ length: 150 }, (_, frame) => muLawRms(voice.frame(frame)));
    expect(levels.filter((level) => level > 1500).length).toBeGreaterThan(40);
    expect(levels.filter((level) => level < 50).length).toBeGreaterThan(20);
    expect(createAudioSource('voice').frame(7)).toEqual(voice.frame(7));
  });

  it('silence: valid μ-law zero', () => {
    expect(createAudioSource('silence').frame(3).every((byte) => byte === MULAW_SILENCE)).toBe(true);
  });
});
