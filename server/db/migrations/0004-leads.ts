/**
 * Lists and leads (issue #4 part 1): lists, their leads, CSV imports and the per-row error
 * report of each import.
 *
 * - `lists.campaign_id` has no foreign key yet: campaigns come in a later migration, which
 *   adds it. Leads copy their list's `campaign_id` so that claiming the next lead of a
 *   campaign and the cross-list duplicate check are one index lookup each.
 * - A number is unique within a list (`leads_list_phone_key`). Across the lists of one
 *   campaign it is kept unique by the importer (under a per-campaign advisory lock), not
 *   by an index, so that attaching an overlapping list to a campaign later stays possible.
 * - `import_errors.value` is at most 200 characters (the importer truncates), so a 64 KiB
 *   field cannot bloat the report.
 *
 * Value lists are written out so this migration stays what it shipped as.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table lists (
      id text primary key,
      name text not null,
      campaign_id text,
      default_country text not null check (default_country ~ '^[A-Z]{2}$'),
      created_at timestamptz not null,
      created_by text
    )`.execute(db);
  await sql`create index lists_campaign_idx on lists (campaign_id) where campaign_id is not null`.execute(db);

  await sql`
    create table imports (
      id text primary key,
      list_id text not null references lists (id) on delete cascade,
      status text not null check (status in ('running', 'completed', 'failed')),
      mapping jsonb not null,
      rows_read integer not null default 0,
      rows_imported integer not null default 0,
      rows_rejected integer not null default 0,
      rows_duplicate integer not null default 0,
      bytes_read bigint not null default 0,
      bytes_total bigint,
      started_at timestamptz not null,
      updated_at timestamptz not null,
      finished_at timestamptz,
      error text,
      created_by text
    )`.execute(db);
  await sql`create index imports_list_idx on imports (list_id, started_at)`.execute(db);
  await sql`create index imports_running_idx on imports (status) where status = 'running'`.execute(db);

  await sql`
    create table import_errors (
      id bigserial primary key,
      import_id text not null references imports (id) on delete cascade,
      line integer not null,
      column_name text,
      code text not null,
      reason text not null,
      value text check (length(value) <= 200)
    )`.execute(db);
  await sql`create index import_errors_import_idx on import_errors (import_id, line)`.execute(db);

  await sql`
    create table leads (
      id text primary key,
      list_id text not null references lists (id) on delete cascade,
      campaign_id text,
      phone_e164 text not null check (phone_e164 ~ '^\\+[1-9][0-9]{1,14}$'),
      phone_raw text not null,
      first_name text,
      last_name text,
      fields jsonb not null default '{}',
      time_zones text[] not null default '{}',
      time_zone_source text check (time_zone_source in ('column', 'number', 'list_default')),
      consent_type text check (consent_type in ('written', 'express')),
      consent_at timestamptz,
      consent_source text,
      status text not null default 'new' check (status in ('new', 'callback', 'done', 'dnc', 'invalid')),
      attempts integer not null default 0 check (attempts >= 0),
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      last_outcome text,
      last_abandon_at timestamptz,
      last_machine_at timestamptz,
      claimed_by text,
      claimed_at timestamptz,
      import_id text references imports (id) on delete set null,
      import_line integer,
      created_at timestamptz not null,
      constraint leads_list_phone_key unique (list_id, phone_e164)
    )`.execute(db);
  await sql`create index leads_campaign_phone_idx on leads (campaign_id, phone_e164)`.execute(db);
  await sql`create index leads_campaign_claim_idx on leads (campaign_id, status, next_attempt_at)`.execute(db);
  await sql`create index leads_import_idx on leads (import_id) where import_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table leads`.execute(db);
  await sql`drop table import_errors`.execute(db);
  await sql`drop table imports`.execute(db);
  await sql`drop table lists`.execute(db);
}
