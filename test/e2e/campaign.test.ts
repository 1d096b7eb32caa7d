/**
 * An agent's campaign work in a real browser: a progressive campaign calls the customer
 * first, bridges them to the agent's softphone with the lead panel filled, the agent
 * dispositions the call, and the next lead's call is offered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/index.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { addList, seedRegistry } from '../integration/campaign-helpers.ts';
import { ARTIFACTS, signIn, startProduct, zoneWhereItIsAfternoon, type Product } from './harness.ts';

const DIALER = 'telnyx-dialer';
const part = (name: string) => `${DIALER} [part~="${name}"]`;
const WAIT = { timeout: 20_000, interval: 100 };

let database: Database;
let product: Product;

beforeAll(async () => {
  database = await openTestDatabase();
  product = await startProduct(database);
}, 60_000);
afterAll(async () => {
  await product?.close();
  await database?.close();
});

describe('a progressive campaign in the agent page', () => {
  it('offers a call with the lead panel filled, takes the disposition, and offers the next lead', async () => {
    const now = new Date();
    await seedRegistry(database.db, now);
    const created = await product.admin('POST', '/api/campaigns', {
      name: 'Spring renewals',
      callerId: '+13125550100',
      mode: 'progressive',
      amd: { enabled: true, mode: 'sync', detection: 'Enable' },
      safeHarbor: { companyName: 'Acme', callbackNumber: '+13125550100', optOutDigit: '9' },
      script: 'Hello {{lead.firstName}}, this is Acme about your renewal.',
      wrapUpS: 60,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaign = created.body.campaign;
    const zone = zoneWhereItIsAfternoon(now);
    await addList(database.db, campaign.id, [
      { phone: '+15550007001', firstName: 'Ada', zones: [zone] },
      { phone: '+15550007002', firstName: 'Grace', zones: [zone] },
    ], now);
    // Both customers answer quickly (as people, for the sync AMD) and stay until hung up.
    product.sandbox.control.addScenario({ match: '+1555000700*', outcome: 'human', ringMs: 300, talkMs: null });
    const started = await product.admin('POST', `/api/campaigns/${campaign.id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);

    const page = await product.browser.newPage();
    await signIn(page, product, 'agent1');
    await page.waitForSelector(`${part('campaign-select')} option[value="${campaign.id}"]`, { state: 'attached' });
    await page.selectOption(part('campaign-select'), campaign.id);
    await page.click(part('campaign-join-button'));
    await page.selectOption(part('status'), 'available');

    // The pacer calls one of them (equal priority: either may come first); when they
    // answer they are bridged to this softphone with their lead in the panel.
    const leads = { Ada: '+15550007001', Grace: '+15550007002' };
    const panelName = async () => (await page.textContent(part('lead-panel')).catch(() => '')) ?? '';
    await expect.poll(async () => /Ada|Grace/.test(await panelName()), WAIT).toBe(true);
    const first = (await panelName()).includes('Ada') ? 'Ada' : 'Grace';
    const second = first === 'Ada' ? 'Grace' : 'Ada';
    await expect.poll(() => page.textContent(part('script')).catch(() => ''), WAIT).toContain(`Hello ${first}, this is Acme about your renewal.`);
    await page.waitForSelector(`${part('hangup-button')}:not([disabled])`, { timeout: WAIT.timeout });
    await page.screenshot({ path: new URL('agent-page-campaign-call.png', ARTIFACTS).pathname, fullPage: true });

    await page.click(part('hangup-button'));
    await page.waitForSelector(part('disposition-form'), { timeout: WAIT.timeout });
    await page.click(`${part('disposition-option')}[data-kind="final"]`);
    await page.click(part('disposition-submit'));

    // The disposition is stored on the first lead's attempt, and the other's call is offered next.
    await expect.poll(panelName, WAIT).toContain(second);
    const attempts = await database.db
      .selectFrom('attempts')
      .select(['customer_number', 'disposition', 'mode', 'bridged_at'])
      .where('campaign_id', '=', campaign.id)
      .orderBy('created_at')
      .execute();
    expect(attempts[0]).toMatchObject({ customer_number: leads[first], mode: 'progressive' });
    expect(attempts[0]!.disposition).not.toBeNull();
    expect(attempts[0]!.bridged_at).not.toBeNull();
    expect(attempts.map((attempt) => attempt.customer_number)).toContain(leads[second]);
    await page.close();
  }, 90_000);
});
