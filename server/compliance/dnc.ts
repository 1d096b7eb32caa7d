/**
 * Do-not-call lists: the company's internal list, each campaign's list, and the national
 * registry copies (loaded by `registry.ts`).
 *
 * Writes happen AT ONCE, in the request that asks (an agent's DNC disposition, the
 * key-press opt-out of the abandon message, the API): US rules give at most 10 business
 * days (47 CFR 64.1200(d)(3), from 11 Apr 2025) and the number may already be in a
 * hopper, so there is no queue in between; the gate reads the list again right before
 * every dial. Adding is idempotent. Removing is a soft delete kept for the audit.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import type { DncFlags } from './gate.ts';
import type { DncEntryRow, DncScope, DncSource } from './tables.ts';

export const E164 = /^\+[1-9]\d{6,14}$/;

export interface AddToDncInput {
  /** E.164. */
  phone: string;
  /** `national` entries come only from a registry import. */
  scope: Exclude<DncScope, 'national'>;
  /** Required exactly for scope `campaign`. */
  campaignId?: string | null | undefined;
  source: Exclude<DncSource, 'registry'>;
  reason?: string | null | undefined;
  /** User id, or null for the system (a key press). */
  by?: string | null | undefined;
  now?: Date;
}

/** The entry as the API shows it. */
export interface DncEntry {
  id: number;
  phone: string;
  scope: DncScope;
  campaignId: string | null;
  source: DncSource;
  registryImportId: number | null;
  reason: string | null;
  createdAt: string;
  createdBy: string | null;
  removedAt: string | null;
  removedBy: string | null;
}

export function dncEntryView(row: DncEntryRow): DncEntry {
  return {
    id: row.id,
    phone: row.phone_e164,
    scope: row.scope,
    campaignId: row.campaign_id,
    source: row.source,
    registryImportId: row.registry_import_id,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    removedAt: row.removed_at?.toISOString() ?? null,
    removedBy: row.removed_by,
  };
}

function invalid(field: string, message: string): DialerError {
  return new DialerError('validation_failed', { message: `${field}: ${message}`, details: { fields: [{ field, message }] } });
}

/**
 * Put a number on the internal or a campaign's list, now. Listing a number that is
 * already listed (live) changes nothing and returns the existing entry.
 */
export async function addToDnc(db: Kysely<Tables>, input: AddToDncInput): Promise<{ entry: DncEntryRow; created: boolean }> {
  if (!E164.test(input.phone)) throw invalid('phone', 'must be an E.164 number such as +13125550123');
  const campaignId = input.campaignId ?? null;
  if ((input.scope === 'campaign') !== (campaignId !== null)) {
    throw invalid('campaignId', input.scope === 'campaign' ? 'is required for scope "campaign"' : 'is only for scope "campaign"');
  }
  const inserted = await db
    .insertInto('dnc_entries')
    .values({
      phone_e164: input.phone,
      scope: input.scope,
      campaign_id: campaignId,
      source: input.source,
      registry_import_id: null,
      reason: input.reason ?? null,
      created_at: input.now ?? new Date(),
      created_by: input.by ?? null,
      removed_at: null,
      removed_by: null,
    })
    // The partial unique index `dnc_entries_live_key` (see the migration).
    .onConflict((conflict) =>
      conflict
        .expression(sql`phone_e164, scope, (coalesce(campaign_id, '')), (coalesce(registry_import_id, 0))`)
        .where('removed_at', 'is', null)
        .doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { entry: inserted, created: true };
  const existing = await db
    .selectFrom('dnc_entries')
    .selectAll()
    .where('phone_e164', '=', input.phone)
    .where('scope', '=', input.scope)
    .where(sql<boolean>`coalesce(campaign_id, '') = ${campaignId ?? ''}`)
    .where('registry_import_id', 'is', null)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { entry: existing, created: false };
}

/**
 * Take a number off the internal or a campaign's list: the entry is marked removed
 * (who, when) and kept. National entries change only with a new registry copy.
 *
 * @throws DialerError `not_found`; `conflict` for a national entry.
 */
export async function removeFromDnc(db: Kysely<Tables>, input: { id: number; by: string | null; now?: Date }): Promise<DncEntryRow> {
  const removed = await db
    .updateTable('dnc_entries')
    .set({ removed_at: input.now ?? new Date(), removed_by: input.by })
    .where('id', '=', input.id)
    .where('scope', '<>', 'national')
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (removed) return removed;
  const entry = await db.selectFrom('dnc_entries').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!entry) throw new DialerError('not_found', { message: `No do-not-call entry ${input.id}.` });
  if (entry.scope === 'national') {
    throw new DialerError('conflict', { message: 'National registry entries cannot be removed one by one; import a new copy of the registry.' });
  }
  return entry; // already removed: removing again changes nothing
}

/** Every entry for a number, live and removed (the audit trail), oldest first. */
export async function listDncEntries(db: Kysely<Tables>, phone: string): Promise<DncEntryRow[]> {
  return db.selectFrom('dnc_entries').selectAll().where('phone_e164', '=', phone).orderBy('created_at').orderBy('id').execute();
}

const NO_HITS: DncFlags = Object.freeze({ internal: false, campaign: false, national: false });

/**
 * Which lists each number is on, for many numbers in ONE query (the campaign dialer asks
 * for a batch of leads at a time). National hits count only from each country's active
 * registry copy. Every number asked for is in the map.
 *
 * @param campaignId the campaign whose own list applies; without it `campaign` is false.
 */
export async function dncHits(db: Kysely<Tables>, phones: readonly string[], campaignId?: string | null): Promise<Map<string, DncFlags>> {
  const hits = new Map<string, DncFlags>(phones.map((phone) => [phone, NO_HITS]));
  if (phones.length === 0) return hits;
  const { rows } = await sql<{ phone: string; scope: DncScope }>`
    select distinct e.phone_e164 as phone, e.scope
    from dnc_entries e
    left join dnc_registry_imports i on i.id = e.registry_import_id
    where e.phone_e164 = any(${[...new Set(phones)]}::text[])
      and e.removed_at is null
      and (e.scope = 'internal'
        or (e.scope = 'campaign' and e.campaign_id = ${campaignId ?? null})
        or (e.scope = 'national' and i.status = 'active'))`.execute(db);
  for (const row of rows) hits.set(row.phone, { ...hits.get(row.phone)!, [row.scope]: true });
  return hits;
}
