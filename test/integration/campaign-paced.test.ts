/**
 * A power campaign end to end through the sandbox on a virtual clock (Monday 2026-01-05,
 * 10:00 in New York): the paced dialer keeps `linesPerAgent` calls per free agent in
 * flight with no agent reserved; a person who answers is routed to a free agent of the
 * campaign (`<Dial><Sip>`, `call.offered`), two people answering at once with one free
 * agent get that agent once (the other hears the safe-harbor message and counts as
 * abandoned); machines get the voicemail message or a hangup (sync), or are taken off
 * the agent (async); pausing stops the launches; the pacing API says what was decided
 * and why.
 */
import { describe, expect, it } from 'vitest';
import { addList, agentStatus, attemptsOf, createRequests, giveWrittenConsent, leadRow, useCampaignDialer } from './campaign-helpers.ts';
import { ASYNC_AMD, HUMAN_PREFIX, leadsWith, liveAttempts, MACHINE_PREFIX, NO_ANSWER_PREFIX, pacing, runPacedCampaign } from './campaign-paced-helpers.ts';

const fixture = useCampaignDialer();
const { dialer } = fixture;
const lines = () => dialer.sandbox.control.lines();
const db = () => dialer.database.db;

describe('a power campaign', () => {
  it('keeps linesPerAgent calls per free agent in flight, with no agent reserved, and says why in the pacing API', async () => {
    const { campaign } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: leadsWith(NO_ANSWER_PREFIX, 8),
      agents: ['agent1', 'agent2'],
      settings: { pacing: { linesPerAgent: 2 } },
    });
    await dialer.scheduler.advance(1000);

    // 2 Available agents × 2 lines: four customer-first calls, placed for nobody yet.
    expect(createRequests(dialer)).toHaveLength(4);
    const placed = await attemptsOf(db(), campaign.id);
    expect(placed).toHaveLength(4);
    for (const attempt of placed) {
      expect(attempt).toMatchObject({ kind: 'progressive', mode: 'power', agent_id: null, agent_sip: '', campaign_id: campaign.id });
      expect(attempt.gate_decision).toMatchObject({ allow: true, kind: 'power' });
    }
    for (const request of createRequests(dialer)) {
      expect(request.Url).toMatch(/\/texml\/campaign\/answer\?attempt=[\w-]+&t=[\w-]{22}$/);
      expect(request).toMatchObject({ MachineDetection: 'Enable', Timeout: 25 });
    }
    const first = await pacing(fixture, campaign.id);
    expect(first).toMatchObject({
      mode: 'power',
      running: true,
      decision: { launch: 4, target: 4, mode: 'power', inputs: { freeAgents: 2, inFlight: 0, linesPerAgent: 2, target: 4, launched: 4 } },
      ledger: { rolling24h: { abandoned: 0, liveAnswered: 0, rate: 0 }, ceiling: 0.03 },
      settings: { linesPerAgent: 2, abandonTarget: 0.02, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0.01, maxLines: 100 },
    });
    expect(first.decision.reason).toBe('2 free agents × 2 lines = 4 calls wanted in flight, 0 in flight: launched 4');
    expect(first.decision.details).toContain('free agents: 2');
    expect(Date.parse(first.decision.at)).toBe(dialer.scheduler.now());

    // While they ring, the target is met: nothing more.
    let most = 0;
    for (let second = 0; second < 20; second++) {
      await dialer.scheduler.advance(1000);
      most = Math.max(most, (await liveAttempts(fixture, campaign.id)).length);
    }
    expect(most).toBe(4);
    expect(createRequests(dialer)).toHaveLength(4);
    const waiting = await pacing(fixture, campaign.id);
    expect(waiting.decision).toMatchObject({ launch: 0, target: 4, inputs: { inFlight: 4 } });
    // The no-answers end at 25 s; the next pass refills the four lines.
    await dialer.scheduler.advance(10_000);
    expect(createRequests(dialer)).toHaveLength(8);
    const why = (await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`)).body;
    expect(why.pacer).toBeNull();
    expect(why.paced).toMatchObject({ running: true, paceMs: 1000, agents: { free: 2, busy: 0, wrap: 0, paused: 0 }, callsInFlight: 4 });
    expect(why.paced.decision).toMatchObject({ mode: 'power' });
  });

  it('routes a person to the free agent (call.offered, <Dial><Sip>), bridged within 2 s, and learns when the agent is free again', async () => {
    const { campaign, agents, sockets } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: [{ phone: `${HUMAN_PREFIX}1111`, firstName: 'Ada' }],
      agents: ['agent1'],
      settings: { pacing: { linesPerAgent: 1 } },
    });
    await dialer.scheduler.advance(60_000);

    const [attempt] = await attemptsOf(db(), campaign.id);
    const agent = agents[0]!;
    expect(attempt).toMatchObject({ mode: 'power', agent_id: agent.user.id, outcome: 'human', amd_result: 'human', abandoned: false, two_second_rule_met: true });
    expect(attempt!.agent_sip).toMatch(/^sip:/);
    expect(attempt!.bridged_at!.getTime() - attempt!.answered_at!.getTime()).toBeLessThanOrEqual(2000);
    expect(lines()).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines()).toContain(`verb A Dial Sip=${attempt!.agent_sip}?X-Dialer-Attempt=${attempt!.id}`);
    expect(lines()).toContain('call B bridged');
    expect(sockets[0]!.messages.find((message) => message.type === 'call.offered')).toMatchObject({ attemptId: attempt!.id, lead: { firstName: 'Ada' }, script: 'Hello Ada.' });
    // The agent leg is theirs (the agent went Busy, then Available: no wrap-up).
    const leg = await db().selectFrom('call_legs').selectAll().where('attempt_id', '=', attempt!.id).where('role', '=', 'agent').executeTakeFirstOrThrow();
    expect(leg).toMatchObject({ agent_id: agent.user.id, status: 'completed' });
    expect(await agentStatus(dialer, agent.user.id)).toBe('available');
    // Released at the end of the call (wrap-up 0 s): the handle time the controller learns.
    expect(attempt!.agent_released_at).not.toBeNull();
    expect(attempt!.agent_released_at!.getTime()).toBe(leg.ended_at!.getTime());
  });

  it('gives one free agent to one of two people who answer at once; the other hears the safe-harbor message and is abandoned', async () => {
    const { campaign, agents, sockets } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: [
        { phone: `${HUMAN_PREFIX}2001`, firstName: 'Ada' },
        { phone: `${HUMAN_PREFIX}2002`, firstName: 'Bob' },
      ],
      agents: ['agent1'],
      settings: { pacing: { linesPerAgent: 2 } },
    });
    await dialer.scheduler.advance(60_000);

    expect(createRequests(dialer)).toHaveLength(2);
    const attempts = await attemptsOf(db(), campaign.id);
    const bridged = attempts.filter((attempt) => attempt.bridged_at !== null);
    const abandoned = attempts.filter((attempt) => attempt.abandoned);
    expect(bridged).toHaveLength(1);
    expect(abandoned).toHaveLength(1);
    // Both answered in the same millisecond.
    expect(attempts[0]!.answered_at!.getTime()).toBe(attempts[1]!.answered_at!.getTime());
    expect(bridged[0]).toMatchObject({ agent_id: agents[0]!.user.id, outcome: 'human', two_second_rule_met: true, abandoned: false });
    expect(abandoned[0]).toMatchObject({ agent_id: null, outcome: 'human', message_played: 'safe_harbor', two_second_rule_met: false, bridged_at: null });
    expect(abandoned[0]!.abandoned_at!.getTime()).toBe(abandoned[0]!.answered_at!.getTime());
    expect((await leadRow(db(), abandoned[0]!.lead_id!)).last_abandon_at).not.toBeNull();
    expect((await leadRow(db(), bridged[0]!.lead_id!)).last_abandon_at).toBeNull();
    const answers = lines().filter((line) => /^fetch [A-Z] Url POST \/texml\/campaign\/answer → 200 /.test(line));
    expect(answers.map((line) => line.split(' → 200 ')[1]).sort()).toEqual(['<Dial>', '<Gather>']);
    expect(lines().filter((line) => / Dial Sip=sip:/.test(line))).toHaveLength(1);
    expect(sockets[0]!.messages.filter((message) => message.type === 'call.offered').map((message) => message.attemptId)).toEqual([bridged[0]!.id]);
    const ledger = await dialer.api('GET', `/api/campaigns/${campaign.id}/abandon-rate`);
    expect(ledger.body.rolling24h).toEqual({ abandoned: 1, liveAnswered: 2, rate: 0.5 });
    expect((await pacing(fixture, campaign.id)).ledger.rolling24h).toEqual({ abandoned: 1, liveAnswered: 2, rate: 0.5 });
  });

  it('gives machines the voicemail message (written consent) or a hangup, and never an agent (sync AMD)', async () => {
    const { campaign, sockets } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: [],
      agents: ['agent1'],
      settings: { pacing: { linesPerAgent: 2 }, voicemail: { text: 'This is Acme about your renewal.' } },
    });
    const [consenting, silent] = await addList(db(), campaign.id, leadsWith(MACHINE_PREFIX, 2), fixture.now());
    await giveWrittenConsent(db(), consenting!.id, fixture.now());
    await dialer.scheduler.advance(60_000);

    const byLead = new Map((await attemptsOf(db(), campaign.id)).map((attempt) => [attempt.lead_id, attempt]));
    expect(byLead.get(consenting!.id)).toMatchObject({ outcome: 'machine', message_played: 'voicemail', agent_id: null, bridged_at: null, abandoned: false });
    expect(byLead.get(silent!.id)).toMatchObject({ outcome: 'machine', message_played: null, agent_id: null, bridged_at: null, abandoned: false });
    const answers = lines().filter((line) => /^fetch [A-Z] Url POST \/texml\/campaign\/answer → 200 /.test(line));
    expect(answers.map((line) => line.split(' → 200 ')[1]).sort()).toEqual(['<Hangup>', '<Say>']);
    expect(lines().some((line) => line.includes('Sip=sip:'))).toBe(false);
    expect(sockets[0]!.messages.some((message) => message.type === 'call.offered')).toBe(false);
  });

  it('takes an async-AMD machine off the agent it was routed to', async () => {
    const { campaign, agents } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: leadsWith(MACHINE_PREFIX, 1),
      agents: ['agent1'],
      settings: { amd: ASYNC_AMD, pacing: { linesPerAgent: 1 } },
    });
    let agentBusy = false;
    for (let step = 0; step < 30; step++) {
      await dialer.scheduler.advance(500);
      if ((await agentStatus(dialer, agents[0]!.user.id)) === 'busy') agentBusy = true;
    }
    await dialer.scheduler.advance(10_000);

    expect(agentBusy).toBe(true);
    expect(lines()).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines().filter((line) => /^api POST \/Calls\/:sid Status=completed/.test(line))).toHaveLength(1);
    const [attempt] = await attemptsOf(db(), campaign.id);
    expect(attempt).toMatchObject({ outcome: 'machine', agent_id: agents[0]!.user.id, abandoned: false, two_second_rule_met: null });
    expect(attempt!.amd_result).toMatch(/^machine/);
    expect(await agentStatus(dialer, agents[0]!.user.id)).toBe('available');
  });

  it('stops launching when paused, and launches again when started', async () => {
    const { campaign } = await runPacedCampaign(fixture, {
      mode: 'power',
      leads: leadsWith(NO_ANSWER_PREFIX, 6),
      agents: ['agent1'],
      settings: { pacing: { linesPerAgent: 2 } },
    });
    await dialer.scheduler.advance(1000);
    expect(createRequests(dialer)).toHaveLength(2);

    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/pause`)).status).toBe(200);
    // The two calls end at 25 s; no pass places new ones.
    await dialer.scheduler.advance(60_000);
    expect(await liveAttempts(fixture, campaign.id)).toEqual([]);
    expect(createRequests(dialer)).toHaveLength(2);
    expect((await pacing(fixture, campaign.id)).running).toBe(false);
    const paused = (await dialer.api('GET', `/api/campaigns/${campaign.id}/why-not-dialing`)).body;
    expect(paused.paced.running).toBe(false);
    expect(paused.problems).toContain('The campaign is paused, not running.');

    expect((await dialer.api('POST', `/api/campaigns/${campaign.id}/start`)).status).toBe(200);
    await dialer.scheduler.advance(1000);
    expect(createRequests(dialer)).toHaveLength(4);
  });
});
