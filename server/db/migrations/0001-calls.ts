/**
 * Calls: attempts, their legs, and the append-only log of every callback.
 *
 * Plain PostgreSQL (runs the same on PGlite). The value lists in the CHECK constraints
 * are written out rather than imported, so this migration stays what it was when it
 * shipped; a later migration changes them.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

const TERMINAL = `'completed', 'busy', 'no-answer', 'canceled', 'failed'`;

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table attempts (
      id text primary key,
      kind text not null,
      agent_sip text not null,
      customer_number text not null,
      caller_id text not null,
      status text not null default 'created' check (status in (
        'created', 'dialing_agent', 'agent_answered', 'dialing_customer', 'bridged', 'completed', 'failed', 'outcome_unknown')),
      create_state text not null default 'pending' check (create_state in (
        'pending', 'accepted', 'outcome_unknown', 'reconciled_found', 'reconciled_absent', 'rejected')),
      dial_call_status text check (dial_call_status in (${sql.raw(TERMINAL)})),
      dial_call_duration_s integer check (dial_call_duration_s >= 0),
      error_code text,
      error_message text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index attempts_created_at_idx on attempts (created_at)`.execute(db);

  await sql`
    create table call_legs (
      id bigserial primary key,
      attempt_id text not null references attempts (id),
      role text not null check (role in ('agent', 'customer')),
      call_sid text unique,
      parent_call_sid text,
      status text not null default 'queued' check (status in ('queued', 'initiated', 'ringing', 'in-progress', ${sql.raw(TERMINAL)})),
      status_source text check (status_source in ('callback', 'dial_action')),
      last_sequence integer not null default -1,
      from_number text,
      to_number text,
      initiated_at timestamptz,
      ringing_at timestamptz,
      answered_at timestamptz,
      ended_at timestamptz,
      duration_s integer check (duration_s >= 0),
      hangup_cause text,
      hangup_source text,
      sip_hangup_cause text,
      answered_by text,
      error_code text,
      updated_at timestamptz not null,
      unique (attempt_id, role)
    )`.execute(db);

  await sql`
    create table call_events (
      id bigserial primary key,
      received_at timestamptz not null,
      source text not null check (source in ('status_callback', 'dial_action', 'amd', 'gather')),
      attempt_id text,
      role text check (role in ('agent', 'customer')),
      call_sid text,
      call_status text,
      sequence_number integer,
      verdict text not null check (verdict in ('applied', 'duplicate', 'stale', 'illegal', 'unknown_attempt', 'confirmed')),
      raw_body text not null,
      fields jsonb not null
    )`.execute(db);
  await sql`create index call_events_attempt_idx on call_events (attempt_id, id)`.execute(db);
  // The duplicate check looks events up by (call_sid, sequence_number, call_status).
  await sql`create index call_events_call_sid_idx on call_events (call_sid, sequence_number)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table call_events`.execute(db);
  await sql`drop table call_legs`.execute(db);
  await sql`drop table attempts`.execute(db);
}
