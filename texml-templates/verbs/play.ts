/**
 * `<Play>`: plays an audio file (MP3 or WAV URL, or a media-storage name) or DTMF
 * digits. A campaign may record its own voicemail or identification message instead of
 * using text-to-speech.
 *
 * @module
 */

import { boolean, dtmfSequence, integer, text, url, type ElementSpec, type RuleViolation } from '../spec.ts';
import { checkValue } from '../values.ts';
import type { PlayNode } from '../types.ts';

const audioUrl = url('Audio file to play.');

export const playSpec: ElementSpec<PlayNode> = {
  name: 'Play',
  doc: 'Plays an audio file, or DTMF digits when `digits` is set.',
  attributes: {
    loop: integer('Times to play; 0 = until the call ends. Default 1.', 0, 10),
    digits: dtmfSequence('DTMF to play instead of audio; w waits 0.5 s.'),
    mediaStorage: boolean('The text is a Telnyx media-storage name, not a URL. Default false.'),
  },
  content: { kind: 'text', value: text('Audio URL, or media name with mediaStorage.', { allowEmpty: true }), required: false },
  crossCheck(node): RuleViolation[] {
    const hasDigits = node.attributes.digits !== undefined;
    if (hasDigits && node.text !== '') return [{ message: 'give either an audio URL or digits, not both' }];
    if (!hasDigits && node.text === '') return [{ message: 'text is required: an audio URL (or set digits)' }];
    if (node.text === '' || node.attributes.mediaStorage === true) return [];
    const problem = checkValue(audioUrl, node.text, 'text');
    return problem === undefined ? [] : [{ message: `audio URL ${problem}` }];
  },
};
