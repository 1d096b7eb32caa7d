/**
 * Row types of lists, leads, imports and import errors (created by
 * `server/db/migrations/0004-leads.ts`). Other features reach these rows through
 * `repository.ts` and `import.ts`, never directly.
 *
 * @module
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export const LEAD_STATUSES = ['new', 'callback', 'done', 'dnc', 'invalid'] as const;
/**
 * `new`: never dialled; `callback`: to be dialled again at `next_attempt_at`; `done`:
 * finished (reached, or out of attempts); `dnc`: must never be dialled; `invalid`: the
 * number turned out not to work.
 */
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const CONSENT_TYPES = ['written', 'express'] as const;
/** TCPA: `written` = prior express written consent (prerecorded, agentless); `express` = prior express consent. */
export type ConsentType = (typeof CONSENT_TYPES)[number];

/**
 * Where a lead's time zones came from: the file's time-zone column, the number's prefix
 * (libphonenumber's geographic data), or the list's country when that has a single zone.
 */
export type TimeZoneSource = 'column' | 'number' | 'list_default';

export type ImportStatus = 'running' | 'completed' | 'failed';

/** Stable codes of `import_errors.code`, so reports can be filtered without parsing text. */
export type ImportErrorCode =
  | 'row_too_large'
  | 'malformed_csv'
  | 'bad_encoding'
  | 'wrong_column_count'
  | 'phone_missing'
  | 'phone_invalid'
  | 'country_invalid'
  | 'consent_invalid'
  | 'duplicate';

/** CSV header names for each lead attribute; every column not named here goes into `fields`. */
export interface ImportMapping {
  phone: string;
  firstName?: string;
  lastName?: string;
  timeZone?: string;
  consentType?: string;
  consentAt?: string;
  consentSource?: string;
  country?: string;
}
export const MAPPING_KEYS = ['phone', 'firstName', 'lastName', 'timeZone', 'consentType', 'consentAt', 'consentSource', 'country'] as const;

export interface ListsTable {
  /** UUID. */
  id: string;
  name: string;
  /** No foreign key yet (campaigns come later); copied onto every lead of the list. */
  campaign_id: string | null;
  /** ISO 3166-1 alpha-2, upper case: how numbers without a country code are read. */
  default_country: string;
  created_at: ColumnType<Date, Date, never>;
  /** User id of the creator (`admin-token` for the API token). */
  created_by: string | null;
}

export interface LeadsTable {
  /** UUID. */
  id: string;
  list_id: string;
  /** The list's campaign when the lead was written (null: the list has none). */
  campaign_id: string | null;
  /** E.164, unique per list. */
  phone_e164: string;
  /** The number exactly as it was given. */
  phone_raw: string;
  first_name: string | null;
  last_name: string | null;
  /** Every CSV column the mapping does not name, header → value (empty cells left out). */
  fields: ColumnType<Record<string, string>, string | undefined, string>;
  /** IANA zones the callee may be in; the calling window must hold in all of them. Empty: unknown (never dialled). */
  time_zones: ColumnType<string[], string[] | undefined, string[]>;
  time_zone_source: TimeZoneSource | null;
  consent_type: ConsentType | null;
  consent_at: Date | null;
  consent_source: string | null;
  status: ColumnType<LeadStatus, LeadStatus | undefined, LeadStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  next_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_outcome: ColumnType<string | null, string | null | undefined, string | null>;
  /** Last call to this number that was abandoned (UK: 72 h lock). */
  last_abandon_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Last call answered by a machine (UK: 24 h lock). */
  last_machine_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Who holds the lead for dialling now (the campaigns engineer's claim), and since when. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The import that wrote the lead and its line in the file; null for API inserts. */
  import_id: string | null;
  import_line: number | null;
  created_at: ColumnType<Date, Date, never>;
}

export interface ImportsTable {
  /** UUID. */
  id: string;
  list_id: string;
  status: ImportStatus;
  mapping: ColumnType<ImportMapping, string, never>;
  /** Data rows read so far (empty lines not counted); = imported + rejected + duplicate once finished. */
  rows_read: ColumnType<number, number | undefined, number>;
  rows_imported: ColumnType<number, number | undefined, number>;
  rows_rejected: ColumnType<number, number | undefined, number>;
  rows_duplicate: ColumnType<number, number | undefined, number>;
  /** Bytes of the file consumed so far, and its size when known: progress in percent. */
  bytes_read: ColumnType<number, number | undefined, number>;
  bytes_total: number | null;
  started_at: ColumnType<Date, Date, never>;
  /** Last batch written (a heartbeat: a `running` import not updated for long was cut off by a stopped server). */
  updated_at: Date;
  finished_at: Date | null;
  /** Why the import failed (status `failed`). */
  error: string | null;
  created_by: ColumnType<string | null, string | null, never>;
}

export interface ImportErrorsTable {
  id: Generated<number>;
  import_id: string;
  /** Physical line of the file where the row starts (1 = the header). */
  line: number;
  /** Header name of the offending cell; null when the row as a whole is at fault. */
  column_name: string | null;
  code: ImportErrorCode;
  reason: string;
  /** The offending value, at most 200 characters. */
  value: string | null;
}

export interface LeadsTables {
  lists: ListsTable;
  leads: LeadsTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
}

export type ListRow = Selectable<ListsTable>;
export type LeadRow = Selectable<LeadsTable>;
export type NewLead = Insertable<LeadsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type ImportErrorRow = Selectable<ImportErrorsTable>;
export type NewImportError = Insertable<ImportErrorsTable>;
