/**
 * Users and their roles. Every user with the `agent` role has an `agents` row (softphone
 * and presence), created with the user or when the role is given later.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { Role, UserRow } from './tables.ts';

type Db = Kysely<Tables>;

/** Lower case letters, digits, `.`, `_`, `-`; 2–64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD_LENGTH = 10;

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  now: Date;
}

/** @throws DialerError `conflict` when the username is taken. */
export async function createUser(db: Db, input: NewUser): Promise<UserRow> {
  const username = normalizeUsername(input.username);
  // Hash before the transaction: ~50 ms of CPU must not hold the database connection.
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw new DialerError('conflict', { message: `The username ${username} is taken.` });
    const user = await trx
      .insertInto('users')
      .values({ id: randomUUID(), username, display_name: input.displayName, role: input.role, password_hash: passwordHash, created_at: input.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (user.role === 'agent') await ensureAgentRow(trx, user.id, input.now);
    return user;
  });
}

export async function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', normalizeUsername(username)).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/**
 * Change a user. A new password or disabling the account ends every session of the user
 * (whoever had the old password is logged out).
 *
 * @throws DialerError `not_found`.
 */
export async function updateUser(db: Db, id: string, patch: UserPatch, now: Date): Promise<UserRow> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new DialerError('not_found', { message: `No user ${id}.` });
    const user = await trx
      .updateTable('users')
      .set({
        ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
        ...(patch.role === undefined ? {} : { role: patch.role }),
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
        ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (user.role === 'agent') await ensureAgentRow(trx, user.id, now);
    if (passwordHash !== undefined || patch.disabled === true) {
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    }
    return user;
  });
}

async function ensureAgentRow(trx: Transaction<Tables>, userId: string, now: Date): Promise<void> {
  await trx
    .insertInto('agents')
    .values({
      user_id: userId,
      sip_username: null,
      telephony_credential_id: null,
      status: 'offline',
      status_reason: null,
      status_since: now,
      registered: false,
      last_heartbeat_at: null,
    })
    .onConflict((conflict) => conflict.column('user_id').doNothing())
    .execute();
}

export interface DemoUser {
  username: string;
  role: Role;
  password: string;
}

const DEMO_USERS: ReadonlyArray<Omit<DemoUser, 'password'> & { displayName: string }> = [
  { username: 'admin', role: 'admin', displayName: 'Admin' },
  { username: 'supervisor', role: 'supervisor', displayName: 'Supervisor' },
  { username: 'agent1', role: 'agent', displayName: 'Agent One' },
  { username: 'agent2', role: 'agent', displayName: 'Agent Two' },
];

/**
 * Sandbox mode only: make sure the demo accounts exist, enabled and with their role, and
 * give each a fresh random password on every start (they are demo accounts: whoever can
 * read the start-up output may use them). Never called in telnyx mode, where no default
 * user or password exists.
 */
export async function ensureDemoUsers(db: Db, now: Date): Promise<DemoUser[]> {
  const result: DemoUser[] = [];
  for (const demo of DEMO_USERS) {
    const password = generatePassword();
    const existing = await findUserByUsername(db, demo.username);
    if (existing) await updateUser(db, existing.id, { role: demo.role, password, disabled: false }, now);
    else await createUser(db, { username: demo.username, displayName: demo.displayName, role: demo.role, password, now });
    result.push({ username: demo.username, role: demo.role, password });
  }
  return result;
}
