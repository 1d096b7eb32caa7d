/**
 * The vocabulary the verb modules describe themselves in. Each verb or noun module
 * exports one `ElementSpec`: its attributes as data (kind, range, allowed values, doc)
 * and what it may contain. The builder checks values with it, `serialize()` writes
 * attributes in its order, and `parseTexml()` validates and coerces with it, so the
 * server and the sandbox cannot disagree about what a valid document is.
 *
 * @module
 */

import type { DialNoun, NounName, VerbName, VerbNode } from './types.ts';

/** Free text, optionally constrained by a pattern. Empty is refused unless `allowEmpty`. */
export interface StringValueSpec {
  kind: 'string';
  doc: string;
  pattern?: RegExp;
  /** Says in words what `pattern` accepts; used in error messages. */
  patternDoc?: string;
  maxLength?: number;
  allowEmpty?: boolean;
}

/** An absolute `http(s)` URL or a relative reference; no spaces or control characters. */
export interface UrlValueSpec {
  kind: 'url';
  doc: string;
}

/** A whole number within `min`–`max` (inclusive); `max` absent means unbounded. */
export interface IntegerValueSpec {
  kind: 'integer';
  doc: string;
  min: number;
  max?: number;
}

/** Written and read as exactly `true` or `false`. */
export interface BooleanValueSpec {
  kind: 'boolean';
  doc: string;
}

export interface EnumValueSpec<T extends string = string> {
  kind: 'enum';
  doc: string;
  values: readonly T[];
}

/** A space-separated list in XML, an array in the typed tree; at least one item. */
export interface ListValueSpec<T extends string = string> {
  kind: 'list';
  doc: string;
  values: readonly T[];
}

export type ValueSpec =
  | StringValueSpec
  | UrlValueSpec
  | IntegerValueSpec
  | BooleanValueSpec
  | EnumValueSpec
  | ListValueSpec;

/**
 * The spec kinds that fit an attribute's TypeScript type, so a spec table cannot drift
 * from `types.ts`: a `number` attribute needs an integer spec, a union of literals an
 * enum over (some of) those literals, and so on.
 */
export type ValueSpecFor<T> = [T] extends [number]
  ? IntegerValueSpec
  : [T] extends [boolean]
    ? BooleanValueSpec
    : [T] extends [ReadonlyArray<infer Item extends string>]
      ? ListValueSpec<Item>
      : [T] extends [string]
        ? string extends T
          ? StringValueSpec | UrlValueSpec | EnumValueSpec
          : EnumValueSpec<T>
        : never;

/** One entry per attribute of `A`, no more and no fewer; the key order is the XML order. */
export type AttributeSpecs<A> = { readonly [K in keyof Required<A>]-?: ValueSpecFor<Required<A>[K]> };

export type ElementName = VerbName | NounName;
export type TexmlNode = VerbNode | DialNoun;
export type NodeOfName<N extends ElementName> = Extract<TexmlNode, { name: N }>;

/** What an element may hold between its tags. */
export type ContentSpec =
  /** Self-closing, e.g. `<Hangup/>`. */
  | { kind: 'empty' }
  /** Text only, e.g. `<Number>+15551234567</Number>`; `required: false` allows empty. */
  | { kind: 'text'; value: ValueSpec; required: boolean }
  /** Child elements from `allowed`, at least `min` of them. */
  | { kind: 'children'; allowed: readonly ElementName[]; min: number };

/** A problem found by a cross-attribute rule, reported against the element. */
export interface RuleViolation {
  attribute?: string;
  message: string;
}

export interface ElementSpec<N extends TexmlNode = TexmlNode> {
  name: N['name'];
  doc: string;
  attributes: AttributeSpecs<N['attributes']>;
  content: ContentSpec;
  /**
   * Rules that involve several attributes or the text together (e.g. `<Play>` needs a
   * URL unless `digits` is set). Runs only once each value is valid on its own.
   */
  crossCheck?(node: N): RuleViolation[];
}

/** The element shapes the tree may hold: verbs at the top, nouns inside `<Dial>`. */
export type ElementSpecRegistry = { readonly [N in ElementName]: ElementSpec<NodeOfName<N>> };

/** The spec as the generic walkers see it: attribute names map to value specs. */
export interface AnyElementSpec {
  name: ElementName;
  doc: string;
  attributes: Readonly<Record<string, ValueSpec>>;
  content: ContentSpec;
  crossCheck?(node: TexmlNode): RuleViolation[];
}

// Shared value specs, so that the same attribute reads the same everywhere.

export const httpMethod = (doc: string): EnumValueSpec<'GET' | 'POST'> => ({ kind: 'enum', doc, values: ['GET', 'POST'] });

export const url = (doc: string): UrlValueSpec => ({ kind: 'url', doc });

export const integer = (doc: string, min: number, max?: number): IntegerValueSpec =>
  max === undefined ? { kind: 'integer', doc, min } : { kind: 'integer', doc, min, max };

export const boolean = (doc: string): BooleanValueSpec => ({ kind: 'boolean', doc });

export const oneOf = <T extends string>(doc: string, values: readonly T[]): EnumValueSpec<T> => ({ kind: 'enum', doc, values });

export const listOf = <T extends string>(doc: string, values: readonly T[]): ListValueSpec<T> => ({ kind: 'list', doc, values });

export const text = (doc: string, constraints: Omit<StringValueSpec, 'kind' | 'doc'> = {}): StringValueSpec => ({
  kind: 'string',
  doc,
  ...constraints,
});

/** `+` then 2–15 digits, the first not 0 (ITU-T E.164). */
export const e164 = (doc: string): StringValueSpec =>
  text(doc, { pattern: /^\+[1-9][0-9]{1,14}$/, patternDoc: 'an E.164 number such as +15551234567' });

/** DTMF sent or played: digits, `*`, `#` and `w` (a 0.5 s wait). */
export const dtmfSequence = (doc: string): StringValueSpec =>
  text(doc, { pattern: /^[0-9*#w]+$/, patternDoc: 'digits 0-9, *, # and w' });

/** BCP-47 tag such as `en-US` or `en-GB`. */
export const languageTag = (doc: string): StringValueSpec =>
  text(doc, { pattern: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, patternDoc: 'a BCP-47 tag such as en-US' });

/** Events a `<Number>`/`<Sip>` leg reports to its `statusCallback`. */
export const NOUN_STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'amd', 'dtmf', 'completed'] as const;

export const RECORDING_STATUS_CALLBACK_EVENTS = ['in-progress', 'completed', 'absent'] as const;
