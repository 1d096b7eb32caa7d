/**
 * Reading and writing `agents` rows (with their user's name). Status changes go through
 * `presence.ts` only; this module is its storage.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../db/schema.ts';
import type { AgentRow, AgentStatus } from './tables.ts';

type Db = Kysely<Tables>;

export interface AgentView {
  /** The user id. */
  id: string;
  username: string;
  displayName: string;
  status: AgentStatus;
  statusReason: string | null;
  statusSince: Date;
  registered: boolean;
  sipUsername: string | null;
  telephonyCredentialId: string | null;
  lastHeartbeatAt: Date | null;
}

/** What `GET /api/agents` and the `agent.status` message show of an agent. */
export interface PublicAgent {
  id: string;
  displayName: string;
  status: AgentStatus;
  statusReason: string | null;
  registered: boolean;
}

export function publicAgent(agent: AgentView): PublicAgent {
  return { id: agent.id, displayName: agent.displayName, status: agent.status, statusReason: agent.statusReason, registered: agent.registered };
}

function selectViews(db: Db | Transaction<Tables>) {
  return db
    .selectFrom('agents')
    .innerJoin('users', 'users.id', 'agents.user_id')
    .select([
      'agents.user_id as id',
      'users.username',
      'users.display_name as displayName',
      'agents.status',
      'agents.status_reason as statusReason',
      'agents.status_since as statusSince',
      'agents.registered',
      'agents.sip_username as sipUsername',
      'agents.telephony_credential_id as telephonyCredentialId',
      'agents.last_heartbeat_at as lastHeartbeatAt',
    ])
    .where('users.role', '=', 'agent')
    .where('users.disabled', '=', false);
}

/** An enabled user with the agent role, or undefined. */
export async function getAgentView(db: Db | Transaction<Tables>, userId: string): Promise<AgentView | undefined> {
  return selectViews(db).where('agents.user_id', '=', userId).executeTakeFirst();
}

/** The enabled agents among `userIds`, by id (one query, for loops that run every second). */
export async function getAgentViews(db: Db | Transaction<Tables>, userIds: readonly string[]): Promise<Map<string, AgentView>> {
  if (userIds.length === 0) return new Map();
  const views = await selectViews(db).where('agents.user_id', 'in', userIds).execute();
  return new Map(views.map((view) => [view.id, view]));
}

export async function listAgentViews(db: Db, filter: { status?: AgentStatus } = {}): Promise<AgentView[]> {
  let query = selectViews(db);
  if (filter.status !== undefined) query = query.where('agents.status', '=', filter.status);
  return query.orderBy('users.display_name').orderBy('users.username').execute();
}

/** Agents whose presence must be watched after a restart (sockets and timers were lost). */
export async function listAgentsToResume(db: Db): Promise<AgentView[]> {
  return selectViews(db)
    .where((eb) => eb.or([eb('agents.registered', '=', true), eb('agents.status', '=', 'wrap_up')]))
    .execute();
}

/** The agent whose softphone is `sip:<sipUsername>@…`, if any. */
export async function findAgentIdBySipUsername(db: Db, sipUsername: string): Promise<string | undefined> {
  const row = await db.selectFrom('agents').select('user_id').where('sip_username', '=', sipUsername).executeTakeFirst();
  return row?.user_id;
}

export async function lockAgentRow(trx: Transaction<Tables>, userId: string): Promise<AgentRow | undefined> {
  return trx.selectFrom('agents').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export type AgentPatch = Partial<Pick<AgentRow, 'status' | 'status_reason' | 'status_since' | 'registered' | 'last_heartbeat_at'>>;

export async function updateAgentRow(trx: Db | Transaction<Tables>, userId: string, patch: AgentPatch): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await trx.updateTable('agents').set(patch).where('user_id', '=', userId).execute();
}

/**
 * Store the agent's telephony credential unless one was stored meanwhile (two requests
 * raced); answers the credential that is stored now.
 */
export async function storeCredential(
  db: Db,
  userId: string,
  credential: { id: string; sipUsername: string },
): Promise<{ id: string; sipUsername: string } | undefined> {
  await db
    .updateTable('agents')
    .set({ telephony_credential_id: credential.id, sip_username: credential.sipUsername })
    .where('user_id', '=', userId)
    .where('telephony_credential_id', 'is', null)
    .execute();
  const row = await db.selectFrom('agents').select(['telephony_credential_id', 'sip_username']).where('user_id', '=', userId).executeTakeFirst();
  if (!row?.telephony_credential_id || !row.sip_username) return undefined;
  return { id: row.telephony_credential_id, sipUsername: row.sip_username };
}

/** Drop a credential Telnyx no longer knows (deleted, or a restarted sandbox), so a new one is made. */
export async function forgetCredential(db: Db, userId: string, credentialId: string): Promise<void> {
  await db
    .updateTable('agents')
    .set({ telephony_credential_id: null, sip_username: null })
    .where('user_id', '=', userId)
    .where('telephony_credential_id', '=', credentialId)
    .execute();
}
