/**
 * Normalising one lead: numbers to E.164 (with the row's or the list's country), country
 * codes, the consent record and ISO dates, and the whole check with its first failure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLead, normalizeCountry, normalizePhone, parseConsent, parseIsoDate, type LeadContext } from '../../../server/campaigns/leads/normalize.ts';
import { loadNumberTimeZones } from '../../../server/campaigns/leads/time-zones.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

describe('normalizePhone', () => {
  it.each([
    ['+1 208 234 5678', 'US', '+12082345678'],
    ['(208) 234-5678', 'US', '+12082345678'],
    ['208.234.5678', 'US', '+12082345678'],
    ['1-208-234-5678', 'US', '+12082345678'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['+33 6 12 34 56 78', 'US', '+33612345678'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['  +12082345678  ', 'US', '+12082345678'],
  ])('%s (%s) → %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country)).toMatchObject({ ok: true, e164 });
  });

  it.each([
    ['', 'phone_missing', 'the phone number is empty'],
    ['   ', 'phone_missing', 'the phone number is empty'],
    ['abc', 'phone_invalid', 'not a valid phone number for US: not a phone number'],
    ['12345', 'phone_invalid', 'not a valid phone number for US: too short'],
    ['+1 208 234 5678 9999', 'phone_invalid', 'not a valid phone number: too long'],
    ['(123) 456-7890', 'phone_invalid', 'not a valid phone number for US: no such number range'],
    ['+999 1234 5678', 'phone_invalid', 'not a valid phone number: without a known country code'],
    ['208 234 5678 ext. 12', 'phone_invalid', 'the number has an extension (12), which cannot be dialled'],
    ["=cmd|' /C calc'!A0", 'phone_invalid', 'not a valid phone number for US: not a phone number'],
    ['call 208 234 5678 after 5', 'phone_invalid', 'not a valid phone number for US: not a phone number'],
  ])('refuses %j: %s', (raw, code, reason) => {
    expect(normalizePhone(raw, 'US')).toEqual({ ok: false, code, reason });
  });

  it('says whether a number is geographic (fixed or mobile)', () => {
    expect(normalizePhone('+1 208 234 5678', 'US')).toMatchObject({ geographic: true });
    expect(normalizePhone('06 12 34 56 78', 'FR')).toMatchObject({ geographic: true });
    expect(normalizePhone('+1 800 234 5678', 'US')).toMatchObject({ ok: true, geographic: false });
  });

  it('accepts the sandbox +1 555 numbers only when asked', () => {
    expect(normalizePhone('+1 555 000 1234', 'US')).toMatchObject({ ok: false, code: 'phone_invalid' });
    expect(normalizePhone('+1 555 000 1234', 'US', { allowSandboxNumbers: true })).toEqual({ ok: true, e164: '+15550001234', country: 'US', geographic: false });
  });
});

describe('normalizeCountry', () => {
  it('takes ISO alpha-2 codes in any case and refuses the rest', () => {
    expect(normalizeCountry(' fr ')).toBe('FR');
    expect(normalizeCountry('US')).toBe('US');
    expect(normalizeCountry('ZZ')).toBeNull();
    expect(normalizeCountry('USA')).toBeNull();
    expect(normalizeCountry('')).toBeNull();
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T14:30', '2024-05-01T14:30:00.000Z'],
    ['2024-05-01T14:30:15Z', '2024-05-01T14:30:15.000Z'],
    ['2024-05-01 14:30:15.25-05:00', '2024-05-01T19:30:15.250Z'],
    ['2024-05-01T14:30:15+0200', '2024-05-01T12:30:15.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseIsoDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['05/01/2024', '2024-02-30', '2024-13-01', '2024-05-01T25:00', 'yesterday', '2024-5-1'])('refuses %s', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });
});

describe('parseConsent', () => {
  it('reads the type in any case, the date and the source; empty means none', () => {
    expect(parseConsent(' Written ', '2024-05-01', ' web form ', NOW)).toEqual({ ok: true, type: 'written', at: new Date('2024-05-01T00:00:00Z'), source: 'web form' });
    expect(parseConsent('express', '', '', NOW)).toEqual({ ok: true, type: 'express', at: null, source: null });
    expect(parseConsent(undefined, undefined, undefined, NOW)).toEqual({ ok: true, type: null, at: null, source: null });
  });

  it('refuses an unknown type, a bad or future date, and a date without a type', () => {
    expect(parseConsent('maybe', '', '', NOW)).toMatchObject({ ok: false, field: 'consentType' });
    expect(parseConsent('written', '05/01/2024', '', NOW)).toMatchObject({ ok: false, field: 'consentAt', reason: expect.stringContaining('ISO 8601') });
    expect(parseConsent('written', '2025-06-03', '', NOW)).toEqual({ ok: false, field: 'consentAt', reason: 'the consent date is in the future' });
    expect(parseConsent('', '2024-05-01', '', NOW)).toEqual({ ok: false, field: 'consentAt', reason: 'a consent date is given without a consent type' });
  });
});

describe('checkLead', () => {
  let context: LeadContext;
  beforeAll(async () => {
    context = { listCountry: 'US', timeZones: await loadNumberTimeZones(), now: NOW };
  });

  it('normalises a whole lead', () => {
    const result = checkLead(
      { phone: '06 12 34 56 78', country: 'fr', firstName: ' Zoë ', lastName: '', consentType: 'WRITTEN', consentAt: '2024-01-02T03:04:05Z', consentSource: 'form', fields: { plan: 'gold' } },
      context,
    );
    expect(result).toEqual({
      ok: true,
      lead: {
        phoneE164: '+33612345678',
        phoneRaw: '06 12 34 56 78',
        firstName: 'Zoë',
        lastName: null,
        fields: { plan: 'gold' },
        timeZones: ['Europe/Paris'],
        timeZoneSource: 'number',
        consentType: 'written',
        consentAt: new Date('2024-01-02T03:04:05Z'),
        consentSource: 'form',
      },
    });
  });

  it('reports the first problem: country, then phone, then consent', () => {
    expect(checkLead({ phone: 'abc', country: 'ZZ', consentType: 'x', fields: {} }, context)).toMatchObject({ ok: false, code: 'country_invalid', field: 'country', value: 'ZZ' });
    expect(checkLead({ phone: 'abc', consentType: 'x', fields: {} }, context)).toMatchObject({ ok: false, code: 'phone_invalid', field: 'phone', value: 'abc' });
    expect(checkLead({ phone: '2082345678', consentType: 'x', fields: {} }, context)).toMatchObject({ ok: false, code: 'consent_invalid', field: 'consentType', value: 'x' });
  });
});
