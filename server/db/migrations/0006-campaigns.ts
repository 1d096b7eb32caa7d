/**
 * Campaigns (issue #4 part 3): campaigns, which agent works in which, the append-only log
 * of campaign changes, preview skips; the foreign key `lists.campaign_id → campaigns`;
 * a callback's owner on leads; and the campaign columns of `attempts`, which make the
 * attempts table the append-only attempt log of a campaign (times, AMD, the two-second
 * rule, messages played, the disposition and the gate's decision).
 *
 * Value lists are written out so this migration stays what it shipped as.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table campaigns (
      id text primary key,
      name text not null,
      status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'stopped')),
      mode text not null check (mode in ('manual', 'preview', 'progressive')),
      profile text not null check (profile in ('US', 'CA', 'UK')),
      caller_id text not null check (caller_id ~ '^\\+[1-9][0-9]{1,14}$'),
      ring_timeout_s integer not null check (ring_timeout_s between 15 and 120),
      max_attempts integer not null check (max_attempts between 1 and 100),
      retry_delays jsonb not null,
      amd jsonb not null,
      voicemail jsonb not null default '{}',
      safe_harbor jsonb,
      script text not null default '',
      dispositions jsonb not null,
      wrap_up_s integer not null check (wrap_up_s between 0 and 3600),
      preview_timeout_s integer check (preview_timeout_s between 5 and 600),
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index campaigns_status_idx on campaigns (status)`.execute(db);

  await sql`
    create table campaign_agents (
      agent_id text primary key references users (id) on delete cascade,
      campaign_id text not null references campaigns (id) on delete cascade,
      joined_at timestamptz not null
    )`.execute(db);
  await sql`create index campaign_agents_campaign_idx on campaign_agents (campaign_id)`.execute(db);

  await sql`
    create table campaign_changes (
      id bigserial primary key,
      campaign_id text not null references campaigns (id),
      action text not null check (action in ('create', 'update', 'start', 'pause', 'stop')),
      changed_by text not null,
      changed_at timestamptz not null,
      before jsonb,
      after jsonb not null
    )`.execute(db);
  await sql`create index campaign_changes_campaign_idx on campaign_changes (campaign_id, id)`.execute(db);

  await sql`
    create table lead_skips (
      id bigserial primary key,
      lead_id text not null references leads (id) on delete cascade,
      campaign_id text not null references campaigns (id) on delete cascade,
      agent_id text not null,
      reason text,
      skipped_at timestamptz not null
    )`.execute(db);
  await sql`create index lead_skips_agent_idx on lead_skips (agent_id, lead_id, skipped_at)`.execute(db);

  await sql`alter table lists add constraint lists_campaign_fk foreign key (campaign_id) references campaigns (id)`.execute(db);
  // The agent a callback was promised by (scope 'agent'); null: anyone may call back.
  await sql`alter table leads add column callback_agent_id text references users (id) on delete set null`.execute(db);

  // lead_id has no foreign key: the attempt log outlives the lead (a deleted list) and
  // must keep naming it.
  await sql`
    alter table attempts
      add column campaign_id text references campaigns (id),
      add column lead_id text,
      add column mode text check (mode in ('manual', 'preview', 'progressive')),
      add column agent_id text,
      add column ring_timeout_s integer check (ring_timeout_s between 15 and 120),
      add column gate_decision jsonb,
      add column outcome text check (outcome in ('human', 'machine', 'busy', 'no_answer', 'failed', 'canceled', 'not_dialled')),
      add column outcome_at timestamptz,
      add column amd_result text,
      add column amd_at timestamptz,
      add column answered_at timestamptz,
      add column bridged_at timestamptz,
      add column two_second_rule_met boolean,
      add column message_played text check (message_played in ('voicemail', 'safe_harbor')),
      add column abandoned boolean not null default false,
      add column disposition text,
      add column disposition_notes text,
      add column disposition_at timestamptz,
      add column disposition_by text`.execute(db);
  await sql`create index attempts_campaign_idx on attempts (campaign_id, created_at, id) where campaign_id is not null`.execute(db);
  await sql`create index attempts_lead_idx on attempts (lead_id, created_at) where lead_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table attempts
      drop column campaign_id, drop column lead_id, drop column mode, drop column agent_id, drop column ring_timeout_s,
      drop column gate_decision, drop column outcome, drop column outcome_at, drop column amd_result, drop column amd_at,
      drop column answered_at, drop column bridged_at, drop column two_second_rule_met, drop column message_played,
      drop column abandoned, drop column disposition, drop column disposition_notes, drop column disposition_at,
      drop column disposition_by`.execute(db);
  await sql`alter table leads drop column callback_agent_id`.execute(db);
  await sql`alter table lists drop constraint lists_campaign_fk`.execute(db);
  await sql`drop table lead_skips`.execute(db);
  await sql`drop table campaign_changes`.execute(db);
  await sql`drop table campaign_agents`.execute(db);
  await sql`drop table campaigns`.execute(db);
}
