/**
 * Runs the real dialer (the same `startDialer` as `npm start`) with the in-process
 * sandbox on a virtual clock and a test database, for integration tests; and logs in as
 * its demo users (cookie or bearer sessions, and their `/api/events` socket).
 */
import type { KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import { VirtualScheduler } from '../../lib/scheduler.ts';
import type { Database } from '../../server/db/index.ts';
import { silentLogger } from '../../server/log.ts';
import { startDialer, type RunningDialer } from '../../server/start.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestDialer {
  running: RunningDialer;
  scheduler: VirtualScheduler;
  sandbox: NonNullable<RunningDialer['sandbox']>['instance'];
  /** Call the dialer's API as the admin. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Log in as a demo user (`admin`, `supervisor`, `agent1`, `agent2`) with this run's password. */
  login(username: string, options?: { tokenType?: 'cookie' | 'bearer' }): Promise<UserSession>;
  close(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** A logged-in user: requests carry the cookie and the CSRF token, or the bearer token. */
export interface UserSession {
  user: { id: string; username: string; displayName: string; role: string };
  csrfToken: string;
  /** `dialer_session=…` (cookie sessions). */
  cookie?: string;
  /** Bearer sessions. */
  token?: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** Open `/api/events` as this user (with the cookie and our Origin, or `?token=`). */
  events(options?: { origin?: string }): Promise<EventsSocket>;
}

export async function request(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A `ws` client that keeps every message, so tests wait for one instead of sleeping. */
export class EventsSocket {
  readonly messages: any[] = [];
  readonly #waiters: Array<{ match: (message: any) => boolean; resolve: (message: any) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      this.messages.push(message);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(message)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, headers: Record<string, string>): Promise<EventsSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const events = new EventsSocket(socket);
      socket.once('open', () => resolve(events));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`events socket refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message from now on (or already received after `since`) that matches. */
  next(match: (message: any) => boolean, since = this.messages.length): Promise<any> {
    const earlier = this.messages.slice(since).find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Report the softphone's registration and wait until the server has applied it. */
  async register(registration: 'registered' | 'offline' | 'failed' = 'registered'): Promise<void> {
    const since = this.messages.length;
    this.send({ type: 'softphone.state', registration, callState: 'idle' });
    await this.next((message) => message.type === 'agent.status' && message.agent.registered === (registration === 'registered'), since);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

export interface StartTestDialerOptions {
  /** Seed of the sandbox's random choices (default 42). */
  seed?: number;
  /** Settings on top of the test defaults (port 0, silent log, fixed admin token and secret). */
  env?: Record<string, string>;
  /** Ed25519 private key the sandbox signs webhooks and tokens with (default: generated at start-up). */
  signingKey?: KeyObject;
}

export async function startTestDialer(database: Database, options: StartTestDialerOptions = {}): Promise<TestDialer> {
  const scheduler = new VirtualScheduler();
  const running = await startDialer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'silent',
      DIALER_ADMIN_TOKEN: ADMIN_TOKEN,
      DIALER_SECRET: 'test-secret-0123456789abcdef0123456789',
      ...options.env,
    },
    scheduler,
    database,
    logger: silentLogger(),
    sandboxOptions: { seed: options.seed ?? 42, ...(options.signingKey ? { signingKey: options.signingKey } : {}) },
  });
  const sandbox = running.sandbox!.instance;
  return {
    running,
    scheduler,
    sandbox,
    async api(method, path, body) {
      return request(`${running.url}${path}`, method, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
    },
    async login(username, options = {}) {
      const demo = running.demoUsers.find((user) => user.username === username);
      if (!demo) throw new Error(`no demo user ${username}`);
      const tokenType = options.tokenType ?? 'cookie';
      const answer = await request(`${running.url}/api/auth/login`, 'POST', { username, password: demo.password, tokenType });
      if (answer.status !== 200) throw new Error(`login ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
      const cookie = answer.headers.get('set-cookie')?.split(';')[0];
      const credentials: Record<string, string> =
        tokenType === 'bearer' ? { authorization: `Bearer ${answer.body.token}` } : { cookie: cookie!, 'x-csrf-token': answer.body.csrfToken };
      const wsUrl = running.url.replace(/^http/, 'ws');
      return {
        user: answer.body.user,
        csrfToken: answer.body.csrfToken,
        ...(cookie ? { cookie } : {}),
        ...(answer.body.token ? { token: answer.body.token } : {}),
        api: (method, path, body, headers = {}) => request(`${running.url}${path}`, method, body, { ...credentials, ...headers }),
        events: (eventsOptions = {}) =>
          tokenType === 'bearer'
            ? EventsSocket.open(`${wsUrl}/api/events?token=${answer.body.token}`, {})
            : EventsSocket.open(`${wsUrl}/api/events`, { cookie: cookie!, origin: eventsOptions.origin ?? running.config.http.publicBaseUrl }),
      };
    },
    close: () => running.close(),
  };
}
