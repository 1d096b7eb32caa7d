/**
 * Validation of incoming TeXML REST requests against the field tables of
 * `telnyx-wire.ts`, answered with Telnyx's own error objects (texml-api.md §1.1, §11.1).
 * The sandbox uses it to reject exactly what Telnyx would; the server can use it to
 * check its own requests before sending them.
 *
 * Every problem is collected, one per field in table order, so a single 422 body lists
 * them all. Unknown fields are ignored, as Telnyx ignores them.
 *
 * @module
 */

import { TELNYX_ERROR, type CustomHeader, type FieldSpec, type FieldTable, type TelnyxErrorObject } from './telnyx-wire.ts';

/** How the request body arrived: JSON keeps its types; a form carries only strings. */
export type WireEncoding = 'json' | 'form';

export interface ValidateOptions {
  encoding: WireEncoding;
  /**
   * Pairs of fields that must not both be present (`Url` and `Texml`: the create body is
   * a `oneOf` of "with URL" and "with TeXML", texml-api.md §1.1).
   */
  exclusive?: ReadonlyArray<readonly [string, string]>;
}

type ValueOf<S extends FieldSpec> = S extends { type: 'string' }
  ? string
  : S extends { type: 'integer' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : S extends { type: 'list'; values: readonly (infer V)[] }
          ? V[]
          : S extends { type: 'headers' }
            ? CustomHeader[]
            : never;

/** The typed, coerced values of a table: required fields present, the rest optional. */
export type FieldValues<T extends FieldTable> = {
  -readonly [K in keyof T as T[K] extends { required: true } ? K : never]: ValueOf<T[K]>;
} & {
  -readonly [K in keyof T as T[K] extends { required: true } ? never : K]?: ValueOf<T[K]>;
};

export type ValidationResult<T extends FieldTable> =
  | { ok: true; value: FieldValues<T> }
  | { ok: false; errors: TelnyxErrorObject[] };

/** Extra codes used here that `TELNYX_ERROR` does not list (generic table, texml-api.md §1.1). */
const BAD_REQUEST = '10015';

/**
 * Telnyx reports a missing `ApplicationSid` as `Can't be blank: ApplicationId` with
 * pointer `/ApplicationId` (the 422 example declared on the create endpoint). We mirror
 * that exactly for this one field; every other field is reported under its own name.
 */
const BLANK_ERROR_NAMES: Readonly<Record<string, string>> = { ApplicationSid: 'ApplicationId' };

/** Build one Telnyx error object, with the documentation link Telnyx puts in `meta.url`. */
export function telnyxError(code: string, title: string, detail: string, pointer?: string): TelnyxErrorObject {
  return {
    code,
    title,
    detail,
    ...(pointer === undefined ? {} : { source: { pointer } }),
    meta: { url: `https://developers.telnyx.com/docs/overview/errors/${code}` },
  };
}

/**
 * Check `input` against `table` and coerce it: form strings `"true"`/`"false"` become
 * booleans and digit strings become integers.
 *
 * @example
 * validateFields(CREATE_CALL_FIELDS, { To: '+15550001234', From: '+15550009999' }, { encoding: 'json' })
 * // → { ok: false, errors: [{ code: '10004', detail: "Can't be blank: ApplicationId", … }] }
 */
export function validateFields<T extends FieldTable>(
  table: T,
  input: Record<string, unknown>,
  options: ValidateOptions,
): ValidationResult<T> {
  const errors: TelnyxErrorObject[] = [];
  const value: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    const raw = input[name];
    if (isAbsent(raw, spec)) {
      if (spec.required) errors.push(missing(name));
      continue;
    }
    const checked = checkValue(name, spec, raw, options.encoding);
    if ('error' in checked) errors.push(checked.error);
    else value[name] = checked.value;
  }
  for (const [first, second] of options.exclusive ?? []) {
    if (input[first] !== undefined && input[second] !== undefined) {
      // UNCONFIRMED code: the spec only says the body is a oneOf; 10015 is the generic
      // "Bad Request" of Telnyx's error table.
      errors.push(
        telnyxError(BAD_REQUEST, 'Bad Request', `${first} and ${second} cannot be used together: send one of them`, `/${second}`),
      );
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as FieldValues<T> };
}

/** Absent, `null`, or (for a required field) blank: Telnyx says "Can't be blank". */
function isAbsent(raw: unknown, spec: FieldSpec): boolean {
  if (raw === undefined || raw === null) return true;
  return spec.required === true && typeof raw === 'string' && raw.trim() === '';
}

function missing(name: string): TelnyxErrorObject {
  const shown = BLANK_ERROR_NAMES[name] ?? name;
  return telnyxError(TELNYX_ERROR.missingParameter, 'Missing required parameter', `Can't be blank: ${shown}`, `/${shown}`);
}

type Checked = { value: unknown } | { error: TelnyxErrorObject };

function checkValue(name: string, spec: FieldSpec, raw: unknown, encoding: WireEncoding): Checked {
  switch (spec.type) {
    case 'string':
      return checkString(name, spec, raw);
    case 'integer':
      return checkInteger(name, spec, raw, encoding);
    case 'boolean':
      return checkBoolean(name, raw);
    case 'enum':
      if (typeof raw !== 'string') return { error: wrongType(name, 'string') };
      return spec.values.includes(raw) ? { value: raw } : { error: badEnum(name, spec.values) };
    case 'list':
      return checkList(name, spec.values, raw);
    case 'headers':
      return checkHeaders(name, raw, encoding);
  }
}

function checkString(name: string, spec: Extract<FieldSpec, { type: 'string' }>, raw: unknown): Checked {
  if (typeof raw !== 'string') return { error: wrongType(name, 'string') };
  if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
    // UNCONFIRMED code for a length limit: the generic "Value outside of range".
    return { error: outOfRange(name, `${name} must be at most ${spec.maxLength} characters long`) };
  }
  if (spec.pattern && !spec.pattern.test(raw)) {
    // UNCONFIRMED code: no pattern error is declared for this endpoint; 10015 "Bad Request".
    const hint = spec.patternHint ? `: use only ${spec.patternHint}` : '';
    return { error: telnyxError(BAD_REQUEST, 'Bad Request', `${name} has an invalid format${hint}`, `/${name}`) };
  }
  return { value: raw };
}

function checkInteger(name: string, spec: Extract<FieldSpec, { type: 'integer' }>, raw: unknown, encoding: WireEncoding): Checked {
  let number: number | undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) number = raw;
  else if (encoding === 'form' && typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) number = Number(raw.trim());
  if (number === undefined) return { error: wrongType(name, 'integer') };
  const { min, max } = spec;
  if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
    return { error: outOfRange(name, rangeDetail(name, min, max)) };
  }
  return { value: number };
}

/**
 * Booleans are accepted as the strings `"true"`/`"false"` in JSON too: Telnyx's own AMD
 * guide posts `"AsyncAmd": "false"` in a JSON body (texml-api.md §1.3).
 */
function checkBoolean(name: string, raw: unknown): Checked {
  if (typeof raw === 'boolean') return { value: raw };
  if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
  return { error: wrongType(name, 'boolean') };
}

/** A space-separated string (the SDK sends `StatusCallbackEvent` that way, §12). */
function checkList(name: string, allowed: readonly string[], raw: unknown): Checked {
  if (typeof raw !== 'string') return { error: wrongType(name, 'string') };
  const items = raw.split(/\s+/).filter((item) => item !== '');
  return items.every((item) => allowed.includes(item)) ? { value: items } : { error: badEnum(name, allowed) };
}

/** `[{name, value}]`; a form carries it as JSON text. */
function checkHeaders(name: string, raw: unknown, encoding: WireEncoding): Checked {
  let parsed: unknown = raw;
  if (encoding === 'form' && typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { error: wrongType(name, 'array') };
    }
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Record<string, unknown>).name === 'string' &&
        typeof (item as Record<string, unknown>).value === 'string',
    );
  if (!valid) return { error: wrongType(name, 'array') };
  return { value: (parsed as CustomHeader[]).map(({ name: header, value }) => ({ name: header, value })) };
}

function wrongType(name: string, type: string): TelnyxErrorObject {
  return telnyxError(TELNYX_ERROR.invalidType, 'Invalid parameter type', `The '${name}' parameter must be of type '${type}'`, `/${name}`);
}

function badEnum(name: string, values: readonly string[]): TelnyxErrorObject {
  return telnyxError(TELNYX_ERROR.invalidEnum, 'Invalid enumerated value', `${name} must be one of ${values.join(', ')}`, `/${name}`);
}

/** UNCONFIRMED for this endpoint: 10033 comes from Telnyx's generic error table. */
function outOfRange(name: string, detail: string): TelnyxErrorObject {
  return telnyxError(TELNYX_ERROR.outOfRange, 'Value outside of range', detail, `/${name}`);
}

function rangeDetail(name: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${name} must be between ${min} and ${max}`;
  if (min !== undefined) return `${name} must be at least ${min}`;
  return `${name} must be at most ${max}`;
}
