/**
 * The one set of migrations, for PGlite and PostgreSQL alike (plain PostgreSQL SQL).
 *
 * The provider is a static list rather than a folder scan, so the order is explicit,
 * bundlers see every module, and a stray file can never run. Add new migrations at the
 * end; never edit one that has shipped.
 *
 * @module
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { DialerError } from '../errors.ts';
import * as calls0001 from './migrations/0001-calls.ts';
import * as agents0002 from './migrations/0002-agents.ts';
import * as leads0004 from './migrations/0004-leads.ts';
import * as compliance0005 from './migrations/0005-compliance.ts';
import * as campaigns0006 from './migrations/0006-campaigns.ts';
import * as pacing0007 from './migrations/0007-pacing.ts';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-calls': calls0001,
  '0002-agents': agents0002,
  '0004-leads': leads0004,
  '0005-compliance': compliance0005,
  '0006-campaigns': campaigns0006,
  '0007-pacing': pacing0007,
};

/**
 * Bring the schema to the latest migration. Safe to call from several processes at once:
 * Kysely takes a PostgreSQL advisory lock and runs the pending migrations in one
 * transaction.
 *
 * @returns the names of the migrations that ran now.
 */
// Migrations run before (and below) the typed schema, so they take any database.
export async function migrate(db: Kysely<any>): Promise<string[]> {
  // Kysely's bookkeeping tables live in the current schema. Naming it explicitly matters
  // when several schemas of one database are in use (one per test file): without it
  // Kysely would find another schema's kysely_migration table and skip creating its own.
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = current.rows[0]?.schema;
  if (!schema) throw new DialerError('internal', { message: 'migrate: the connection has no current schema (check search_path)' });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) }, migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new DialerError('internal', { message: `database migration ${failed} failed: ${String(error)}`, cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
