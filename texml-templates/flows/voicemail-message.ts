/**
 * The message left on an answering machine (flow 3, AMD says "machine"), spoken with
 * `<Say>` or played from a recording with `<Play>`, then `<Hangup/>`. An optional
 * leading pause lets a greeting finish when detection did not wait for the beep.
 * Prerecorded telemarketing messages need the lead's prior written consent; that check
 * belongs to the compliance gate, not here.
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { TexmlDocument } from '../types.ts';

interface VoicemailTiming {
  /** Seconds of silence before the message, 1–180. Omitted: no pause. */
  leadingPauseS?: number;
}

/** A text-to-speech message. */
export interface SpokenVoicemail extends VoicemailTiming {
  text: string;
  /** `<Say voice>`, e.g. `Polly.Joanna-Neural`. Omitted: Telnyx's default (`man`). */
  voice?: string;
  /** `<Say language>`, BCP-47, e.g. `en-GB`. */
  language?: string;
}

/** A recorded message. */
export interface RecordedVoicemail extends VoicemailTiming {
  /** MP3 or WAV URL. */
  audioUrl: string;
}

export type VoicemailMessageInput = SpokenVoicemail | RecordedVoicemail;

export function buildVoicemailMessage(input: VoicemailMessageInput): TexmlDocument {
  const doc = response();
  if (input.leadingPauseS !== undefined) doc.pause({ length: input.leadingPauseS });
  if ('audioUrl' in input) doc.play({}, input.audioUrl);
  else doc.say({ voice: input.voice, language: input.language }, input.text);
  return doc.hangup().toDocument();
}

export function renderVoicemailMessage(input: VoicemailMessageInput): string {
  return serialize(buildVoicemailMessage(input));
}
