/**
 * Configuration: every setting comes from the environment, is validated once here with
 * zod, and is returned as one deeply frozen {@link Config} that `main.ts` injects into
 * everything else. No other module reads `process.env`.
 *
 * Names carry their unit (`_MS`, `_S`). An empty variable counts as unset, so a blank
 * line in an `.env` file falls back to the default. Every problem is reported at once,
 * one line per variable, in a `DialerError('config_invalid')`.
 *
 * This is the public entry: the shape lives in `config/types.ts`, what each variable
 * accepts in `config/env-schema.ts`, and the README's descriptions in
 * `config/setting-docs.ts`; this module applies the defaults and the cross-variable rules.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ENV_SCHEMA, SECRET_SETTINGS, type EnvName, type EnvValues } from './config/env-schema.ts';
import type { Config, ConfigBase, GeneratedSetting, TelnyxLimits } from './config/types.ts';
import { DialerError } from './errors.ts';

export { ENV_SCHEMA, type EnvName } from './config/env-schema.ts';
export { describeConfig, type SettingDoc } from './config/setting-docs.ts';
export {
  LOG_LEVELS,
  type AgentsConfig,
  type ComplianceConfig,
  type Config,
  type DialingConfig,
  type GeneratedSetting,
  type HttpConfig,
  type LogLevel,
  type SecretsConfig,
  type StorageConfig,
  type TelnyxConfig,
  type TelnyxCredentials,
} from './config/types.ts';

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
  if (SECRET_SETTINGS.has(name)) return `a value of ${raw.trim().length} characters`;
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
