/**
 * The gate with its facts from the database: `evaluateDial` for one number, and
 * `explainLeads` over a campaign's leads in batches of 1,000 (one DNC query each).
 */
import { Readable } from 'node:stream';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addToDnc } from '../../../server/compliance/dnc.ts';
import { evaluateDial, EXPLAIN_BATCH, explainLeads } from '../../../server/compliance/evaluate.ts';
import { importNationalRegistry } from '../../../server/compliance/registry.ts';
import type { NewLead } from '../../../server/campaigns/leads/tables.ts';
import { useTestDatabase } from '../../helpers/database.ts';

const database = useTestDatabase({ emptyBeforeEachTest: true });
const NOW = new Date('2026-01-05T15:00:00Z'); // Monday 10:00 New York, 07:00 Los Angeles
const OWNED = '+13125550100';
const dial = { kind: 'manual' as const, profile: 'US' as const, callerId: OWNED, ownedCallerIds: [OWNED], now: NOW };

describe('evaluateDial', () => {
  it('loads the DNC hits, the registry age and the number’s zones, and asks the gate', async () => {
    expect(await evaluateDial(database.db, { ...dial, phone: '+12125550123' })).toMatchObject({ allow: true, checks: { timeZones: ['America/New_York'] } });
    // Los Angeles at 07:00.
    expect(await evaluateDial(database.db, { ...dial, phone: '+14155550123' })).toMatchObject({
      allow: false,
      reasons: [{ code: 'outside_window', opensAt: '2026-01-05T16:00:00.000Z' }],
    });
    // Given zones win over the number's.
    expect((await evaluateDial(database.db, { ...dial, phone: '+14155550123', timeZones: ['America/New_York'] })).allow).toBe(true);

    await addToDnc(database.db, { phone: '+12125550123', scope: 'campaign', campaignId: 'c1', source: 'api' });
    expect((await evaluateDial(database.db, { ...dial, phone: '+12125550123' })).allow).toBe(true);
    expect(await evaluateDial(database.db, { ...dial, phone: '+12125550123', campaignId: 'c1' })).toMatchObject({ allow: false, reasons: [{ code: 'dnc_campaign' }] });

    // A copy 40 days old blocks manual calls too.
    await importNationalRegistry(database.db, { country: 'US', registryDate: '2025-11-26', input: Readable.from(['+19995550000\n']), now: () => NOW });
    expect(await evaluateDial(database.db, { ...dial, phone: '+12125550124' })).toMatchObject({
      allow: false,
      reasons: [{ code: 'registry_stale', country: 'US', ageDays: 40, maxAgeDays: 31 }],
    });
  });
});

describe('explainLeads', () => {
  async function seed(leads: Array<Partial<NewLead> & { phone_e164: string }>): Promise<void> {
    // Lists without a campaign (their campaign_id has a foreign key to campaigns, whose rows
    // are not this test's business); the leads carry the campaign id themselves.
    await database.db.insertInto('lists').values({ id: 'list-1', name: 'List', campaign_id: null, default_country: 'US', created_at: NOW }).execute();
    await database.db.insertInto('lists').values({ id: 'list-2', name: 'Other', campaign_id: null, default_country: 'US', created_at: NOW }).execute();
    const rows: NewLead[] = leads.map((lead, i) => ({
      id: `lead-${String(i).padStart(5, '0')}`,
      list_id: 'list-1',
      campaign_id: 'c1',
      phone_raw: lead.phone_e164,
      first_name: null,
      last_name: null,
      time_zone_source: 'number',
      consent_type: null,
      consent_at: null,
      consent_source: null,
      import_id: null,
      import_line: null,
      created_at: NOW,
      time_zones: ['America/New_York'],
      ...lead,
    }));
    for (let i = 0; i < rows.length; i += 500) await database.db.insertInto('leads').values(rows.slice(i, i + 500)).execute();
  }

  it('counts every lead still to be dialled by reason, a batch of 1,000 and one DNC query at a time', async () => {
    const plain = Array.from({ length: 2_400 }, (_, i) => ({ phone_e164: `+1212${String(3_000_000 + i)}` }));
    await seed([
      ...plain,
      { phone_e164: '+14155550001', time_zones: ['America/Los_Angeles'] },
      { phone_e164: '+12085550001', time_zones: ['America/Boise', 'America/Los_Angeles'] },
      { phone_e164: '+15550009999', time_zones: [] },
      { phone_e164: '+12125559001', attempts: 3 },
      { phone_e164: '+12125559002', next_attempt_at: new Date('2026-01-05T18:00:00Z'), status: 'callback' },
      { phone_e164: '+12125559003', status: 'done' },
      { phone_e164: '+12125559004', status: 'dnc' },
    ]);
    await database.db.insertInto('leads').values({ id: 'other-campaign', list_id: 'list-2', campaign_id: 'c2', phone_e164: '+12125559999', phone_raw: 'x', first_name: null, last_name: null, time_zone_source: null, consent_type: null, consent_at: null, consent_source: null, import_id: null, import_line: null, created_at: NOW }).execute();
    await addToDnc(database.db, { phone: plain[0]!.phone_e164, scope: 'internal', source: 'api' });
    await addToDnc(database.db, { phone: plain[1_500]!.phone_e164, scope: 'campaign', campaignId: 'c1', source: 'disposition' });
    await importNationalRegistry(database.db, { country: 'US', registryDate: '2026-01-01', input: Readable.from([`${plain[2_399]!.phone_e164}\n`]), now: () => NOW });

    let dncQueries = 0;
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        if (JSON.stringify(args.node).includes('dnc_entries')) dncQueries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const explanation = await explainLeads(database.db.withPlugin(plugin), {
      campaignId: 'c1',
      profile: 'US',
      callerId: OWNED,
      ownedCallerIds: [OWNED],
      maxAttempts: 3,
      kind: 'progressive',
      now: NOW,
    });
    expect(EXPLAIN_BATCH).toBe(1_000);
    expect(dncQueries).toBe(3); // 2,405 leads to dial
    expect(explanation).toEqual({
      evaluated: 2_405,
      allowed: 2_397,
      blocked: 8,
      byReason: { dnc_internal: 1, dnc_campaign: 1, dnc_national: 1, outside_window: 2, no_time_zone: 1, attempts_exhausted: 1, retry_not_due: 1 },
      nextWindowOpensAt: '2026-01-05T16:00:00.000Z',
      examples: expect.objectContaining({ no_time_zone: ['lead-02402'], attempts_exhausted: ['lead-02403'], dnc_internal: ['lead-00000'] }),
    });
  });

  it('reports a stale registry and a foreign caller ID for every lead', async () => {
    await seed([{ phone_e164: '+12125550001' }, { phone_e164: '+12125550002' }]);
    const explanation = await explainLeads(database.db, { campaignId: 'c1', profile: 'US', callerId: '+14155550000', ownedCallerIds: [OWNED], kind: 'preview', now: NOW });
    expect(explanation).toMatchObject({ evaluated: 2, allowed: 0, blocked: 2, byReason: { registry_stale: 2, caller_id_not_owned: 2 } });
  });
});
