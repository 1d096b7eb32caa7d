/**
 * The identification ("safe-harbor") message for a human who answered when no agent was
 * free (flow 3). US rules (FCC 47 CFR 64.1200(a)(7), FTC TSR) want the seller's name,
 * that the call was for telemarketing, a number to call back, and an automated
 * key-press opt-out; UK rules (Ofcom) want the caller's identity and a number to call,
 * with no marketing (dialers-and-compliance.md §4.1–4.2). The wording comes from
 * `abandonMessageText()` so that it can be reviewed on its own.
 *
 * The opt-out is a `<Gather>` around the message: a key press posts `Digits` to
 * `gatherActionUrl`, whose handler writes the number to the internal do-not-call list.
 * With no key press the `<Gather>` times out and the goodbye plays.
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { TexmlDocument } from '../types.ts';

export interface AbandonMessageInput {
  /** The seller's name as callers know it. */
  companyName: string;
  /** A number that takes do-not-call requests during business hours, E.164. */
  callbackNumber: string;
  /** The single key that removes the number from the calling list. @default '9' */
  optOutDigit?: string;
  /** `<Gather action>`: receives `Digits` when the key is pressed. */
  gatherActionUrl: string;
  /** Seconds to wait for the key after the message ends, 1–120. @default 5 */
  optOutTimeoutS?: number;
  /** `<Say voice>`, e.g. `Polly.Amy-Neural`. Omitted: Telnyx's default (`man`, en-US only). */
  voice?: string;
  /** `<Say language>`, BCP-47; `en-GB` also makes `#` read as "hash". */
  language?: string;
}

export const DEFAULT_OPT_OUT_DIGIT = '9';
export const DEFAULT_OPT_OUT_TIMEOUT_S = 5;

/**
 * Reads a phone number the way a person would say it, one digit at a time with pauses
 * (commas) between groups: NANP numbers as `5 5 5, 1 2 3, 4 5 6 7`, UK numbers in
 * national form from 0, others as `plus` and groups of three.
 */
export function spokenPhoneNumber(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (!/^[0-9]+$/.test(digits)) throw new RangeError(`callbackNumber ${JSON.stringify(e164)} is not an E.164 number`);
  const spell = (group: string) => group.split('').join(' ');
  if (/^1[0-9]{10}$/.test(digits)) return [digits.slice(1, 4), digits.slice(4, 7), digits.slice(7)].map(spell).join(', ');
  if (/^44[0-9]{9,10}$/.test(digits)) {
    const national = `0${digits.slice(2)}`;
    return [national.slice(0, 5), national.slice(5)].map(spell).join(', ');
  }
  const groups = digits.match(/[0-9]{1,3}/g) ?? [];
  return `plus ${groups.map(spell).join(', ')}`;
}

/** How the key is named aloud: "9", "star", and "pound" (US) or "hash" (UK). */
export function spokenKey(key: string, language?: string): string {
  if (key === '*') return 'star';
  if (key === '#') return language?.toLowerCase() === 'en-gb' ? 'hash' : 'pound';
  return key;
}

export interface AbandonMessageText {
  /** Played inside the `<Gather>`, while the opt-out key is listened for. */
  identification: string;
  /** Played when no key was pressed. */
  goodbye: string;
}

/** The words of the message; see the module comment for what each sentence is for. */
export function abandonMessageText(input: {
  companyName: string;
  callbackNumber: string;
  optOutDigit: string;
  language?: string;
}): AbandonMessageText {
  const identification = [
    `Hello, this is ${input.companyName.trim()}.`,
    'We called you for telemarketing purposes, and we are sorry that no representative is free to speak with you right now.',
    `To call us back, dial ${spokenPhoneNumber(input.callbackNumber)}.`,
    `To be removed from our calling list, press ${spokenKey(input.optOutDigit, input.language)} now.`,
  ].join(' ');
  return { identification, goodbye: 'Thank you. Goodbye.' };
}

export function buildAbandonMessage(input: AbandonMessageInput): TexmlDocument {
  const optOutDigit = input.optOutDigit ?? DEFAULT_OPT_OUT_DIGIT;
  if (!/^[0-9*#]$/.test(optOutDigit)) {
    throw new RangeError(`optOutDigit ${JSON.stringify(optOutDigit)} must be one keypad key: 0-9, * or #`);
  }
  const text = abandonMessageText({ ...input, optOutDigit });
  const voice = { voice: input.voice, language: input.language };
  return response()
    .gather(
      {
        action: input.gatherActionUrl,
        timeout: input.optOutTimeoutS ?? DEFAULT_OPT_OUT_TIMEOUT_S,
        // `#` ends a <Gather> by default; when it is the opt-out key it must count instead.
        finishOnKey: optOutDigit === '#' ? '' : undefined,
        numDigits: 1,
        validDigits: optOutDigit,
      },
      (gather) => gather.say(voice, text.identification),
    )
    .say(voice, text.goodbye)
    .hangup()
    .toDocument();
}

export function renderAbandonMessage(input: AbandonMessageInput): string {
  return serialize(buildAbandonMessage(input));
}
