/**
 * How much call time each media verb takes, in ms. The sandbox synthesises no audio, so
 * these are documented estimates; they only need to be plausible and deterministic.
 *
 * @module
 */

import type { GatherChild, PauseNode, PlayNode, SayNode } from '../../texml-templates/types.ts';

/** Text-to-speech pace: ≈ 60 ms per character (about 150 words a minute). */
export const SAY_MS_PER_CHARACTER = 60;
/** Audio files are not downloaded; each play of one is assumed to last this long. */
export const PLAY_ASSUMED_MS = 5000;
/** One DTMF tone with its gap. */
export const DTMF_MS_PER_DIGIT = 250;
/** `w` in a digit string waits half a second. */
export const DTMF_WAIT_MS = 500;

/** `loop="0"` repeats forever: `Infinity`. */
function looped(onceMs: number, loop: number | undefined): number {
  const times = loop ?? 1;
  return times === 0 ? Number.POSITIVE_INFINITY : onceMs * times;
}

export function sayDurationMs(node: SayNode): number {
  return looped(node.text.length * SAY_MS_PER_CHARACTER, node.attributes.loop);
}

export function playDurationMs(node: PlayNode): number {
  const digits = node.attributes.digits;
  if (digits !== undefined) {
    return [...digits].reduce((sum, key) => sum + (key === 'w' ? DTMF_WAIT_MS : DTMF_MS_PER_DIGIT), 0);
  }
  return looped(PLAY_ASSUMED_MS, node.attributes.loop);
}

export function pauseDurationMs(node: PauseNode): number {
  return (node.attributes.length ?? 1) * 1000;
}

/** A prompt nested in `<Gather>`; a forever loop counts once (the caller presses keys). */
export function promptDurationMs(node: GatherChild): number {
  const ms = node.name === 'Say' ? sayDurationMs(node) : node.name === 'Play' ? playDurationMs(node) : pauseDurationMs(node);
  if (Number.isFinite(ms)) return ms;
  return node.name === 'Say' ? node.text.length * SAY_MS_PER_CHARACTER : PLAY_ASSUMED_MS;
}
