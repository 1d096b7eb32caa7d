/**
 * Row types of the compliance tables (created by `server/db/migrations/0005-compliance.ts`).
 * Other features reach these rows through this folder's functions, never directly.
 *
 * @module
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RegistryCountry } from './profiles.ts';

export const DNC_SCOPES = ['internal', 'campaign', 'national'] as const;
export type DncScope = (typeof DNC_SCOPES)[number];

export const DNC_SOURCES = ['disposition', 'opt_out', 'api', 'registry'] as const;
export type DncSource = (typeof DNC_SOURCES)[number];

export type RegistryImportStatus = 'loading' | 'active' | 'replaced' | 'failed';

export interface DncEntriesTable {
  id: Generated<number>;
  phone_e164: string;
  scope: DncScope;
  /** Set exactly when scope is `campaign`. */
  campaign_id: string | null;
  source: DncSource;
  /** Set exactly when source is `registry` (scope `national`). */
  registry_import_id: number | null;
  reason: string | null;
  created_at: ColumnType<Date, Date, never>;
  /** User id (or `admin-token`), null for system writes (registry, opt-out key press). */
  created_by: string | null;
  /** Soft delete: the entry stops applying but is kept (revocations are kept 5 years). */
  removed_at: Date | null;
  removed_by: string | null;
}

export interface DncRegistryImportsTable {
  id: Generated<number>;
  country: RegistryCountry;
  /** The copy's own date, `YYYY-MM-DD` (what the 31-day rule counts from), not the upload time. */
  registry_date: string;
  status: RegistryImportStatus;
  started_at: Date;
  /** When the copy became active. */
  imported_at: Date | null;
  /** Distinct numbers loaded. */
  rows: ColumnType<number, number | undefined, number>;
  /** Lines that were neither E.164 nor a national number of the country. */
  invalid_rows: ColumnType<number, number | undefined, number>;
  created_by: string | null;
}

export interface ComplianceTables {
  dnc_entries: DncEntriesTable;
  dnc_registry_imports: DncRegistryImportsTable;
}

export type DncEntryRow = Selectable<DncEntriesTable>;
export type RegistryImportRow = Selectable<DncRegistryImportsTable>;
