/**
 * Every environment variable the dialer reads, and what each accepts: one zod schema per
 * variable, built from small value checks. Each schema returns undefined when the
 * variable is unset or blank (a blank line in an `.env` file falls back to the default);
 * defaults that depend on the mode or on another variable are applied in `loadConfig`.
 *
 * @module
 */
import { z } from 'zod';
import { PROFILE_IDS } from '../compliance/profiles.ts';
import { LOG_LEVELS } from './types.ts';

/** Settings whose value must never appear in an error message. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['TELNYX_API_KEY', 'DIALER_ADMIN_TOKEN', 'DIALER_SECRET', 'DATABASE_URL']);

type Check<T> = (value: string) => { ok: true; value: T } | { ok: false; expected: string };

function setting<T>(check: Check<T>) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const result = check(raw.trim());
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.expected });
      return z.NEVER;
    });
}

const integer = (min: number, max: number): Check<number> => (value) =>
  /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max
    ? { ok: true, value: Number(value) }
    : { ok: false, expected: `expected an integer from ${min} to ${max}` };

const text: Check<string> = (value) => ({ ok: true, value });

const minLength = (min: number): Check<string> => (value) =>
  value.length >= min ? { ok: true, value } : { ok: false, expected: `expected at least ${min} characters` };

const oneOf = <const T extends string>(values: readonly T[]): Check<T> => (value) =>
  (values as readonly string[]).includes(value)
    ? { ok: true, value: value as T }
    : { ok: false, expected: `expected one of ${values.join('|')}` };

function url(protocols: readonly string[], what: string): Check<string> {
  return (value) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return { ok: false, expected: `expected ${what}` };
    }
    if (!protocols.includes(parsed.protocol)) return { ok: false, expected: `expected ${what}` };
    return { ok: true, value };
  };
}

const httpBaseUrl: Check<string> = (value) => {
  const base = url(['http:', 'https:'], 'an absolute http(s) URL')(value);
  if (!base.ok) return base;
  const parsed = new URL(value);
  if (parsed.search || parsed.hash) return { ok: false, expected: 'expected a URL without query or fragment' };
  // One trailing slash is tolerated and stripped; URLs are joined as `${base}/path`.
  const stripped = value.endsWith('/') ? value.slice(0, -1) : value;
  if (stripped.endsWith('/')) return { ok: false, expected: 'expected a URL without a trailing slash' };
  return { ok: true, value: stripped };
};

const ed25519PublicKey: Check<string> = (value) => {
  const bytes = Buffer.from(value, 'base64');
  const canonical = /^[A-Za-z0-9+/]+={0,2}$/.test(value) && bytes.toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '');
  return canonical && bytes.length === 32
    ? { ok: true, value }
    : { ok: false, expected: 'expected the base64 of exactly 32 bytes (Mission Control → Keys & Credentials → Public Key)' };
};

const ianaTimeZone: Check<string> = (value) => {
  try {
    return { ok: true, value: new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone };
  } catch {
    return { ok: false, expected: 'expected an IANA time zone such as America/New_York' };
  }
};

const E164 = /^\+[1-9]\d{1,14}$/;
const callerIdList: Check<readonly string[]> = (value) => {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const bad = items.filter((item) => !E164.test(item));
  if (items.length === 0 || bad.length > 0) {
    const which = bad.length > 0 ? ` (${bad.map((item) => JSON.stringify(item)).join(', ')} not E.164)` : '';
    return { ok: false, expected: `expected comma-separated E.164 numbers like +13125550100${which}` };
  }
  return { ok: true, value: [...new Set(items)] };
};

const hostname: Check<string> = (value) =>
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value)
    ? { ok: true, value: value.toLowerCase() }
    : { ok: false, expected: 'expected a host name like sip.telnyx.com' };

/** Every variable the dialer reads. The keys are the whole interface to the environment. */
export const ENV_SCHEMA = {
  PORT: setting(integer(0, 65_535)),
  HOST: setting(text),
  PUBLIC_BASE_URL: setting(httpBaseUrl),
  LOG_LEVEL: setting(oneOf(LOG_LEVELS)),
  TELNYX_API_KEY: setting(text),
  TELNYX_PUBLIC_KEY: setting(ed25519PublicKey),
  TELNYX_APPLICATION_SID: setting(text),
  TELNYX_ACCOUNT_SID: setting(text),
  TELNYX_API_BASE_URL: setting(httpBaseUrl),
  DIALER_ADMIN_TOKEN: setting(minLength(24)),
  DIALER_SECRET: setting(minLength(32)),
  SANDBOX_PORT: setting(integer(0, 65_535)),
  DATABASE_URL: setting(url(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL')),
  DIALER_DATA_DIR: setting(text),
  DIALER_CALLER_IDS: setting(callerIdList),
  TELNYX_DIALS_PER_SECOND: setting(integer(1, 1_000)),
  TELNYX_DIALS_PER_5S: setting(integer(1, 5_000)),
  TELNYX_HTTP_TIMEOUT_MS: setting(integer(100, 120_000)),
  TELNYX_MAX_RETRIES: setting(integer(0, 10)),
  WEBHOOK_TOLERANCE_S: setting(integer(1, 3_600)),
  CREATE_RECONCILE_AFTER_MS: setting(integer(1_000, 3_600_000)),
  AGENT_RING_TIMEOUT_S: setting(integer(5, 120)),
  // 15 s floor: unanswered calls must ring at least 15 s (dialers-and-compliance.md, S32).
  CUSTOMER_RING_TIMEOUT_S: setting(integer(15, 120)),
  SIP_DOMAIN: setting(hostname),
  TELNYX_CREDENTIAL_CONNECTION_ID: setting(text),
  AGENT_HEARTBEAT_TIMEOUT_MS: setting(integer(5_000, 3_600_000)),
  AGENT_WRAP_UP_S: setting(integer(0, 3_600)),
  DIALER_DEFAULT_PROFILE: setting(oneOf(PROFILE_IDS)),
  SANDBOX_CUSTOMER_TIME_ZONE: setting(ianaTimeZone),
} as const;

export type EnvName = keyof typeof ENV_SCHEMA;
/** What each variable parsed to (undefined when unset). */
export type EnvValues = { [K in EnvName]: z.output<(typeof ENV_SCHEMA)[K]> };
