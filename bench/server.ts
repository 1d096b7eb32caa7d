/**
 * `npm run bench:server`: how fast the two routes Telnyx hammers answer, next to a bare
 * Express handler returning a fixed XML document, in one run on this machine.
 *
 * - `Url` route: `POST /texml/bridge` (token check, attempt lookup, TeXML rendering).
 * - StatusCallback: `POST /telnyx/status`, Ed25519-verified, stored raw and applied
 *   (with persistence: PGlite in memory, or PostgreSQL when BENCH_DATABASE_URL is set),
 *   answered after its group commit (`server/calls/ingest-batcher.ts`). The `batch`
 *   column is the mean and largest number of callbacks per transaction.
 * - The ingestion core alone: the same callbacks handed straight to a batcher, no HTTP
 *   and no signature check, to show what the database side can take.
 *
 * The server runs in this process on one core; the load comes from a child process:
 * autocannon for saturation, an evenly paced open-loop client for the steady rate.
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
import { pino } from 'pino';
import { SIGNATURE_HEADERS } from '../lib/telnyx-wire.ts';
import { createCallbackBatcher } from '../server/calls/ingest-batcher.ts';
import type { StatusCallbackInput } from '../server/calls/ingest.ts';
import { createAttempt, markCreateState, type Db } from '../server/calls/repository.ts';
import { openDatabase } from '../server/db/index.ts';
import { startDialer } from '../server/start.ts';
import { attemptToken } from '../server/texml/url-token.ts';
import { generateWebhookKeyPair, signWebhookPayload, verifyWebhookSignature } from '../server/telnyx/signature.ts';

const run = promisify(execFile);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 3000);
/**
 * A steady rate far above what one account produces: 30 dials/s (Telnyx's default limit)
 * × 2 legs × 4 callbacks = 240 callbacks/s, and 30 `Url` fetches/s.
 */
const STEADY_RATE_PER_S = Number(process.env.BENCH_STEADY_RATE ?? 250);
/** Attempts (× 4 callbacks) for the ingestion-core row. */
const CORE_ATTEMPTS = 1000;

interface LoadResult {
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

/**
 * Saturation (autocannon) when `ratePerS` is absent; otherwise latency at that rate,
 * evenly paced (`paced-load.ts`, which says why not autocannon's own rate limit).
 */
async function load(url: string, requests: unknown[], ratePerS?: number): Promise<LoadResult> {
  // The prepared requests are too many for argv: hand them over in a temporary file.
  const jobFile = join(tmpdir(), `dialer-bench-${process.pid}.json`);
  await writeFile(jobFile, JSON.stringify({ url, connections: CONNECTIONS, durationS: DURATION_S, requests, ratePerS }));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ratePerS ? 'bench/paced-load.ts' : 'bench/load-generator.ts', jobFile], { maxBuffer: 64 * 1024 * 1024 });
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

/** Sizes of the status route's group commits, read from its debug log without writing any log. */
const batchSizes: number[] = [];
const benchLogger = pino({
  level: 'debug',
  hooks: {
    // Nothing is logged: the hook only picks the batch sizes out (no serialisation cost).
    logMethod(args) {
      const [fields, message] = args as unknown[];
      if (message === 'status callbacks committed') batchSizes.push((fields as { size: number }).size);
    },
  },
});

function batchColumn(sizes: readonly number[]): string {
  if (sizes.length === 0) return '—';
  return `${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(1)} / ${Math.max(...sizes)}`;
}

/** Bare callback inputs (wire order per call) for fresh attempts: the ingestion core alone. */
async function benchCore(db: Db, callerId: string): Promise<{ row: string; perBatchMs: number }> {
  const inputs: StatusCallbackInput[] = [];
  for (let index = 0; index < CORE_ATTEMPTS; index++) {
    const attempt = await createAttempt(db, { kind: 'click_to_call', agentSip: 'sip:bench@sip.telnyx.com', customerNumber: '+15550001234', callerId });
    await markCreateState(db, attempt.id, 'accepted');
    for (const [sequence, status] of ['initiated', 'ringing', 'in-progress', 'completed'].entries()) {
      const fields = callbackFields(`core${index}`, status, sequence);
      inputs.push({ attemptId: attempt.id, role: 'agent', fields, rawBody: new URLSearchParams(fields).toString(), receivedAt: new Date() });
    }
  }
  const sizes: number[] = [];
  let dbMs = 0;
  const batcher = createCallbackBatcher({
    db,
    onApplied: (batch) => {
      sizes.push(batch.inputs.length);
      dbMs += batch.durationMs;
    },
  });
  const started = performance.now();
  const results = await Promise.all(inputs.map((input) => batcher.submit(input)));
  const seconds = (performance.now() - started) / 1000;
  if (results.some((result) => result.verdict !== 'applied')) throw new Error('bench: the core run should apply every callback');
  const perBatchMs = dbMs / sizes.length;
  return {
    row: `| ingestion core only (no HTTP, no signature), ${inputs.length} callbacks | ${Math.round(inputs.length / seconds)} | — | — | — | ${batchColumn(sizes)} | 0 | 0 |`,
    perBatchMs,
  };
}

function callbackFields(call: string, status: string, sequence: number): Record<string, string> {
  return {
    AccountSid: 'bench',
    CallSid: `v3:${call}`,
    CallSidLegacy: `v3:${call}`,
    CallStatus: status,
    CallbackSource: 'call-progress-events',
    ConnectionId: 'bench',
    From: '+13125550100',
    To: 'sip:bench@sip.telnyx.com',
    CallInitiatedAt: '2026-01-05T15:00:00Z',
    Timestamp: `2026-01-05T15:00:0${sequence}Z`,
    SequenceNumber: String(sequence),
    ...(status === 'completed' ? { CallDuration: '30', HangupCause: 'normal_clearing', EndTime: '2026-01-05T15:00:30Z' } : {}),
  };
}

/** Microseconds one Ed25519 verification of a callback costs on this machine. */
function verifyCostUs(publicKeyBase64: string, privateKey: Parameters<typeof signWebhookPayload>[0]['privateKey']): number {
  const rawBody = new URLSearchParams(callbackFields('verify', 'ringing', 1)).toString();
  const timestampS = Math.floor(Date.now() / 1000);
  const headers = signWebhookPayload({ privateKey, timestampS, rawBody });
  const bytes = Buffer.from(rawBody);
  const rounds = 3000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const result = verifyWebhookSignature({ publicKeyBase64, timestampHeader: headers[SIGNATURE_HEADERS.timestamp], signatureHeader: headers[SIGNATURE_HEADERS.signature], rawBody: bytes, nowMs: Date.now() });
    if (!result.ok) throw new Error(`bench: verification failed: ${result.message}`);
  }
  return ((performance.now() - started) * 1000) / rounds;
}

async function main(): Promise<void> {
  const telnyxKey = generateWebhookKeyPair();
  // On PostgreSQL the bench works in a schema of its own and drops it afterwards.
  const schema = `bench_${process.pid}`;
  const database = await openDatabase(process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, schema } : { inMemory: true });
  const dialer = await startDialer({
    env: { PORT: '0', HOST: '127.0.0.1', SANDBOX_PORT: '0', LOG_LEVEL: 'silent', DIALER_SECRET: 'bench-secret-0123456789abcdef0123456789' },
    database,
    logger: benchLogger,
    sandboxOptions: { seed: 1, signingKey: telnyxKey.privateKey },
  });
  const { config } = dialer;

  process.stderr.write(`preparing ${ATTEMPTS} attempts…\n`);
  const bridgeRequests: unknown[] = [];
  const callbackRequests: unknown[] = [];
  const timestampS = Math.floor(Date.now() / 1000);
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
      const body = new URLSearchParams(callbackFields(`bench${index}`, status, sequence)).toString();
      callbackRequests.push({
        method: 'POST',
        path: `/telnyx/status?attempt=${attempt.id}&leg=agent`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signWebhookPayload({ privateKey: telnyxKey.privateKey, timestampS, rawBody: body }) },
        body,
      });
    });
  }

  const bare = await bareExpress();
  const rows: Array<[string, LoadResult, string]> = [];
  /** Run one scenario; for the callback ones, note the group-commit sizes it produced. */
  const scenario = async (name: string, url: string, requests: unknown[], ratePerS?: number) => {
    batchSizes.length = 0;
    const result = await load(url, requests, ratePerS);
    rows.push([name, result, batchColumn(batchSizes)]);
  };
  process.stderr.write(`load: ${CONNECTIONS} connections, ${DURATION_S} s per scenario\n`);
  await scenario('bare Express, fixed XML', bare.url, [{ method: 'POST', path: '/texml', headers: {}, body: 'CallSid=x' }]);
  await scenario('Url route /texml/bridge, saturated', dialer.url, bridgeRequests);
  await scenario(`Url route /texml/bridge at ${STEADY_RATE_PER_S}/s`, dialer.url, bridgeRequests, STEADY_RATE_PER_S);
  // Callbacks in wire order per call: the first pass applies, later passes are duplicates.
  await scenario(`signed StatusCallback (${database.kind}), saturated`, dialer.url, callbackRequests);
  await scenario(`signed StatusCallback (${database.kind}) at ${STEADY_RATE_PER_S}/s`, dialer.url, callbackRequests.slice(ATTEMPTS * 2), STEADY_RATE_PER_S);
  bare.close();
  process.stderr.write(`ingestion core: ${CORE_ATTEMPTS * 4} callbacks…\n`);
  const core = await benchCore(database.db, config.dialing.callerIds[0]!);
  const verifyUs = verifyCostUs(telnyxKey.publicKeyBase64, telnyxKey.privateKey);

  const baseline = rows[0]![1].requestsPerS;
  const table = [
    '| scenario | requests/s | p50 ms | p99 ms | vs bare | batch mean / max | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(([name, r, batch]) => {
      // Throughput ratios only mean something between saturated runs.
      const ratio = name.includes(' at ') ? '—' : (r.requestsPerS / baseline).toFixed(2);
      return `| ${name} | ${Math.round(r.requestsPerS)} | ${r.p50Ms} | ${r.p99Ms} | ${ratio} | ${batch} | ${r.non2xx} | ${r.errors} |`;
    }),
    core.row,
  ];
  console.log(table.join('\n'));
  console.log(`\ncore: ${core.perBatchMs.toFixed(2)} ms per 256-callback transaction; Ed25519 verification: ${verifyUs.toFixed(0)} µs per callback`);
  const events = await database.db.selectFrom('call_events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  console.log(`\ncall_events stored: ${events.count} (every verified callback is appended before it is judged)`);
  await dialer.close();
  if (database.kind === 'postgres') await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db);
  await database.close();
}

await main();
