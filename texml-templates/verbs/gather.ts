/**
 * `<Gather>`: collects DTMF (or speech) while its nested prompts play, then posts the
 * result to `action`. The identification message uses it for the key-press opt-out that
 * the FCC requires on abandoned calls (dialers-and-compliance.md §4.1).
 *
 * @module
 */

import {
  boolean,
  httpMethod,
  integer,
  languageTag,
  listOf,
  oneOf,
  text,
  url,
  type ElementSpec,
  type RuleViolation,
} from '../spec.ts';
import type { GatherNode } from '../types.ts';

const keypadKeys = (doc: string, allowEmpty: boolean) =>
  text(doc, { pattern: /^[0-9*#]*$/, patternDoc: 'keypad keys 0-9, * and #', allowEmpty });

export const gatherSpec: ElementSpec<GatherNode> = {
  name: 'Gather',
  doc: 'Collects digits or speech while its prompts play.',
  attributes: {
    action: url('Where the result goes; the TeXML it returns continues the call.'),
    method: httpMethod('Method for `action` (TwiML compatibility; Telnyx documents the app method). Default POST.'),
    timeout: integer('Seconds to wait for the first or next digit after the prompts end. Default 5.', 1, 120),
    input: listOf('What to listen for. Default dtmf.', ['dtmf', 'speech']),
    speechTimeout: integer('Seconds of silence after speech before the result is sent.', 0),
    partialResultCallback: url('Where partial speech results go.'),
    partialResultCallbackMethod: httpMethod('Method for `partialResultCallback`. Default POST.'),
    profanityFilter: boolean('Mask profanity in speech results.'),
    useEnhanced: boolean('Enhanced speech model (phone_call and video).'),
    hints: text('Words or phrases that help speech recognition.'),
    transcriptionEngine: oneOf('Speech-recognition engine.', ['Google', 'Telnyx', 'Azure', 'Deepgram']),
    apiKeyRef: text('Integration-secret reference for the engine (Azure).'),
    region: text('Engine region (required for Azure).'),
    finishOnKey: keypadKeys('Keys that end input early; empty disables. Default #.', true),
    numDigits: integer('Stop after this many digits.', 1, 128),
    language: languageTag('Speech language. Default en-US.'),
    validDigits: keypadKeys('The only keys accepted.', false),
    invalidDigitsAction: url('Where invalid digits go.'),
    minDigits: integer('Fewest digits accepted. Default 1.', 1, 128),
    maxDigits: integer('Most digits accepted. Default 128.', 1, 128),
  },
  content: { kind: 'children', allowed: ['Say', 'Play', 'Pause'], min: 0 },
  crossCheck({ attributes }): RuleViolation[] {
    const { minDigits, maxDigits } = attributes;
    if (minDigits !== undefined && maxDigits !== undefined && minDigits > maxDigits) {
      return [{ attribute: 'minDigits', message: `${minDigits} is more than maxDigits ${maxDigits}` }];
    }
    return [];
  },
};
