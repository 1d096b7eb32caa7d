/**
 * A streaming RFC 4180 reader that never gives up on the rest of a file because of one
 * bad row, and never holds more than one row (at most {@link MAX_RECORD_BYTES}) in memory.
 *
 * Why not `csv-parse`: its `max_record_size` error cannot be recovered from. With
 * `skip_records_with_error` it drops the rest of the current chunk and then fails every
 * later byte against the same oversized field, so every row after a 64 KiB field is lost
 * without a word (reproduced with csv-parse 7.0.3). A lead import must reject that one row
 * and keep the others, so the reader is ours: it works on bytes, so it also knows each
 * field's bytes for the UTF-8 check and each row's first physical line for the report.
 *
 * Rules:
 * - `,` separates fields, `"` quotes them (`""` is a quote inside), and LF, CRLF or a
 *   lone CR ends a row; line breaks inside quotes belong to the field.
 * - A `"` inside an unquoted field is kept as an ordinary character (as spreadsheets do).
 *   A character other than `,` or a line break right after a closing quote makes the
 *   row `malformed_csv` (the rest of the row is read as unquoted, so the next row is safe).
 * - A row over {@link MAX_RECORD_BYTES} is `row_too_large`; its remaining bytes are
 *   skipped, still honouring quotes, up to the end of the row.
 * - A quote still open at the end of the file is `malformed_csv` on the line it opened.
 * - Rows with no values at all (empty lines, `,,,`) are skipped without a report.
 * - A UTF-8 BOM is skipped; a UTF-16 BOM stops the file ({@link CsvFileError}). Every field
 *   is decoded as strict UTF-8; the indexes of those that are not valid UTF-8 come back in
 *   `badEncoding` (with the field decoded leniently, U+FFFD for the bad bytes).
 *
 * @module
 */

/** Largest row accepted, in bytes of field content (after unquoting). */
export const MAX_RECORD_BYTES = 64 * 1024;

export type CsvItem =
  | {
      kind: 'record';
      /** Physical line (1-based) on which the row starts. */
      line: number;
      fields: string[];
      /** Indexes of the fields whose bytes are not valid UTF-8. */
      badEncoding: number[];
    }
  | {
      kind: 'error';
      line: number;
      code: 'row_too_large' | 'malformed_csv';
      reason: string;
      /** The start of the row, for the report (leniently decoded, at most 200 characters). */
      value: string;
    };

/** The file as a whole cannot be read (e.g. UTF-16). */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Where the reader is inside a row. */
const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** A quote inside a quoted field: either the first of `""` or the closing quote. */
  QuoteInQuoted: 3,
} as const;
type State = (typeof State)[keyof typeof State];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Push bytes in, get rows out. Chunks may split anywhere (inside a multi-byte character,
 * a CRLF or a `""`): the reader keeps its state between `push` calls.
 */
export class CsvRecordReader {
  readonly #max: number;
  readonly #buf: Buffer;
  #len = 0;
  /** End offset (in #buf) of each finished field of the current row. */
  #fieldEnds: number[] = [];
  /** Whether each finished field has a byte >= 0x80 (only those need the UTF-8 decoder). */
  #fieldHigh: boolean[] = [];
  #high = false;
  #state: State = State.FieldStart;
  #line = 1;
  #recordLine = 1;
  #inRecord = false;
  #afterCr = false;
  #tooLarge = false;
  #malformed: string | null = null;
  #head: number[] | null = [];
  /** Bytes consumed so far (BOM included). */
  bytesRead = 0;

  constructor(maxRecordBytes: number = MAX_RECORD_BYTES) {
    this.#max = maxRecordBytes;
    this.#buf = Buffer.alloc(maxRecordBytes);
  }

  /** Physical line the reader is on (the last line number seen, at the end). */
  get line(): number {
    return this.#line;
  }

  push(chunk: Uint8Array, out: CsvItem[]): void {
    this.bytesRead += chunk.length;
    if (this.#head !== null) {
      // The BOM check needs the first three bytes, which may arrive in several chunks.
      for (const byte of chunk) this.#head.push(byte);
      if (this.#head.length < 3) return;
      chunk = this.#checkBom(Uint8Array.from(this.#head));
    }
    this.#scan(chunk, out);
  }

  /** The input ended: the last row (without a final line break), or the unclosed quote. */
  end(out: CsvItem[]): void {
    if (this.#head !== null) this.#scan(this.#checkBom(Uint8Array.from(this.#head)), out);
    if (this.#state === State.Quoted) {
      out.push({
        kind: 'error',
        line: this.#recordLine,
        code: 'malformed_csv',
        reason: `a quote opened on line ${this.#recordLine} is never closed, so lines ${this.#recordLine}–${this.#line} could not be read as rows`,
        value: this.#preview(true),
      });
      this.#resetRecord();
      return;
    }
    if (this.#inRecord) this.#endRecord(out);
  }

  #checkBom(head: Uint8Array): Uint8Array {
    this.#head = null;
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw new CsvFileError('The file is UTF-16 (it starts with a UTF-16 byte order mark); save it as CSV UTF-8.');
    }
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
    return head;
  }

  #scan(chunk: Uint8Array, out: CsvItem[]): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LF && this.#afterCr) {
        // The LF of a CRLF: the line was counted at the CR.
        this.#afterCr = false;
        if (this.#state === State.Quoted) this.#append(byte);
        continue;
      }
      this.#afterCr = byte === CR;
      if (!this.#inRecord && byte !== CR && byte !== LF) {
        this.#inRecord = true;
        this.#recordLine = this.#line;
      }
      switch (this.#state) {
        case State.FieldStart:
          if (byte === QUOTE) this.#state = State.Quoted;
          else if (byte === COMMA) this.#endField();
          else if (byte === CR || byte === LF) this.#endLine(out);
          else {
            this.#append(byte);
            this.#state = State.Unquoted;
          }
          break;
        case State.Unquoted:
          if (byte === COMMA) this.#endField();
          else if (byte === CR || byte === LF) this.#endLine(out);
          else this.#append(byte);
          break;
        case State.Quoted:
          if (byte === QUOTE) this.#state = State.QuoteInQuoted;
          else {
            if (byte === CR || byte === LF) this.#line++;
            this.#append(byte);
          }
          break;
        case State.QuoteInQuoted:
          if (byte === QUOTE) {
            this.#append(byte);
            this.#state = State.Quoted;
          } else if (byte === COMMA) this.#endField();
          else if (byte === CR || byte === LF) this.#endLine(out);
          else {
            this.#malformed ??= `unexpected character ${JSON.stringify(String.fromCharCode(byte))} after the closing quote of column ${this.#fieldEnds.length + 1}`;
            this.#append(byte);
            this.#state = State.Unquoted;
          }
          break;
      }
    }
  }

  #append(byte: number): void {
    if (this.#len >= this.#max) {
      this.#tooLarge = true;
      return;
    }
    this.#buf[this.#len++] = byte;
    if (byte >= 0x80) this.#high = true;
  }

  #endField(): void {
    this.#fieldEnds.push(this.#len);
    this.#fieldHigh.push(this.#high);
    this.#high = false;
    this.#state = State.FieldStart;
  }

  /** A line break outside quotes: the row ends (or an empty line is passed over). */
  #endLine(out: CsvItem[]): void {
    if (this.#inRecord) this.#endRecord(out);
    this.#line++;
  }

  #endRecord(out: CsvItem[]): void {
    this.#endField();
    const line = this.#recordLine;
    if (this.#tooLarge) {
      out.push({ kind: 'error', line, code: 'row_too_large', reason: `the row is larger than ${this.#max % 1024 === 0 ? `${this.#max / 1024} KiB` : `${this.#max} bytes`}`, value: this.#preview(false) });
    } else if (this.#malformed !== null) {
      out.push({ kind: 'error', line, code: 'malformed_csv', reason: this.#malformed, value: this.#preview(false) });
    } else if (this.#len > 0) {
      // (A row whose fields are all empty has no bytes: skipped like an empty line.)
      const fields: string[] = [];
      const badEncoding: number[] = [];
      let start = 0;
      for (let f = 0; f < this.#fieldEnds.length; f++) {
        const end = this.#fieldEnds[f]!;
        if (!this.#fieldHigh[f]) fields.push(this.#buf.toString('latin1', start, end));
        else {
          try {
            fields.push(strictUtf8.decode(this.#buf.subarray(start, end)));
          } catch {
            fields.push(this.#buf.toString('utf8', start, end));
            badEncoding.push(f);
          }
        }
        start = end;
      }
      out.push({ kind: 'record', line, fields, badEncoding });
    }
    this.#resetRecord();
  }

  #resetRecord(): void {
    this.#len = 0;
    this.#fieldEnds = [];
    this.#fieldHigh = [];
    this.#high = false;
    this.#state = State.FieldStart;
    this.#inRecord = false;
    this.#tooLarge = false;
    this.#malformed = null;
  }

  /** The row's first bytes as text (fields joined with commas), for the report. */
  #preview(fieldOpen: boolean): string {
    // While a field is still being read its end is not in #fieldEnds yet.
    const ends = fieldOpen ? [...this.#fieldEnds, this.#len] : this.#fieldEnds;
    const parts: string[] = [];
    let start = 0;
    let total = 0;
    for (const end of ends) {
      if (total > 200) break;
      const part = this.#buf.toString('utf8', start, Math.min(end, start + 400));
      parts.push(part);
      total += part.length + 1;
      start = end;
    }
    return parts.join(',').slice(0, 200);
  }
}

/**
 * Read rows from a byte stream (an HTTP request, a file), in order. Pulls the next chunk
 * only when the consumer asks for more, so a slow database slows the upload down instead
 * of filling memory.
 */
export async function* readCsvRecords(input: AsyncIterable<Uint8Array | string>, reader: CsvRecordReader = new CsvRecordReader()): AsyncGenerator<CsvItem> {
  const out: CsvItem[] = [];
  for await (const chunk of input) {
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, out);
    if (out.length > 0) yield* out.splice(0);
  }
  reader.end(out);
  yield* out.splice(0);
}
