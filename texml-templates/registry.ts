/**
 * Every element the schema knows, by name. Builder, serializer and parser look specs up
 * here instead of switching on names, so adding a verb is one module plus one line.
 *
 * @module
 */

import type { AnyElementSpec, ElementName, ElementSpecRegistry } from './spec.ts';
import type { VerbName } from './types.ts';
import { conferenceSpec } from './verbs/conference.ts';
import { dialSpec } from './verbs/dial.ts';
import { gatherSpec } from './verbs/gather.ts';
import { hangupSpec } from './verbs/hangup.ts';
import { numberSpec } from './verbs/number.ts';
import { pauseSpec } from './verbs/pause.ts';
import { playSpec } from './verbs/play.ts';
import { queueSpec } from './verbs/queue.ts';
import { redirectSpec } from './verbs/redirect.ts';
import { rejectSpec } from './verbs/reject.ts';
import { saySpec } from './verbs/say.ts';
import { sipSpec } from './verbs/sip.ts';

export const elementSpecs: ElementSpecRegistry = {
  Dial: dialSpec,
  Number: numberSpec,
  Sip: sipSpec,
  Conference: conferenceSpec,
  Queue: queueSpec,
  Say: saySpec,
  Play: playSpec,
  Pause: pauseSpec,
  Gather: gatherSpec,
  Hangup: hangupSpec,
  Redirect: redirectSpec,
  Reject: rejectSpec,
};

/** The root element's name; it takes no attributes. */
export const ROOT_ELEMENT = 'Response';

/** Verbs allowed directly under `<Response>`, in the order the docs list them. */
export const RESPONSE_CHILDREN: readonly VerbName[] = ['Dial', 'Say', 'Play', 'Pause', 'Gather', 'Hangup', 'Redirect', 'Reject'];

/**
 * Names that are real TwiML/TeXML but that this schema refuses, with the reason, so an
 * error says more than "unknown". Telnyx itself does not support the first four
 * (texml-api.md §6); the rest are TeXML verbs the dialler does not use and so does not
 * model.
 */
export const UNMODELLED_ELEMENTS: Readonly<Record<string, string>> = {
  Client: 'Telnyx TeXML does not support <Client>; ring a WebRTC user with <Sip>sip:<user>@sip.telnyx.com</Sip>',
  Room: 'Telnyx TeXML does not support <Room>',
  VirtualAgent: 'Telnyx TeXML does not support <VirtualAgent>',
  Pay: 'Telnyx TeXML does not support <Pay>',
  ...Object.fromEntries(
    ['AIGather', 'Connect', 'Enqueue', 'HttpRequest', 'Leave', 'Record', 'Refer', 'Siprec', 'Stop', 'Stream', 'Suppression', 'Transcription'].map(
      (name) => [name, `<${name}> is a TeXML verb this dialler does not use, so its schema does not accept it`],
    ),
  ),
};

export function isElementName(name: string): name is ElementName {
  return Object.hasOwn(elementSpecs, name);
}

/** The spec for `name`, seen through the generic shape the tree walkers use. */
export function specOf(name: ElementName): AnyElementSpec {
  return elementSpecs[name];
}

/** Names allowed as children of `parent` (`Response` or an element). */
export function allowedChildren(parent: string): readonly ElementName[] {
  if (parent === ROOT_ELEMENT) return RESPONSE_CHILDREN;
  if (!isElementName(parent)) return [];
  const { content } = specOf(parent);
  return content.kind === 'children' ? content.allowed : [];
}
