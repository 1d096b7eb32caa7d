/**
 * Compliance: the do-not-call lists and the national registry copies they were loaded
 * from (`server/compliance/`).
 *
 * - `dnc_entries`: one row per listed number and scope. `internal` (the company's list:
 *   dispositions, key-press opt-outs, the API), `campaign` (one campaign's), `national`
 *   (a registry copy's numbers, tied to their import). Removing an internal or campaign
 *   entry is a soft delete (`removed_at`, `removed_by`): revocation and DNC requests
 *   must be kept 5 years (47 CFR 64.1200(d)(6)), so nothing is ever erased from them.
 *   At most one LIVE entry per (number, scope, campaign, registry copy): the unique index
 *   is partial, so a number removed and later listed again gets a new row, and a number
 *   in two countries' registries (NANP is shared) is kept once per copy.
 * - `dnc_registry_imports`: each copy loaded, its date, how many numbers; at most one
 *   `active` per country. A new copy is loaded next to the old one and switched in one
 *   small transaction, so the gate never sees a half-loaded registry.
 *
 * Value lists are written out, so this migration stays what it shipped as.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table dnc_registry_imports (
      id bigint generated always as identity primary key,
      country text not null check (country in ('US', 'CA', 'UK')),
      registry_date text not null check (registry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      status text not null check (status in ('loading', 'active', 'replaced', 'failed')),
      started_at timestamptz not null,
      imported_at timestamptz,
      "rows" integer not null default 0,
      invalid_rows integer not null default 0,
      created_by text
    )`.execute(db);
  await sql`create unique index dnc_registry_imports_active_key on dnc_registry_imports (country) where status = 'active'`.execute(db);

  await sql`
    create table dnc_entries (
      id bigint generated always as identity primary key,
      phone_e164 text not null,
      scope text not null check (scope in ('internal', 'campaign', 'national')),
      campaign_id text,
      source text not null check (source in ('disposition', 'opt_out', 'api', 'registry')),
      registry_import_id bigint references dnc_registry_imports (id) on delete cascade,
      reason text,
      created_at timestamptz not null,
      created_by text,
      removed_at timestamptz,
      removed_by text,
      check ((scope = 'campaign') = (campaign_id is not null)),
      check ((scope = 'national') = (source = 'registry')),
      check ((source = 'registry') = (registry_import_id is not null)),
      check (scope <> 'national' or removed_at is null)
    )`.execute(db);
  await sql`
    create unique index dnc_entries_live_key
    on dnc_entries (phone_e164, scope, coalesce(campaign_id, ''), coalesce(registry_import_id, 0))
    where removed_at is null`.execute(db);
  await sql`create index dnc_entries_phone_idx on dnc_entries (phone_e164)`.execute(db);
  await sql`create index dnc_entries_import_idx on dnc_entries (registry_import_id) where registry_import_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table dnc_entries`.execute(db);
  await sql`drop table dnc_registry_imports`.execute(db);
}
