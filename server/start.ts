/**
 * Starting the whole product: configuration, database, the sandbox when there is no
 * Telnyx key, the Telnyx client, and the HTTP server. `main.ts` calls it with the
 * process environment; integration tests and benches call it with their own environment,
 * a virtual scheduler and a test database, so they exercise exactly this wiring.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealScheduler, type Scheduler } from '../lib/scheduler.ts';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.ts';
import { createApp } from './app.ts';
import { reconcileAllUnknownCreates } from './calls/reconcile.ts';
import { listAttemptIdsByCreateState } from './calls/repository.ts';
import { loadConfig, type Config } from './config.ts';
import type { AppContext, TelnyxAccount } from './context.ts';
import { openDatabase, type Database } from './db/index.ts';
import { createLogger, type Logger } from './log.ts';
import { createTelnyxClient } from './telnyx/client.ts';
import { createDialLimiter } from './telnyx/dial-limiter.ts';

export interface StartOptions {
  env: Record<string, string | undefined>;
  /** Defaults to real time. */
  scheduler?: Scheduler;
  /** An already open database (tests); otherwise opened from the config. */
  database?: Database;
  logger?: Logger;
  /** Extra sandbox settings (tests pin the seed so the transcript is reproducible). */
  sandboxOptions?: Omit<SandboxOptions, 'scheduler' | 'logger'>;
}

export interface RunningDialer {
  config: Config;
  ctx: AppContext;
  /** Base URL of the dialer's HTTP server. */
  url: string;
  /** The in-process sandbox, when running without a Telnyx key. */
  sandbox?: { instance: Sandbox; url: string };
  close(): Promise<void>;
}

export async function startDialer(options: StartOptions): Promise<RunningDialer> {
  let config = loadConfig(options.env);
  const scheduler = options.scheduler ?? new RealScheduler();
  const logger = options.logger ?? createLogger(config.logLevel);

  // Bind first so that PORT=0 (tests) resolves to a real port before the public base
  // URL, which Telnyx (or the sandbox) calls back on, is derived from it.
  const server = createServer();
  const port = await listen(server, config.http.port, config.http.host);
  if (port !== config.http.port) config = loadConfig({ ...options.env, PORT: String(port) });

  const database = options.database ?? (await openDatabase({ url: config.storage.databaseUrl, dataDir: config.storage.dataDir }));
  const closers: Array<() => Promise<void>> = [];
  if (!options.database) closers.push(() => database.close());

  let sandbox: RunningDialer['sandbox'];
  let apiBaseUrl: string;
  let apiKey: string;
  let accountSid: string;
  let telnyxAccount: TelnyxAccount;
  if (config.mode === 'sandbox') {
    const instance = createSandbox({ ...options.sandboxOptions, scheduler, logger: logger.child({ name: 'sandbox' }) });
    const listening = await instance.listen(config.sandbox.port, '127.0.0.1');
    closers.push(listening.close);
    sandbox = { instance, url: listening.url };
    apiBaseUrl = `${listening.url}/v2`;
    apiKey = instance.apiKey;
    accountSid = instance.accountSid;
    telnyxAccount = { applicationSid: instance.applicationSid, webhookPublicKeyBase64: instance.publicKeyBase64 };
  } else {
    const telnyx = config.telnyx;
    apiBaseUrl = telnyx.apiBaseUrl;
    apiKey = telnyx.apiKey!;
    accountSid = telnyx.accountSid!;
    telnyxAccount = { applicationSid: telnyx.applicationSid!, webhookPublicKeyBase64: telnyx.publicKey! };
  }

  const dialLimiter = createDialLimiter({
    perSecond: config.telnyx.dialsPerSecond,
    perWindow: config.telnyx.dialsPer5s,
    windowMs: 5000,
    scheduler,
  });
  const telnyx = createTelnyxClient({
    baseUrl: apiBaseUrl,
    apiKey,
    accountSid,
    scheduler,
    dialLimiter,
    requestTimeoutMs: config.telnyx.httpTimeoutMs,
    maxRetries: config.telnyx.maxRetries,
    logger: logger.child({ name: 'telnyx' }),
  });

  const ctx: AppContext = { config, db: database.db, telnyx, telnyxAccount, scheduler, logger };
  server.on('request', createApp(ctx));

  const unknown = await listAttemptIdsByCreateState(database.db, 'outcome_unknown');
  if (unknown.length > 0) {
    scheduler.setTimeout(() => reconcileAllUnknownCreates(ctx, unknown), config.dialing.createReconcileAfterMs);
  }

  return {
    config,
    ctx,
    url: `http://127.0.0.1:${port}`,
    ...(sandbox ? { sandbox } : {}),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const close of closers.reverse()) await close();
      if (scheduler instanceof RealScheduler) scheduler.clearAll();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
