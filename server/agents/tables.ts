/**
 * Row types of the agents feature's tables (created by `server/db/migrations/0002-agents.ts`).
 * Other features reach these rows through this folder's functions, never directly.
 *
 * @module
 */
import type { ColumnType, Selectable } from 'kysely';

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const AGENT_STATUS = {
  offline: 'offline',
  available: 'available',
  busy: 'busy',
  wrapUp: 'wrap_up',
  unavailable: 'unavailable',
} as const;
export type AgentStatus = (typeof AGENT_STATUS)[keyof typeof AGENT_STATUS];
export const AGENT_STATUSES: readonly AgentStatus[] = Object.values(AGENT_STATUS);

export type SessionKind = 'cookie' | 'bearer';

export interface UsersTable {
  /** UUID. */
  id: string;
  /** Lower case, unique; what people type at login. */
  username: string;
  display_name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (see `passwords.ts`). Never leaves the server. */
  password_hash: string;
  created_at: ColumnType<Date, Date, never>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
}

/** One row per user with the agent role: their softphone and their presence. */
export interface AgentsTable {
  user_id: string;
  /** `gencred…` user of the telephony credential; the softphone is dialled at `sip:<it>@SIP_DOMAIN`. */
  sip_username: string | null;
  /** The credential's id, to mint login JWTs. The SIP password is never stored. */
  telephony_credential_id: string | null;
  status: ColumnType<AgentStatus, AgentStatus | undefined, AgentStatus>;
  /** Why Unavailable (`softphone_disconnected`, or what the agent chose); null otherwise. */
  status_reason: string | null;
  status_since: Date;
  /** The softphone reported `registered` over `/api/events` and has not been lost since. */
  registered: ColumnType<boolean, boolean | undefined, boolean>;
  /** Last message from the agent's softphone socket. */
  last_heartbeat_at: Date | null;
}

export interface SessionsTable {
  /** UUID; not the token. */
  id: string;
  user_id: string;
  /** sha256 (hex) of the random token; the token itself is never stored. */
  token_hash: string;
  /** Must come back as `X-CSRF-Token` on unsafe requests of a cookie session. */
  csrf_token: string;
  kind: SessionKind;
  created_at: ColumnType<Date, Date, never>;
  expires_at: Date;
  last_seen_at: Date;
}

export interface AgentsTables {
  users: UsersTable;
  agents: AgentsTable;
  sessions: SessionsTable;
}

export type UserRow = Selectable<UsersTable>;
export type AgentRow = Selectable<AgentsTable>;
export type SessionRow = Selectable<SessionsTable>;

/** A user as the API shows it. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export function publicUser(user: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role'>): PublicUser {
  return { id: user.id, username: user.username, displayName: user.display_name, role: user.role };
}
