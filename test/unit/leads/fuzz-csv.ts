/**
 * A seeded generator of messy lead files, and of what importing each must give. The
 * expectations are built from what the generator wrote (the number it chose, the line it
 * put the row on, the one defect it planted), never from the code under test.
 */
import { seededRandom } from '../../../lib/seeded-random.ts';

export const HEADER = ['Phone', 'First Name', 'Last Name', 'Time Zone', 'Consent', 'Consent Date', 'Country', 'Notes', 'Score'] as const;
export const MAPPING = {
  phone: 'Phone',
  firstName: 'First Name',
  lastName: 'Last Name',
  timeZone: 'Time Zone',
  consentType: 'Consent',
  consentAt: 'Consent Date',
  country: 'Country',
};

export interface ExpectedLead {
  line: number;
  e164: string;
  raw: string;
  firstName: string | null;
  lastName: string | null;
  /** Zones from the column; null: from the number (the test asks the geo library). */
  columnZones: string[] | null;
  consentType: 'written' | 'express' | null;
  consentAt: Date | null;
  fields: Record<string, string>;
}

export interface ExpectedError {
  line: number;
  code: string;
  column: string | null;
  /** Checked exactly when given. */
  reason?: string;
  /** Checked exactly when given. */
  value?: string;
}

export interface FuzzFile {
  bytes: Buffer;
  leads: ExpectedLead[];
  errors: ExpectedError[];
  /** Data rows (empty lines and `,,,` rows excluded). */
  rowsRead: number;
  stats: Record<string, number>;
}

const AREAS = ['201', '202', '206', '212', '305', '312', '404', '415', '503', '602', '617', '702', '713', '808', '907', '917'];
const BAD_EXCHANGES = new Set(['555', '950', '958', '959', '976']);
const NAMES = ['Ann', 'Zoë', 'José', 'Ann, Jr.', 'O"Brien', 'Two\nLines', "=cmd|' /C calc'!A0", '@SUM(1)', '-2+3', '+cmd', '', '  Padded  ', '李雷'];
const NOTES = ['', 'likes mornings', 'a, b, "c"', 'line one\r\nline two', '@SUM(1)', '=1+2', ' spaced ', '€ ünïcödé', 'tab\there'];
const ZONES = ['America/Chicago', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'];
const BAD_NUMBERS = ['abc', '12345', '(123) 456-7890', '+1 202 123 4567', "=cmd|' /C calc'!A0", '202 234 5678 ext. 9', '+999 1234 5678'];

type Cell = string | Buffer;

export function generateFuzzFile(seed: number, rows: number): FuzzFile {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const used = new Set<string>();
  const leads: ExpectedLead[] = [];
  const errors: ExpectedError[] = [];
  const stats: Record<string, number> = {};
  const parts: Buffer[] = [];
  let line = 1;
  let rowsRead = 0;

  /** Encode cells (quoting when needed, sometimes when not) and advance the line count. */
  const emit = (cells: readonly Cell[], rawCells?: readonly (string | null)[]) => {
    const encoded = cells.map((cell, i) => {
      const raw = rawCells?.[i];
      if (raw !== undefined && raw !== null) return Buffer.from(raw);
      if (Buffer.isBuffer(cell)) return cell;
      return Buffer.from(/[",\r\n]/.test(cell) || rnd() < 0.15 ? `"${cell.replaceAll('"', '""')}"` : cell);
    });
    const body = Buffer.concat(encoded.flatMap((cell, i) => (i === 0 ? [cell] : [Buffer.from(','), cell])));
    parts.push(body, Buffer.from(rnd() < 0.5 ? '\n' : '\r\n'));
    const start = line;
    line += (body.toString('latin1').match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
    return start;
  };

  const newNumber = (): { e164: string; raw: string; country: string } => {
    for (;;) {
      if (rnd() < 0.75) {
        const area = pick(AREAS);
        const exchange = String(200 + Math.floor(rnd() * 800));
        if (exchange.endsWith('11') || BAD_EXCHANGES.has(exchange)) continue;
        const last = String(Math.floor(rnd() * 10_000)).padStart(4, '0');
        const e164 = `+1${area}${exchange}${last}`;
        if (used.has(e164)) continue;
        used.add(e164);
        const raw = pick([`+1 ${area} ${exchange} ${last}`, `(${area}) ${exchange}-${last}`, `${area}.${exchange}.${last}`, `1${area}${exchange}${last}`, e164]);
        return { e164, raw, country: pick(['', 'US', 'us']) };
      }
      const digits = String(Math.floor(rnd() * 10_000_000)).padStart(7, '0');
      const e164 = `+3361${digits}`;
      if (used.has(e164)) continue;
      used.add(e164);
      const raw = pick([`061${digits}`, `06 1${digits.slice(0, 1)} ${digits.slice(1, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`, `+33 61${digits}`]);
      return { e164, raw, country: pick(['FR', 'fr']) };
    }
  };

  /** A valid row's cells and what it must become. */
  const validRow = (number = newNumber()) => {
    const first = pick(NAMES);
    const last = pick(NAMES);
    const zoneRoll = rnd();
    const zone = zoneRoll < 0.4 ? pick(ZONES) : zoneRoll < 0.5 ? 'EST' : '';
    const consentRoll = rnd();
    const consent: [string, string, 'written' | 'express' | null, Date | null] =
      consentRoll < 0.5 ? ['', '', null, null] : consentRoll < 0.75 ? ['Written', '2024-01-15T10:00:00Z', 'written', new Date('2024-01-15T10:00:00Z')] : ['express', '2023-06-01', 'express', new Date('2023-06-01T00:00:00Z')];
    const notes = pick(NOTES);
    const score = pick(['', '42', '-7', '=1+2']);
    const cells: Cell[] = [number.raw, first, last, zone, consent[0], consent[1], number.country, notes, score];
    const fields: Record<string, string> = {};
    if (notes !== '') fields.Notes = notes;
    if (score !== '') fields.Score = score;
    const expected: Omit<ExpectedLead, 'line'> = {
      e164: number.e164,
      raw: number.raw,
      firstName: first.trim() === '' ? null : first.trim(),
      lastName: last.trim() === '' ? null : last.trim(),
      columnZones: zone === '' || zone === 'EST' ? null : [zone],
      consentType: consent[2],
      consentAt: consent[3],
      fields,
    };
    return { cells, expected, number };
  };

  const count = (kind: string) => (stats[kind] = (stats[kind] ?? 0) + 1);
  parts.push(Buffer.from(HEADER.join(',')), Buffer.from('\n'));
  line = 2;

  for (let i = 0; i < rows; i++) {
    const roll = rnd();
    if (roll < 0.05) {
      count('blank');
      parts.push(Buffer.from(rnd() < 0.5 ? '\n' : ',,,,,,,,\n'));
      line++;
      continue;
    }
    rowsRead++;
    if (roll < 0.55 || leads.length === 0) {
      count('valid');
      const row = validRow();
      // Sometimes trailing empty cells past the header, as spreadsheets write them.
      const cells = rnd() < 0.1 ? [...row.cells, ''] : row.cells;
      leads.push({ ...row.expected, line: emit(cells) });
      continue;
    }
    if (roll < 0.63) {
      count('duplicate');
      const original = pick(leads);
      const row = validRow({ e164: original.e164, raw: reformat(original, rnd), country: original.e164.startsWith('+33') ? 'FR' : '' });
      const at = emit(row.cells);
      errors.push({ line: at, code: 'duplicate', column: 'Phone', reason: `duplicate of line ${original.line}`, value: row.cells[0] as string });
      continue;
    }
    const row = validRow();
    used.delete(row.number.e164);
    const cells = [...row.cells];
    const kind = pick(['bad_number', 'empty_phone', 'bad_utf8', 'latin1', 'huge', 'short', 'long', 'consent_type', 'consent_date', 'country', 'malformed']);
    count(kind);
    let error: Omit<ExpectedError, 'line'>;
    let raw: (string | null)[] | undefined;
    switch (kind) {
      case 'bad_number':
        cells[0] = pick(BAD_NUMBERS);
        cells[6] = '';
        error = { code: 'phone_invalid', column: 'Phone', value: cells[0] };
        break;
      case 'empty_phone':
        cells[0] = '';
        cells[1] = 'Nobody';
        error = { code: 'phone_missing', column: 'Phone', reason: 'the phone number is empty', value: '' };
        break;
      case 'bad_utf8':
        cells[7] = Buffer.concat([Buffer.from('abc'), Buffer.from([0xff, 0xfe]), Buffer.from('def')]);
        error = { code: 'bad_encoding', column: 'Notes', value: 'abc\uFFFD\uFFFDdef' };
        break;
      case 'latin1':
        cells[2] = Buffer.from('Ren\xe9e', 'latin1');
        error = { code: 'bad_encoding', column: 'Last Name', value: 'Ren\uFFFDe' };
        break;
      case 'huge': {
        const filler = 'x'.repeat(64 * 1024 + Math.floor(rnd() * 5000));
        cells[7] = rnd() < 0.5 ? filler : `${filler.slice(0, 100)}\n${filler}`;
        error = { code: 'row_too_large', column: null, reason: 'the row is larger than 64 KiB' };
        break;
      }
      case 'short': {
        const keep = 9 - 1 - Math.floor(rnd() * 3);
        cells.splice(keep);
        cells[0] = row.number.raw;
        error = { code: 'wrong_column_count', column: null, reason: `the row has ${keep} columns, the header has 9` };
        break;
      }
      case 'long':
        cells.push('extra');
        error = { code: 'wrong_column_count', column: null, reason: 'the row has 10 columns, the header has 9' };
        break;
      case 'consent_type':
        cells[4] = 'maybe';
        cells[5] = '';
        error = { code: 'consent_invalid', column: 'Consent', reason: 'the consent type must be "written", "express" or empty', value: 'maybe' };
        break;
      case 'consent_date':
        cells[4] = 'written';
        cells[5] = '05/01/2024';
        error = { code: 'consent_invalid', column: 'Consent Date', value: '05/01/2024' };
        break;
      case 'country':
        cells[6] = 'ZZ';
        error = { code: 'country_invalid', column: 'Country', reason: 'not an ISO 3166 two-letter country code', value: 'ZZ' };
        break;
      default:
        raw = cells.map(() => null);
        raw[7] = '"abc"def';
        error = { code: 'malformed_csv', column: null };
        break;
    }
    errors.push({ ...error, line: emit(cells, raw) });
  }
  return { bytes: Buffer.concat(parts), leads, errors, rowsRead, stats };
}

/** The same number written another way (so a duplicate is not a byte-for-byte copy). */
function reformat(lead: ExpectedLead, rnd: () => number): string {
  if (lead.e164.startsWith('+33')) return rnd() < 0.5 ? `0${lead.e164.slice(3)}` : `+33 ${lead.e164.slice(3)}`;
  const d = lead.e164.slice(2);
  return rnd() < 0.5 ? `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}` : `+1 (${d.slice(0, 3)}) ${d.slice(3)}`;
}

/** Split bytes into random chunks (1 byte to 4 KiB), as a network would. */
export function* chunked(bytes: Buffer, rnd: () => number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(rnd() * 4096);
    yield bytes.subarray(i, i + size);
    i += size;
  }
}
