/**
 * The compliance gate on both manual dial paths, and the `/api/dnc` API, over real HTTP
 * with the sandbox on a virtual clock (Monday 5 Jan 2026 15:00 UTC: 10:00 in New York,
 * 07:00 in Los Angeles). The sandbox's +1555… customers live in New York
 * (`SANDBOX_CUSTOMER_TIME_ZONE`'s default).
 */
import { describe, expect, it } from 'vitest';
import { parkedCallUrl } from '../../server/texml/parked-routes.ts';
import { ADMIN_TOKEN } from '../helpers/dialer.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const dialer = useTestDialer();

const CUSTOMER = '+15550001234';
const LOS_ANGELES = '+14155550123';
const HOUR = 3_600_000;

const call = (to: string) => dialer.api('POST', '/api/calls', { agent: 'agent1', to });
const attempts = () => dialer.database.db.selectFrom('attempts').select('id').execute();

async function uploadRegistry(query: string, body: string, contentType = 'text/plain') {
  const response = await fetch(`${dialer.running.url}/api/dnc/registry?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('click-to-call through the gate', () => {
  it('refuses a number on the internal DNC with 422 before anything reaches Telnyx', async () => {
    expect((await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal', reason: 'asked on the phone' })).status).toBe(201);
    const refused = await call(CUSTOMER);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'compliance_refused',
      message: 'The call was not placed: This number is on the do-not-call list.',
      details: { reasons: [{ code: 'dnc_internal' }], checks: { profile: 'US', kind: 'manual', timeZones: ['America/New_York'] } },
    });
    await dialer.scheduler.runUntilIdle();
    expect(dialer.sandbox.control.lines()).toEqual([]);
    expect(await attempts()).toEqual([]);
  });

  it('refuses outside the callee’s window with opensAt, and dials once it opens', async () => {
    const early = await call(LOS_ANGELES); // 07:00 in Los Angeles
    expect(early.status).toBe(422);
    expect(early.body.error.details.reasons).toEqual([{ code: 'outside_window', opensAt: '2026-01-05T16:00:00.000Z', timeZones: ['America/Los_Angeles'] }]);
    expect(dialer.sandbox.control.lines()).toEqual([]);

    await dialer.scheduler.advance(HOUR);
    expect((await call(LOS_ANGELES)).status).toBe(201);
    await dialer.scheduler.runUntilIdle();
    expect(dialer.sandbox.control.lines()).toContain(`verb A Dial Number=${LOS_ANGELES}`);
  });

  it('holds the sandbox customers to New York hours, and unknown zones to the mainland intersection', async () => {
    // Toll-free: no zone; a manual call then needs 08:00 in Los Angeles (16:00Z).
    const tollFree = await call('+18005550123');
    expect(tollFree.body.error.details).toMatchObject({
      reasons: [{ code: 'outside_window', opensAt: '2026-01-05T16:00:00.000Z' }],
      checks: { timeZonesAssumed: true },
    });
    await dialer.scheduler.advance(11 * HOUR); // 21:00 in New York
    const late = await call(CUSTOMER);
    expect(late.body.error.details.reasons).toEqual([{ code: 'outside_window', opensAt: '2026-01-06T13:00:00.000Z', timeZones: ['America/New_York'] }]);
    expect(await attempts()).toEqual([]);
  });

  it('requires a fresh registry copy once one was imported', async () => {
    const stale = await uploadRegistry('country=US&date=2025-11-26', '2125550111\n+15550001234\n');
    expect(stale.status).toBe(201);
    expect(stale.body).toMatchObject({ import: { country: 'US', registryDate: '2025-11-26', status: 'active', rows: 2, invalidRows: 0 }, invalid: { count: 0 } });
    const registries = (await dialer.api('GET', '/api/dnc/registry')).body.registries;
    expect(registries).toEqual([
      expect.objectContaining({ country: 'US', registryDate: '2025-11-26', ageDays: 40, maxAgeDays: 31, stale: true, rows: 2 }),
      expect.objectContaining({ country: 'CA', registryDate: null, ageDays: null, stale: true }),
      expect.objectContaining({ country: 'UK', maxAgeDays: 28 }),
    ]);
    expect((await call('+15550001299')).body.error.details.reasons).toEqual([{ code: 'registry_stale', country: 'US', ageDays: 40, maxAgeDays: 31 }]);
    expect((await call(CUSTOMER)).body.error.details.reasons.map((reason: { code: string }) => reason.code)).toEqual(['dnc_national', 'registry_stale']);

    expect((await uploadRegistry('country=US&date=2026-01-04', '2125550111\n')).status).toBe(201);
    expect((await call(CUSTOMER)).status).toBe(201);
  });
});

describe('agent-dialled (flow 2) through the gate', () => {
  it('answers a number on the DNC with a spoken refusal and <Hangup/>, and writes no attempt', async () => {
    await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal' });
    const body = new URLSearchParams({ CallSid: 'v3:parked-1', CallingPartyType: 'sip', From: 'sip:gencredAbc@sip.telnyx.com', To: CUSTOMER });
    const response = await fetch(parkedCallUrl(dialer.running.url, dialer.running.config.secrets.dialerSecret), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(response.status).toBe(200);
    const texml = await response.text();
    expect(texml).toContain('<Say>This call was not placed. This number is on the do-not-call list. Goodbye.</Say>');
    expect(texml).toContain('<Hangup/>');
    expect(texml).not.toContain('<Dial');
    expect(await attempts()).toEqual([]);
  });
});

describe('/api/dnc', () => {
  it('adds idempotently, shows entries with their audit, and removes softly', async () => {
    const added = await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal', reason: 'opted out by email' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ created: true, entry: { phone: CUSTOMER, scope: 'internal', source: 'api', createdBy: 'admin-token', createdAt: '2026-01-05T15:00:00.000Z', removedAt: null } });
    const again = await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal' });
    expect(again).toMatchObject({ status: 200, body: { created: false, entry: { id: added.body.entry.id } } });
    await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'campaign', campaignId: 'camp-1' });

    const looked = await dialer.api('GET', `/api/dnc?phone=${encodeURIComponent(CUSTOMER)}&campaignId=camp-1`);
    expect(looked.body.hits).toEqual({ internal: true, campaign: true, national: false });
    expect(looked.body.entries).toHaveLength(2);

    const removed = await dialer.api('DELETE', `/api/dnc/${added.body.entry.id}`);
    expect(removed.body.entry).toMatchObject({ removedAt: '2026-01-05T15:00:00.000Z', removedBy: 'admin-token' });
    // Unencoded, as people type it: the `+` arrives as a space and is restored.
    const after = await dialer.api('GET', `/api/dnc?phone=${CUSTOMER}`);
    expect(after.body.hits).toEqual({ internal: false, campaign: false, national: false });
    expect(after.body.entries.map((entry: { scope: string; removedBy: string | null }) => `${entry.scope} ${entry.removedBy}`)).toEqual(['internal admin-token', 'campaign null']);
    expect((await call(CUSTOMER)).status).toBe(201);
  });

  it('refuses bad requests', async () => {
    expect((await dialer.api('POST', '/api/dnc', { phone: '5550001234', scope: 'internal' })).body.error.code).toBe('validation_failed');
    expect((await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'campaign' })).body.error.message).toContain('campaignId');
    expect((await dialer.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'national' })).status).toBe(422);
    expect((await dialer.api('GET', '/api/dnc')).status).toBe(422);
    expect((await dialer.api('DELETE', '/api/dnc/424242')).status).toBe(404);
    expect((await dialer.api('DELETE', '/api/dnc/not-a-number')).status).toBe(404);
    expect((await uploadRegistry('country=US&date=2026-01-05', '{"a":1}', 'application/json')).status).toBe(415);
    expect((await uploadRegistry('country=FR&date=2026-01-05', '2125550111')).status).toBe(422);
    expect((await uploadRegistry('country=US&date=2026-01-06', '2125550111')).body.error.message).toContain('future');
    expect((await uploadRegistry('country=US&date=2026-01-05', 'junk\n')).body.error.message).toContain('no number');
    const agent = await dialer.login('agent1');
    expect((await agent.api('POST', '/api/dnc', { phone: CUSTOMER, scope: 'internal' })).status).toBe(403);
  });
});
