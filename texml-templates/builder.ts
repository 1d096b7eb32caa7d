/**
 * A typed, fluent way to build TeXML documents. Its types encode TeXML's nesting rules:
 * the `<Dial>` callback gets a builder that offers only the nouns (`number`, `sip`,
 * `conference`, `queue`), and the `<Gather>` callback one that offers only prompts
 * (`say`, `play`, `pause`), so a `<Say>` inside `<Dial>` does not compile.
 *
 * Each verb is validated against its spec when it is added, so a bad value fails at the
 * call that passed it, with a `TexmlValidationError` naming element and attribute
 * (`Dial@timeout: 500 is outside 5–120`).
 *
 * ```ts
 * response()
 *   .dial({ callerId: '+15550001111', action: 'https://app/dial-done', timeout: 25 }, (d) =>
 *     d.number({ statusCallback: 'https://app/status', statusCallbackEvent: ['initiated', 'completed'] }, '+15551234567'),
 *   )
 *   .toXml();
 * ```
 *
 * @module
 */

import { TexmlValidationError } from './errors.ts';
import { ROOT_ELEMENT } from './registry.ts';
import { childPath, findNodeIssues } from './schema.ts';
import { serialize } from './serialize.ts';
import type {
  ConferenceAttributes,
  DialAttributes,
  DialNoun,
  GatherAttributes,
  GatherChild,
  NumberAttributes,
  PauseAttributes,
  PlayAttributes,
  QueueAttributes,
  RedirectAttributes,
  RejectAttributes,
  SayAttributes,
  SipAttributes,
  TexmlDocument,
  VerbNode,
} from './types.ts';

/**
 * Drops attributes whose value is `undefined`, so callers can pass optional inputs
 * straight through and the tree equals what parsing its XML gives back.
 */
function present<A extends object>(attributes: A): A {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as A;
}

/** The prompt verbs, shared by `<Response>` and `<Gather>`. */
abstract class PromptBuilder {
  protected abstract add(node: GatherChild): void;

  /** Speaks `text` (trimmed). */
  say(attributes: SayAttributes, text: string): this {
    this.add({ name: 'Say', attributes: present(attributes), text: text.trim() });
    return this;
  }

  /** Plays the audio at `source` (a URL, or a media name with `mediaStorage`); leave it empty with `digits`. */
  play(attributes: PlayAttributes, source = ''): this {
    this.add({ name: 'Play', attributes: present(attributes), text: source.trim() });
    return this;
  }

  /** Silence; `length` in seconds. */
  pause(attributes: PauseAttributes = {}): this {
    this.add({ name: 'Pause', attributes: present(attributes) });
    return this;
  }
}

/** What a `<Gather>` may contain: prompts played while it listens. */
export class GatherBuilder extends PromptBuilder {
  readonly children: GatherChild[] = [];

  protected add(node: GatherChild): void {
    this.children.push(node);
  }
}

/** What a `<Dial>` may contain: the legs to ring at once; the first to answer wins. */
export class DialBuilder {
  readonly children: DialNoun[] = [];

  /** Rings an E.164 number. */
  number(attributes: NumberAttributes, e164: string): this {
    this.children.push({ name: 'Number', attributes: present(attributes), text: e164.trim() });
    return this;
  }

  /** Rings a SIP URI, e.g. an agent's `sip:<user>@sip.telnyx.com`. */
  sip(attributes: SipAttributes, uri: string): this {
    this.children.push({ name: 'Sip', attributes: present(attributes), text: uri.trim() });
    return this;
  }

  /** Joins the named conference room. */
  conference(attributes: ConferenceAttributes, room: string): this {
    this.children.push({ name: 'Conference', attributes: present(attributes), text: room.trim() });
    return this;
  }

  /** Takes the next call waiting in the named queue. */
  queue(attributes: QueueAttributes, name: string): this {
    this.children.push({ name: 'Queue', attributes: present(attributes), text: name.trim() });
    return this;
  }
}

/** The verbs of a `<Response>`, in order. */
export class ResponseBuilder extends PromptBuilder {
  readonly #verbs: VerbNode[] = [];

  protected add(node: VerbNode): void {
    const index = this.#verbs.filter((verb) => verb.name === node.name).length;
    const issues = findNodeIssues(node, ROOT_ELEMENT, childPath(ROOT_ELEMENT, node.name, index));
    if (issues.length > 0) throw new TexmlValidationError(issues);
    this.#verbs.push(node);
  }

  /** Bridges the call to the legs that `nouns` adds (at least one). */
  dial(attributes: DialAttributes, nouns: (dial: DialBuilder) => unknown): this {
    const dial = new DialBuilder();
    nouns(dial);
    this.add({ name: 'Dial', attributes: present(attributes), children: dial.children });
    return this;
  }

  /** Listens for digits or speech while the prompts that `prompts` adds play. */
  gather(attributes: GatherAttributes, prompts?: (gather: GatherBuilder) => unknown): this {
    const gather = new GatherBuilder();
    prompts?.(gather);
    this.add({ name: 'Gather', attributes: present(attributes), children: gather.children });
    return this;
  }

  hangup(): this {
    this.add({ name: 'Hangup', attributes: {} });
    return this;
  }

  /** Continues the call with the TeXML at `url`. */
  redirect(attributes: RedirectAttributes, url: string): this {
    this.add({ name: 'Redirect', attributes: present(attributes), text: url.trim() });
    return this;
  }

  /** Refuses an unanswered call. */
  reject(attributes: RejectAttributes = {}): this {
    this.add({ name: 'Reject', attributes: present(attributes) });
    return this;
  }

  toDocument(): TexmlDocument {
    return { verbs: [...this.#verbs] };
  }

  toXml(): string {
    return serialize(this.toDocument());
  }
}

/** Starts a `<Response>` document. */
export function response(): ResponseBuilder {
  return new ResponseBuilder();
}
