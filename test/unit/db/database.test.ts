import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../server/db/database.ts';
import { migrate, MIGRATIONS } from '../../../server/db/migrate.ts';
import { useTestDatabase } from '../../helpers/database.ts';

const database = useTestDatabase({ emptyBeforeEachTest: true });

const NOW = new Date('2026-01-05T15:00:00.000Z');

function attemptValues(id: string) {
  return {
    id,
    kind: 'click_to_call' as const,
    agent_sip: 'sip:agent1@sip.telnyx.com',
    customer_number: '+13129457420',
    caller_id: '+13125550100',
    dial_call_status: null,
    dial_call_duration_s: null,
    error_code: null,
    error_message: null,
    created_at: NOW,
    updated_at: NOW,
  };
}

async function attemptIds(): Promise<string[]> {
  const rows = await database.db.selectFrom('attempts').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

describe('migrations', () => {
  it('create every table in the current schema and record themselves', async () => {
    const { rows } = await sql<{ name: string }>`
      select tablename as name from pg_catalog.pg_tables where schemaname = current_schema() order by tablename`.execute(database.db);
    expect(rows.map((row) => row.name)).toEqual([
      'agents',
      'attempts',
      'call_events',
      'call_legs',
      'campaign_agents',
      'campaign_changes',
      'campaigns',
      'dnc_entries',
      'dnc_registry_imports',
      'import_errors',
      'imports',
      'kysely_migration',
      'kysely_migration_lock',
      'lead_skips',
      'leads',
      'lists',
      'sessions',
      'users',
    ]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('run again as a no-op', async () => {
    expect(await migrate(database.db)).toEqual([]);
  });

  it('enforce the value lists', async () => {
    await expect(
      database.db.insertInto('attempts').values({ ...attemptValues('a-bad'), create_state: 'maybe' as never }).execute(),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('value types are the same on PGlite and PostgreSQL', () => {
  it('returns bigserial ids as numbers, timestamptz as Date and jsonb parsed', async () => {
    const row = await database.db
      .insertInto('call_events')
      .values({
        received_at: NOW,
        source: 'status_callback',
        attempt_id: null,
        role: null,
        call_sid: null,
        call_status: null,
        sequence_number: null,
        verdict: 'unknown_attempt',
        raw_body: 'a=1&b=%C3%A9',
        fields: JSON.stringify({ a: '1', b: 'é' }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(1);
    expect(row.received_at).toEqual(NOW);
    expect(row.fields).toEqual({ a: '1', b: 'é' });
    const count = await database.db.selectFrom('call_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('reports affected rows of updates and deletes', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await database.db.insertInto('attempts').values(attemptValues(id)).execute();
    const updated = await database.db.updateTable('attempts').set({ error_code: 'x' }).where('id', '!=', 'a-3').executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const none = await database.db.updateTable('attempts').set({ error_code: 'y' }).where('id', '=', 'nope').executeTakeFirst();
    expect(none.numUpdatedRows).toBe(0n);
  });
});

describe('transactions', () => {
  it('roll back everything when the work throws', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('attempts').values(attemptValues('a-1')).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await attemptIds()).toEqual([]);
    // The connection is usable again afterwards.
    await database.db.insertInto('attempts').values(attemptValues('a-2')).execute();
    expect(await attemptIds()).toEqual(['a-2']);
  });

  it('roll back when a statement fails inside', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('attempts').values(attemptValues('a-1')).execute();
        await trx.insertInto('attempts').values(attemptValues('a-1')).execute();
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await attemptIds()).toEqual([]);
  });

  it('do not interleave when two run at once', async () => {
    await database.db.insertInto('attempts').values({ ...attemptValues('counter'), dial_call_duration_s: 0 }).execute();
    const log: string[] = [];
    let secondStarted!: () => void;
    const secondRequested = new Promise<void>((resolve) => (secondStarted = resolve));

    const increment = (name: string, waitFor?: Promise<void>) =>
      database.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('attempts').select('dial_call_duration_s').where('id', '=', 'counter').forUpdate().executeTakeFirstOrThrow();
        log.push(`${name}:read ${row.dial_call_duration_s}`);
        // The first transaction waits until the second one has been asked for. Without
        // serialisation the second would now run inside the first's session.
        if (waitFor) await waitFor;
        await trx.updateTable('attempts').set({ dial_call_duration_s: row.dial_call_duration_s! + 1 }).where('id', '=', 'counter').execute();
        log.push(`${name}:wrote`);
      });

    const first = increment('A', secondRequested);
    const second = increment('B');
    secondStarted();
    await Promise.all([first, second]);
    expect(log).toEqual(['A:read 0', 'A:wrote', 'B:read 1', 'B:wrote']);
    const final = await database.db.selectFrom('attempts').select('dial_call_duration_s').where('id', '=', 'counter').executeTakeFirstOrThrow();
    expect(final.dial_call_duration_s).toBe(2);
  });

  it('compose through inTransaction: work joins the caller transaction', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await inTransaction(trx, (inner) => inner.insertInto('attempts').values(attemptValues('a-1')).execute());
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await attemptIds()).toEqual([]);
    await inTransaction(database.db, (trx) => trx.insertInto('attempts').values(attemptValues('a-3')).execute());
    expect(await attemptIds()).toEqual(['a-3']);
  });

  it('run plain queries concurrently without losing any', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => database.db.insertInto('attempts').values(attemptValues(`p-${String(i).padStart(2, '0')}`)).execute()));
    expect(await attemptIds()).toHaveLength(20);
  });
});

describe('SELECT … FOR UPDATE SKIP LOCKED', () => {
  it('compiles to PostgreSQL and runs', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await database.db.insertInto('attempts').values(attemptValues(id)).execute();
    const query = database.db.selectFrom('attempts').select('id').orderBy('id').limit(2).forUpdate().skipLocked();
    expect(query.compile().sql).toBe('select "id" from "attempts" order by "id" limit $1 for update skip locked');
    const claimed = await database.db.transaction().execute((trx) => trx.selectFrom('attempts').select('id').orderBy('id').limit(2).forUpdate().skipLocked().execute());
    expect(claimed.map((row) => row.id)).toEqual(['a-1', 'a-2']);
  });

  it('skips rows another transaction holds (PostgreSQL), or runs serialised (PGlite)', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await database.db.insertInto('attempts').values(attemptValues(id)).execute();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstClaimed!: (ids: string[]) => void;
    const firstClaim = new Promise<string[]>((resolve) => (firstClaimed = resolve));
    const first = database.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('attempts').select('id').orderBy('id').limit(1).forUpdate().skipLocked().execute();
      firstClaimed(rows.map((row) => row.id));
      if (database.kind === 'postgres') await held;
    });
    expect(await firstClaim).toEqual(['a-1']);
    const second = await database.db.transaction().execute((trx) => trx.selectFrom('attempts').select('id').orderBy('id').limit(1).forUpdate().skipLocked().execute());
    // PostgreSQL: a-1 is locked by the open first transaction, so the second claims a-2.
    // PGlite: the second transaction ran after the first committed, so a-1 is free again.
    expect(second.map((row) => row.id)).toEqual(database.kind === 'postgres' ? ['a-2'] : ['a-1']);
    release();
    await first;
  });
});
