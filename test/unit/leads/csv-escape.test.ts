/**
 * CSV export cells: RFC 4180 quoting, and formula injection neutralised without
 * touching phone numbers and plain signed numbers.
 */
import { describe, expect, it } from 'vitest';
import { CsvRecordReader, type CsvItem } from '../../../server/campaigns/leads/csv-records.ts';
import { csvRow, escapeCsvCell, neutralizeFormula } from '../../../server/reports/csv.ts';

describe('escapeCsvCell', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['@SUM(1)', "'@SUM(1)"],
    ['+cmd', "'+cmd"],
    ['-2+3+cmd', "'-2+3+cmd"],
    ['-2+3', "'-2+3"],
    ['+ ( )', "'+ ( )"],
    ['-1|2!A0', "'-1|2!A0"],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises %j as %j', (value, cell) => {
    expect(escapeCsvCell(value)).toBe(cell);
  });

  it.each(['+12085550100', '+1 (208) 555-0100', '-3', '-12.50', '+7', 'plain', 'a=b', 'x@y.z', ''])('leaves %j as it is', (value) => {
    expect(escapeCsvCell(value)).toBe(value);
  });

  it('quotes commas, quotes, line breaks and edge spaces', () => {
    expect(escapeCsvCell('a,b')).toBe('"a,b"');
    expect(escapeCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(escapeCsvCell('two\nlines')).toBe('"two\nlines"');
    expect(escapeCsvCell(' padded ')).toBe('" padded "');
  });

  it('writes null as empty, numbers and dates as text', () => {
    expect(escapeCsvCell(null)).toBe('');
    expect(escapeCsvCell(undefined)).toBe('');
    expect(escapeCsvCell(42)).toBe('42');
    expect(escapeCsvCell(-1)).toBe('-1');
    expect(escapeCsvCell(new Date('2025-01-02T03:04:05Z'))).toBe('2025-01-02T03:04:05.000Z');
  });

  it('gives rows that read back as the same cells (formulas prefixed)', () => {
    const cells = ['3', 'Phone', 'a, "b"\nc', '=1+1', '+12085550100'];
    const out: CsvItem[] = [];
    const reader = new CsvRecordReader();
    reader.push(Buffer.from(csvRow(cells)), out);
    reader.end(out);
    expect(out).toEqual([{ kind: 'record', line: 1, fields: ['3', 'Phone', 'a, "b"\nc', "'=1+1", '+12085550100'], badEncoding: [] }]);
    expect(csvRow(['a', 'b'])).toBe('a,b\r\n');
    expect(neutralizeFormula('=x')).toBe("'=x");
  });
});
