/**
 * `npm run bench:server`: how fast the two routes Telnyx hammers answer, next to a bare
 * Express handler returning a fixed XML document, in one run on this machine.
 *
 * - `Url` route: `POST /texml/bridge` (token check, attempt lookup, TeXML rendering).
 * - StatusCallback: `POST /telnyx/status`, Ed25519-verified, stored raw and applied
 *   (with persistence: PGlite in memory, or PostgreSQL when BENCH_DATABASE_URL is set).
 *
 * The server runs in this process on one core; the load comes from a child process.
 * Goals (issue #2): ≥ 5,000 callbacks/s and `Url` p99 < 5 ms.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import { sql } from 'kysely';
import { createAttempt, markCreateState } from '../server/calls/repository.ts';
import { openDatabase } from '../server/db/index.ts';
import { silentLogger } from '../server/log.ts';
import { startDialer } from '../server/start.ts';
import { generateWebhookKeyPair, signWebhookPayload } from '../server/telnyx/signature.ts';

const run = promisify(execFile);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 3000);
/**
 * A steady rate far above what one account produces: 30 dials/s (Telnyx's default limit)
 * × 2 legs × 4 callbacks = 240 callbacks/s, and 30 `Url` fetches/s.
 */
const STEADY_RATE_PER_S = Number(process.env.BENCH_STEADY_RATE ?? 250);

interface LoadResult {
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Saturation when `ratePerS` is absent; otherwise latency at that steady rate. */
async function load(url: string, requests: unknown[], ratePerS?: number): Promise<LoadResult> {
  // The prepared requests are too many for argv: hand them over in a temporary file.
  const jobFile = join(tmpdir(), `dialer-bench-${process.pid}.json`);
  await writeFile(jobFile, JSON.stringify({ url, connections: CONNECTIONS, durationS: DURATION_S, requests, ratePerS }));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load-generator.ts', jobFile], { maxBuffer: 64 * 1024 * 1024 });
  await rm(jobFile);
  return JSON.parse(stdout) as LoadResult;
}

async function bareExpress(): Promise<{ url: string; close(): void }> {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Hangup/>\n</Response>';
  const app = express();
  app.post('/texml', (_req, res) => {
    res.type('application/xml').send(xml);
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function main(): Promise<void> {
  const telnyxKey = generateWebhookKeyPair();
  // On PostgreSQL the bench works in a schema of its own and drops it afterwards.
  const schema = `bench_${process.pid}`;
  const database = await openDatabase(process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, schema } : { inMemory: true });
  const dialer = await startDialer({
    env: { PORT: '0', HOST: '127.0.0.1', SANDBOX_PORT: '0', LOG_LEVEL: 'silent', DIALER_SECRET: 'bench-secret-0123456789abcdef0123456789' },
    database,
    logger: silentLogger(),
    sandboxOptions: { seed: 1, signingKey: telnyxKey.privateKey },
  });
  const { config } = dialer;

  process.stderr.write(`preparing ${ATTEMPTS} attempts…\n`);
  const bridgeRequests: unknown[] = [];
  const callbackRequests: unknown[] = [];
  const timestampS = Math.floor(Date.now() / 1000);
  const { attemptToken } = await import('../server/texml/url-token.ts');
  for (let index = 0; index < ATTEMPTS; index++) {
    const attempt = await createAttempt(database.db, {
      kind: 'click_to_call',
      agentSip: 'sip:bench@sip.telnyx.com',
      customerNumber: '+15550001234',
      callerId: config.dialing.callerIds[0]!,
    });
    await markCreateState(database.db, attempt.id, 'accepted');
    const token = attemptToken(config.secrets.dialerSecret, attempt.id);
    bridgeRequests.push({
      method: 'POST',
      path: `/texml/bridge?attempt=${attempt.id}&t=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `CallSid=v3%3Abench${index}&CallStatus=in-progress`,
    });
    ['initiated', 'ringing', 'in-progress', 'completed'].forEach((status, sequence) => {
      const body = new URLSearchParams({
        AccountSid: 'bench',
        CallSid: `v3:bench${index}`,
        CallSidLegacy: `v3:bench${index}`,
        CallStatus: status,
        CallbackSource: 'call-progress-events',
        ConnectionId: 'bench',
        From: '+13125550100',
        To: 'sip:bench@sip.telnyx.com',
        CallInitiatedAt: '2026-01-05T15:00:00Z',
        Timestamp: `2026-01-05T15:00:0${sequence}Z`,
        SequenceNumber: String(sequence),
        ...(status === 'completed' ? { CallDuration: '30', HangupCause: 'normal_clearing', EndTime: '2026-01-05T15:00:30Z' } : {}),
      }).toString();
      callbackRequests.push({
        method: 'POST',
        path: `/telnyx/status?attempt=${attempt.id}&leg=agent`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signWebhookPayload({ privateKey: telnyxKey.privateKey, timestampS, rawBody: body }) },
        body,
      });
    });
  }

  const bare = await bareExpress();
  const rows: Array<[string, LoadResult]> = [];
  process.stderr.write(`load: ${CONNECTIONS} connections, ${DURATION_S} s per scenario\n`);
  rows.push(['bare Express, fixed XML', await load(bare.url, [{ method: 'POST', path: '/texml', headers: {}, body: 'CallSid=x' }])]);
  rows.push(['Url route /texml/bridge, saturated', await load(dialer.url, bridgeRequests)]);
  rows.push([`Url route /texml/bridge at ${STEADY_RATE_PER_S}/s`, await load(dialer.url, bridgeRequests, STEADY_RATE_PER_S)]);
  // Callbacks in wire order per call: the first pass applies, later passes are duplicates.
  rows.push([`signed StatusCallback (${database.kind}), saturated`, await load(dialer.url, callbackRequests)]);
  rows.push([`signed StatusCallback (${database.kind}) at ${STEADY_RATE_PER_S}/s`, await load(dialer.url, callbackRequests.slice(ATTEMPTS * 2), STEADY_RATE_PER_S)]);
  bare.close();

  const baseline = rows[0]![1].requestsPerS;
  const table = [
    '| scenario | requests/s | p50 ms | p99 ms | vs bare | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(([name, r]) => {
      // Throughput ratios only mean something between saturated runs.
      const ratio = name.includes(' at ') ? '—' : (r.requestsPerS / baseline).toFixed(2);
      return `| ${name} | ${Math.round(r.requestsPerS)} | ${r.p50Ms} | ${r.p99Ms} | ${ratio} | ${r.non2xx} | ${r.errors} |`;
    }),
  ];
  console.log(table.join('\n'));
  const events = await database.db.selectFrom('call_events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  console.log(`\ncall_events stored: ${events.count} (every verified callback is appended before it is judged)`);
  await dialer.close();
  if (database.kind === 'postgres') await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db);
  await database.close();
}

await main();
