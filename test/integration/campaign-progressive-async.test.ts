/**
 * A progressive campaign with ASYNC answering-machine detection, end to end through the
 * sandbox on a virtual clock (Monday 2026-01-05, 10:00 in New York), one agent
 * registered and Available. The customer is connected to the agent at the answer, with
 * no detection delay; the AMD result comes later on its own callback: a person changes
 * nothing, a machine is taken off the agent and gets the voicemail message (written
 * consent) or a hangup. A person the agent's leg reaches later than 2 s after the answer
 * counts as abandoned in the ledger.
 */
import { describe, expect, it } from 'vitest';
import {
  addList,
  agentStatus,
  attemptsOf,
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
const ASYNC_AMD = { enabled: true, mode: 'async', detection: 'Enable' };
const VOICEMAIL = { text: 'This is Acme about your renewal. Please call us back.' };

/** A running async-AMD progressive campaign with one lead, and its one ready agent in it. */
async function oneLeadCampaign(phone: string, settings: Record<string, unknown> = {}) {
  const campaign = await createProgressiveCampaign(dialer, { amd: ASYNC_AMD, ...settings });
  const [lead] = await addList(database.db, campaign.id, [{ phone, firstName: 'Ada' }], now());
  const { session, socket } = await readyAgent(dialer, 'agent1');
  sockets.push(socket);
  await startCampaign(dialer, campaign.id);
  expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId: campaign.id })).status).toBe(200);
  return { campaign, lead: lead!, session, socket };
}

/** Transcript lines of REST updates (redirects and hang-ups) the sandbox received. */
const updateLines = () => dialer.sandbox.control.lines().filter((line) => /^api POST \/Calls\/:sid (Url|Status)=/.test(line));

describe('progressive campaign (async AMD)', () => {
  it('connects a person at the answer, before the AMD result, and the human result changes nothing', async () => {
    const { campaign, lead, session, socket } = await oneLeadCampaign(HUMAN);
    await dialer.scheduler.advance(60_000);

    const [request] = createRequests(dialer);
    expect(request).toMatchObject({ To: HUMAN, From: CALLER_ID, MachineDetection: 'Enable', AsyncAmd: true, AsyncAmdStatusCallbackMethod: 'POST' });
    expect(request!.AsyncAmdStatusCallback).toMatch(/\/telnyx\/status\?attempt=[\w-]+&leg=customer&kind=amd$/);

    const [attempt] = await attemptsOf(database.db, campaign.id);
    // The answer fetch carries no AnsweredBy and is answered with the agent's <Dial> at once.
    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines).toContain('call B bridged');
    expect(lines.some((line) => line.startsWith('callback A amd AnsweredBy=human'))).toBe(true);
    expect(lines.indexOf('call B bridged')).toBeLessThan(lines.findIndex((line) => line.startsWith('callback A amd AnsweredBy=human')));
    expect(updateLines()).toEqual([]);
    expect(socket.messages.find((message) => message.type === 'call.offered')).toMatchObject({ attemptId: attempt!.id, lead: { id: lead.id } });

    expect(attempt).toMatchObject({ outcome: 'human', amd_result: 'human', abandoned: false, message_played: null, two_second_rule_met: true, agent_id: session.user.id });
    // Answered at pick-up (the sandbox's ring is 4 s), bridged a second later; the AMD result 1.5 s after pick-up.
    const answeredAt = attempt!.answered_at!.getTime();
    expect(attempt!.bridged_at!.getTime() - answeredAt).toBe(1000);
    expect(attempt!.amd_at!.getTime() - answeredAt).toBe(1500);
    const event = await database.db.selectFrom('call_events').selectAll().where('attempt_id', '=', attempt!.id).where('source', '=', 'amd').execute();
    expect(event).toHaveLength(1);
    expect(event[0]).toMatchObject({ role: 'customer', verdict: 'applied' });
    expect(event[0]!.fields).toMatchObject({ AnsweredBy: 'human', MachineDetectionDuration: '1500' });
    expect(await leadRow(database.db, lead.id)).toMatchObject({ attempts: 1, last_outcome: 'human', last_machine_at: null });
  });

  it('takes a machine off the agent and redirects it to the voicemail message when the lead gave written consent', async () => {
    const { campaign, lead, session } = await oneLeadCampaign(MACHINE, { voicemail: VOICEMAIL, wrapUpS: 10 });
    await giveWrittenConsent(database.db, lead.id, now());
    let agentBusy = false;
    for (let step = 0; step < 30; step++) {
      await dialer.scheduler.advance(500);
      if ((await agentStatus(dialer, session.user.id)) === 'busy') agentBusy = true;
    }
    // The agent did meet the machine (async: connected at the answer) ...
    expect(agentBusy).toBe(true);
    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain('fetch A Url POST /texml/campaign/answer → 200 <Dial>');
    expect(lines.some((line) => line.startsWith('callback A amd AnsweredBy=machine_start'))).toBe(true);
    // ... and was released by the redirect of the customer leg to the voicemail message.
    expect(updateLines()).toEqual([expect.stringMatching(/ Url=\/texml\/campaign\/voicemail → 200/)]);
    // The agent's leg ends with the redirect; the customer's goes on with the message.
    const amdAt = lines.indexOf('call A amd machine_start');
    expect(lines.indexOf('call B completed')).toBeGreaterThan(amdAt);
    expect(lines.indexOf('fetch A Url POST /texml/campaign/voicemail → 200 <Say>')).toBeGreaterThan(lines.indexOf('call B completed'));
    expect(lines.indexOf('call A completed')).toBeGreaterThan(lines.indexOf('fetch A Url POST /texml/campaign/voicemail → 200 <Say>'));
    expect(await agentStatus(dialer, session.user.id)).toBe('wrap_up');

    await dialer.scheduler.advance(90_000);
    const [attempt] = await attemptsOf(database.db, campaign.id);
    expect(attempt).toMatchObject({ outcome: 'machine', amd_result: 'machine_start', message_played: 'voicemail', abandoned: false, two_second_rule_met: null });
    expect(attempt!.bridged_at).not.toBeNull();
    const row = await leadRow(database.db, lead.id);
    expect(row).toMatchObject({ attempts: 1, last_outcome: 'machine', claimed_by: null });
    expect(row.last_machine_at).not.toBeNull();
    expect(row.next_attempt_at!.getTime()).toBe(attempt!.outcome_at!.getTime() + 240 * MINUTE_MS);
    // One call only: the agent, free again after the 10 s wrap-up, had no lead left.
    expect(createRequests(dialer)).toHaveLength(1);
    expect(await agentStatus(dialer, session.user.id)).toBe('available');
  });

  it('hangs up on a machine without consent, releasing the agent, and a duplicated AMD callback changes nothing', async () => {
    dialer.sandbox.control.setFaults({ duplicateCallbacks: true });
    const { campaign, session } = await oneLeadCampaign(MACHINE, { voicemail: VOICEMAIL });
    await dialer.scheduler.advance(90_000);

    expect(updateLines()).toEqual([expect.stringMatching(/ Status=completed → 200/)]);
    const lines = dialer.sandbox.control.lines();
    expect(lines).toContain('call A completed');
    expect(lines).toContain('call B completed');
    expect(lines.some((line) => line.includes('/texml/campaign/voicemail'))).toBe(false);
    const [attempt] = await attemptsOf(database.db, campaign.id);
    expect(attempt).toMatchObject({ outcome: 'machine', amd_result: 'machine_start', message_played: null, abandoned: false });
    const verdicts = (await database.db.selectFrom('call_events').select('verdict').where('attempt_id', '=', attempt!.id).where('source', '=', 'amd').execute()).map(
      (event) => event.verdict,
    );
    expect(verdicts).toEqual(['applied', 'duplicate']);
    expect(await agentStatus(dialer, session.user.id)).toBe('available');
  });

  it('leaves an unknown result connected to the agent, as a person', async () => {
    dialer.sandbox.control.addScenario({ match: HUMAN, outcome: 'human', ringMs: 4000, talkMs: 30_000, answeredBy: 'unknown' });
    const { campaign } = await oneLeadCampaign(HUMAN, { voicemail: VOICEMAIL });
    await dialer.scheduler.advance(60_000);
    expect(updateLines()).toEqual([]);
    const [attempt] = await attemptsOf(database.db, campaign.id);
    expect(attempt).toMatchObject({ outcome: 'human', amd_result: 'unknown', message_played: null, abandoned: false, two_second_rule_met: true });
    expect(dialer.sandbox.control.lines()).toContain('call B bridged');
  });

  it('counts a person connected later than 2 s after the answer as abandoned in the ledger', async () => {
    // The agent's softphone takes 2.5 s to answer.
    dialer.sandbox.control.addScenario({ match: 'sip:*', outcome: 'human', ringMs: 2500, talkMs: null });
    const { campaign } = await oneLeadCampaign(HUMAN);
    await dialer.scheduler.advance(60_000);
    const [attempt] = await attemptsOf(database.db, campaign.id);
    expect(attempt).toMatchObject({ outcome: 'human', abandoned: false, two_second_rule_met: false, message_played: null });
    expect(attempt!.bridged_at!.getTime() - attempt!.answered_at!.getTime()).toBe(2500);
    const ledger = await dialer.api('GET', `/api/campaigns/${campaign.id}/abandon-rate`);
    expect(ledger.body.rolling24h).toEqual({ abandoned: 1, liveAnswered: 1, rate: 1 });
  });
});
