/**
 * The one way to reach the database: embedded PGlite (data in a folder, or in memory for
 * tests) or a PostgreSQL server through a `pg` pool. Both speak the same SQL through
 * Kysely's PostgreSQL compiler and run the same migrations, so feature code never knows
 * which one it has.
 *
 * Value types are made identical on both: `bigint`/`bigserial` columns and `count(*)`
 * come back as JS numbers (PGlite's default; `pg` is told to do the same), `timestamptz`
 * as `Date`, `jsonb` as parsed JSON.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { DialerError } from '../errors.ts';
import { migrate } from './migrate.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import type { Tables } from './schema.ts';

export interface Database {
  readonly db: Kysely<Tables>;
  readonly kind: 'pglite' | 'postgres';
  /** Close the pool or the PGlite instance (waits for the query in flight). */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://` URL: use that server (wins over the PGlite options). */
  url?: string;
  /** PGlite data folder, created if missing. */
  dataDir?: string;
  /** PGlite in memory, gone on close (tests). */
  inMemory?: boolean;
  /**
   * PostgreSQL only: create this schema if needed and put it first on every
   * connection's `search_path`, so one server database can hold isolated copies (tests).
   */
  schema?: string;
  /** Run the migrations after opening. Default true. */
  migrate?: boolean;
  /** PostgreSQL pool size. Default 10. */
  maxConnections?: number;
  /** Errors of idle pooled connections (server restart); default: `console.error`. */
  onPoolError?: (error: Error) => void;
}

/** bigint OID: parsed to a JS number (ids and counts stay far below 2^53). */
const INT8_OID = 20;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = options.url !== undefined ? openPostgres(options.url, options) : await openPglite(options);
  try {
    if (options.schema !== undefined) {
      if (database.kind !== 'postgres') throw new DialerError('internal', { message: 'openDatabase: `schema` applies to PostgreSQL only' });
      await sql`create schema if not exists ${sql.id(options.schema)}`.execute(database.db);
    }
    if (options.migrate ?? true) await migrate(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  let pglite: PGlite;
  if (options.inMemory) {
    pglite = await PGlite.create();
  } else if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    pglite = await PGlite.create({ dataDir: options.dataDir });
  } else {
    throw new DialerError('internal', { message: 'openDatabase: pass url, dataDir or inMemory' });
  }
  const db = new Kysely<Tables>({ dialect: new PgliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new DialerError('internal', { message: `openDatabase: schema must be a plain lower-case identifier, got ${JSON.stringify(options.schema)}` });
  }
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // Without a listener an idle client's error (e.g. the server restarting) kills the process.
  pool.on('error', options.onPoolError ?? ((error) => console.error('database pool error:', error)));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/**
 * Run `work` in a transaction, or directly in the caller's transaction if `db` already is
 * one (Kysely refuses nested `transaction()` calls), so repository functions compose.
 */
export async function inTransaction<T>(db: Kysely<Tables>, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Tables>);
  return db.transaction().execute(work);
}
