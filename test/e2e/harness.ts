/**
 * The whole product for browser tests: the real server and sandbox in real time (the
 * browser's SDK, sockets and media cannot run on a virtual clock), a test database,
 * the built agent page, and headless Chromium.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/db/index.ts';
import { silentLogger } from '../../server/log.ts';
import { startDialer, type RunningDialer } from '../../server/start.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { EventsSocket, request, type ApiAnswer } from '../helpers/dialer.ts';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
/** Where screenshots go (uploaded or looked at after a run; ignored by git). */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

export interface Product {
  running: RunningDialer;
  sandbox: NonNullable<RunningDialer['sandbox']>['instance'];
  browser: Browser;
  /** The admin's view of the API. */
  admin(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  password(username: string): string;
  /** The sandbox transcript lines, e.g. to wait for `rtc dtmf agent 5`. */
  lines(): string[];
  close(): Promise<void>;
}

export async function startProduct(database: Database, env: Record<string, string> = {}): Promise<Product> {
  const running = await startDialer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'silent',
      DIALER_ADMIN_TOKEN: ADMIN_TOKEN,
      DIALER_SECRET: 'e2e-secret-0123456789abcdef0123456789',
      // Browser tests run in real time, at any hour: place the sandbox's fictional
      // customers where it is early afternoon now, so the calling window is open.
      SANDBOX_CUSTOMER_TIME_ZONE: zoneWhereItIsAfternoon(new Date()),
      ...env,
    },
    database,
    logger: silentLogger(),
    sandboxOptions: { seed: 7 },
  });
  const browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
  const sandbox = running.sandbox!.instance;
  return {
    running,
    sandbox,
    browser,
    admin: (method, path, body) => request(`${running.url}${path}`, method, body, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    password(username) {
      const user = running.demoUsers.find((demo) => demo.username === username);
      if (!user) throw new Error(`no demo user ${username}`);
      return user.password;
    },
    lines: () => sandbox.control.lines(),
    async close() {
      await browser.close();
      await running.close();
    },
  };
}

/** A bearer session's `/api/events` socket, as a second agent's softphone would hold. */
export async function agentPresence(product: Product, username: string): Promise<{ token: string; events: EventsSocket }> {
  const login = await request(`${product.running.url}/api/auth/login`, 'POST', { username, password: product.password(username), tokenType: 'bearer' });
  const token = login.body.token as string;
  const events = await EventsSocket.open(`${product.running.url.replace('http', 'ws')}/api/events?token=${token}`, {});
  return { token, events };
}

/**
 * Keep every RTCPeerConnection the page creates, so a test can read the browser's own
 * RTP statistics (bytes of the customer's audio received) without reaching into the SDK.
 */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const connections: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = connections;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        connections.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Audio RTP payload bytes received and sent by the page, over all its peer connections. */
export function audioBytes(page: Page): Promise<{ received: number; sent: number }> {
  return page.evaluate(async () => {
    let received = 0;
    let sent = 0;
    for (const connection of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
      const stats = await connection.getStats();
      stats.forEach((report: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') received += report.bytesReceived ?? 0;
        if (report.type === 'outbound-rtp' && report.kind === 'audio') sent += report.bytesSent ?? 0;
      });
    }
    return { received, sent };
  });
}

/** Sign in on the agent page with the demo user's password and wait for registration. */
export async function signIn(page: Page, product: Product, username: string): Promise<void> {
  await page.goto(product.running.url);
  await page.fill('telnyx-dialer [part~="login-form"] input[name="username"]', username);
  await page.fill('telnyx-dialer [part~="login-form"] input[name="password"]', product.password(username));
  await page.click('telnyx-dialer [part~="login-button"]');
  await page.waitForSelector('telnyx-dialer [part~="registration"][data-state="registered"]');
}

/**
 * A fixed-offset IANA zone (`Etc/GMT±N`, whose sign is inverted by POSIX convention) in
 * which the local hour is about 14:00 at `now`, well inside every profile's window.
 */
export function zoneWhereItIsAfternoon(now: Date): string {
  let offsetH = 14 - now.getUTCHours();
  if (offsetH > 14) offsetH -= 24;
  if (offsetH < -12) offsetH += 24;
  if (offsetH === 0) return 'Etc/UTC';
  return `Etc/GMT${offsetH > 0 ? '-' : '+'}${Math.abs(offsetH)}`;
}
