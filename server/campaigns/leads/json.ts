/**
 * How lists, leads, imports and import errors look in the API (camelCase, times as ISO
 * strings through `Date#toJSON`).
 *
 * @module
 */
import type { StatusCounts } from './repository.ts';
import type { ImportErrorRow, ImportRow, LeadRow, ListRow } from './tables.ts';

export function listJson(list: ListRow, counts?: StatusCounts) {
  return {
    id: list.id,
    name: list.name,
    defaultCountry: list.default_country,
    campaignId: list.campaign_id,
    createdAt: list.created_at,
    createdBy: list.created_by,
    ...(counts ? { counts } : {}),
  };
}

export function leadJson(lead: LeadRow) {
  return {
    id: lead.id,
    listId: lead.list_id,
    campaignId: lead.campaign_id,
    phoneE164: lead.phone_e164,
    phoneRaw: lead.phone_raw,
    firstName: lead.first_name,
    lastName: lead.last_name,
    fields: lead.fields,
    timeZones: lead.time_zones,
    timeZoneSource: lead.time_zone_source,
    consentType: lead.consent_type,
    consentAt: lead.consent_at,
    consentSource: lead.consent_source,
    status: lead.status,
    attempts: lead.attempts,
    lastAttemptAt: lead.last_attempt_at,
    nextAttemptAt: lead.next_attempt_at,
    lastOutcome: lead.last_outcome,
    importId: lead.import_id,
    importLine: lead.import_line,
    createdAt: lead.created_at,
  };
}

export function importJson(row: ImportRow) {
  return {
    id: row.id,
    listId: row.list_id,
    status: row.status,
    mapping: row.mapping,
    rowsRead: row.rows_read,
    rowsImported: row.rows_imported,
    rowsRejected: row.rows_rejected,
    rowsDuplicate: row.rows_duplicate,
    bytesRead: row.bytes_read,
    bytesTotal: row.bytes_total,
    /** Share of the file read, 0–100 (null when its size is unknown). */
    percent: row.bytes_total ? Math.min(100, Math.floor((row.bytes_read / row.bytes_total) * 100)) : null,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    error: row.error,
    createdBy: row.created_by,
  };
}

export function importErrorJson(row: ImportErrorRow) {
  return { line: row.line, column: row.column_name, code: row.code, reason: row.reason, value: row.value };
}
