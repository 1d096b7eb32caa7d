/**
 * The column mapping of an import: which CSV column holds the phone number, the names,
 * the time zone, the consent record and the country; every other column becomes a custom
 * field. Checked against the file's header before any row is read, so a wrong mapping
 * fails the import at once instead of rejecting every row.
 *
 * @module
 */
import { z } from 'zod';
import { DialerError } from '../../errors.ts';
import { parseBody } from '../../http/validate.ts';
import { MAPPING_KEYS, type ImportMapping } from './tables.ts';

const columnName = z.string().trim().min(1).max(200);

export const importMappingSchema = z
  .object({
    phone: columnName,
    firstName: columnName.optional(),
    lastName: columnName.optional(),
    timeZone: columnName.optional(),
    consentType: columnName.optional(),
    consentAt: columnName.optional(),
    consentSource: columnName.optional(),
    country: columnName.optional(),
  })
  .strict();

/** A mapping from a JSON body or a query string; 422 `validation_failed` when it is not one. */
export function parseMapping(value: unknown): ImportMapping {
  return parseBody(importMappingSchema, value);
}

/** Where each mapped attribute is in a row, and which columns are custom fields. */
export interface ResolvedHeader {
  /** Column names as used in `fields` and in the error report (empty names become `column_<n>`). */
  names: string[];
  /** Column index of each mapped attribute. */
  index: Partial<Record<keyof ImportMapping, number>>;
  /** Indexes of the columns that go into `fields`. */
  custom: number[];
}

/**
 * Match the mapping against the header row: exact (trimmed) name first, else the only
 * column whose name matches ignoring case.
 *
 * @throws DialerError `validation_failed` for a duplicate column name, a mapped column the
 *   header lacks, or two attributes mapped to one column.
 */
export function resolveHeader(header: readonly string[], mapping: ImportMapping): ResolvedHeader {
  const names = header.map((name, i) => (name.trim() === '' ? `column_${i + 1}` : name.trim()));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DialerError('validation_failed', { message: `The header names the column "${name}" twice; rename one.`, details: { header: names } });
    seen.add(name);
  }
  const index: ResolvedHeader['index'] = {};
  const missing: string[] = [];
  const used = new Map<number, keyof ImportMapping>();
  for (const key of MAPPING_KEYS) {
    const wanted = mapping[key];
    if (wanted === undefined) continue;
    let at = names.indexOf(wanted.trim());
    if (at < 0) {
      const loose = names.flatMap((name, i) => (name.toLowerCase() === wanted.trim().toLowerCase() ? [i] : []));
      if (loose.length === 1) at = loose[0]!;
    }
    if (at < 0) {
      missing.push(`${key} → "${wanted}"`);
      continue;
    }
    const other = used.get(at);
    if (other) throw new DialerError('validation_failed', { message: `The mapping gives the column "${names[at]}" to both ${other} and ${key}.` });
    used.set(at, key);
    index[key] = at;
  }
  if (missing.length > 0) {
    throw new DialerError('validation_failed', {
      message: `The file has no column for ${missing.join(', ')}. Its columns are: ${names.map((name) => `"${name}"`).join(', ')}.`,
      details: { missing, header: names },
    });
  }
  return { names, index, custom: names.flatMap((_, i) => (used.has(i) ? [] : [i])) };
}
