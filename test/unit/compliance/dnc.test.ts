/**
 * Do-not-call lists on a real database (PGlite; PostgreSQL too with TEST_DATABASE_URL):
 * idempotent adds, soft deletes kept for the audit, registry copies replacing each other,
 * and one query for a thousand numbers.
 */
import { Readable } from 'node:stream';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addToDnc, dncHits, listDncEntries, removeFromDnc } from '../../../server/compliance/dnc.ts';
import { importNationalRegistry, registryAge, registryNumber } from '../../../server/compliance/registry.ts';
import type { Database } from '../../../server/db/index.ts';
import { isDialerError } from '../../../server/errors.ts';
import { useTestDatabase } from '../../helpers/database.ts';

const database = useTestDatabase({ emptyBeforeEachTest: true });
const NOW = new Date('2026-01-05T15:00:00Z');
const A = '+12125550101';
const B = '+12125550102';

/** The database, counting the statements sent through it. */
function counted(): { db: Database['db']; statements: () => number } {
  let statements = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      statements++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: database.db.withPlugin(plugin), statements: () => statements };
}

const file = (...lines: string[]) => Readable.from([lines.join('\n')]);

describe('internal and campaign lists', () => {
  it('adds at once and idempotently, per scope and campaign', async () => {
    const first = await addToDnc(database.db, { phone: A, scope: 'internal', source: 'api', reason: 'asked', by: 'u1', now: NOW });
    const again = await addToDnc(database.db, { phone: A, scope: 'internal', source: 'disposition', now: NOW });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, entry: { id: first.entry.id, source: 'api', reason: 'asked', created_by: 'u1' } });
    const campaign = await addToDnc(database.db, { phone: A, scope: 'campaign', campaignId: 'c1', source: 'opt_out', now: NOW });
    const other = await addToDnc(database.db, { phone: A, scope: 'campaign', campaignId: 'c2', source: 'opt_out', now: NOW });
    expect([campaign.created, other.created]).toEqual([true, true]);
    expect((await listDncEntries(database.db, A)).map((row) => `${row.scope} ${row.campaign_id}`)).toEqual(['internal null', 'campaign c1', 'campaign c2']);

    const hits = await dncHits(database.db, [A, B], 'c1');
    expect(hits.get(A)).toEqual({ internal: true, campaign: true, national: false });
    expect(hits.get(B)).toEqual({ internal: false, campaign: false, national: false });
    expect((await dncHits(database.db, [A], 'c3')).get(A)).toEqual({ internal: true, campaign: false, national: false });
  });

  it('refuses a bad number or a campaign entry without its campaign', async () => {
    await expect(addToDnc(database.db, { phone: '2125550101', scope: 'internal', source: 'api' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(addToDnc(database.db, { phone: A, scope: 'campaign', source: 'api' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(addToDnc(database.db, { phone: A, scope: 'internal', campaignId: 'c1', source: 'api' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('removes softly: the entry stops applying and is kept, and the number can be listed again', async () => {
    const { entry } = await addToDnc(database.db, { phone: A, scope: 'internal', source: 'api', now: NOW });
    const removed = await removeFromDnc(database.db, { id: entry.id, by: 'sup', now: new Date('2026-01-06T00:00:00Z') });
    expect(removed).toMatchObject({ id: entry.id, removed_by: 'sup', removed_at: new Date('2026-01-06T00:00:00Z') });
    expect((await dncHits(database.db, [A])).get(A)!.internal).toBe(false);
    // Removing again changes nothing.
    expect((await removeFromDnc(database.db, { id: entry.id, by: 'other' })).removed_by).toBe('sup');

    const relisted = await addToDnc(database.db, { phone: A, scope: 'internal', source: 'opt_out', now: NOW });
    expect(relisted.created).toBe(true);
    expect(relisted.entry.id).not.toBe(entry.id);
    expect((await listDncEntries(database.db, A)).map((row) => [row.source, row.removed_by])).toEqual([
      ['api', 'sup'],
      ['opt_out', null],
    ]);
    await expect(removeFromDnc(database.db, { id: 999_999, by: 'sup' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('national registry copies', () => {
  it('reads E.164, 10- and 11-digit NANP and UK national numbers', () => {
    expect(registryNumber('+12125550101', 'US')).toBe('+12125550101');
    expect(registryNumber('(212) 555-0101', 'US')).toBe('+12125550101');
    expect(registryNumber('1-212-555-0101', 'CA')).toBe('+12125550101');
    expect(registryNumber('020 7123 4567', 'UK')).toBe('+442071234567');
    expect(registryNumber('0123', 'US')).toBeNull();
    expect(registryNumber('phone', 'US')).toBeNull();
  });

  it('streams a copy in, then replaces it with the next one and deletes the old rows', async () => {
    const first = await importNationalRegistry(database.db, {
      country: 'US',
      registryDate: '2026-01-02',
      input: file('# header comment', A, '2125550102', '', 'not a number', '12125550103', A),
      by: 'admin',
      now: () => NOW,
    });
    expect(first.import).toMatchObject({ country: 'US', registry_date: '2026-01-02', status: 'active', rows: 3, invalid_rows: 1 });
    expect(first.invalid).toEqual({ count: 1, samples: [{ line: 5, value: 'not a number' }] });
    expect((await dncHits(database.db, [A, B])).get(B)).toEqual({ internal: false, campaign: false, national: true });
    expect(await registryAge(database.db, 'US', NOW)).toMatchObject({ registryDate: '2026-01-02', rows: 3, ageDays: 3 });
    expect(await registryAge(database.db, 'CA', NOW)).toBeNull();

    const second = await importNationalRegistry(database.db, { country: 'US', registryDate: '2026-01-04', input: file('+12125550199'), now: () => NOW });
    expect(second.import.rows).toBe(1);
    const hits = await dncHits(database.db, [A, B, '+12125550199']);
    expect([...hits.values()].map((hit) => hit.national)).toEqual([false, false, true]);
    const imports = await database.db.selectFrom('dnc_registry_imports').select(['id', 'status']).orderBy('id').execute();
    expect(imports.map((row) => row.status)).toEqual(['replaced', 'active']);
    const national = await database.db.selectFrom('dnc_entries').select('registry_import_id').execute();
    expect(national.map((row) => row.registry_import_id)).toEqual([second.import.id]);
    expect((await registryAge(database.db, 'US', NOW))!.registryDate).toBe('2026-01-04');

    // A national entry is not removed by hand.
    const row = await database.db.selectFrom('dnc_entries').select('id').executeTakeFirstOrThrow();
    await expect(removeFromDnc(database.db, { id: row.id, by: 'sup' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('loads big copies in batches, and keeps the current copy when a new one is empty or misdated', async () => {
    const numbers = Array.from({ length: 12_345 }, (_, i) => `+1212${String(1_000_000 + i)}`);
    const loaded = await importNationalRegistry(database.db, { country: 'CA', registryDate: '2026-01-01', input: Readable.from(numbers.map((n) => `${n}\r\n`)), now: () => NOW });
    expect(loaded.import.rows).toBe(12_345);

    const empty = importNationalRegistry(database.db, { country: 'CA', registryDate: '2026-01-05', input: file('', 'junk'), now: () => NOW });
    await expect(empty).rejects.toMatchObject({ code: 'validation_failed' });
    const future = importNationalRegistry(database.db, { country: 'CA', registryDate: '2026-01-06', input: file(A), now: () => NOW });
    await expect(future).rejects.toSatisfy((error) => isDialerError(error, 'validation_failed'));
    await expect(importNationalRegistry(database.db, { country: 'CA', registryDate: '2026-02-30', input: file(A), now: () => NOW })).rejects.toMatchObject({ code: 'validation_failed' });

    expect(await registryAge(database.db, 'CA', NOW)).toMatchObject({ registryDate: '2026-01-01', rows: 12_345 });
    expect((await dncHits(database.db, [numbers[12_344]!])).get(numbers[12_344]!)!.national).toBe(true);
    const statuses = await database.db.selectFrom('dnc_registry_imports').select('status').orderBy('id').execute();
    expect(statuses.map((row) => row.status)).toEqual(['active', 'failed']);
  });
});

describe('dncHits', () => {
  it('answers for 1,000 numbers in one query', async () => {
    const numbers = Array.from({ length: 1_000 }, (_, i) => `+1312${String(2_000_000 + i)}`);
    for (const phone of numbers.slice(0, 10)) await addToDnc(database.db, { phone, scope: 'internal', source: 'api' });
    await addToDnc(database.db, { phone: numbers[500]!, scope: 'campaign', campaignId: 'c1', source: 'disposition' });
    await importNationalRegistry(database.db, { country: 'US', registryDate: '2026-01-01', input: file(numbers[999]!), now: () => NOW });

    const { db, statements } = counted();
    const hits = await dncHits(db, numbers, 'c1');
    expect(statements()).toBe(1);
    expect(hits.size).toBe(1_000);
    const listed = [...hits].filter(([, hit]) => hit.internal || hit.campaign || hit.national).map(([phone]) => phone);
    expect(listed).toEqual([...numbers.slice(0, 10), numbers[500], numbers[999]]);
    expect(hits.get(numbers[500]!)).toEqual({ internal: false, campaign: true, national: false });
  });
});
