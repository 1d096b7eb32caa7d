import { describe, expect, it } from 'vitest';
import { CREATE_CALL_FIELDS, UPDATE_CALL_FIELDS } from '../../../lib/telnyx-wire.ts';
import { validateFields } from '../../../lib/wire-validation.ts';

const base = { ApplicationSid: 'app-1', To: '+15550001234', From: '+15550009999' };
const exclusive = [['Url', 'Texml']] as const;

describe('validateFields', () => {
  it('accepts a minimal create and drops unknown fields', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { ...base, Bogus: 'x' }, { encoding: 'json' });
    expect(result).toEqual({ ok: true, value: base });
  });

  it('reports missing required fields, mirroring Telnyx\'s ApplicationId wording', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { From: '+15550009999', To: '' }, { encoding: 'json' });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: '10004',
          title: 'Missing required parameter',
          detail: "Can't be blank: ApplicationId",
          source: { pointer: '/ApplicationId' },
          meta: { url: 'https://developers.telnyx.com/docs/overview/errors/10004' },
        },
        {
          code: '10004',
          title: 'Missing required parameter',
          detail: "Can't be blank: To",
          source: { pointer: '/To' },
          meta: { url: 'https://developers.telnyx.com/docs/overview/errors/10004' },
        },
      ],
    });
  });

  it('reports wrong types with 10026', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { ...base, To: 15550001234, Timeout: '30', AsyncAmd: 'yes' }, { encoding: 'json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.detail, error.source?.pointer])).toEqual([
      ['10026', "The 'To' parameter must be of type 'string'", '/To'],
      ['10026', "The 'AsyncAmd' parameter must be of type 'boolean'", '/AsyncAmd'],
      ['10026', "The 'Timeout' parameter must be of type 'integer'", '/Timeout'],
    ]);
  });

  it('reports bad enum values and list items with 10032', () => {
    const result = validateFields(
      CREATE_CALL_FIELDS,
      { ...base, MachineDetection: 'Maybe', StatusCallbackEvent: 'initiated hungup' },
      { encoding: 'json' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.title, error.detail])).toEqual([
      ['10032', 'Invalid enumerated value', 'StatusCallbackEvent must be one of initiated, ringing, answered, completed'],
      ['10032', 'Invalid enumerated value', 'MachineDetection must be one of Enable, Disable, DetectMessageEnd'],
    ]);
  });

  it('mirrors the documented Status error of the update endpoint', () => {
    const result = validateFields(UPDATE_CALL_FIELDS, { Status: 'canceled' }, { encoding: 'form' });
    expect(result.ok || result.errors[0]).toMatchObject({ code: '10032', detail: 'Status must be one of completed', source: { pointer: '/Status' } });
  });

  it('reports out-of-range integers with 10033', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { ...base, Timeout: 3, TimeLimit: 20_000 }, { encoding: 'json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.title, error.detail])).toEqual([
      ['10033', 'Value outside of range', 'Timeout must be between 5 and 120'],
      ['10033', 'Value outside of range', 'TimeLimit must be between 30 and 14400'],
    ]);
  });

  it('refuses Url and Texml together, alongside the other problems, in one list', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { To: '+1', From: '+2', Url: 'https://a', Texml: '<Response/>' }, { encoding: 'json', exclusive });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.source?.pointer])).toEqual([
      ['10004', '/ApplicationId'],
      ['10015', '/Texml'],
    ]);
  });

  it('coerces form strings: booleans, integers, lists and JSON headers', () => {
    const result = validateFields(
      CREATE_CALL_FIELDS,
      {
        ...base,
        AsyncAmd: 'true',
        Record: 'false',
        Timeout: '25',
        StatusCallbackEvent: 'initiated  answered',
        CustomHeaders: JSON.stringify([{ name: 'X-Dialer-Attempt', value: '42' }]),
      },
      { encoding: 'form' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        ...base,
        AsyncAmd: true,
        Record: false,
        Timeout: 25,
        StatusCallbackEvent: ['initiated', 'answered'],
        CustomHeaders: [{ name: 'X-Dialer-Attempt', value: '42' }],
      },
    });
  });

  it('keeps JSON integers strict but accepts "true"/"false" booleans as Telnyx\'s AMD guide sends them', () => {
    const strings = validateFields(CREATE_CALL_FIELDS, { ...base, AsyncAmd: 'false', Timeout: '25' }, { encoding: 'json' });
    expect(strings.ok).toBe(false);
    if (strings.ok) return;
    expect(strings.errors.map((error) => error.source?.pointer)).toEqual(['/Timeout']);
  });

  it('checks string length and pattern (CallerId)', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { ...base, CallerId: 'Acme <sales>' }, { encoding: 'json' });
    expect(result.ok || result.errors[0]).toMatchObject({ code: '10015', detail: 'CallerId has an invalid format: use only letters, digits, space and -_~!.+' });
    const long = validateFields(CREATE_CALL_FIELDS, { ...base, CallerId: 'a'.repeat(129) }, { encoding: 'json' });
    expect(long.ok || long.errors[0]).toMatchObject({ code: '10033', detail: 'CallerId must be at most 128 characters long' });
  });

  it('refuses malformed CustomHeaders', () => {
    const result = validateFields(CREATE_CALL_FIELDS, { ...base, CustomHeaders: '[{"name":1}]' }, { encoding: 'form' });
    expect(result.ok || result.errors[0]).toMatchObject({ code: '10026', detail: "The 'CustomHeaders' parameter must be of type 'array'" });
  });
});
