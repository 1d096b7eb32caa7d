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
import { resolvePrincipal } from './agents/auth.ts';
import { Presence } from './agents/presence.ts';
import { ensureDemoUsers, type DemoUser } from './agents/users.ts';
import { createApp } from './app.ts';
import { failInterruptedImports } from './campaigns/leads/repository.ts';
import { importRunnerOf } from './campaigns/leads/upload.ts';
import { closeCampaignDialers, resumeCampaignDialers } from './campaigns/dialers.ts';
import { parkedCallUrl } from './texml/parked-routes.ts';
import { reconcileAllUnknownCreates } from './calls/reconcile.ts';
import { listAttemptIdsByCreateState } from './calls/repository.ts';
import { loadConfig, type Config } from './config.ts';
import type { AppContext, TelnyxAccount } from './context.ts';
import { openDatabase, type Database } from './db/index.ts';
import type { ApiRouteDeclaration } from './http/api-route.ts';
import { createLogger, type Logger } from './log.ts';
import { RealtimeHub } from './realtime/hub.ts';
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
  /** Sandbox mode: the demo accounts with this run's passwords (main prints them). Empty in telnyx mode. */
  demoUsers: DemoUser[];
  /** Every `/api` route with the roles it declared. */
  apiRoutes: readonly ApiRouteDeclaration[];
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
    const instance = createSandbox({
      // Flow 2: calls the agents place from their softphones fetch TeXML here.
      credentialConnection: { voiceUrl: parkedCallUrl(config.http.publicBaseUrl, config.secrets.dialerSecret) },
      ...options.sandboxOptions,
      scheduler,
      logger: logger.child({ name: 'sandbox' }),
    });
    const listening = await instance.listen(config.sandbox.port, '127.0.0.1');
    closers.push(listening.close);
    sandbox = { instance, url: listening.url };
    apiBaseUrl = `${listening.url}/v2`;
    apiKey = instance.apiKey;
    accountSid = instance.accountSid;
    telnyxAccount = {
      applicationSid: instance.applicationSid,
      webhookPublicKeyBase64: instance.publicKeyBase64,
      connectionId: instance.connectionId,
      sandboxPort: Number(new URL(listening.url).port),
    };
  } else {
    const telnyx = config.telnyx;
    apiBaseUrl = telnyx.apiBaseUrl;
    apiKey = telnyx.apiKey!;
    accountSid = telnyx.accountSid!;
    telnyxAccount = {
      applicationSid: telnyx.applicationSid!,
      webhookPublicKeyBase64: telnyx.publicKey!,
      connectionId: telnyx.credentialConnectionId!,
    };
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

  // The hub authenticates with the context built just below; presence announces through the hub.
  const hub = new RealtimeHub({
    resolvePrincipal: (credentials) => resolvePrincipal(ctx, credentials),
    publicBaseUrl: config.http.publicBaseUrl,
    logger: logger.child({ name: 'realtime' }),
  });
  const presence = new Presence({ db: database.db, scheduler, config, logger: logger.child({ name: 'presence' }) }, hub);
  hub.attach(presence);
  const ctx: AppContext = { config, db: database.db, telnyx, telnyxAccount, scheduler, logger, presence };
  const app = createApp(ctx);
  server.on('request', app);
  server.on('upgrade', (req, socket, head) => {
    if (hub.handles(req)) {
      hub.handleUpgrade(req, socket, head).catch((error: unknown) => {
        logger.warn({ err: error }, 'events socket upgrade failed');
        socket.destroy();
      });
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  const demoUsers = config.mode === 'sandbox' ? await ensureDemoUsers(database.db, new Date(scheduler.now())) : [];
  await presence.resume();
  // An import cut off by a previous stop would otherwise stay `running` forever.
  await failInterruptedImports(database.db, new Date(scheduler.now()));
  // Running progressive, power and predictive campaigns dial again.
  await resumeCampaignDialers(ctx);

  const unknown = await listAttemptIdsByCreateState(database.db, 'outcome_unknown');
  if (unknown.length > 0) {
    scheduler.setTimeout(() => reconcileAllUnknownCreates(ctx, unknown), config.dialing.createReconcileAfterMs);
  }

  return {
    config,
    ctx,
    url: `http://127.0.0.1:${port}`,
    ...(sandbox ? { sandbox } : {}),
    demoUsers,
    apiRoutes: app.locals.apiRoutes as ApiRouteDeclaration[],
    async close() {
      // Sockets first (they would keep the server open), then requests in flight, then the
      // database and the sandbox: nothing may still be writing when the database closes.
      const presenceDone = presence.close();
      // No new campaign dials; the passes in flight finish first.
      await closeCampaignDialers(ctx);
      // Background lead imports stop between batches (their rows are kept) before the database closes.
      await importRunnerOf(ctx).close();
      await hub.close();
      await presenceDone;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running get this long to finish (ms, real time: shutdown must end
        // even on a virtual clock nobody advances); then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
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
