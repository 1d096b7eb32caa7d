/**
 * Checking, reading and writing one attribute or text value against its `ValueSpec`.
 * The builder and `validateTexml()` check typed values, `parseTexml()` reads XML
 * strings, and `serialize()` writes them back; all three word their problems the same
 * way ("500 is outside 5–120") so errors read alike wherever they come from.
 *
 * @module
 */

import type { ValueSpec } from './spec.ts';

export type ParsedValue = { ok: true; value: string | number | boolean | string[] } | { ok: false; problem: string };

/**
 * Characters XML 1.0 cannot carry: C0 controls other than tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF. Attribute values refuse tab, LF and CR as well,
 * because a parser folds them into spaces and the value would not survive a round trip.
 */
const INVALID_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const INVALID_IN_ATTRIBUTE = /[\u0000-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** Whether the value sits in an attribute (stricter about whitespace controls) or in text. */
export type ValuePlace = 'attribute' | 'text';

/** Shows a value in a message: numbers and booleans bare, strings quoted. */
export function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value.join(' '));
  return String(value);
}

function describeRange(min: number, max: number | undefined): string {
  return max === undefined ? `at least ${min}` : `${min}–${max}`;
}

function integerProblem(spec: Extract<ValueSpec, { kind: 'integer' }>, value: number): string | undefined {
  if (!Number.isSafeInteger(value)) return `${showValue(value)} is not a whole number`;
  if (value < spec.min || (spec.max !== undefined && value > spec.max)) {
    return spec.max === undefined
      ? `${value} is below the minimum ${spec.min}`
      : `${value} is outside ${describeRange(spec.min, spec.max)}`;
  }
  return undefined;
}

function urlProblem(value: string): string | undefined {
  if (value === '') return 'is empty; a URL is required';
  if (/\s/.test(value)) return `${showValue(value)} contains whitespace; encode it in the URL`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  if (scheme === undefined) return undefined;
  if (!/^https?$/i.test(scheme)) return `${showValue(value)} uses scheme "${scheme}:"; only http and https can be fetched`;
  return URL.canParse(value) ? undefined : `${showValue(value)} is not a valid URL`;
}

function stringProblem(spec: Extract<ValueSpec, { kind: 'string' }>, value: string): string | undefined {
  if (value === '') return spec.allowEmpty ? undefined : `is empty; expected ${spec.patternDoc ?? spec.doc}`;
  if (spec.maxLength !== undefined && [...value].length > spec.maxLength) {
    return `is ${[...value].length} characters long; the limit is ${spec.maxLength}`;
  }
  if (spec.pattern && !spec.pattern.test(value)) return `${showValue(value)} is not ${spec.patternDoc ?? 'in the expected form'}`;
  return undefined;
}

function memberProblem(values: readonly string[], item: string): string | undefined {
  return values.includes(item) ? undefined : `${showValue(item)} is not one of ${values.join(', ')}`;
}

/**
 * What is wrong with a typed value (from the builder or a hand-made tree), or
 * `undefined` when it fits the spec. The wording leaves out the element and attribute;
 * callers prefix them.
 */
export function checkValue(spec: ValueSpec, value: unknown, place: ValuePlace): string | undefined {
  switch (spec.kind) {
    case 'integer':
      return typeof value === 'number' ? integerProblem(spec, value) : `${showValue(value)} is not a number`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${showValue(value)} is not true or false`;
    case 'enum':
      return typeof value === 'string' ? memberProblem(spec.values, value) : `${showValue(value)} is not one of ${spec.values.join(', ')}`;
    case 'list': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return `${showValue(value)} is not a list of strings`;
      if (value.length === 0) return `is empty; list at least one of ${spec.values.join(', ')}`;
      for (const item of value) {
        const problem = /\s/.test(item) ? `${showValue(item)} contains whitespace` : memberProblem(spec.values, item);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'url':
    case 'string': {
      if (typeof value !== 'string') return `${showValue(value)} is not a string`;
      if ((place === 'attribute' ? INVALID_IN_ATTRIBUTE : INVALID_IN_TEXT).test(value)) {
        return `${showValue(value)} contains a control character XML cannot carry`;
      }
      return spec.kind === 'url' ? urlProblem(value) : stringProblem(spec, value);
    }
  }
}

/** Reads an XML attribute or text value into its typed form, then checks it. */
export function parseValue(spec: ValueSpec, raw: string, place: ValuePlace): ParsedValue {
  let value: string | number | boolean | string[];
  switch (spec.kind) {
    case 'integer':
      if (!/^[+-]?[0-9]+$/.test(raw.trim())) return { ok: false, problem: `${showValue(raw)} is not a whole number` };
      value = Number(raw.trim());
      break;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') return { ok: false, problem: `${showValue(raw)} is not true or false` };
      value = raw === 'true';
      break;
    case 'list':
      value = raw.trim() === '' ? [] : raw.trim().split(/\s+/);
      break;
    default:
      value = raw;
  }
  const problem = checkValue(spec, value, place);
  return problem === undefined ? { ok: true, value } : { ok: false, problem };
}

/** Writes a checked value as XML text: lists joined by one space, booleans as `true`/`false`. */
export function formatValue(value: string | number | boolean | readonly string[]): string {
  return typeof value === 'object' ? value.join(' ') : String(value);
}
