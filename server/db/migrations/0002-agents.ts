/**
 * Agents: users and their roles, login sessions, each agent's softphone credential and
 * presence; and what calls need to know about agents: which agent a leg rings
 * (`call_legs.agent_id`), the `transfer` leg role and the `transferring` attempt status.
 *
 * Value lists are written out, as in 0001, so this migration stays what it shipped as.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id text primary key,
      username text not null unique,
      display_name text not null,
      role text not null check (role in ('admin', 'supervisor', 'agent')),
      password_hash text not null,
      created_at timestamptz not null,
      disabled boolean not null default false
    )`.execute(db);

  await sql`
    create table agents (
      user_id text primary key references users (id) on delete cascade,
      sip_username text unique,
      telephony_credential_id text,
      status text not null default 'offline' check (status in ('offline', 'available', 'busy', 'wrap_up', 'unavailable')),
      status_reason text,
      status_since timestamptz not null,
      registered boolean not null default false,
      last_heartbeat_at timestamptz
    )`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      token_hash text not null unique,
      csrf_token text not null,
      kind text not null check (kind in ('cookie', 'bearer')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

  // The agent whose softphone a leg rings (agent legs, transfer legs); null for customers
  // and for SIP addresses that belong to no agent.
  await sql`alter table call_legs add column agent_id text references users (id)`.execute(db);
  await sql`create index call_legs_agent_idx on call_legs (agent_id, status) where agent_id is not null`.execute(db);

  await sql`alter table call_legs drop constraint call_legs_role_check`.execute(db);
  await sql`alter table call_legs add constraint call_legs_role_check check (role in ('agent', 'customer', 'transfer'))`.execute(db);
  await sql`alter table call_events drop constraint call_events_role_check`.execute(db);
  await sql`alter table call_events add constraint call_events_role_check check (role in ('agent', 'customer', 'transfer'))`.execute(db);
  await sql`alter table attempts drop constraint attempts_status_check`.execute(db);
  await sql`
    alter table attempts add constraint attempts_status_check check (status in (
      'created', 'dialing_agent', 'agent_answered', 'dialing_customer', 'bridged', 'transferring', 'completed', 'failed', 'outcome_unknown'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table attempts drop constraint attempts_status_check`.execute(db);
  await sql`
    alter table attempts add constraint attempts_status_check check (status in (
      'created', 'dialing_agent', 'agent_answered', 'dialing_customer', 'bridged', 'completed', 'failed', 'outcome_unknown'))`.execute(db);
  await sql`alter table call_events drop constraint call_events_role_check`.execute(db);
  await sql`alter table call_events add constraint call_events_role_check check (role in ('agent', 'customer'))`.execute(db);
  await sql`alter table call_legs drop constraint call_legs_role_check`.execute(db);
  await sql`alter table call_legs add constraint call_legs_role_check check (role in ('agent', 'customer'))`.execute(db);
  await sql`alter table call_legs drop column agent_id`.execute(db);
  await sql`drop table sessions`.execute(db);
  await sql`drop table agents`.execute(db);
  await sql`drop table users`.execute(db);
}
