/**
 * `npm run create-user -- --username alice --role admin [--display-name "Alice Smith"] [--reset]`
 *
 * The one way to get the first user when running against real Telnyx, where no default
 * user or password exists. It uses the same configuration as the server (DATABASE_URL or
 * DIALER_DATA_DIR) and runs the migrations first. The password is read from standard
 * input when that is piped (`printf '%s' "$PASSWORD" | npm run create-user -- …`), and
 * otherwise asked for twice without echo; it never appears on the command line, where
 * `ps` and shell history would show it. `--reset` changes the password and role of an
 * existing user (and logs them out everywhere).
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { MAX_PASSWORD_LENGTH } from '../agents/passwords.ts';
import { ROLES, type Role } from '../agents/tables.ts';
import { createUser, findUserByUsername, MIN_PASSWORD_LENGTH, normalizeUsername, updateUser, USERNAME_PATTERN } from '../agents/users.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import type { Tables } from '../db/schema.ts';
import { isDialerError } from '../errors.ts';

export const USAGE = 'Usage: npm run create-user -- --username <name> --role admin|supervisor|agent [--display-name "<name>"] [--reset]';

export interface CreateUserArgs {
  username: string;
  role: Role;
  displayName: string;
  reset: boolean;
}

/** @throws Error with a message for the terminal (including the usage line). */
export function parseCreateUserArgs(argv: readonly string[]): CreateUserArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const username = normalizeUsername(values.username ?? '');
  if (!USERNAME_PATTERN.test(username)) throw new Error(`--username: 2–64 characters: letters, digits, ".", "_" or "-".\n${USAGE}`);
  if (!(ROLES as readonly string[]).includes(values.role ?? '')) throw new Error(`--role: one of ${ROLES.join(', ')}.\n${USAGE}`);
  return { username, role: values.role as Role, displayName: values['display-name']?.trim() || username, reset: values.reset ?? false };
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new Error(`The password must be at most ${MAX_PASSWORD_LENGTH} characters.`);
}

/** Create the user, or with `reset` update an existing one. */
export async function runCreateUser(db: Kysely<Tables>, args: CreateUserArgs, password: string, now: Date): Promise<'created' | 'updated'> {
  checkPassword(password);
  const existing = await findUserByUsername(db, args.username);
  if (existing && !args.reset) throw new Error(`The user ${args.username} exists; add --reset to change its password and role.`);
  if (existing) {
    await updateUser(db, existing.id, { password, role: args.role, disabled: false }, now);
    return 'updated';
  }
  await createUser(db, { username: args.username, displayName: args.displayName, role: args.role, password, now });
  return 'created';
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Ask without echo (raw mode): Enter ends, Backspace deletes, Ctrl-C aborts. */
function ask(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stdout } = process;
    // Raw (no echo) before the question, so nothing typed after it is echoed.
    stdin.setRawMode(true);
    stdout.write(question);
    stdin.resume();
    stdin.setEncoding('utf8');
    let answer = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          stdout.write('\n');
          resolve(answer);
          return;
        }
        if (char === '\u0003') {
          stdin.setRawMode(false);
          reject(new Error('Aborted.'));
          return;
        }
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readAll(process.stdin);
  const first = await ask('Password: ');
  if ((await ask('Password again: ')) !== first) throw new Error('The passwords differ.');
  return first;
}

async function main(): Promise<void> {
  const args = parseCreateUserArgs(process.argv.slice(2));
  const config = loadConfig(process.env);
  const password = await readPassword();
  checkPassword(password);
  const database = await openDatabase({ url: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  try {
    const outcome = await runCreateUser(database.db, args, password, new Date());
    console.log(`User ${args.username} (${args.role}) ${outcome}.`);
  } finally {
    await database.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(isDialerError(error) || error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
