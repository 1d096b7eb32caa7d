/**
 * The agent's day in a real browser: headless Chromium, the real @telnyx/webrtc SDK in
 * the built agent page, the sandbox's WebRTC socket with real media, the real server.
 * Waits are on observable conditions (selectors, transcript lines, API state), never
 * on fixed sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/index.ts';
import { openTestDatabase } from '../helpers/database.ts';
import type { Page } from 'playwright-core';
import { request } from '../helpers/dialer.ts';
import { ARTIFACTS, agentPresence, audioBytes, recordPeerConnections, signIn, startProduct, type Product } from './harness.ts';

const CUSTOMER = '+15550007777';
const DIALER = 'telnyx-dialer';
const part = (name: string) => `${DIALER} [part~="${name}"]`;
/** Generous bounds for a loaded 2-core CI machine; each wait ends as soon as its condition holds. */
const WAIT = { timeout: 15_000, interval: 100 };

let database: Database;
let product: Product;

beforeAll(async () => {
  database = await openTestDatabase();
  // A short wrap-up so "Wrap-up → Available" is seen within the test.
  product = await startProduct(database, { AGENT_WRAP_UP_S: '2' });
  // The customer answers after 0.3 s and stays until the agent hangs up.
  product.sandbox.control.addScenario({ match: CUSTOMER, outcome: 'human', ringMs: 300, talkMs: null });
}, 60_000);
afterAll(async () => {
  await product?.close();
  await database?.close();
});

async function agentStatus(username: string): Promise<{ status: string; statusReason: string | null } | undefined> {
  const users = (await product.admin('GET', '/api/users')).body.users as Array<{ id: string; username: string }>;
  const id = users.find((user) => user.username === username)?.id;
  const agents = (await product.admin('GET', '/api/agents')).body.agents as Array<{ id: string; status: string; statusReason: string | null }>;
  return agents.find((agent) => agent.id === id);
}

describe('the agent page with the real SDK', () => {
  it('logs in, goes Available, calls a customer, hears them, mutes, holds, sends DTMF, hangs up, and wraps up', async () => {
    const page = await product.browser.newPage();
    await recordPeerConnections(page);
    const statuses: string[] = [];
    await page.exposeFunction('recordDialerStatus', (status: string) => statuses.push(status));
    await page.addInitScript(() => {
      document.addEventListener('dialer-status-change', (event) => {
        (window as unknown as { recordDialerStatus(status: string): void }).recordDialerStatus((event as CustomEvent<{ status: string }>).detail.status);
      });
    });

    await signIn(page, product, 'agent1');
    const sipUser = product.sandbox.rtc.registrations()[0]!;
    expect(sipUser).toMatch(/^gencred/);

    await page.selectOption(part('status'), 'available');
    await expect.poll(async () => (await agentStatus('agent1'))?.status, WAIT).toBe('available');

    await page.fill(part('number-input'), CUSTOMER);
    await page.click(part('call-button'));
    // The server rings the softphone first (X-Dialer-Attempt, auto-answered), then the customer.
    await expect.poll(() => product.lines(), WAIT).toContain('call B bridged');
    await page.waitForSelector(`${part('hangup-button')}:not([disabled])`);
    await expect.poll(async () => (await agentStatus('agent1'))?.status, WAIT).toBe('busy');

    // The customer's audio (the sandbox's tone) reaches the browser, and the agent's reaches the sandbox.
    await expect.poll(async () => (await audioBytes(page)).received, WAIT).toBeGreaterThan(0);
    await expect.poll(async () => (await audioBytes(page)).sent, WAIT).toBeGreaterThan(0);
    await page.screenshot({ path: new URL('agent-page-in-call.png', ARTIFACTS).pathname, fullPage: true });

    await page.click(part('mute-button'));
    await expect.poll(() => page.getAttribute(part('mute-button'), 'aria-pressed'), WAIT).toBe('true');
    await page.click(part('mute-button'));
    await expect.poll(() => page.getAttribute(part('mute-button'), 'aria-pressed'), WAIT).toBe('false');

    await page.click(part('hold-button'));
    await expect.poll(() => product.lines(), WAIT).toContain(`rtc hold ${sipUser} held`);
    await page.click(part('hold-button'));
    await expect.poll(() => product.lines(), WAIT).toContain(`rtc hold ${sipUser} active`);

    await page.click(part('keypad-button'));
    await page.click(`${part('dialpad-key')}[data-key="5"]`);
    await page.click(`${part('dialpad-key')}[data-key="9"]`);
    await expect
      .poll(() => product.lines().filter((line) => line.startsWith(`rtc dtmf ${sipUser}`)), WAIT)
      .toEqual([`rtc dtmf ${sipUser} 5`, `rtc dtmf ${sipUser} 9`]);

    await page.click(part('hangup-button'));
    await expect.poll(() => product.lines(), WAIT).toContain('call A completed');
    await expect.poll(async () => (await agentStatus('agent1'))?.status, WAIT).toBe('available');
    // What the agent saw, in order: Available, Busy on the call, Wrap-up after it, Available again.
    expect(statuses.filter((status, index) => status !== statuses[index - 1])).toEqual(['available', 'busy', 'wrap_up', 'available']);
    await page.close();
  }, 90_000);

  it('lists only Available agents for transfer, and drops one the moment they become Unavailable', async () => {
    const page = await product.browser.newPage();
    await signIn(page, product, 'agent1');
    await page.selectOption(part('status'), 'available');
    await expect.poll(async () => (await agentStatus('agent1'))?.status, WAIT).toBe('available');

    // Agent Two's softphone, as another browser would hold it: registered, then Available.
    const agent2 = await agentPresence(product, 'agent2');
    await agent2.events.register();
    const asAgent2 = (status: string, reason?: string) =>
      request(`${product.running.url}/api/agents/me/status`, 'PUT', { status, ...(reason ? { reason } : {}) }, { authorization: `Bearer ${agent2.token}` });
    expect((await asAgent2('available')).status).toBe(200);

    await placeCall(page);
    await page.click(part('transfer-button'));
    await expect.poll(() => transferChoices(page), WAIT).toEqual(['Agent Two']);

    expect((await asAgent2('unavailable', 'break')).status).toBe(200);
    await expect.poll(() => transferChoices(page), WAIT).toEqual([]);
    await expect.poll(() => page.textContent(part('transfer-panel')), WAIT).toContain('No other agent is available.');

    // The server refuses the transfer too, whatever a stale list might offer.
    const attemptId = await latestAttemptId();
    const users = (await product.admin('GET', '/api/users')).body.users as Array<{ id: string; username: string }>;
    const refused = await product.admin('POST', `/api/calls/${attemptId}/transfer`, { agentId: users.find((user) => user.username === 'agent2')!.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('agent_not_available');

    await page.click(part('hangup-button'));
    await expect.poll(() => product.lines().filter((line) => line === 'call A completed').length, WAIT).toBe(2);
    await agent2.events.close();
    await page.close();
  }, 90_000);

  it('marks the agent Unavailable when their page (and its sockets) dies', async () => {
    const page = await product.browser.newPage();
    await signIn(page, product, 'agent1');
    await page.selectOption(part('status'), 'available');
    await expect.poll(async () => (await agentStatus('agent1'))?.status, WAIT).toBe('available');

    await page.close({ runBeforeUnload: false });
    await expect.poll(() => agentStatus('agent1'), WAIT).toMatchObject({ status: 'unavailable', statusReason: 'softphone_disconnected' });
  }, 60_000);
});

async function placeCall(page: Page): Promise<void> {
  const bridgedBefore = product.lines().filter((line) => line === 'call B bridged').length;
  await page.fill(part('number-input'), CUSTOMER);
  await page.click(part('call-button'));
  await expect.poll(() => product.lines().filter((line) => line === 'call B bridged').length, WAIT).toBe(bridgedBefore + 1);
  await page.waitForSelector(`${part('hangup-button')}:not([disabled])`);
}

function transferChoices(page: Page): Promise<string[]> {
  return page.$$eval(`${DIALER} [part~="transfer-agent"]`, (buttons) => buttons.map((button) => button.textContent?.trim() ?? ''));
}

async function latestAttemptId(): Promise<string> {
  const create = product.sandbox.control.transcript().filter((entry) => entry.kind === 'api' && entry.line.startsWith('api POST /Calls')).at(-1)!;
  const url = (create.detail as { request: { Url: string } }).request.Url;
  return new URL(url).searchParams.get('attempt')!;
}
