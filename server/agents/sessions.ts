/**
 * Login sessions. The token handed to the browser (cookie) or API client (bearer) is 32
 * random bytes; only its sha256 is stored, so a copy of the database logs nobody in.
 * A session ends 12 hours after its last use, at logout, or when its user's password
 * changes or the user is disabled.
 *
 * @module
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.ts';
import type { SessionKind, SessionRow, UserRow } from './tables.ts';

type Db = Kysely<Tables>;

/** Idle lifetime of a session, ms. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** `last_seen_at`/`expires_at` are rewritten at most this often, ms (one write a minute, not per request). */
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  session: SessionRow;
  /** Given to the client once; never stored. */
  token: string;
}

export async function createSession(db: Db, userId: string, kind: SessionKind, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  // Expired sessions of this user go now: cheap, and keeps the table from growing.
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
  const session = await db
    .insertInto('sessions')
    .values({
      id: randomUUID(),
      user_id: userId,
      token_hash: hashToken(token),
      csrf_token: randomBytes(24).toString('base64url'),
      kind,
      created_at: now,
      expires_at: new Date(now.getTime() + SESSION_IDLE_MS),
      last_seen_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { session, token };
}

export interface ActiveSession {
  session: SessionRow;
  user: UserRow;
}

/** The live session of `token` and its (enabled) user, sliding its expiry forward. */
export async function findSession(db: Db, token: string, now: Date): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.username', 'users.display_name', 'users.role', 'users.password_hash', 'users.disabled', 'users.created_at as user_created_at'])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.expires_at', '>', now)
    .where('users.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return undefined;
  const { username, display_name, role, password_hash, disabled, user_created_at, ...session } = row;
  const user: UserRow = { id: session.user_id, username, display_name, role, password_hash, disabled, created_at: user_created_at };
  if (now.getTime() - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', session.id).execute();
    return { session: { ...session, last_seen_at: now, expires_at: expiresAt }, user };
  }
  return { session, user };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}
