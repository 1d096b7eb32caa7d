/**
 * A database for one test file. PGlite costs ~2.5 s and ~0.7 GB per instance, so open
 * one in `beforeAll`, close it in `afterAll`, and `truncateAll` between tests:
 * `useTestDatabase()` registers exactly those hooks.
 *
 * With `TEST_DATABASE_URL=postgres://…` the same tests run on a PostgreSQL server: each
 * file gets its own schema (created, put on the search_path, dropped on close), so files
 * running in parallel never see each other's rows.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../../server/db/database.ts';
import type { Tables } from '../../server/db/schema.ts';

export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openDatabase({ inMemory: true });
  const schema = `test_${randomBytes(8).toString('hex')}`;
  const database = await withSchemaLock(url, () => openDatabase({ url, schema, maxConnections: 4 }));
  return {
    ...database,
    async close() {
      try {
        await withSchemaLock(url, () => sql`drop schema ${sql.id(schema)} cascade`.execute(database.db));
      } finally {
        await database.close();
      }
    },
  };
}

/** Advisory-lock key shared by every test file's schema creation and drop. */
const SCHEMA_LOCK_KEY = 7_042_026;

/**
 * Runs `work` while no other test file migrates or drops its schema. Kysely's migrator
 * introspects the tables of EVERY schema (pg_get_serial_sequence by name), so a schema
 * dropped by another file in the middle of that query fails the migration with
 * "relation … does not exist".
 */
async function withSchemaLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    return await work();
  } finally {
    // Ending the session releases the lock even if the unlock is never reached.
    await client.end();
  }
}

/** Empty every table of the current schema (Kysely's migration bookkeeping excepted). */
export async function truncateAll(db: Kysely<Tables>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_catalog.pg_tables
    where schemaname = current_schema() and tablename not like 'kysely\_%'`.execute(db);
  if (rows.length === 0) return;
  await sql`truncate ${sql.join(rows.map((row) => sql.id(row.name)))} restart identity cascade`.execute(db);
}

/**
 * Registers the hooks of the file's test database: opened before the file's tests and
 * closed after them; with `emptyBeforeEachTest`, emptied before each test. Call it at the
 * top level, before the file's own hooks (vitest runs `before*` hooks in the order they
 * were registered, `after*` hooks in reverse), and use what it returns as the database.
 */
export function useTestDatabase(options: { emptyBeforeEachTest?: boolean } = {}): Database {
  let open: Database | undefined;
  const current = (): Database => {
    if (!open) throw new Error("useTestDatabase: the database is open only while the file's tests run");
    return open;
  };
  const database: Database = {
    get db() {
      return current().db;
    },
    get kind() {
      return current().kind;
    },
    async close() {
      const closing = open;
      open = undefined;
      await closing?.close();
    },
  };
  beforeAll(async () => {
    open = await openTestDatabase();
  });
  afterAll(() => database.close());
  if (options.emptyBeforeEachTest) beforeEach(() => truncateAll(database.db));
  return database;
}
