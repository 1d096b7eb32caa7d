/**
 * A spoken refusal: the server answers a fetch it will not connect (the compliance gate
 * refused an agent-dialled number, or the attempt is gone) with a reason and
 * `<Hangup/>`, because a non-TeXML answer makes the caller hear a canned "application
 * error" instead (texml-api.md §3).
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { TexmlDocument } from '../types.ts';

export interface RefusalInput {
  /** What the caller hears, e.g. "This number cannot be called right now. Goodbye." */
  message: string;
  /** `<Say voice>`. Omitted: Telnyx's default (`man`). */
  voice?: string;
  /** `<Say language>`, BCP-47. */
  language?: string;
}

export function buildRefusal(input: RefusalInput): TexmlDocument {
  return response().say({ voice: input.voice, language: input.language }, input.message).hangup().toDocument();
}

export function renderRefusal(input: RefusalInput): string {
  return serialize(buildRefusal(input));
}
