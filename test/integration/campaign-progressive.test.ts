/**
 * A progressive campaign end to end, with sync AMD: the real server and sandbox on a
 * virtual clock (Monday 2026-01-05, 10:00 in New York), one agent registered through the
 * events socket and Available. The pacer calls the customer first, one line for the one
 * free agent; a person (and an `unknown` AMD result) is connected to the agent's `sip:`
 * leg (the agent is told with `call.offered`), a machine (and a fax) gets the voicemail
 * message with written consent or a hangup without, busy and no-answer are retried; with
 * no agent free, or an agent who does not answer, the person hears the safe-harbor
 * message and can opt out.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  addList,
  attemptsOf as campaignAttempts,
  CALLER_ID,
  createProgressiveCampaign,
  createRequests,
  giveWrittenConsent,
  leadRow,
  readyAgent,
  startCampaign,
  useCampaignDialer,
} from './campaign-helpers.ts';

const { dialer, sockets, now } = useCampaignDialer();
const database = dialer.database;
const MINUTE_MS = 60_000;

const HUMAN = '+15550001111';
const MACHINE = '+15550031111';
const BUSY = '+15550011111';
const NO_ANSWER = '+15550021111';
const VOICEMAIL = { text: 'This is Acme about your renewal. Please call us back.' };

const progressiveCampaign = (body: Record<string, unknown> = {}) => createProgressiveCampaign(dialer, body);
const start = (campaignId: string) => startCampaign(dialer, campaignId);
const attemptsOf = (campaignId: string) => campaignAttempts(database.db, campaignId);
const creates = () => createRequests(dialer);

describe('progressive campaign (sync AMD)', () => {
  it('calls customers first, one line per free agent, bridges people, hangs up on machines and retries the rest', async () => {
    const campaign = await progressiveCampaign();
    const leads = await addList(
      database.db,
      campaign.id,
      [
        { phone: HUMAN, firstName: 'Ada' },
        { phone: MACHINE, firstName: 'Robo' },
        { phone: BUSY, firstName: 'Busy' },
        { phone: NO_ANSWER, firstName: 'Nobody' },
      ],
      now(),
    );
    const byPhone = new Map(leads.map((lead) => [lead.phone_e164, lead]));
    const { session, socket } = await readyAgent(dialer, 'agent1');
    sockets.push(socket);
    await start(campaign.id);
    expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id })).status).toBe(200);

    // One line at a time for the one agent: never two customer calls in flight.
    let maxInFlight = 0;
    for (let second = 0; second < 300; second++) {
      await dialer.scheduler.advance(1000);
      const live = (await attemptsOf(campaign.id)).filter((attempt) => attempt.status !== 'completed' && attempt.status !== 'failed');
      maxInFlight = Math.max(maxInFlight, live.length);
    }
    expect(maxInFlight).toBe(1);

    // Customer-first creates with sync AMD, to the four leads, each once.
    const made = creates();
    expect(made.map((request) => request.To).sort()).toEqual([HUMAN, MACHINE, BUSY, NO_ANSWER].sort());
    for (const request of made) {
      expect(request).toMatchObject({ From: CALLER_ID, MachineDetection: 'Enable', Timeout: 25, StatusCallbackEvent: 'initiated ringing answered completed' });
      expect(request.AsyncAmd === undefined || request.AsyncAmd === false || request.AsyncAmd === 'false').toBe(true);
      expect(request.Url).toMatch(/\/texml\/campaign\/answer\?attempt=[\w-]+&t=[\w-]{22}$/);
      expect(request.StatusCallback).toMatch(/\/telnyx\/status\?attempt=[\w-]+&leg=customer$/);
    }

    const attempts = await attemptsOf(campaign.id);
    expect(attempts).toHaveLength(4);
    const byNumber = new Map(attempts.map((attempt) => [attempt.customer_number, attempt]));
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ kind: 'progressive', mode: 'progressive', agent_id: session.user.id, campaign_id: campaign.id, status: 'completed' });
      expect(attempt.gate_decision).toMatchObject({ allow: true, kind: 'progressive' });
    }

    // The person was bridged to the agent's softphone, and the agent was told first.
    const human = byNumber.get(HUMAN)!;
    expect(human).toMatchObject({ outcome: 'human', amd_result: 'human', abandoned: false, message_played: null, two_second_rule_met: true });
    expect(human.bridged_at).not.toBeNull();
    expect(human.bridged_at!.getTime() - human.answered_at!.getTime()).toBeLessThanOrEqual(2000);
    const offered = socket.messages.find((message) => message.type === 'call.offered');
    expect(offered).toMatchObject({ attemptId: human.id, lead: { id: byPhone.get(HUMAN)!.id, phone: HUMAN, firstName: 'Ada' }, script: 'Hello Ada.' });
    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain(`verb A Dial Sip=sip:${human.agent_sip.slice(4)}?X-Dialer-Attempt=${human.id}`);
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines).toContain('call B bridged');
    // The machine got a hangup: no voicemail without consent.
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Hangup>');

    const machine = byNumber.get(MACHINE)!;
    expect(machine).toMatchObject({ outcome: 'machine', abandoned: false, message_played: null });
    expect(machine.amd_result).toMatch(/^machine/);
    expect(byNumber.get(BUSY)).toMatchObject({ outcome: 'busy', answered_at: null });
    expect(byNumber.get(NO_ANSWER)).toMatchObject({ outcome: 'no_answer', answered_at: null });

    // Leads: the person waits for a disposition (provisional retry), the others are retried by their delays.
    const at = (phone: string) => byNumber.get(phone)!.outcome_at!.getTime();
    const humanLead = await leadRow(database.db, byPhone.get(HUMAN)!.id);
    expect(humanLead).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'human', claimed_by: null });
    const machineLead = await leadRow(database.db, byPhone.get(MACHINE)!.id);
    expect(machineLead).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'machine', claimed_by: null });
    expect(machineLead.next_attempt_at!.getTime()).toBe(at(MACHINE) + 240 * MINUTE_MS);
    const busyLead = await leadRow(database.db, byPhone.get(BUSY)!.id);
    expect(busyLead).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'busy' });
    expect(busyLead.next_attempt_at!.getTime()).toBe(at(BUSY) + 15 * MINUTE_MS);
    const noAnswerLead = await leadRow(database.db, byPhone.get(NO_ANSWER)!.id);
    expect(noAnswerLead).toMatchObject({ status: 'new', attempts: 1, last_outcome: 'no_answer' });
    expect(noAnswerLead.next_attempt_at!.getTime()).toBe(at(NO_ANSWER) + 60 * MINUTE_MS);

    // Pausing stops the dialling: the busy retry falls due but nobody calls it.
    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/pause`)).status).toBe(200);
    await dialer.scheduler.advance(20 * MINUTE_MS);
    expect(creates()).toHaveLength(4);
  });

  it('plays the safe-harbor message when no agent is free at the answer, and the opt-out key puts the number on the DNC list at once', async () => {
    const campaign = await progressiveCampaign();
    const [lead] = await addList(database.db, campaign.id, [{ phone: HUMAN, firstName: 'Ada' }], now());
    dialer.sandbox.control.addScenario({ match: HUMAN, outcome: 'human', ringMs: 4000, talkMs: 30_000, digits: '9' });
    const { session, socket } = await readyAgent(dialer, 'agent1');
    sockets.push(socket);
    await start(campaign.id);
    expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id })).status).toBe(200);

    // The pacer places the call; then the agent steps away before the customer answers.
    await dialer.scheduler.advance(1500);
    expect(creates().map((request) => request.To)).toEqual([HUMAN]);
    expect((await session.api('PUT', '/api/agents/me/status', { status: 'unavailable', reason: 'break' })).status).toBe(200);

    // Step until the Gather action has been answered; the DNC row is there before the call ends.
    let dncBeforeEnd = false;
    for (let step = 0; step < 120; step++) {
      await dialer.scheduler.advance(500);
      const lines = dialer.sandbox.control.lines();
      const gathered = lines.some((line) => line.includes('/texml/campaign/opt-out'));
      const ended = lines.some((line) => line === 'call A completed');
      if (gathered && !ended) {
        const dnc = await database.db.selectFrom('dnc_entries').selectAll().where('phone_e164', '=', HUMAN).execute();
        if (dnc.length > 0) dncBeforeEnd = true;
      }
      if (ended) break;
    }
    expect(dncBeforeEnd).toBe(true);
    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Gather>');
    expect(lines).toContain('fetch A Gather POST /texml/campaign/opt-out Digits=9 → 200 <Say>');
    expect(lines.indexOf('fetch A Gather POST /texml/campaign/opt-out Digits=9 → 200 <Say>')).toBeLessThan(lines.indexOf('call A completed'));
    await dialer.scheduler.advance(10_000);

    const [attempt] = await attemptsOf(campaign.id);
    expect(attempt).toMatchObject({ outcome: 'human', abandoned: true, message_played: 'safe_harbor', two_second_rule_met: false, bridged_at: null, amd_result: 'human' });
    const dnc = await database.db.selectFrom('dnc_entries').selectAll().where('phone_e164', '=', HUMAN).execute();
    expect(dnc).toHaveLength(1);
    expect(dnc[0]).toMatchObject({ scope: 'internal', source: 'opt_out' });
    const row = await leadRow(database.db, lead!.id);
    expect(row).toMatchObject({ status: 'dnc', attempts: 1 });
    expect(row.last_abandon_at).not.toBeNull();
    expect(socket.messages.some((message) => message.type === 'call.offered')).toBe(false);
    // The agent's leg was never dialled.
    expect(dialer.sandbox.control.lines().some((line) => line.includes('sip:'))).toBe(false);
  });

  it('plays the voicemail message to a machine with written consent, treats a fax as a machine and an unknown result as a person', async () => {
    const FAX = '+15550032222';
    const UNKNOWN = '+15550002222';
    dialer.sandbox.control.addScenario({ match: FAX, outcome: 'machine', ringMs: 4000, talkMs: 60_000, answeredBy: 'fax' });
    dialer.sandbox.control.addScenario({ match: UNKNOWN, outcome: 'human', ringMs: 4000, talkMs: 20_000, answeredBy: 'unknown' });
    const campaign = await progressiveCampaign({ voicemail: VOICEMAIL });
    const leads = await addList(
      database.db,
      campaign.id,
      [
        { phone: MACHINE, firstName: 'Robo' },
        { phone: FAX, firstName: 'Fax' },
        { phone: UNKNOWN, firstName: 'Una' },
      ],
      now(),
    );
    const byPhone = new Map(leads.map((lead) => [lead.phone_e164, lead]));
    await giveWrittenConsent(database.db, byPhone.get(MACHINE)!.id, now());
    const { session, socket } = await readyAgent(dialer, 'agent1');
    sockets.push(socket);
    await start(campaign.id);
    expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id })).status).toBe(200);
    await dialer.scheduler.advance(180_000);

    expect(creates().map((request) => request.To).sort()).toEqual([MACHINE, FAX, UNKNOWN].sort());
    const byNumber = new Map((await attemptsOf(campaign.id)).map((attempt) => [attempt.customer_number, attempt]));
    const lines = dialer.sandbox.control.lines();
    // The consenting machine heard the message (sync: AnsweredBy came with the answer fetch).
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Say>');
    expect(byNumber.get(MACHINE)).toMatchObject({ outcome: 'machine', amd_result: 'machine_start', message_played: 'voicemail', abandoned: false, bridged_at: null });
    // The fax is a machine: no agent, no message without consent, the machine delay and mark.
    const fax = byNumber.get(FAX)!;
    expect(fax).toMatchObject({ outcome: 'machine', amd_result: 'fax', message_played: null, abandoned: false, bridged_at: null, two_second_rule_met: null });
    const faxLead = await leadRow(database.db, byPhone.get(FAX)!.id);
    expect(faxLead).toMatchObject({ last_outcome: 'machine', attempts: 1 });
    expect(faxLead.last_machine_at).not.toBeNull();
    expect(faxLead.next_attempt_at!.getTime()).toBe(fax.outcome_at!.getTime() + 240 * MINUTE_MS);
    // Unknown is a person: connected to the agent, never hung up on.
    const unknown = byNumber.get(UNKNOWN)!;
    expect(unknown).toMatchObject({ outcome: 'human', amd_result: 'unknown', abandoned: false, message_played: null, two_second_rule_met: true });
    expect(lines).toContain(`verb A Dial Sip=sip:${unknown.agent_sip.slice(4)}?X-Dialer-Attempt=${unknown.id}`);
    expect(socket.messages.filter((message) => message.type === 'call.offered').map((message) => message.attemptId)).toEqual([unknown.id]);
    const unknownLead = await leadRow(database.db, byPhone.get(UNKNOWN)!.id);
    expect(unknownLead).toMatchObject({ last_outcome: 'human', last_machine_at: null });
  });

  it('abandons a person whose reserved agent does not answer: safe-harbor message, abandoned, last_abandon_at', async () => {
    dialer.sandbox.control.addScenario({ match: 'sip:*', outcome: 'no-answer' });
    const campaign = await progressiveCampaign();
    const [lead] = await addList(database.db, campaign.id, [{ phone: HUMAN, firstName: 'Ada' }], now());
    const { session, socket } = await readyAgent(dialer, 'agent1');
    sockets.push(socket);
    await start(campaign.id);
    expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id })).status).toBe(200);
    await dialer.scheduler.advance(60_000);

    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines).toContain('call B no-answer');
    expect(lines).toContain('fetch A action POST /texml/campaign/agent-action DialCallStatus=no-answer → 200 <Gather>');
    const [attempt] = await attemptsOf(campaign.id);
    expect(attempt).toMatchObject({ outcome: 'human', abandoned: true, message_played: 'safe_harbor', two_second_rule_met: false, bridged_at: null, amd_result: 'human' });
    const row = await leadRow(database.db, lead!.id);
    expect(row).toMatchObject({ attempts: 1, last_outcome: 'human', status: 'new' });
    expect(row.last_abandon_at).not.toBeNull();
    expect(row.last_abandon_at!.getTime()).toBeGreaterThan(attempt!.answered_at!.getTime());
    const ledger = await dialer.api('GET', `/api/campaigns/${campaign.id}/abandon-rate`);
    expect(ledger.body.rolling24h).toEqual({ abandoned: 1, liveAnswered: 1, rate: 1 });
  });

  it('writes the opt-out DNC entry and the lead change together or not at all', async () => {
    // A lead that cannot become `dnc` (a failing trigger stands in for any error mid-way).
    await sql`create or replace function refuse_dnc_lead() returns trigger language plpgsql as $$
      begin raise exception 'lead update refused (test)'; end $$`.execute(database.db);
    await sql`create trigger refuse_dnc_lead before update on leads for each row when (new.status = 'dnc') execute function refuse_dnc_lead()`.execute(database.db);
    try {
      const campaign = await progressiveCampaign();
      const [lead] = await addList(database.db, campaign.id, [{ phone: HUMAN, firstName: 'Ada' }], now());
      dialer.sandbox.control.addScenario({ match: HUMAN, outcome: 'human', ringMs: 4000, talkMs: 30_000, digits: '9' });
      await start(campaign.id);
      // The agent steps away once the call is placed: the person hears the safe-harbor message and presses 9.
      const { session, socket } = await readyAgent(dialer, 'agent1', campaign.id);
      sockets.push(socket);
      await dialer.scheduler.advance(1500);
      expect((await session.api('PUT', '/api/agents/me/status', { status: 'unavailable', reason: 'break' })).status).toBe(200);
      await dialer.scheduler.advance(60_000);

      const lines = dialer.sandbox.control.lines();
      // The route failed, answered <Hangup/>, and wrote nothing.
      expect(lines).toContain('fetch A Gather POST /texml/campaign/opt-out Digits=9 → 200 <Hangup>');
      expect(await database.db.selectFrom('dnc_entries').selectAll().where('phone_e164', '=', HUMAN).execute()).toEqual([]);
      expect((await leadRow(database.db, lead!.id)).status).not.toBe('dnc');
    } finally {
      await sql`drop trigger refuse_dnc_lead on leads`.execute(database.db);
      await sql`drop function refuse_dnc_lead()`.execute(database.db);
    }
  });
});
