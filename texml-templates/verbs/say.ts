/**
 * `<Say>`: speaks text with a text-to-speech voice. The dialler's spoken messages
 * (identification, refusal, voicemail) are `<Say>`s so that their wording stays in
 * reviewable code rather than in audio files.
 *
 * @module
 */

import { integer, languageTag, oneOf, text, type ElementSpec } from '../spec.ts';
import type { SayNode } from '../types.ts';

export const saySpec: ElementSpec<SayNode> = {
  name: 'Say',
  doc: 'Speaks its text.',
  attributes: {
    voice: text('man, woman, alice, Polly.<Voice>, Polly.<Voice>-Neural, ElevenLabs.<Model>.<Voice>, Azure.*, Telnyx.*. Default man.', {
      pattern: /^[A-Za-z0-9_.:-]+$/,
      patternDoc: 'a voice name such as man, alice or Polly.Amy-Neural',
    }),
    language: languageTag('Language for alice and the cloud voices; man and woman always speak en-US.'),
    loop: integer('Times to speak the text; 0 = until the call ends. Default 1.', 0, 10),
    gender: oneOf('Voice gender, Azure voices only.', ['Male', 'Female']),
    effect: oneOf('Audio effect, Azure voices only.', ['eq_telecomhp8k', 'eq_car']),
  },
  content: { kind: 'text', value: text('The words to speak.'), required: true },
};
