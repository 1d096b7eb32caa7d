/**
 * Runs the real dialer (the same `startDialer` as `npm start`) with the in-process
 * sandbox on a virtual clock and a test database, for integration tests.
 */
import type { KeyObject } from 'node:crypto';
import { VirtualScheduler } from '../../lib/scheduler.ts';
import type { Database } from '../../server/db/index.ts';
import { silentLogger } from '../../server/log.ts';
import { startDialer, type RunningDialer } from '../../server/start.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestDialer {
  running: RunningDialer;
  scheduler: VirtualScheduler;
  sandbox: NonNullable<RunningDialer['sandbox']>['instance'];
  /** Call the dialer's API as the admin. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestDialer(
  database: Database,
  options: { seed?: number; env?: Record<string, string>; signingKey?: KeyObject } = {},
): Promise<TestDialer> {
  const scheduler = new VirtualScheduler();
  const running = await startDialer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'silent',
      DIALER_ADMIN_TOKEN: ADMIN_TOKEN,
      DIALER_SECRET: 'test-secret-0123456789abcdef0123456789',
      ...options.env,
    },
    scheduler,
    database,
    logger: silentLogger(),
    sandboxOptions: { seed: options.seed ?? 42, ...(options.signingKey ? { signingKey: options.signingKey } : {}) },
  });
  const sandbox = running.sandbox!.instance;
  return {
    running,
    scheduler,
    sandbox,
    async api(method, path, body) {
      const response = await fetch(`${running.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => running.close(),
  };
}
