/**
 * `npm run sandbox`: the Telnyx sandbox on its own, in real time.
 *
 * Environment: `SANDBOX_PORT` (default 3001), `SANDBOX_HOST` (default 127.0.0.1; the
 * control API has no authentication), `SANDBOX_SEED` (an integer, for a repeatable run).
 *
 * @module
 */

import { RealScheduler } from '../lib/scheduler.ts';
import { createSandbox } from './index.ts';

function integerEnv(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    console.error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return Number(raw);
}

async function main(): Promise<void> {
  const port = integerEnv('SANDBOX_PORT', 3001)!;
  const seed = integerEnv('SANDBOX_SEED', undefined);
  const host = process.env.SANDBOX_HOST || '127.0.0.1';
  const scheduler = new RealScheduler();
  const sandbox = createSandbox({ scheduler, ...(seed === undefined ? {} : { seed }) });
  const { url, close } = await sandbox.listen(port, host);
  console.log(
    [
      `Telnyx sandbox API base URL:   ${url}/v2`,
      `Control API:                   ${url}/_sandbox`,
      `WebRTC socket (SDK host):      ${url.replace(/^http/, 'ws')}/rtc`,
      `API key:                       ${sandbox.apiKey}`,
      `Account sid:                   ${sandbox.accountSid}`,
      `Application sid:               ${sandbox.applicationSid}`,
      `Webhook public key (Ed25519):  ${sandbox.publicKeyBase64}`,
      `Seed:                          ${sandbox.seed}`,
    ].join('\n'),
  );
  const shutdown = async (): Promise<void> => {
    await close();
    scheduler.clearAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error('Sandbox start-up failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
