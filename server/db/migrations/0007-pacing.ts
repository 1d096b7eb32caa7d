/**
 * Power and predictive pacing (issue #5): the two modes on campaigns and attempts, a
 * campaign's pacing settings (`campaigns.pacing`, JSON), and two moments on the attempt
 * log that the pacing controller learns from:
 *
 * - `abandoned_at`: when the safe-harbor message was chosen for the call (the governor
 *   counts abandons per minute);
 * - `agent_released_at`: when the agent connected to the call was free again (talk and
 *   wrap-up over); `bridged_at → agent_released_at` is the handle time. Written by the
 *   paced dialer from the agent's status (`server/campaigns/paced-feed.ts`).
 *
 * An index on (agent_id, bridged_at) serves "the agent's next call after this one".
 * Value lists and the default settings are written out so this migration stays what it
 * shipped as.
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';

const MODES_BEFORE = `'manual', 'preview', 'progressive'`;
const MODES_AFTER = `'manual', 'preview', 'progressive', 'power', 'predictive'`;
/** `DEFAULT_PACING_SETTINGS` of `server/pacing/settings.ts` when this shipped, without `mode` (the campaign's own). */
const DEFAULT_PACING = '{"linesPerAgent": 2, "abandonTarget": 0.02, "abandonCeiling": 0.03, "amdFalsePositiveEstimate": 0.01, "maxLines": 100}';

// Migrations run below the typed schema.
export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL names a column's inline check `<table>_<column>_check` (0006 declared them inline).
  await sql`alter table campaigns drop constraint campaigns_mode_check`.execute(db);
  await sql`alter table campaigns add constraint campaigns_mode_check check (mode in (${sql.raw(MODES_AFTER)}))`.execute(db);
  await sql`alter table campaigns add column pacing jsonb not null default ${sql.lit(DEFAULT_PACING)}::jsonb`.execute(db);
  await sql`alter table attempts drop constraint attempts_mode_check`.execute(db);
  await sql`alter table attempts add constraint attempts_mode_check check (mode in (${sql.raw(MODES_AFTER)}))`.execute(db);
  await sql`alter table attempts add column abandoned_at timestamptz, add column agent_released_at timestamptz`.execute(db);
  await sql`create index attempts_agent_bridged_idx on attempts (agent_id, bridged_at) where bridged_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index attempts_agent_bridged_idx`.execute(db);
  await sql`alter table attempts drop column abandoned_at, drop column agent_released_at`.execute(db);
  await sql`alter table attempts drop constraint attempts_mode_check`.execute(db);
  await sql`alter table attempts add constraint attempts_mode_check check (mode in (${sql.raw(MODES_BEFORE)}))`.execute(db);
  await sql`alter table campaigns drop column pacing`.execute(db);
  await sql`alter table campaigns drop constraint campaigns_mode_check`.execute(db);
  await sql`alter table campaigns add constraint campaigns_mode_check check (mode in (${sql.raw(MODES_BEFORE)}))`.execute(db);
}
