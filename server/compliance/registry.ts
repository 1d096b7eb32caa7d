/**
 * National do-not-call registry copies: the US National DNC Registry, Canada's DNCL, the
 * UK's TPS. A copy is a text file of numbers, loaded as `national` DNC entries.
 *
 * The 31-day rule (16 CFR 310.4(b)(3)(iv); CRTC DNCL) counts from the COPY's date, which
 * the uploader states, not from the upload. A new copy is streamed in batches next to the
 * current one (status `loading`, ignored by the gate) and switched in one small
 * transaction, then the old copy's rows are deleted in batches; a failed upload leaves
 * the current copy untouched. Registry copies are the registry's data, not anyone's
 * request, so replacing one deletes its rows (the import row stays as the record).
 *
 * @module
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { E164 } from './dnc.ts';
import { PROFILES, registryAgeDays, type RegistryCountry } from './profiles.ts';
import type { RegistryImportRow } from './tables.ts';

const INSERT_BATCH = 5_000;
const DELETE_BATCH = 10_000;
const INVALID_SAMPLES = 10;

export interface ImportRegistryInput {
  country: RegistryCountry;
  /** The copy's date, `YYYY-MM-DD`. */
  registryDate: string;
  /** One number per line: E.164, or a national number (10-digit NANP for US/CA; 0… for UK). */
  input: Readable;
  by?: string | null;
  now?: () => Date;
}

export interface RegistryImportResult {
  import: RegistryImportRow;
  /** Lines that held no usable number, with their line numbers (the first few). */
  invalid: { count: number; samples: Array<{ line: number; value: string }> };
}

/**
 * A registry line as E.164, or null. Separators (spaces, dashes, dots, brackets) are
 * ignored; blank lines and `#` comments are skipped by the caller.
 */
export function registryNumber(line: string, country: RegistryCountry): string | null {
  const compact = line.replace(/[\s\-.()]/g, '');
  if (compact.startsWith('+')) return E164.test(compact) ? compact : null;
  if (!/^\d+$/.test(compact)) return null;
  if (country === 'UK') return /^0\d{9,10}$/.test(compact) ? `+44${compact.slice(1)}` : null;
  if (/^[2-9]\d{9}$/.test(compact)) return `+1${compact}`;
  if (/^1[2-9]\d{9}$/.test(compact)) return `+${compact}`;
  return null;
}

function validDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/**
 * Load a registry copy and make it the country's active one, replacing the previous copy.
 *
 * @throws DialerError `validation_failed` for a bad date (not a date, in the future) or a
 *   file without a single number; the active copy is then unchanged.
 */
export async function importNationalRegistry(db: Kysely<Tables>, options: ImportRegistryInput): Promise<RegistryImportResult> {
  const now = options.now ?? (() => new Date());
  const { country, registryDate } = options;
  if (!validDate(registryDate)) throw new DialerError('validation_failed', { message: 'date: expected the copy\'s date as YYYY-MM-DD', details: { fields: [{ field: 'date', message: 'not a date' }] } });
  if (registryAgeDays(registryDate, now()) < 0) {
    throw new DialerError('validation_failed', { message: 'date: the copy cannot be dated in the future', details: { fields: [{ field: 'date', message: 'in the future' }] } });
  }
  await deleteLeftovers(db, country);

  const started = await db
    .insertInto('dnc_registry_imports')
    .values({ country, registry_date: registryDate, status: 'loading', started_at: now(), imported_at: null, created_by: options.by ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const importId = started.id;
  let rows = 0;
  const invalid = { count: 0, samples: [] as Array<{ line: number; value: string }> };
  try {
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await sql`
        insert into dnc_entries (phone_e164, scope, source, registry_import_id, created_at, created_by)
        select phone, 'national', 'registry', ${importId}, ${now()}, ${options.by ?? null}
        from unnest(${batch}::text[]) as phone
        on conflict do nothing`.execute(db);
      rows += Number(result.numAffectedRows ?? 0n);
      batch = [];
    };
    let lineNumber = 0;
    for await (const line of createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNumber++;
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const phone = registryNumber(text, country);
      if (phone === null) {
        invalid.count++;
        if (invalid.samples.length < INVALID_SAMPLES) invalid.samples.push({ line: lineNumber, value: text.slice(0, 40) });
        continue;
      }
      batch.push(phone);
      if (batch.length >= INSERT_BATCH) await flush();
    }
    await flush();
    if (rows === 0) throw new DialerError('validation_failed', { message: 'The file holds no number; the current registry copy is kept.', details: { invalid } });
  } catch (error) {
    await db.updateTable('dnc_registry_imports').set({ status: 'failed', rows, invalid_rows: invalid.count }).where('id', '=', importId).execute();
    await deleteImportRows(db, importId);
    throw error;
  }

  const activated = await db.transaction().execute(async (trx) => {
    await trx.updateTable('dnc_registry_imports').set({ status: 'replaced' }).where('country', '=', country).where('status', '=', 'active').execute();
    return trx
      .updateTable('dnc_registry_imports')
      .set({ status: 'active', imported_at: now(), rows, invalid_rows: invalid.count })
      .where('id', '=', importId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  await deleteLeftovers(db, country);
  return { import: activated, invalid };
}

/** Rows of the country's replaced and failed copies (a crash may leave some behind). */
async function deleteLeftovers(db: Kysely<Tables>, country: RegistryCountry): Promise<void> {
  const old = await db.selectFrom('dnc_registry_imports').select('id').where('country', '=', country).where('status', 'in', ['replaced', 'failed']).execute();
  for (const { id } of old) await deleteImportRows(db, id);
}

/** Delete one copy's rows in batches, so no statement holds millions of row locks. */
async function deleteImportRows(db: Kysely<Tables>, importId: number): Promise<void> {
  for (;;) {
    const result = await sql`
      delete from dnc_entries where id in (
        select id from dnc_entries where registry_import_id = ${importId} limit ${DELETE_BATCH})`.execute(db);
    if (Number(result.numAffectedRows ?? 0n) === 0) return;
  }
}

export interface RegistryAge {
  country: RegistryCountry;
  registryDate: string;
  importedAt: Date | null;
  rows: number;
  /** Whole days since the copy's date (see `registryAgeDays`). */
  ageDays: number;
}

/** The country's active copy and its age now; null when none was ever imported. */
export async function registryAge(db: Kysely<Tables>, country: RegistryCountry, now: Date): Promise<RegistryAge | null> {
  const active = await db
    .selectFrom('dnc_registry_imports')
    .select(['registry_date', 'imported_at', 'rows'])
    .where('country', '=', country)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!active) return null;
  return { country, registryDate: active.registry_date, importedAt: active.imported_at, rows: active.rows, ageDays: registryAgeDays(active.registry_date, now) };
}

/** Every country's copy with its limit, for `GET /api/dnc/registry`. */
export async function registryStatus(db: Kysely<Tables>, now: Date) {
  return Promise.all(
    (['US', 'CA', 'UK'] as const).map(async (country) => {
      const age = await registryAge(db, country, now);
      const maxAgeDays = Object.values(PROFILES).find((profile) => profile.nationalRegistry.country === country)!.nationalRegistry.maxAgeDays;
      return {
        country,
        registryDate: age?.registryDate ?? null,
        importedAt: age?.importedAt?.toISOString() ?? null,
        rows: age?.rows ?? 0,
        ageDays: age?.ageDays ?? null,
        maxAgeDays,
        stale: age === null || age.ageDays > maxAgeDays,
      };
    }),
  );
}
