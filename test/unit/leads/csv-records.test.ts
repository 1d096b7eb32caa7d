/**
 * The streaming CSV reader: RFC 4180 quoting, every line ending, physical line numbers,
 * the per-row size limit with recovery, strict UTF-8 per field, and chunks split anywhere.
 */
import { describe, expect, it } from 'vitest';
import { CsvFileError, CsvRecordReader, type CsvItem } from '../../../server/campaigns/leads/csv-records.ts';

function read(input: string | Uint8Array, chunkSize = Number.MAX_SAFE_INTEGER, max?: number): CsvItem[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const reader = new CsvRecordReader(max);
  const out: CsvItem[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) reader.push(bytes.subarray(i, i + chunkSize), out);
  reader.end(out);
  return out;
}

const rows = (items: CsvItem[]) => items.map((item) => (item.kind === 'record' ? [item.line, ...item.fields] : [item.line, item.code]));

describe('CsvRecordReader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, numbering rows by the line they start on', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",z\n3,,\n';
    expect(rows(read(text))).toEqual([
      [1, 'a', 'b', 'c'],
      [2, '1', 'x, y', 'say "hi"'],
      [3, '2', 'two\nlines', 'z'],
      [5, '3', '', ''],
    ]);
  });

  it('ends rows at LF, CRLF and a lone CR, and keeps CRLF inside quotes as content', () => {
    const text = 'h\r\nA\rB\n"C\r\nD"\r\nE';
    expect(rows(read(text))).toEqual([
      [1, 'h'],
      [2, 'A'],
      [3, 'B'],
      [4, 'C\r\nD'],
      [6, 'E'],
    ]);
  });

  it('skips empty lines and rows with no values, without reporting them', () => {
    expect(rows(read('h,i\n\n,\n\r\n"",""\nx,y\n\n'))).toEqual([
      [1, 'h', 'i'],
      [6, 'x', 'y'],
    ]);
  });

  it('gives the same rows whatever the chunking (split inside CRLF, "" and multi-byte characters)', () => {
    const text = 'name,note\r\n"Zoë ""Z""","line1\r\nline2"\r\nRenée,€ 5\r\n"a","b"';
    const whole = read(text);
    for (let size = 1; size <= 7; size++) expect(read(text, size)).toEqual(whole);
    expect(rows(whole)).toEqual([
      [1, 'name', 'note'],
      [2, 'Zoë "Z"', 'line1\r\nline2'],
      [4, 'Renée', '€ 5'],
      [5, 'a', 'b'],
    ]);
  });

  it('skips a UTF-8 BOM, even split over chunks, and refuses UTF-16', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('phone\n1\n')]);
    expect(rows(read(bom, 1))).toEqual([
      [1, 'phone'],
      [2, '1'],
    ]);
    expect(() => read(Buffer.from([0xff, 0xfe, 0x70, 0x00]))).toThrow(CsvFileError);
    expect(() => read(Buffer.from([0xfe, 0xff, 0x00, 0x70]), 1)).toThrow(/UTF-16/);
  });

  it('flags fields that are not valid UTF-8 and still reads the rest of the row', () => {
    const bytes = Buffer.concat([Buffer.from('a,Ren'), Buffer.from([0xe9]), Buffer.from('e,x'), Buffer.from([0xff, 0xfe]), Buffer.from('y\nok,é,z\n')]);
    const items = read(bytes, 2);
    expect(items[0]).toMatchObject({ kind: 'record', line: 1, fields: ['a', 'Ren\uFFFDe', 'x\uFFFD\uFFFDy'], badEncoding: [1, 2] });
    expect(items[1]).toMatchObject({ kind: 'record', line: 2, fields: ['ok', 'é', 'z'], badEncoding: [] });
  });

  it('rejects a row over the size limit and reads the next rows (quoted and unquoted)', () => {
    const big = 'x'.repeat(200);
    const text = `h,i\n1,"${big}\n${big}"\n2,ok\n3,${big}\n4,ok\n`;
    const items = read(text, 16, 100);
    expect(rows(items)).toEqual([
      [1, 'h', 'i'],
      [2, 'row_too_large'],
      [4, '2', 'ok'],
      [5, 'row_too_large'],
      [6, '4', 'ok'],
    ]);
    expect(items[1]).toMatchObject({ reason: 'the row is larger than 100 bytes', value: `1,${'x'.repeat(99)}` });
  });

  it('reports garbage after a closing quote as malformed and resumes at the next line', () => {
    expect(rows(read('h,i\n"a"b,c\n"ok",d\n'))).toEqual([
      [1, 'h', 'i'],
      [2, 'malformed_csv'],
      [3, 'ok', 'd'],
    ]);
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(rows(read('size\n5" screen\n'))).toEqual([
      [1, 'size'],
      [2, '5" screen'],
    ]);
  });

  it('reports a quote that never closes on the line where it opened', () => {
    const items = read('h,i\n1,ok\n2,"never closed\n3,lost\n4,lost\n');
    expect(rows(items)).toEqual([
      [1, 'h', 'i'],
      [2, '1', 'ok'],
      [3, 'malformed_csv'],
    ]);
    expect(items[2]).toMatchObject({ reason: expect.stringMatching(/quote opened on line 3 is never closed/) });
  });

  it('counts the bytes it has consumed', () => {
    const reader = new CsvRecordReader();
    reader.push(Buffer.from('ab\n'), []);
    reader.push(Buffer.from('cd'), []);
    expect(reader.bytesRead).toBe(5);
  });
});
