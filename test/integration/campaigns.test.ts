/**
 * Campaigns as supervisors and admins see them, over the real API: settings with their
 * defaults and legal floors, the change log, start preconditions (every refusal reason at
 * once), the pre-start preview, the audit export and the abandon ledger.
 */
import { describe, expect, it } from 'vitest';
import { addToDnc } from '../../server/compliance/dnc.ts';
import { addList, CALLER_ID, createCampaign, readyAgent, seedRegistry, useCampaignDialer } from './campaign-helpers.ts';

const { dialer, sockets, now } = useCampaignDialer({ registry: false });
const database = dialer.database;

describe('campaign settings', () => {
  it('creates a draft with sane defaults', async () => {
    const campaign = await createCampaign(dialer);
    expect(campaign).toMatchObject({
      status: 'draft',
      mode: 'preview',
      profile: 'US',
      callerId: CALLER_ID,
      ringTimeoutS: 25,
      maxAttempts: 3,
      retryDelays: { busy: 15, noAnswer: 60, machine: 240 },
      amd: { enabled: true, mode: 'async', detection: 'Enable' },
      voicemail: {},
      safeHarbor: null,
      script: '',
      wrapUpS: 30,
      previewTimeoutS: null,
    });
    expect(campaign.dispositions.map((d: { code: string; kind: string }) => `${d.code}:${d.kind}`)).toEqual([
      'sale:final',
      'not_interested:final',
      'callback:callback',
      'no_answer:retry',
      'answering_machine:retry',
      'wrong_number:final',
      'do_not_call:dnc',
    ]);
    expect((await dialer.api('GET', `/api/campaigns/${campaign.id}`)).body.campaign).toEqual(campaign);
  });

  it('refuses bad settings naming every field, and never below a legal floor', async () => {
    const bad = await dialer.api('POST', '/api/campaigns', {
      name: '',
      callerId: '3125550100',
      ringTimeoutS: 10,
      mode: 'agentless',
      dispositions: [{ code: 'sale', label: 'Sale', kind: 'final' }],
      safeHarbor: { companyName: 'Acme', callbackNumber: '+13125550100', optOutDigit: '12' },
      surprise: true,
    });
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['(body)', 'callerId', 'dispositions', 'mode', 'name', 'ringTimeoutS', 'safeHarbor.optOutDigit'].sort());
    expect(bad.body.error.message).toContain('ringTimeoutS: must be at least 15 s (legal floor)');
    expect(bad.body.error.message).toContain('must include a disposition of kind "dnc"');

    // Canada forbids prerecorded sales messages.
    const ca = await dialer.api('POST', '/api/campaigns', { name: 'CA', callerId: CALLER_ID, profile: 'CA', voicemail: { text: 'Call us back' } });
    expect(ca.status).toBe(422);
    expect(ca.body.error.details.fields).toEqual([{ field: 'voicemail', message: 'prerecorded voicemail messages are not allowed under the CA profile' }]);
  });

  it('logs every change with who, when, before and after; a running campaign keeps its floors', async () => {
    await seedRegistry(database.db, now());
    const supervisor = await dialer.login('supervisor');
    const created = await supervisor.api('POST', '/api/campaigns', {
      name: 'Outbound',
      callerId: CALLER_ID,
      mode: 'progressive',
      safeHarbor: { companyName: 'Acme', callbackNumber: CALLER_ID, optOutDigit: '9' },
    });
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    await addList(database.db, id, [{ phone: '+15550006001' }], now());
    const patched = await supervisor.api('PATCH', `/api/campaigns/${id}`, { ringTimeoutS: 30, retryDelays: { busy: 5, noAnswer: 30, machine: 120 } });
    expect(patched.body.campaign).toMatchObject({ ringTimeoutS: 30, retryDelays: { busy: 5, noAnswer: 30, machine: 120 } });
    expect((await supervisor.api('PATCH', `/api/campaigns/${id}`, { ringTimeoutS: 14 })).status).toBe(422);
    expect((await supervisor.api('POST', `/api/campaigns/${id}/start`)).status).toBe(200);

    const loosen = await supervisor.api('PATCH', `/api/campaigns/${id}`, { safeHarbor: null, profile: 'UK', callerId: '+14155550000' });
    expect(loosen.status).toBe(422);
    expect(loosen.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['callerId', 'profile', 'safeHarbor']);
    expect((await supervisor.api('PATCH', `/api/campaigns/${id}`, { name: 'Outbound (spring)' })).status).toBe(200);
    expect((await supervisor.api('POST', `/api/campaigns/${id}/pause`)).status).toBe(200);

    const { changes } = (await supervisor.api('GET', `/api/campaigns/${id}/changes`)).body;
    expect(changes.map((c: { action: string }) => c.action)).toEqual(['create', 'update', 'start', 'update', 'pause']);
    expect(changes.every((c: { changedBy: string }) => c.changedBy === supervisor.user.id)).toBe(true);
    expect(changes[0].before).toBeNull();
    expect(changes[1].before.ringTimeoutS).toBe(25);
    expect(changes[1].after.ringTimeoutS).toBe(30);
    expect(changes[3]).toMatchObject({ before: { name: 'Outbound' }, after: { name: 'Outbound (spring)' } });
    expect(changes[4]).toMatchObject({ before: { status: 'running' }, after: { status: 'paused' } });
    // The log is append-only in the API: nothing edits or deletes it.
    const routes = dialer.running.apiRoutes.filter((route) => route.path.includes('/changes'));
    expect(routes.map((route) => route.method)).toEqual(['get']);
  });

  it('lets agents list running campaigns only, without their settings', async () => {
    await seedRegistry(database.db, now());
    const running = await createCampaign(dialer, { name: 'Running' });
    await addList(database.db, running.id, [{ phone: '+15550007001' }], now());
    await dialer.api('POST', `/api/campaigns/${running.id}/start`);
    await createCampaign(dialer, { name: 'Draft' });
    const agent = await dialer.login('agent1');
    expect((await agent.api('GET', '/api/campaigns?status=running')).body).toEqual({ campaigns: [{ id: running.id, name: 'Running', mode: 'preview', status: 'running' }] });
    expect((await agent.api('GET', '/api/campaigns')).body.campaigns).toHaveLength(1);
    expect((await agent.api('GET', '/api/campaigns?status=draft')).body).toEqual({ campaigns: [] });
    expect((await agent.api('GET', `/api/campaigns/${running.id}`)).status).toBe(403);
    expect((await dialer.api('GET', '/api/campaigns')).body.campaigns).toHaveLength(2);
  });
});

describe('starting a campaign', () => {
  it('refuses with every reason at once, then starts once they are fixed', async () => {
    const campaign = await createCampaign(dialer, { callerId: '+14155550000', mode: 'progressive' });
    const refused = await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('campaign_not_startable');
    expect(refused.body.error.details.reasons.map((r: { code: string }) => r.code)).toEqual(['caller_id_not_owned', 'no_lists', 'safe_harbor_missing', 'registry_stale']);
    expect(refused.body.error.details.reasons[0]).toMatchObject({ field: 'callerId' });

    // A registry copy that is too old is refused too (US: 31 days).
    await seedRegistry(database.db, now(), 32);
    const stale = await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
    expect(stale.body.error.details.reasons.find((r: { code: string }) => r.code === 'registry_stale').message).toContain('is 32 days old; at most 31 days are allowed');

    await seedRegistry(database.db, now(), 31);
    await addList(database.db, campaign.id, [{ phone: '+15550008001' }], now());
    await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { callerId: CALLER_ID, safeHarbor: { companyName: 'Acme', callbackNumber: CALLER_ID, optOutDigit: '9' } });
    const started = await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.campaign.status).toBe('running');
    // Starting again changes nothing; pausing a draft is refused.
    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/start`)).status).toBe(200);
    const draft = await createCampaign(dialer);
    expect((await dialer.api('POST', `/api/campaigns/${draft.id}/pause`)).status).toBe(409);
  });

  it('previews what the gate would skip, and why it is not dialing', async () => {
    await seedRegistry(database.db, now());
    const campaign = await createCampaign(dialer);
    await addToDnc(database.db, { phone: '+15550009003', scope: 'internal', source: 'api', now: now() });
    await addList(
      database.db,
      campaign.id,
      [
        { phone: '+15550009001' },
        { phone: '+15550009002' },
        { phone: '+15550009003' },
        { phone: '+15550009004', zones: ['Pacific/Honolulu'] },
        { phone: '+15550009005', zones: [] },
      ],
      now(),
    );
    const preflight = await dialer.api('GET', `/api/campaigns/${campaign.id}/preflight`);
    expect(preflight.status).toBe(200);
    expect(preflight.body).toMatchObject({
      campaign: { id: campaign.id, status: 'draft' },
      startable: true,
      reasons: [],
      leads: {
        evaluated: 5,
        allowed: 2,
        blocked: 3,
        byReason: { dnc_internal: 1, outside_window: 1, no_time_zone: 1 },
        nextWindowOpensAt: '2026-01-05T18:00:00.000Z',
      },
    });
    expect(preflight.body.leads.summary).toMatch(/^5 leads to dial: 2 can be dialled now, 3 will be skipped \(/);

    const why = await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`);
    expect(why.body.problems).toEqual(['The campaign is draft, not running.', 'No agent works in this campaign.']);
    await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
    const ready = await readyAgent(dialer, 'agent1', campaign.id);
    sockets.push(ready.socket);
    const running = await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`);
    expect(running.body).toMatchObject({
      problems: [],
      agents: { joined: 1, available: 1, registered: 1, busy: 0, wrapUp: 0 },
      claimedLeads: 0,
      callsInFlight: 0,
      leads: { allowed: 2 },
    });
  });
});

describe('audit', () => {
  it('exports every attempt as formula-safe CSV and reports the abandon ledger', async () => {
    await seedRegistry(database.db, now());
    const campaign = await createCampaign(dialer);
    const [lead] = await addList(database.db, campaign.id, [{ phone: '+15550001777', firstName: '=cmd' }], now());
    await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
    const ready = await readyAgent(dialer, 'agent1', campaign.id);
    sockets.push(ready.socket);
    const agent = ready.session;
    expect((await agent.api('POST', `/api/campaigns/${campaign.id}/preview/next`)).body.lead.id).toBe(lead!.id);
    const attempt = (await agent.api('POST', `/api/leads/${lead!.id}/dial`)).body.attempt;
    await dialer.scheduler.advance(60_000);
    expect((await agent.api('POST', `/api/attempts/${attempt.id}/disposition`, { code: 'sale', notes: '=HYPERLINK("http://x","y"), -2+3' })).status).toBe(200);

    const agentCsv = await agent.api('GET', `/api/campaigns/${campaign.id}/attempts.csv`);
    expect(agentCsv.status).toBe(403);
    const response = await fetch(`${dialer.running.url}/api/campaigns/${campaign.id}/attempts.csv`, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'attempt_id,created_at,answered_at,bridged_at,ended_at,mode,agent_id,lead_id,caller_id,number,status,outcome,dial_call_status,amd_result,amd_at,' +
        'two_second_rule_met,message_played,abandoned,disposition,disposition_notes,disposition_at,disposition_by,gate_allow,gate_reasons,gate_decision',
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const row = lines[1]!;
    expect(row.startsWith(`${attempt.id},2026-01-05T15:00:00.000Z,2026-01-05T15:00:05.000Z,2026-01-05T15:00:05.000Z,2026-01-05T15:00:35.000Z,preview,${agent.user.id},${lead!.id},+13125550100,+15550001777,completed,human,completed,,,true,,false,sale,`)).toBe(true);
    // The note would run as a formula: neutralised with a leading quote (and CSV-quoted).
    expect(row).toContain(`,"'=HYPERLINK(""http://x"",""y""), -2+3",`);
    expect(row).toMatch(/,true,,"\{""at"":""2026-01-05T15:00:00\.000Z"",""kind"":""preview""/);

    const ledger = await dialer.api('GET', `/api/campaigns/${campaign.id}/abandon-rate`);
    expect(ledger.body).toEqual({
      rolling24h: { abandoned: 0, liveAnswered: 1, rate: 0 },
      rolling30d: { abandoned: 0, liveAnswered: 1, rate: 0 },
      target: 0.02,
      ceiling: 0.03,
      profile: 'US',
    });
  });
});
