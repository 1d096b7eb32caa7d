/**
 * The database module's public face: open (and migrate) a database, run work in a
 * transaction, and the combined table types.
 *
 * @module
 */
export { inTransaction, openDatabase, type Database, type OpenDatabaseOptions } from './database.ts';
export { migrate, MIGRATIONS } from './migrate.ts';
export type { Tables } from './schema.ts';
