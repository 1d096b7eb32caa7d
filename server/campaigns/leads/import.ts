/**
 * CSV lead import, streamed: rows are read from the byte stream as it arrives, checked,
 * and written {@link DEFAULT_BATCH_SIZE} at a time, one transaction per batch (a multi-row
 * insert, the batch's error rows and the import's counters). Memory holds one batch and
 * one row's bytes, never the file; the next bytes are pulled only after a batch is
 * written, so a slow database slows the reading down rather than filling memory.
 *
 * Each bad row gets an `import_errors` row (the physical line it starts on, the column,
 * a code, the reason, the value cut to 200 characters) and the good rows are kept. The
 * file as a whole is refused (nothing written) only when it cannot be read at all: empty,
 * UTF-16, a header that is not UTF-8, or a mapping that does not fit the header.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { inTransaction } from '../../db/database.ts';
import { DialerError } from '../../errors.ts';
import { CsvFileError, CsvRecordReader, readCsvRecords, type CsvItem } from './csv-records.ts';
import { resolveHeader, type ResolvedHeader } from './mapping.ts';
import { checkLead, type LeadContext, type LeadInput } from './normalize.ts';
import { createImport, getList, writeLeads, type Db, type PendingLead } from './repository.ts';
import type { ImportMapping, ImportRow, ListRow, NewImportError } from './tables.ts';
import { loadNumberTimeZones } from './time-zones.ts';

/** Rows per transaction: large enough for multi-row inserts to pay, small enough for fresh progress. */
export const DEFAULT_BATCH_SIZE = 500;
/** `import_errors.value` and report cells are cut to this many characters. */
export const MAX_ERROR_VALUE_CHARS = 200;

export interface ImportProgress {
  importId: string;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  rowsDuplicate: number;
  /** Bytes of the file consumed. */
  bytesRead: number;
}

export interface ImportOptions {
  listId: string;
  /** The raw CSV bytes (a file, an HTTP request). */
  input: Readable | AsyncIterable<Uint8Array | string>;
  mapping: ImportMapping;
  /** Called after each batch is committed. */
  onProgress?: (progress: ImportProgress) => void;
  /** Clock for `started_at`, `created_at` and the "consent in the future" check. Default: real time. */
  now?: () => Date;
  createdBy?: string | null;
  /** The file's size, when known (progress in percent). */
  bytesTotal?: number | null;
  batchSize?: number;
  /** Sandbox mode only: accept the sandbox's +1 555 numbers and place them in this zone. */
  sandboxCustomerTimeZone?: string | undefined;
  /** Stop between batches (server shutting down): the import ends `failed`, with what was written kept. */
  signal?: AbortSignal;
}

export interface StartedImport {
  /** The `imports` row as created (status `running`). */
  import: ImportRow;
  /** Settles when the last batch is written: the final row (`completed`), or rejects after marking it `failed`. */
  done: Promise<ImportRow>;
}

/**
 * Read the header, check the mapping against it, create the `imports` row; the rows are
 * then imported in the background (`done`).
 *
 * @throws DialerError `not_found` (no such list) or `validation_failed` (the file cannot
 *   be read, or the mapping does not fit its header); no import row is written then.
 */
export async function startImport(db: Db, options: ImportOptions): Promise<StartedImport> {
  const now = options.now ?? (() => new Date());
  const list = await getList(db, options.listId);
  if (!list) throw new DialerError('not_found', { message: `No list ${options.listId}.` });
  const timeZones = await loadNumberTimeZones();
  const reader = new CsvRecordReader();
  const rows = readCsvRecords(options.input, reader)[Symbol.asyncIterator]();
  let header: ResolvedHeader;
  try {
    const first = await rows.next().catch((error: unknown) => {
      if (error instanceof CsvFileError) throw new DialerError('validation_failed', { message: error.message });
      throw error;
    });
    if (first.done) throw new DialerError('validation_failed', { message: 'The file is empty: it needs a header row and at least one row.' });
    header = resolveHeader(headerFields(first.value), options.mapping);
  } catch (error) {
    await rows.return?.(undefined);
    throw error;
  }
  let row: ImportRow;
  try {
    row = await createImport(db, { listId: list.id, mapping: options.mapping, bytesTotal: options.bytesTotal ?? null, createdBy: options.createdBy ?? null, now: now() });
  } catch (error) {
    await rows.return?.(undefined);
    throw error;
  }
  const context: LeadContext = { listCountry: list.default_country, timeZones, now: now(), sandboxCustomerTimeZone: options.sandboxCustomerTimeZone };
  const run = new ImportRun(db, row, list, header, context, reader, options, now);
  const done = run.execute(rows);
  return { import: row, done };
}

/** Import a whole file and return the finished `imports` row. */
export async function importLeads(db: Db, options: ImportOptions): Promise<ImportRow> {
  return (await startImport(db, options)).done;
}

function headerFields(item: CsvItem): string[] {
  if (item.kind === 'error') {
    throw new DialerError('validation_failed', { message: `The header row (line ${item.line}) cannot be read: ${item.reason}.` });
  }
  if (item.badEncoding.length > 0) {
    throw new DialerError('validation_failed', {
      message: `The header row is not UTF-8 (column ${item.badEncoding[0]! + 1}). Save the file as "CSV UTF-8"; files in Latin-1 / Windows-1252 must be converted first (e.g. iconv -f WINDOWS-1252 -t UTF-8).`,
    });
  }
  return item.fields;
}

const cut = (value: string) => (value.length > MAX_ERROR_VALUE_CHARS ? value.slice(0, MAX_ERROR_VALUE_CHARS) : value);

class ImportRun {
  readonly #counts = { rowsRead: 0, rowsImported: 0, rowsRejected: 0, rowsDuplicate: 0 };
  #leads: PendingLead[] = [];
  #errors: NewImportError[] = [];
  #batchRows = 0;

  constructor(
    private readonly db: Db,
    private readonly row: ImportRow,
    private readonly list: ListRow,
    private readonly header: ResolvedHeader,
    private readonly context: LeadContext,
    private readonly reader: CsvRecordReader,
    private readonly options: ImportOptions,
    private readonly now: () => Date,
  ) {}

  async execute(rows: AsyncIterator<CsvItem>): Promise<ImportRow> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    try {
      for (let next = await rows.next(); !next.done; next = await rows.next()) {
        this.#take(next.value);
        if (this.#batchRows >= batchSize) await this.#flush();
      }
      await this.#flush();
      return await this.db
        .updateTable('imports')
        .set({ status: 'completed', finished_at: this.now(), updated_at: this.now(), bytes_read: this.reader.bytesRead })
        .where('id', '=', this.row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      await rows.return?.(undefined).catch(() => undefined);
      const message = error instanceof DialerError || error instanceof CsvFileError ? error.message : `The import stopped: ${error instanceof Error ? error.message : String(error)}`;
      await this.db
        .updateTable('imports')
        .set({ status: 'failed', finished_at: this.now(), updated_at: this.now(), error: message })
        .where('id', '=', this.row.id)
        .execute()
        .catch(() => undefined);
      throw error;
    }
  }

  /** Sort one row into the batch: a lead to write, or an error row. */
  #take(item: CsvItem): void {
    if (this.options.signal?.aborted) throw new Error('it was cancelled (the server is shutting down)');
    this.#counts.rowsRead++;
    this.#batchRows++;
    if (item.kind === 'error') {
      this.#reject(item.line, null, item.code, item.reason, item.value);
      return;
    }
    const { names, index, custom } = this.header;
    const badColumn = item.badEncoding[0];
    if (badColumn !== undefined) {
      const reason = 'not valid UTF-8; save the file as "CSV UTF-8" (Latin-1 / Windows-1252 files must be converted)';
      this.#reject(item.line, names[badColumn] ?? `column_${badColumn + 1}`, 'bad_encoding', reason, item.fields[badColumn]!);
      return;
    }
    const { fields } = item;
    if (fields.length < names.length || fields.slice(names.length).some((value) => value !== '')) {
      const reason = `the row has ${fields.length} columns, the header has ${names.length}`;
      this.#reject(item.line, null, 'wrong_column_count', reason, fields.join(','));
      return;
    }
    const at = (key: keyof ImportMapping) => (index[key] === undefined ? undefined : fields[index[key]!]);
    const extra: Record<string, string> = {};
    for (const i of custom) if (fields[i] !== '') extra[names[i]!] = fields[i]!;
    const input: LeadInput = {
      phone: at('phone') ?? '',
      firstName: at('firstName'),
      lastName: at('lastName'),
      timeZone: at('timeZone'),
      consentType: at('consentType'),
      consentAt: at('consentAt'),
      consentSource: at('consentSource'),
      country: at('country'),
      fields: extra,
    };
    const checked = checkLead(input, this.context);
    if (!checked.ok) {
      this.#reject(item.line, names[index[checked.field]!] ?? null, checked.code, checked.reason, checked.value);
      return;
    }
    this.#leads.push({ line: item.line, lead: checked.lead });
  }

  #reject(line: number, column: string | null, code: NewImportError['code'], reason: string, value: string): void {
    this.#counts.rowsRejected++;
    this.#errors.push({ import_id: this.row.id, line, column_name: column, code, reason, value: cut(value) });
  }

  /** Write the batch: leads, error rows and counters in one transaction; then report progress. */
  async #flush(): Promise<void> {
    if (this.#batchRows === 0) return;
    const leads = this.#leads;
    const errors = this.#errors;
    this.#leads = [];
    this.#errors = [];
    this.#batchRows = 0;
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      // Inside the transaction only `trx`: on PGlite a query on `db` would wait for this transaction forever.
      const written = await writeLeads(trx, this.list, leads, this.row.id, now);
      this.#counts.rowsImported += written.inserted.length;
      this.#counts.rowsDuplicate += written.duplicates.length;
      const phoneColumn = this.header.names[this.header.index.phone!]!;
      for (const duplicate of written.duplicates) {
        errors.push({ import_id: this.row.id, line: duplicate.line, column_name: phoneColumn, code: 'duplicate', reason: duplicate.reason, value: cut(duplicate.phoneRaw) });
      }
      // Report rows in file order (the report pages by id).
      errors.sort((a, b) => a.line - b.line);
      for (let i = 0; i < errors.length; i += 1000) await trx.insertInto('import_errors').values(errors.slice(i, i + 1000)).execute();
      await trx
        .updateTable('imports')
        .set({
          rows_read: this.#counts.rowsRead,
          rows_imported: this.#counts.rowsImported,
          rows_rejected: this.#counts.rowsRejected,
          rows_duplicate: this.#counts.rowsDuplicate,
          bytes_read: this.reader.bytesRead,
          updated_at: now,
        })
        .where('id', '=', this.row.id)
        .execute();
    });
    this.options.onProgress?.({ importId: this.row.id, ...this.#counts, bytesRead: this.reader.bytesRead });
  }
}
