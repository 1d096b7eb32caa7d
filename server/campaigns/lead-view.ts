/**
 * How a lead looks to the agent working it (the preview panel, the disposition answer):
 * the fields the softphone shows, and the lead's local time in its own zone, so the agent
 * knows it is 10:05 where the customer is.
 *
 * @module
 */
import { wallTime } from '../compliance/local-time.ts';
import type { LeadRow } from './leads/tables.ts';

/** `at` in `zone` as ISO 8601 with that zone's offset (`2026-01-05T10:00:00-05:00`); UTC (`Z`) when the zone is unknown. */
export function localIso(at: Date, zone: string | undefined): string {
  const ms = Math.floor(at.getTime() / 1000) * 1000;
  if (zone === undefined) return new Date(ms).toISOString().replace('.000Z', 'Z');
  let local;
  try {
    local = wallTime(zone, ms);
  } catch {
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }
  const offsetMin = Math.round((Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - ms) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The preview contract's lead: `{ id, phone, firstName, lastName, fields, timeZones, localTime, attempts, lastOutcome }`. */
export function previewLeadView(lead: LeadRow, now: Date) {
  return {
    id: lead.id,
    phone: lead.phone_e164,
    firstName: lead.first_name ?? '',
    lastName: lead.last_name ?? '',
    fields: lead.fields,
    timeZones: lead.time_zones,
    localTime: localIso(now, lead.time_zones[0]),
    attempts: lead.attempts,
    lastOutcome: lead.last_outcome,
  };
}

/** The preview view plus where the lead stands now (after a disposition). */
export function leadStateView(lead: LeadRow, now: Date) {
  return {
    ...previewLeadView(lead, now),
    status: lead.status,
    nextAttemptAt: lead.next_attempt_at?.toISOString() ?? null,
    callbackAgentId: lead.callback_agent_id,
  };
}
