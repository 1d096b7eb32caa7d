/**
 * `npm run bench:import`: a 100,000-row lead file imported on this machine, to show the
 * import streams (memory does not grow with the file) and how fast it goes.
 *
 * The CSV is generated to a temporary file, streamed out row by row (never built in
 * memory): US numbers in five layouts, names with quotes and commas, a notes column, a
 * time-zone column on 30 % of rows, consent on half, about 2 % bad numbers and 1 %
 * duplicates. It is then imported from the file into in-memory PGlite, and into
 * PostgreSQL too when `BENCH_DATABASE_URL` is set (in a schema of its own, dropped after).
 *
 * Each database is imported into from a fresh child process, so its memory figures are
 * its own: `process.memoryUsage()` is sampled every 100 ms during the import; the table
 * shows RSS just before the import (database open), its peak during, and after, next to
 * the file's size. With PGlite the database itself lives in the process's memory, so its
 * RSS also grows by the rows stored; the JS heap peak shows what the importer holds.
 * Settings: `BENCH_ROWS` (default 100000), `BENCH_BATCH_SIZE` (500).
 */
import { execFile } from 'node:child_process';
import { createWriteStream, createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { seededRandom } from '../lib/seeded-random.ts';
import { importLeads } from '../server/campaigns/leads/import.ts';
import { createList } from '../server/campaigns/leads/repository.ts';
import type { ImportRow } from '../server/campaigns/leads/tables.ts';
import { loadNumberTimeZones } from '../server/campaigns/leads/time-zones.ts';
import { openDatabase, type Database } from '../server/db/index.ts';
import { csvRow } from '../server/reports/csv.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const MB = 1024 * 1024;

const AREAS = ['201', '202', '206', '212', '305', '312', '404', '415', '503', '602', '617', '702', '713', '808', '907', '917'];
const FIRST = ['Ann', 'Bob', 'Zoë', 'José', 'Li', 'Mary-Jane', 'O"Neil'];
const LAST = ['Lee', 'Smith', 'García', 'Nguyen', "O'Brien", 'Müller, Jr.'];
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];

/** Write the file row by row, waiting for the stream to drain; returns its size in bytes. */
async function writeCsv(path: string, rows: number): Promise<number> {
  const rnd = seededRandom(4); // the same file on every run
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(csvRow(['Phone', 'First name', 'Last name', 'Time zone', 'Consent', 'Consent date', 'Notes', 'Customer id']));
  const numbers: string[] = [];
  for (let i = 0; i < rows; i++) {
    let phone: string;
    const roll = rnd();
    if (roll < 0.02) phone = pick(['not a number', '12345', '(123) 456-7890']);
    else if (roll < 0.03 && numbers.length > 0) phone = pick(numbers);
    else {
      const area = pick(AREAS);
      const exchange = String(200 + Math.floor(rnd() * 800));
      // N11 and these exchanges are not assignable: they would be rejected as invalid.
      const e = exchange.endsWith('11') || ['555', '950', '958', '959', '976'].includes(exchange) ? '234' : exchange;
      const last = String(Math.floor(rnd() * 10_000)).padStart(4, '0');
      phone = pick([`+1 ${area} ${e} ${last}`, `(${area}) ${e}-${last}`, `${area}.${e}.${last}`, `1${area}${e}${last}`, `+1${area}${e}${last}`]);
      if (numbers.length < 1000) numbers.push(phone);
    }
    const consent = rnd() < 0.5 ? ['written', '2024-03-01T12:00:00Z'] : ['', ''];
    await write(csvRow([phone, pick(FIRST), pick(LAST), rnd() < 0.3 ? pick(ZONES) : '', consent[0], consent[1], `note ${i}, "quoted" text`, `C${100_000 + i}`]));
  }
  out.end();
  await once(out, 'finish');
  return (await stat(path)).size;
}

interface Result {
  database: string;
  seconds: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  heapPeak: number;
  row: Pick<ImportRow, 'status' | 'error' | 'rows_read' | 'rows_imported' | 'rows_rejected' | 'rows_duplicate'>;
}

async function benchImport(name: string, database: Database, file: string): Promise<Result> {
  const list = await createList(database.db, { name: 'bench', defaultCountry: 'US', now: new Date() });
  await loadNumberTimeZones();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    rssPeak = Math.max(rssPeak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, 100);
  const started = performance.now();
  const mapping = { phone: 'Phone', firstName: 'First name', lastName: 'Last name', timeZone: 'Time zone', consentType: 'Consent', consentAt: 'Consent date' };
  const row = await importLeads(database.db, { listId: list.id, input: createReadStream(file), mapping, batchSize: BATCH_SIZE });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rssAfter = process.memoryUsage().rss;
  rssPeak = Math.max(rssPeak, rssAfter);
  const { status, error, rows_read, rows_imported, rows_rejected, rows_duplicate } = row;
  return { database: name, seconds, rssBefore, rssPeak, rssAfter, heapPeak, row: { status, error, rows_read, rows_imported, rows_rejected, rows_duplicate } };
}

/** Child process: import `file` into one database and print the result as JSON. */
async function child(kind: string, file: string): Promise<void> {
  if (kind === 'pglite') {
    const pglite = await openDatabase({ inMemory: true });
    try {
      console.log(JSON.stringify(await benchImport('PGlite (in memory)', pglite, file)));
    } finally {
      await pglite.close();
    }
    return;
  }
  const schema = `bench_import_${process.pid}`;
  const postgres = await openDatabase({ url: process.env.BENCH_DATABASE_URL!, schema, maxConnections: 4 });
  try {
    console.log(JSON.stringify(await benchImport('PostgreSQL', postgres, file)));
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(postgres.db);
    await postgres.close();
  }
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'dialer-bench-import-'));
  const file = join(folder, 'leads.csv');
  try {
    const bytes = await writeCsv(file, ROWS);
    console.log(`file: ${ROWS} rows, ${(bytes / MB).toFixed(1)} MB; batches of ${BATCH_SIZE}; Node ${process.version}; each database in a fresh process\n`);
    const results: Result[] = [];
    const kinds = process.env.BENCH_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
    for (const kind of kinds) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/import.ts'], {
        env: { ...process.env, BENCH_CHILD: kind, BENCH_FILE: file },
        maxBuffer: 16 * MB,
      });
      results.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Result);
    }

    const mb = (value: number) => (value / MB).toFixed(0);
    const table = [
      '| database | rows | file MB | time s | rows/s | RSS before MB | RSS peak MB | RSS after MB | JS heap peak MB | imported | rejected | duplicate |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...results.map((r) =>
        [
          r.database,
          r.row.rows_read,
          (bytes / MB).toFixed(1),
          r.seconds.toFixed(1),
          Math.round(r.row.rows_read / r.seconds),
          mb(r.rssBefore),
          mb(r.rssPeak),
          mb(r.rssAfter),
          mb(r.heapPeak),
          r.row.rows_imported,
          r.row.rows_rejected,
          r.row.rows_duplicate,
        ].join(' | '),
      ).map((line) => `| ${line} |`),
    ];
    console.log(table.join('\n'));
    for (const r of results) if (r.row.status !== 'completed') console.log(`\n${r.database}: import ${r.row.status}: ${r.row.error}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.env.BENCH_CHILD) await child(process.env.BENCH_CHILD, process.env.BENCH_FILE!);
else await main();
