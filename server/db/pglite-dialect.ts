/**
 * A small Kysely dialect for PGlite (PostgreSQL compiled to WebAssembly).
 *
 * PGlite is one PostgreSQL backend with one session, so this driver has exactly one
 * connection and a FIFO mutex in front of it: a query or a whole transaction holds the
 * connection from `acquireConnection` to `releaseConnection`, and nothing else can slip a
 * statement into someone else's transaction. SQL, adapter and introspection are Kysely's
 * PostgreSQL ones, so the same queries run here and on a PostgreSQL server.
 *
 * Caution: inside `db.transaction().execute(trx => …)`, run every query on `trx`. A query
 * on `db` would wait for the connection the transaction holds, forever (on PostgreSQL it
 * takes a second pooled connection instead, so the mistake only shows here).
 *
 * `kysely-pglite-dialect` is not used because it does not support PGlite 0.5.
 *
 * @module
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** The part of PGlite the driver uses (so tests can wrap it). */
export type PgliteLike = Pick<PGlite, 'query' | 'close' | 'closed'>;

export interface PgliteDialectOptions {
  readonly pglite: PgliteLike;
  /** Close the PGlite instance when Kysely is destroyed. Default true. */
  readonly closeOnDestroy?: boolean;
}

export class PgliteDialect implements Dialect {
  constructor(private readonly options: PgliteDialectOptions) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.options);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  // Kysely's own signature takes Kysely<any>.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/** First come, first served lock: waiters are resumed in the order they asked. */
export class Mutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    // Hand the lock straight to the next waiter so no newcomer can overtake it.
    if (next) next();
    else this.#locked = false;
  }

  get locked(): boolean {
    return this.#locked;
  }
}

class PgliteDriver implements Driver {
  readonly #mutex = new Mutex();
  readonly #connection: PgliteConnection;

  constructor(private readonly options: PgliteDialectOptions) {
    this.#connection = new PgliteConnection(options.pglite);
  }

  async init(): Promise<void> {
    // The PGlite instance is created (and awaited) by the caller.
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes: string[] = [];
    if (settings.isolationLevel) modes.push(`isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) modes.push(settings.accessMode);
    await connection.executeQuery(CompiledQuery.raw(modes.length > 0 ? `start transaction ${modes.join(', ')}` : 'begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async destroy(): Promise<void> {
    // Wait for whoever holds the connection, then close under the lock.
    await this.#mutex.lock();
    try {
      if ((this.options.closeOnDestroy ?? true) && !this.options.pglite.closed) await this.options.pglite.close();
    } finally {
      this.#mutex.unlock();
    }
  }
}

const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PgliteLike) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters], { rowMode: 'object' });
    const affected = result.rowCount ?? result.affectedRows;
    return {
      rows: result.rows,
      ...(result.command !== undefined && COUNTED_COMMANDS.has(result.command) && affected !== undefined
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PgliteDialect: streaming queries are not supported; PGlite returns whole results');
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
