/**
 * Predictive campaigns and running paced campaigns, through the sandbox on a virtual
 * clock: a predictive campaign without history dials conservatively (never more calls in
 * flight than free agents) and says so; the pacing settings are validated (legal ceiling,
 * target ≤ ceiling) and a change gives the campaign a new controller; power and
 * predictive need a safe-harbor message to start and to keep running; a running campaign
 * switches between progressive, power and predictive, and the right loop dials.
 */
import { describe, expect, it } from 'vitest';
import { addList, attemptsOf, createCampaign, createRequests, useCampaignDialer } from './campaign-helpers.ts';
import { leadsWith, liveAttempts, NO_ANSWER_PREFIX, pacing, runPacedCampaign } from './campaign-paced-helpers.ts';

const fixture = useCampaignDialer();
const { dialer } = fixture;
const db = () => dialer.database.db;

describe('a predictive campaign', () => {
  it('starts conservatively: while it has no history, no more calls in flight than free agents, and the decision says why', async () => {
    const { campaign } = await runPacedCampaign(fixture, {
      mode: 'predictive',
      leads: leadsWith(NO_ANSWER_PREFIX, 20),
      agents: ['agent1', 'agent2'],
      // Even with the most aggressive settings allowed.
      settings: { pacing: { abandonTarget: 0.03, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0 } },
    });
    let most = 0;
    for (let second = 0; second < 60; second++) {
      await dialer.scheduler.advance(1000);
      most = Math.max(most, (await liveAttempts(fixture, campaign.id)).length);
    }
    expect(most).toBe(2);
    // Rounds of two no-answers (25 s each), a round at 1 s, 27 s and 53 s: the finished ones are learned.
    const placed = await attemptsOf(db(), campaign.id);
    expect(placed).toHaveLength(6);
    for (const attempt of placed) expect(attempt).toMatchObject({ mode: 'predictive', agent_id: null });
    expect(placed[0]!.gate_decision).toMatchObject({ kind: 'predictive' });

    const view = await pacing(fixture, campaign.id);
    expect(view).toMatchObject({ mode: 'predictive', running: true, settings: { abandonTarget: 0.03, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0 } });
    expect(view.decision.mode).toBe('progressive');
    expect(view.decision.reason).toMatch(/^Learning: \d+ of 100 dial results seen, progressive until then; 2 free agents, 2 calls in flight: one line per free agent$/);
    const finished = placed.filter((attempt) => attempt.outcome !== null).length;
    expect(finished).toBe(4);
    expect(view.decision.inputs).toMatchObject({ freeAgents: 2, inFlight: 2, launched: 0, dialResults: finished });
    expect(view.decision.details).toContain(`dial results learned from: ${finished}`);
  });

  it('learns again from the attempt log when its settings change (a new controller warms up from the last attempts)', async () => {
    const { campaign } = await runPacedCampaign(fixture, { mode: 'predictive', leads: leadsWith(NO_ANSWER_PREFIX, 10), agents: ['agent1'] });
    await dialer.scheduler.advance(60_000);
    const before = (await pacing(fixture, campaign.id)).decision.inputs.dialResults;
    expect(before).toBeGreaterThan(0);

    const changed = await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { pacing: { maxLines: 50 } });
    expect(changed.status).toBe(200);
    expect(changed.body.campaign.pacing).toEqual({ linesPerAgent: 2, abandonTarget: 0.02, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0.01, maxLines: 50 });
    await dialer.scheduler.advance(1000);
    const after = await pacing(fixture, campaign.id);
    expect(after.settings.maxLines).toBe(50);
    const finished = (await attemptsOf(db(), campaign.id)).filter((attempt) => attempt.outcome !== null).length;
    expect(after.decision.inputs.dialResults).toBe(finished);
  });
});

describe('pacing settings and the safe-harbor message', () => {
  it('refuses a ceiling above the legal 3 % and a target above the ceiling, naming the fields', async () => {
    const tooHigh = await dialer.api('POST', '/api/campaigns', { name: 'x', callerId: '+13125550100', mode: 'power', pacing: { abandonCeiling: 0.05 } });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.error.details.fields).toEqual([expect.objectContaining({ field: 'pacing.abandonCeiling' })]);
    const inverted = await dialer.api('POST', '/api/campaigns', { name: 'x', callerId: '+13125550100', mode: 'power', pacing: { abandonTarget: 0.025, abandonCeiling: 0.02 } });
    expect(inverted.status).toBe(422);
    expect(inverted.body.error.details.fields).toEqual([expect.objectContaining({ field: 'pacing.abandonTarget' })]);
    const lines = await dialer.api('POST', '/api/campaigns', { name: 'x', callerId: '+13125550100', mode: 'power', pacing: { linesPerAgent: 6 } });
    expect(lines.status).toBe(422);
    const created = await createCampaign(dialer, { mode: 'power', pacing: { linesPerAgent: 3 } });
    expect(created.pacing).toEqual({ linesPerAgent: 3, abandonTarget: 0.02, abandonCeiling: 0.03, amdFalsePositiveEstimate: 0.01, maxLines: 100 });
  });

  it('needs a safe-harbor message to start power or predictive, and to keep one running', async () => {
    for (const mode of ['power', 'predictive']) {
      const campaign = await createCampaign(dialer, { mode });
      await addList(db(), campaign.id, leadsWith(NO_ANSWER_PREFIX, 1, mode.length), fixture.now());
      const refused = await dialer.api('POST', `/api/campaigns/${campaign.id}/start`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.details.reasons).toEqual([expect.objectContaining({ code: 'safe_harbor_missing', field: 'safeHarbor' })]);
      expect(refused.body.error.details.reasons[0].message).toContain(`A ${mode} campaign can abandon calls`);
    }
    const { campaign } = await runPacedCampaign(fixture, { mode: 'power', leads: leadsWith(NO_ANSWER_PREFIX, 1, 50), agents: [] });
    const removed = await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { safeHarbor: null });
    expect(removed.status).toBe(422);
    expect(removed.body.error.details.fields).toEqual([expect.objectContaining({ field: 'safeHarbor', message: 'a power campaign that is running or paused must keep its safe-harbor message' })]);
  });
});

describe('a running campaign changing mode', () => {
  it('hands the dialling from the progressive pacer to the paced dialer and back', async () => {
    const { campaign } = await runPacedCampaign(fixture, {
      mode: 'progressive',
      leads: leadsWith(NO_ANSWER_PREFIX, 12),
      agents: ['agent1'],
      settings: { pacing: { linesPerAgent: 3 } },
    });
    await dialer.scheduler.advance(1000);
    // Progressive: one line for the one agent, reserved for them.
    expect(createRequests(dialer)).toHaveLength(1);
    expect((await attemptsOf(db(), campaign.id))[0]).toMatchObject({ mode: 'progressive' });
    expect(await pacing(fixture, campaign.id)).toMatchObject({ mode: 'progressive', running: true, decision: null });

    expect((await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'power' })).status).toBe(200);
    await dialer.scheduler.advance(1000);
    // Power: 3 lines for the free agent. The progressive call still rings and reserves
    // the agent (counted busy), so nothing is added until it ends.
    expect(createRequests(dialer)).toHaveLength(1);
    const view = await pacing(fixture, campaign.id);
    expect(view).toMatchObject({ mode: 'power', running: true, decision: { launch: 0, inputs: { freeAgents: 0, inFlight: 1 } } });
    await dialer.scheduler.advance(30_000);
    expect(createRequests(dialer)).toHaveLength(4);
    expect((await attemptsOf(db(), campaign.id)).slice(1).map((attempt) => attempt.mode)).toEqual(['power', 'power', 'power']);

    expect((await dialer.api('PATCH', `/api/campaigns/${campaign.id}`, { mode: 'preview' })).status).toBe(200);
    await dialer.scheduler.advance(60_000);
    expect(createRequests(dialer)).toHaveLength(4);
    expect((await pacing(fixture, campaign.id)).running).toBe(false);
  });
});
