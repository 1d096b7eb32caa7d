/**
 * One lead's values, checked and normalised the same way for a CSV row and for
 * `POST /api/leads`: the number to E.164, the country, the consent record, the time zones.
 * Each failure names the attribute at fault and says why in words a list owner can act on.
 *
 * Numbers are checked with libphonenumber's full metadata (`libphonenumber-js/max`): a
 * number must be a valid one for its country (an assigned range of the right length), not
 * only of a possible length.
 *
 * @module
 */
import { isSupportedCountry, parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';
import type { ConsentType, ImportErrorCode, ImportMapping, TimeZoneSource } from './tables.ts';
import { resolveTimeZones, type NumberTimeZones } from './time-zones.ts';

export type PhoneCheck =
  | {
      ok: true;
      e164: string;
      /** The number's country, when its range belongs to one. */
      country: string | undefined;
      /** Fixed or mobile: its prefix says where it rings (toll-free, VoIP… do not). */
      geographic: boolean;
    }
  | { ok: false; code: 'phone_missing' | 'phone_invalid'; reason: string };

export interface PhoneOptions {
  /**
   * Also accept +1 555 xxx xxxx, which is no real range but is what the sandbox simulates
   * (`+1555000…` answers, `+1555001…` is busy, …). Sandbox mode only.
   */
  allowSandboxNumbers?: boolean;
}

const SANDBOX_NUMBER = /^\+1555\d{7}$/;
/** Number types whose zones follow their geography (as in `server/compliance/time-zones.ts`). */
const GEOGRAPHIC = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);

const LENGTH_REASONS: Record<string, string> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_LENGTH: 'of an impossible length',
  NOT_A_NUMBER: 'not a phone number',
  INVALID_COUNTRY: 'without a known country code',
};

/** `raw` as E.164, reading a number without `+` as one of `country` (ISO alpha-2). */
export function normalizePhone(raw: string, country: string, options: PhoneOptions = {}): PhoneCheck {
  const text = raw.trim();
  if (text === '') return { ok: false, code: 'phone_missing', reason: 'the phone number is empty' };
  if (text.length > 64) return { ok: false, code: 'phone_invalid', reason: 'not a phone number (over 64 characters)' };
  const where = text.startsWith('+') ? '' : ` for ${country}`;
  let parsed;
  try {
    // extract: false — "call 208 555 0100 after 5" is not a number, it is a note.
    parsed = parsePhoneNumberWithError(text, { defaultCountry: country as CountryCode, extract: false });
  } catch (error) {
    const why = error instanceof ParseError ? (LENGTH_REASONS[error.message] ?? error.message) : 'not a phone number';
    return { ok: false, code: 'phone_invalid', reason: `not a valid phone number${where}: ${why}` };
  }
  if (parsed.ext) return { ok: false, code: 'phone_invalid', reason: `the number has an extension (${parsed.ext}), which cannot be dialled` };
  if (options.allowSandboxNumbers && SANDBOX_NUMBER.test(parsed.number)) return { ok: true, e164: parsed.number, country: 'US', geographic: false };
  if (!parsed.isPossible()) {
    const length = validatePhoneNumberLength(text, { defaultCountry: country as CountryCode });
    return { ok: false, code: 'phone_invalid', reason: `not a valid phone number${where}: ${LENGTH_REASONS[length ?? 'INVALID_LENGTH'] ?? 'of an impossible length'}` };
  }
  if (!parsed.isValid()) {
    const region = parsed.country ?? `+${parsed.countryCallingCode}`;
    return { ok: false, code: 'phone_invalid', reason: `not a valid phone number for ${region}: no such number range` };
  }
  const type = parsed.getType();
  return { ok: true, e164: parsed.number, country: parsed.country, geographic: type !== undefined && GEOGRAPHIC.has(type) };
}

/** ISO 3166-1 alpha-2, upper case, that libphonenumber knows; null otherwise. */
export function normalizeCountry(value: string): string | null {
  const code = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) ? code : null;
}

export type ConsentCheck =
  | { ok: true; type: ConsentType | null; at: Date | null; source: string | null }
  | { ok: false; field: 'consentType' | 'consentAt'; reason: string };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
/** Consent dated more than this after "now" is refused (ms): a day of slack for time zones. */
const FUTURE_SLACK_MS = 24 * 3600_000;

/**
 * An ISO 8601 date (`2024-05-01`, midnight UTC) or date-time (`2024-05-01T14:30:00-05:00`;
 * without an offset it is read as UTC). Other layouts (`05/01/2024`) are refused: they are
 * ambiguous between US and European order, and a consent date must be unambiguous.
 */
export function parseIsoDate(value: string): Date | null {
  const text = value.trim();
  const match = DATE_ONLY.exec(text) ?? DATE_TIME.exec(text);
  if (!match) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '0', zone] = match;
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  if (Number.isNaN(date.getTime())) return null;
  // `Date` rolls 2024-02-30 over to March; refuse dates that do not exist.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  return date;
}

/** The consent record: type `written` | `express` (any case) or empty, an ISO date, and where it came from. */
export function parseConsent(type: string | undefined, at: string | undefined, source: string | undefined, now: Date): ConsentCheck {
  const typeText = (type ?? '').trim().toLowerCase();
  if (typeText !== '' && typeText !== 'written' && typeText !== 'express') {
    return { ok: false, field: 'consentType', reason: 'the consent type must be "written", "express" or empty' };
  }
  const atText = (at ?? '').trim();
  let date: Date | null = null;
  if (atText !== '') {
    if (typeText === '') return { ok: false, field: 'consentAt', reason: 'a consent date is given without a consent type' };
    date = parseIsoDate(atText);
    if (!date) return { ok: false, field: 'consentAt', reason: 'the consent date is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS±HH:MM)' };
    if (date.getTime() > now.getTime() + FUTURE_SLACK_MS) return { ok: false, field: 'consentAt', reason: 'the consent date is in the future' };
  }
  const sourceText = (source ?? '').trim();
  return { ok: true, type: typeText === '' ? null : (typeText as ConsentType), at: date, source: sourceText === '' ? null : sourceText };
}

/** A lead as given: strings, as they come from a CSV row or a JSON body. */
export interface LeadInput {
  phone: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  timeZone?: string | undefined;
  consentType?: string | undefined;
  consentAt?: string | undefined;
  consentSource?: string | undefined;
  country?: string | undefined;
  /** Custom attributes, kept as given (empty values left out). */
  fields: Record<string, string>;
}

/** A lead ready to be written. */
export interface ValidLead {
  phoneE164: string;
  phoneRaw: string;
  firstName: string | null;
  lastName: string | null;
  fields: Record<string, string>;
  timeZones: string[];
  timeZoneSource: TimeZoneSource | null;
  consentType: ConsentType | null;
  consentAt: Date | null;
  consentSource: string | null;
}

export type LeadCheck =
  | { ok: true; lead: ValidLead }
  | { ok: false; code: ImportErrorCode; /** The attribute at fault. */ field: keyof ImportMapping; reason: string; value: string };

export interface LeadContext {
  /** The list's default country (ISO alpha-2). */
  listCountry: string;
  timeZones: NumberTimeZones;
  now: Date;
  /**
   * Sandbox mode only (`SANDBOX_CUSTOMER_TIME_ZONE`): accept the sandbox's fictional
   * +1 555 numbers, and place them in this zone, as the compliance gate does.
   */
  sandboxCustomerTimeZone?: string | undefined;
}

/** Check one lead; the first problem found is the one reported. */
export function checkLead(input: LeadInput, context: LeadContext): LeadCheck {
  let country = context.listCountry;
  if (input.country !== undefined && input.country.trim() !== '') {
    const normalized = normalizeCountry(input.country);
    if (!normalized) return { ok: false, code: 'country_invalid', field: 'country', reason: 'not an ISO 3166 two-letter country code', value: input.country };
    country = normalized;
  }
  const phone = normalizePhone(input.phone, country, { allowSandboxNumbers: context.sandboxCustomerTimeZone !== undefined });
  if (!phone.ok) return { ok: false, code: phone.code, field: 'phone', reason: phone.reason, value: input.phone };
  const consent = parseConsent(input.consentType, input.consentAt, input.consentSource, context.now);
  if (!consent.ok) return { ok: false, code: 'consent_invalid', field: consent.field, reason: consent.reason, value: input[consent.field] ?? '' };
  const zones = resolveTimeZones(
    { column: input.timeZone, e164: phone.e164, numberCountry: phone.country, geographic: phone.geographic, listCountry: context.listCountry, sandboxCustomerTimeZone: context.sandboxCustomerTimeZone },
    context.timeZones,
  );
  const blankToNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());
  return {
    ok: true,
    lead: {
      phoneE164: phone.e164,
      phoneRaw: input.phone,
      firstName: blankToNull(input.firstName),
      lastName: blankToNull(input.lastName),
      fields: input.fields,
      timeZones: zones.zones,
      timeZoneSource: zones.source,
      consentType: consent.type,
      consentAt: consent.at,
      consentSource: consent.source,
    },
  };
}
