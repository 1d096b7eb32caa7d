/**
 * Configuration: every setting comes from the environment, is validated once here with
 * zod, and is returned as one deeply frozen {@link Config} that `main.ts` injects into
 * everything else. No other module reads `process.env`.
 *
 * Names carry their unit (`_MS`, `_S`). An empty variable counts as unset, so a blank
 * line in an `.env` file falls back to the default. Every problem is reported at once,
 * one line per variable, in a `DialerError('config_invalid')`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PROFILE_IDS, type ProfileId } from './compliance/profiles.ts';
import { DialerError } from './errors.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings that sandbox mode fills with random values when unset (main prints them). */
export type GeneratedSetting = 'DIALER_ADMIN_TOKEN' | 'DIALER_SECRET';

export interface HttpConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute http(s) URL, no trailing slash; the base of every URL Telnyx is given. */
  readonly publicBaseUrl: string;
}

interface TelnyxLimits {
  /** Base of the REST API in telnyx mode; in sandbox mode main points the client at the sandbox. */
  readonly apiBaseUrl: string;
  readonly dialsPerSecond: number;
  readonly dialsPer5s: number;
  readonly httpTimeoutMs: number;
  readonly maxRetries: number;
  /** Largest accepted |now − telnyx-timestamp|, seconds. */
  readonly webhookToleranceS: number;
}

/** Account credentials: all set in telnyx mode, all null in sandbox mode (the sandbox makes its own). */
export interface TelnyxCredentials {
  readonly apiKey: string;
  /** Ed25519 webhook public key, base64 of 32 bytes. */
  readonly publicKey: string;
  readonly applicationSid: string;
  readonly accountSid: string;
  /** Credential connection on which each agent's telephony credential is created (texml-api.md §8). */
  readonly credentialConnectionId: string;
}
type NoCredentials = { readonly [K in keyof TelnyxCredentials]: null };

export type TelnyxConfig = TelnyxLimits & (TelnyxCredentials | NoCredentials);

export interface SecretsConfig {
  /** Bearer token for the admin API (≥ 24 chars). */
  readonly adminToken: string;
  /** HMAC key for per-attempt TeXML URL tokens (≥ 32 chars). */
  readonly dialerSecret: string;
}

export interface StorageConfig {
  readonly kind: 'postgres' | 'pglite';
  /** Set exactly when kind is 'postgres'. */
  readonly databaseUrl: string | undefined;
  /** PGlite data folder (used when kind is 'pglite'). */
  readonly dataDir: string;
}

export interface DialingConfig {
  /** E.164 numbers the account owns, usable as caller ID. Never empty. */
  readonly callerIds: readonly string[];
  readonly agentRingTimeoutS: number;
  readonly customerRingTimeoutS: number;
  readonly sipDomain: string;
  /** Wait for any callback of a create with an unknown outcome before asking Telnyx, ms. */
  readonly createReconcileAfterMs: number;
}

/** Agent presence (`server/agents/presence.ts`). */
export interface AgentsConfig {
  /** No message from the softphone's socket for this long (it pings every 10 s) = registration lost, ms. */
  readonly heartbeatTimeoutMs: number;
  /** Wrap-up after a call before the agent is Available again, s; 0 = straight back. */
  readonly wrapUpS: number;
}

/** Compliance (`server/compliance/`). */
export interface ComplianceConfig {
  /** Country profile of manual calls outside campaigns (click-to-call, agent-dialled). */
  readonly defaultProfile: ProfileId;
}

interface ConfigBase {
  readonly http: HttpConfig;
  readonly logLevel: LogLevel;
  readonly secrets: SecretsConfig;
  /** Port of the local Telnyx emulator; 0 = any free port. Used in sandbox mode only. */
  readonly sandbox: {
    readonly port: number;
    /** IANA zone of the sandbox's fictional +1555… customers, for the calling window (sandbox mode only). */
    readonly customerTimeZone: string;
  };
  readonly storage: StorageConfig;
  readonly dialing: DialingConfig;
  readonly agents: AgentsConfig;
  readonly compliance: ComplianceConfig;
  /** Which settings were generated at load (sandbox mode), so main can print them. */
  readonly generated: readonly GeneratedSetting[];
}

/**
 * Sandbox mode (no `TELNYX_API_KEY`) or telnyx mode. Narrowing on `mode` makes the
 * credentials in `telnyx` non-null.
 */
export type Config =
  | (ConfigBase & { readonly mode: 'sandbox'; readonly telnyx: TelnyxLimits & NoCredentials })
  | (ConfigBase & { readonly mode: 'telnyx'; readonly telnyx: TelnyxLimits & TelnyxCredentials });

// ---------------------------------------------------------------------------------------
// One zod schema per variable. Each returns undefined when unset; defaults that depend on
// the mode or on another variable are applied afterwards in loadConfig.

/** Settings whose value must never appear in an error message. */
const SECRET = new Set(['TELNYX_API_KEY', 'DIALER_ADMIN_TOKEN', 'DIALER_SECRET', 'DATABASE_URL']);

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
type EnvValues = { [K in EnvName]: z.output<(typeof ENV_SCHEMA)[K]> };

export interface SettingDoc {
  readonly name: EnvName;
  /** The default as the README shows it. */
  readonly default: string;
  readonly description: string;
}

const DOCS: Record<EnvName, Omit<SettingDoc, 'name'>> = {
  PORT: { default: '3000', description: 'HTTP port of the dialer; 0 = any free port (tests).' },
  HOST: { default: '0.0.0.0', description: 'Interface the HTTP server binds to.' },
  PUBLIC_BASE_URL: {
    default: 'sandbox: http://localhost:${PORT}; telnyx: required',
    description: 'Absolute http(s) URL at which Telnyx reaches this server (no trailing slash). Must not be localhost in telnyx mode.',
  },
  LOG_LEVEL: { default: 'info', description: 'debug, info, warn, error or silent.' },
  TELNYX_API_KEY: { default: '(unset: sandbox mode)', description: 'Telnyx API key. Setting it switches to telnyx mode and turns the sandbox off.' },
  TELNYX_PUBLIC_KEY: { default: 'telnyx: required', description: 'Ed25519 webhook public key, base64 of 32 bytes, to verify callbacks.' },
  TELNYX_APPLICATION_SID: { default: 'telnyx: required', description: 'TeXML application id used as ApplicationSid when creating calls.' },
  TELNYX_ACCOUNT_SID: { default: 'telnyx: required', description: 'Account SID in the TeXML REST paths (/texml/Accounts/{sid}/Calls).' },
  TELNYX_API_BASE_URL: { default: 'https://api.telnyx.com/v2', description: 'Base URL of the Telnyx REST API.' },
  DIALER_ADMIN_TOKEN: { default: 'sandbox: random; telnyx: required', description: 'Admin API bearer token, at least 24 characters.' },
  DIALER_SECRET: { default: 'sandbox: random; telnyx: required', description: 'HMAC key (at least 32 characters) for the per-attempt tokens in TeXML URLs.' },
  SANDBOX_PORT: { default: '3001', description: 'Port of the local Telnyx emulator in sandbox mode; 0 = any free port.' },
  DATABASE_URL: { default: '(unset: embedded PGlite)', description: 'postgres:// or postgresql:// URL; several servers can share one database.' },
  DIALER_DATA_DIR: { default: './data', description: 'Folder of the embedded PGlite database when DATABASE_URL is unset.' },
  DIALER_CALLER_IDS: { default: 'sandbox: +13125550100; telnyx: required', description: 'Comma-separated E.164 numbers the account owns, used as caller ID.' },
  TELNYX_DIALS_PER_SECOND: { default: '30', description: 'Most call creates per second (Telnyx limit).' },
  TELNYX_DIALS_PER_5S: { default: '150', description: 'Most call creates per 5 seconds (Telnyx limit).' },
  TELNYX_HTTP_TIMEOUT_MS: { default: '10000', description: 'Timeout of one Telnyx REST request, ms (100–120000).' },
  TELNYX_MAX_RETRIES: { default: '3', description: 'Retries of a Telnyx request that may be retried safely (0–10).' },
  WEBHOOK_TOLERANCE_S: { default: '300', description: 'Largest accepted age of a signed webhook, seconds (1–3600).' },
  CREATE_RECONCILE_AFTER_MS: {
    default: '60000',
    description: 'How long to wait for any callback of a create whose outcome is unknown before asking Telnyx, ms.',
  },
  AGENT_RING_TIMEOUT_S: { default: '20', description: "How long the agent's softphone rings, seconds (5–120)." },
  CUSTOMER_RING_TIMEOUT_S: { default: '30', description: 'How long the customer rings, seconds (15–120; under 15 s is refused for compliance).' },
  SIP_DOMAIN: { default: 'sip.telnyx.com', description: 'SIP domain of agent addresses (sip:<user>@domain).' },
  TELNYX_CREDENTIAL_CONNECTION_ID: { default: 'telnyx: required', description: "Credential connection id on which each agent's telephony credential (WebRTC login) is created." },
  AGENT_HEARTBEAT_TIMEOUT_MS: { default: '25000', description: "Silence on a softphone's socket after which its registration counts as lost and the agent Unavailable, ms (5000–3600000)." },
  AGENT_WRAP_UP_S: { default: '30', description: 'Wrap-up after each call before the agent is Available again, seconds (0–3600; 0 = none).' },
  DIALER_DEFAULT_PROFILE: { default: 'US', description: 'Compliance profile (US, CA or UK: calling hours, registry, locks) of manual calls outside campaigns.' },
  SANDBOX_CUSTOMER_TIME_ZONE: {
    default: 'America/New_York',
    description: "Sandbox mode only: the IANA time zone of the sandbox's fictional +1555… customers, whose calling window the compliance gate checks.",
  },
};

/** Every variable with its default and meaning, in schema order (for the README table). */
export function describeConfig(): readonly SettingDoc[] {
  return (Object.keys(ENV_SCHEMA) as EnvName[]).map((name) => ({ name, ...DOCS[name] }));
}

const SANDBOX_CALLER_ID = '+13125550100';
const TELNYX_REQUIRED = [
  'TELNYX_PUBLIC_KEY',
  'TELNYX_APPLICATION_SID',
  'TELNYX_ACCOUNT_SID',
  'PUBLIC_BASE_URL',
  'DIALER_ADMIN_TOKEN',
  'DIALER_SECRET',
  'DIALER_CALLER_IDS',
  'TELNYX_CREDENTIAL_CONNECTION_ID',
] as const satisfies readonly EnvName[];

/**
 * Read, validate and freeze the configuration.
 *
 * @throws DialerError `config_invalid`, whose message has one line per problem,
 *   e.g. `PORT: expected an integer from 1 to 65535, got "abc"`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const values: Partial<EnvValues> = {};
  const invalid = new Set<EnvName>();
  for (const name of Object.keys(ENV_SCHEMA) as EnvName[]) {
    const raw = env[name];
    const result = ENV_SCHEMA[name].safeParse(raw);
    if (result.success) {
      (values as Record<string, unknown>)[name] = result.data;
    } else {
      invalid.add(name);
      for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}, got ${shown(name, raw)}`);
    }
  }

  const mode = values.TELNYX_API_KEY !== undefined ? 'telnyx' : 'sandbox';
  const port = values.PORT ?? 3000;
  const sandboxPort = values.SANDBOX_PORT ?? 3001;
  if (mode === 'telnyx') {
    for (const name of TELNYX_REQUIRED) {
      if (values[name] === undefined && !invalid.has(name)) problems.push(`${name}: required when TELNYX_API_KEY is set (telnyx mode)`);
    }
    if (values.PUBLIC_BASE_URL !== undefined && isLocalhost(values.PUBLIC_BASE_URL)) {
      problems.push(`PUBLIC_BASE_URL: Telnyx cannot reach a local address; use a public URL (a tunnel in development), got ${shown('PUBLIC_BASE_URL', values.PUBLIC_BASE_URL)}`);
    }
  } else if (sandboxPort !== 0 && port !== 0 && sandboxPort === port && !invalid.has('PORT') && !invalid.has('SANDBOX_PORT')) {
    problems.push(`SANDBOX_PORT: must differ from PORT (${port}) in sandbox mode, got "${sandboxPort}"`);
  }
  if (problems.length > 0) {
    throw new DialerError('config_invalid', { message: `Invalid configuration:\n${problems.join('\n')}`, details: { problems } });
  }

  const generated: GeneratedSetting[] = [];
  const generate = (name: GeneratedSetting, bytes: number): string => {
    generated.push(name);
    return randomBytes(bytes).toString('base64url');
  };
  const base: ConfigBase = {
    http: { port, host: values.HOST ?? '0.0.0.0', publicBaseUrl: values.PUBLIC_BASE_URL ?? `http://localhost:${port}` },
    logLevel: values.LOG_LEVEL ?? 'info',
    secrets: {
      adminToken: values.DIALER_ADMIN_TOKEN ?? generate('DIALER_ADMIN_TOKEN', 24), // 32 chars
      dialerSecret: values.DIALER_SECRET ?? generate('DIALER_SECRET', 32), // 43 chars
    },
    sandbox: { port: sandboxPort, customerTimeZone: values.SANDBOX_CUSTOMER_TIME_ZONE ?? 'America/New_York' },
    storage: {
      kind: values.DATABASE_URL !== undefined ? 'postgres' : 'pglite',
      databaseUrl: values.DATABASE_URL,
      dataDir: values.DIALER_DATA_DIR ?? './data',
    },
    dialing: {
      callerIds: values.DIALER_CALLER_IDS ?? [SANDBOX_CALLER_ID],
      agentRingTimeoutS: values.AGENT_RING_TIMEOUT_S ?? 20,
      customerRingTimeoutS: values.CUSTOMER_RING_TIMEOUT_S ?? 30,
      sipDomain: values.SIP_DOMAIN ?? 'sip.telnyx.com',
      createReconcileAfterMs: values.CREATE_RECONCILE_AFTER_MS ?? 60_000,
    },
    agents: {
      heartbeatTimeoutMs: values.AGENT_HEARTBEAT_TIMEOUT_MS ?? 25_000,
      wrapUpS: values.AGENT_WRAP_UP_S ?? 30,
    },
    compliance: { defaultProfile: values.DIALER_DEFAULT_PROFILE ?? 'US' },
    generated,
  };
  const limits: TelnyxLimits = {
    apiBaseUrl: values.TELNYX_API_BASE_URL ?? 'https://api.telnyx.com/v2',
    dialsPerSecond: values.TELNYX_DIALS_PER_SECOND ?? 30,
    dialsPer5s: values.TELNYX_DIALS_PER_5S ?? 150,
    httpTimeoutMs: values.TELNYX_HTTP_TIMEOUT_MS ?? 10_000,
    maxRetries: values.TELNYX_MAX_RETRIES ?? 3,
    webhookToleranceS: values.WEBHOOK_TOLERANCE_S ?? 300,
  };
  const config: Config =
    mode === 'telnyx'
      ? {
          ...base,
          mode,
          telnyx: {
            ...limits,
            // All present: checked above (TELNYX_REQUIRED).
            apiKey: values.TELNYX_API_KEY!,
            publicKey: values.TELNYX_PUBLIC_KEY!,
            applicationSid: values.TELNYX_APPLICATION_SID!,
            accountSid: values.TELNYX_ACCOUNT_SID!,
            credentialConnectionId: values.TELNYX_CREDENTIAL_CONNECTION_ID!,
          },
        }
      : { ...base, mode, telnyx: { ...limits, apiKey: null, publicKey: null, applicationSid: null, accountSid: null, credentialConnectionId: null } };
  return deepFreeze(config);
}

function shown(name: EnvName, raw: string | undefined): string {
  if (raw === undefined) return 'nothing';
  if (name === 'DATABASE_URL') return `a value starting with ${JSON.stringify(raw.trim().split(':')[0] + ':')}`;
  if (SECRET.has(name)) return `a value of ${raw.trim().length} characters`;
  return JSON.stringify(raw);
}

function isLocalhost(base: string): boolean {
  const host = new URL(base).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0.0.0.0' || /^127\./.test(host);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
