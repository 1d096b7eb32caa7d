import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeConfig, ENV_SCHEMA, loadConfig } from '../../../server/config.ts';
import { DialerError, isDialerError } from '../../../server/errors.ts';

const PUBLIC_KEY = randomBytes(32).toString('base64');

/** A complete, valid telnyx-mode environment. */
function telnyxEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    TELNYX_API_KEY: 'KEY0123456789',
    TELNYX_PUBLIC_KEY: PUBLIC_KEY,
    TELNYX_APPLICATION_SID: 'app-1',
    TELNYX_ACCOUNT_SID: 'acct-1',
    PUBLIC_BASE_URL: 'https://dialer.example.com',
    DIALER_ADMIN_TOKEN: 'a'.repeat(24),
    DIALER_SECRET: 's'.repeat(32),
    DIALER_CALLER_IDS: '+13125550100, +13125550101',
    TELNYX_CREDENTIAL_CONNECTION_ID: 'cred-conn-1',
    ...overrides,
  };
}

/** The message of the config_invalid error `env` produces, split into lines. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(isDialerError(error, 'config_invalid')).toBe(true);
    return (error as DialerError).message.split('\n').slice(1);
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig: sandbox mode', () => {
  it('applies every default when the environment is empty', () => {
    const config = loadConfig({});
    const { secrets, generated, ...rest } = config;
    expect(rest).toEqual({
      mode: 'sandbox',
      http: { port: 3000, host: '0.0.0.0', publicBaseUrl: 'http://localhost:3000' },
      logLevel: 'info',
      sandbox: { port: 3001, customerTimeZone: 'America/New_York' },
      storage: { kind: 'pglite', databaseUrl: undefined, dataDir: './data' },
      dialing: { callerIds: ['+13125550100'], agentRingTimeoutS: 20, customerRingTimeoutS: 30, sipDomain: 'sip.telnyx.com', createReconcileAfterMs: 60_000 },
      agents: { heartbeatTimeoutMs: 25_000, wrapUpS: 30 },
      compliance: { defaultProfile: 'US' },
      telnyx: {
        apiKey: null,
        publicKey: null,
        applicationSid: null,
        accountSid: null,
        credentialConnectionId: null,
        apiBaseUrl: 'https://api.telnyx.com/v2',
        dialsPerSecond: 30,
        dialsPer5s: 150,
        httpTimeoutMs: 10_000,
        maxRetries: 3,
        webhookToleranceS: 300,
      },
    });
    expect(generated).toEqual(['DIALER_ADMIN_TOKEN', 'DIALER_SECRET']);
    expect(secrets.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(secrets.dialerSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('generates different secrets on every load and none when they are given', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.secrets.dialerSecret).not.toBe(b.secrets.dialerSecret);
    expect(a.secrets.adminToken).not.toBe(b.secrets.adminToken);
    const given = loadConfig({ DIALER_ADMIN_TOKEN: 't'.repeat(24) });
    expect(given.generated).toEqual(['DIALER_SECRET']);
    expect(given.secrets.adminToken).toBe('t'.repeat(24));
  });

  it('derives the public URL from PORT and treats blank values as unset', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: '  ', SANDBOX_PORT: '0' });
    expect(config.http.publicBaseUrl).toBe('http://localhost:8080');
    expect(config.logLevel).toBe('info');
    expect(config.sandbox.port).toBe(0);
  });

  it('reads every numeric and text setting', () => {
    const config = loadConfig({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      DIALER_DATA_DIR: '/var/lib/dialer',
      TELNYX_DIALS_PER_SECOND: '10',
      TELNYX_DIALS_PER_5S: '40',
      TELNYX_HTTP_TIMEOUT_MS: '2500',
      TELNYX_MAX_RETRIES: '0',
      WEBHOOK_TOLERANCE_S: '60',
      CREATE_RECONCILE_AFTER_MS: '5000',
      AGENT_RING_TIMEOUT_S: '5',
      CUSTOMER_RING_TIMEOUT_S: '15',
      SIP_DOMAIN: 'SIP.Example.com',
      DIALER_CALLER_IDS: '+13125550100,+13125550100,+442071234567',
      AGENT_HEARTBEAT_TIMEOUT_MS: '5000',
      AGENT_WRAP_UP_S: '0',
    });
    expect(config.agents).toEqual({ heartbeatTimeoutMs: 5000, wrapUpS: 0 });
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('debug');
    expect(config.storage).toEqual({ kind: 'pglite', databaseUrl: undefined, dataDir: '/var/lib/dialer' });
    expect(config.telnyx).toMatchObject({ dialsPerSecond: 10, dialsPer5s: 40, httpTimeoutMs: 2500, maxRetries: 0, webhookToleranceS: 60 });
    expect(config.dialing).toEqual({
      callerIds: ['+13125550100', '+442071234567'],
      agentRingTimeoutS: 5,
      customerRingTimeoutS: 15,
      sipDomain: 'sip.example.com',
      createReconcileAfterMs: 5000,
    });
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/dialer' }).storage).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgres://u:p@db:5432/dialer',
      dataDir: './data',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/dialer' }).storage.kind).toBe('postgres');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.dialing.callerIds)).toBe(true);
    expect(Object.isFrozen(config.generated)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.dialing.callerIds as string[]).push('+1')).toThrow(TypeError);
  });

  it('refuses a sandbox port equal to PORT', () => {
    expect(problemsOf({ PORT: '4000', SANDBOX_PORT: '4000' })).toEqual(['SANDBOX_PORT: must differ from PORT (4000) in sandbox mode, got "4000"']);
  });
});

describe('loadConfig: bad values', () => {
  it('names the variable, the expectation and the value', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: expected an integer from 0 to 65535, got "abc"']);
  });

  it('throws a fatal DialerError with code config_invalid', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: '-1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DialerError);
    expect((caught as DialerError).code).toBe('config_invalid');
    expect((caught as DialerError).fatal).toBe(true);
    expect((caught as DialerError).details).toEqual({ problems: ['PORT: expected an integer from 0 to 65535, got "-1"'] });
  });

  it('collects every problem, one line each', () => {
    expect(
      problemsOf({ PORT: '70000', LOG_LEVEL: 'loud', TELNYX_MAX_RETRIES: '1.5', PUBLIC_BASE_URL: 'ftp://x', DATABASE_URL: 'mysql://u:secret@db/x' }),
    ).toEqual([
      'PORT: expected an integer from 0 to 65535, got "70000"',
      'PUBLIC_BASE_URL: expected an absolute http(s) URL, got "ftp://x"',
      'LOG_LEVEL: expected one of debug|info|warn|error|silent, got "loud"',
      'DATABASE_URL: expected a postgres:// or postgresql:// URL, got a value starting with "mysql:"',
      'TELNYX_MAX_RETRIES: expected an integer from 0 to 10, got "1.5"',
    ]);
  });

  it('refuses a customer ring timeout under 15 s and an agent one under 5 s', () => {
    expect(problemsOf({ CUSTOMER_RING_TIMEOUT_S: '14', AGENT_RING_TIMEOUT_S: '121' })).toEqual([
      'AGENT_RING_TIMEOUT_S: expected an integer from 5 to 120, got "121"',
      'CUSTOMER_RING_TIMEOUT_S: expected an integer from 15 to 120, got "14"',
    ]);
  });

  it('strips one trailing slash from PUBLIC_BASE_URL and refuses two, a query or a relative URL', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://x.example.com/dialer/' }).http.publicBaseUrl).toBe('https://x.example.com/dialer');
    expect(problemsOf({ PUBLIC_BASE_URL: 'https://x.example.com//' })).toEqual(['PUBLIC_BASE_URL: expected a URL without a trailing slash, got "https://x.example.com//"']);
    expect(problemsOf({ PUBLIC_BASE_URL: 'https://x.example.com/?a=1' })).toEqual(['PUBLIC_BASE_URL: expected a URL without query or fragment, got "https://x.example.com/?a=1"']);
    expect(problemsOf({ PUBLIC_BASE_URL: '/relative' })).toEqual(['PUBLIC_BASE_URL: expected an absolute http(s) URL, got "/relative"']);
  });

  it('names each caller ID that is not E.164', () => {
    expect(problemsOf({ DIALER_CALLER_IDS: '+13125550100,3125550101, +0123' })).toEqual([
      'DIALER_CALLER_IDS: expected comma-separated E.164 numbers like +13125550100 ("3125550101", "+0123" not E.164), got "+13125550100,3125550101, +0123"',
    ]);
  });

  it('never echoes a secret', () => {
    const lines = problemsOf({ DIALER_SECRET: 'short-secret-value', DIALER_ADMIN_TOKEN: 'tiny' });
    expect(lines).toEqual([
      'DIALER_ADMIN_TOKEN: expected at least 24 characters, got a value of 4 characters',
      'DIALER_SECRET: expected at least 32 characters, got a value of 18 characters',
    ]);
  });
});

describe('loadConfig: telnyx mode', () => {
  it('is selected by TELNYX_API_KEY and carries the credentials', () => {
    const config = loadConfig(telnyxEnv());
    expect(config.mode).toBe('telnyx');
    if (config.mode !== 'telnyx') throw new Error('unreachable');
    // Narrowed on mode: the credentials are typed string here.
    const credentials: { apiKey: string; publicKey: string; applicationSid: string; accountSid: string; credentialConnectionId: string } = config.telnyx;
    expect(credentials).toMatchObject({
      apiKey: 'KEY0123456789',
      publicKey: PUBLIC_KEY,
      applicationSid: 'app-1',
      accountSid: 'acct-1',
      credentialConnectionId: 'cred-conn-1',
    });
    expect(config.generated).toEqual([]);
    expect(config.dialing.callerIds).toEqual(['+13125550100', '+13125550101']);
    expect(config.http.publicBaseUrl).toBe('https://dialer.example.com');
  });

  it('lists every missing required setting', () => {
    expect(problemsOf({ TELNYX_API_KEY: 'KEY' })).toEqual([
      'TELNYX_PUBLIC_KEY: required when TELNYX_API_KEY is set (telnyx mode)',
      'TELNYX_APPLICATION_SID: required when TELNYX_API_KEY is set (telnyx mode)',
      'TELNYX_ACCOUNT_SID: required when TELNYX_API_KEY is set (telnyx mode)',
      'PUBLIC_BASE_URL: required when TELNYX_API_KEY is set (telnyx mode)',
      'DIALER_ADMIN_TOKEN: required when TELNYX_API_KEY is set (telnyx mode)',
      'DIALER_SECRET: required when TELNYX_API_KEY is set (telnyx mode)',
      'DIALER_CALLER_IDS: required when TELNYX_API_KEY is set (telnyx mode)',
      'TELNYX_CREDENTIAL_CONNECTION_ID: required when TELNYX_API_KEY is set (telnyx mode)',
    ]);
  });

  it('reports an invalid required value once, as invalid rather than missing', () => {
    expect(problemsOf(telnyxEnv({ DIALER_SECRET: 'x' }))).toEqual(['DIALER_SECRET: expected at least 32 characters, got a value of 1 characters']);
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://app.localhost'])('refuses the local address %s', (base) => {
    const lines = problemsOf(telnyxEnv({ PUBLIC_BASE_URL: base }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^PUBLIC_BASE_URL: Telnyx cannot reach a local address/);
  });

  it.each([
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', '!'.repeat(44)],
    ['hex', randomBytes(32).toString('hex')],
  ])('checks that TELNYX_PUBLIC_KEY is 32 bytes of base64 (%s)', (_label, key) => {
    const lines = problemsOf(telnyxEnv({ TELNYX_PUBLIC_KEY: key }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^TELNYX_PUBLIC_KEY: expected the base64 of exactly 32 bytes/);
  });

  it('accepts a key without padding', () => {
    expect(() => loadConfig(telnyxEnv({ TELNYX_PUBLIC_KEY: PUBLIC_KEY.replace(/=+$/, '') }))).not.toThrow();
  });
});

describe('describeConfig', () => {
  it('documents every variable the schema reads, and no other', () => {
    const documented = describeConfig().map((doc) => doc.name);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(ENV_SCHEMA).sort());
    for (const doc of describeConfig()) {
      expect(doc.default.length, doc.name).toBeGreaterThan(0);
      expect(doc.description.length, doc.name).toBeGreaterThan(10);
    }
  });

  it('covers every variable loadConfig actually reads, in both modes', () => {
    const documented = new Set<string>(describeConfig().map((doc) => doc.name));
    for (const base of [{}, telnyxEnv()]) {
      const read = new Set<string>();
      const env = new Proxy(base as Record<string, string | undefined>, {
        get(target, key) {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key);
        },
      });
      loadConfig(env);
      expect([...read].filter((key) => !documented.has(key))).toEqual([]);
      expect(read.size).toBe(documented.size);
    }
  });
});
