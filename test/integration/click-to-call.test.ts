/**
 * Flow 1 end to end over real HTTP: the dialer's API → the sandbox's REST API →
 * signed callbacks and TeXML fetches back to the dialer → rows in the database.
 * Time is virtual: a 30 s call takes no wall time.
 */
import { describe, expect, it } from 'vitest';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const dialer = useTestDialer();

const CUSTOMER_ANSWERS = '+15550001234';

/** The campaign columns of the attempt log (migration 0006) on a call made outside any campaign. */
const NOT_IN_A_CAMPAIGN = {
  campaign_id: null,
  lead_id: null,
  mode: null,
  agent_id: null,
  ring_timeout_s: null,
  gate_decision: null,
  outcome: null,
  outcome_at: null,
  amd_result: null,
  amd_at: null,
  answered_at: null,
  bridged_at: null,
  two_second_rule_met: null,
  message_played: null,
  abandoned: false,
  abandoned_at: null,
  agent_released_at: null,
  disposition: null,
  disposition_notes: null,
  disposition_at: null,
  disposition_by: null,
};

async function clickToCall(to: string): Promise<string> {
  const response = await dialer.api('POST', '/api/calls', { agent: 'agent1', to });
  expect(response.status).toBe(201);
  return response.body.attempt.id as string;
}

/** The attempt and its legs without ids, SIDs and bookkeeping times, for comparing runs. */
async function finalState(attemptId: string) {
  const { body } = await dialer.api('GET', `/api/calls/${attemptId}`);
  const { id: _id, created_at: _c, updated_at: _u, legs, ...attempt } = body.attempt;
  return {
    attempt,
    legs: legs.map(({ id: _i, attempt_id: _a, call_sid: _s, parent_call_sid: _p, updated_at: _t, ...leg }: Record<string, unknown>) => leg),
  };
}

async function events(attemptId: string): Promise<Array<{ source: string; role: string; call_sid: string; call_status: string; verdict: string }>> {
  return (await dialer.api('GET', `/api/calls/${attemptId}/events`)).body.events;
}

describe('click-to-call (agent first)', () => {
  it('dials the agent, bridges the customer on the Url fetch, and tracks both legs to completion', async () => {
    const attemptId = await clickToCall(CUSTOMER_ANSWERS);
    await dialer.scheduler.runUntilIdle();

    expect(dialer.sandbox.control.lines()).toEqual([
      'api POST /Calls To=sip:agent1@sip.telnyx.com → 200 queued',
      'callback A initiated#0 → 200',
      'callback A ringing#1 → 200',
      'call A answered',
      'callback A in-progress#2 → 200',
      'fetch A Url POST /texml/bridge → 200 <Dial>',
      'verb A Dial Number=+15550001234',
      'callback B initiated#0 → 200',
      'callback B ringing#1 → 200',
      'call B answered',
      'callback B in-progress#2 → 200',
      'call B bridged',
      'call B completed',
      'callback B completed#3 → 200',
      'fetch A action POST /texml/dial-action DialCallStatus=completed → 200 <Hangup>',
      'verb A Hangup',
      'call A completed',
      'callback A completed#3 → 200',
    ]);

    // The create carried our correlation id in Url, StatusCallback and the SIP header.
    const create = dialer.sandbox.control.transcript().find((entry) => entry.kind === 'api')!;
    const request = (create.detail as { request: Record<string, unknown> }).request;
    expect(request.Url).toMatch(new RegExp(`/texml/bridge\\?attempt=${attemptId}&t=[\\w-]{22}$`));
    expect(request.StatusCallback).toMatch(new RegExp(`/telnyx/status\\?attempt=${attemptId}&leg=agent$`));
    expect(request.CustomHeaders).toEqual([{ name: 'X-Dialer-Attempt', value: attemptId }]);

    expect(await finalState(attemptId)).toEqual({
      attempt: {
        kind: 'click_to_call',
        agent_sip: 'sip:agent1@sip.telnyx.com',
        customer_number: CUSTOMER_ANSWERS,
        caller_id: '+13125550100',
        status: 'completed',
        create_state: 'accepted',
        dial_call_status: 'completed',
        dial_call_duration_s: 30,
        error_code: null,
        error_message: null,
        ...NOT_IN_A_CAMPAIGN,
      },
      legs: [
        {
          role: 'agent',
          agent_id: null,
          status: 'completed',
          status_source: 'callback',
          last_sequence: 3,
          from_number: '+13125550100',
          to_number: 'sip:agent1@sip.telnyx.com',
          initiated_at: '2026-01-05T15:00:00.000Z',
          ringing_at: '2026-01-05T15:00:00.000Z',
          answered_at: '2026-01-05T15:00:01.000Z',
          ended_at: '2026-01-05T15:00:35.000Z',
          duration_s: 34,
          hangup_cause: 'normal_clearing',
          hangup_source: 'caller',
          sip_hangup_cause: '200',
          answered_by: null,
          error_code: null,
        },
        {
          role: 'customer',
          agent_id: null,
          status: 'completed',
          status_source: 'callback',
          last_sequence: 3,
          from_number: '+13125550100',
          to_number: CUSTOMER_ANSWERS,
          initiated_at: '2026-01-05T15:00:01.000Z',
          ringing_at: '2026-01-05T15:00:01.000Z',
          answered_at: '2026-01-05T15:00:05.000Z',
          ended_at: '2026-01-05T15:00:35.000Z',
          duration_s: 30,
          hangup_cause: 'normal_clearing',
          hangup_source: 'callee',
          sip_hangup_cause: '200',
          answered_by: null,
          error_code: null,
        },
      ],
    });

    const verdicts = (await events(attemptId)).map((event) => `${event.source} ${event.role} ${event.call_status} ${event.verdict}`);
    expect(verdicts).toEqual([
      'status_callback agent initiated applied',
      'status_callback agent ringing applied',
      'status_callback agent in-progress applied',
      'status_callback customer initiated applied',
      'status_callback customer ringing applied',
      'status_callback customer in-progress applied',
      'status_callback customer completed applied',
      'dial_action customer completed applied',
      'status_callback agent completed applied',
    ]);
  });

  it('ends in exactly the same state when callbacks are duplicated, reordered and delayed', async () => {
    const cleanId = await clickToCall(CUSTOMER_ANSWERS);
    await dialer.scheduler.runUntilIdle();
    const clean = await finalState(cleanId);

    // A fresh dialer and sandbox with the same seed and start time: only the faults differ.
    await dialer.restart();
    dialer.sandbox.control.setFaults({ duplicateCallbacks: true, reorderCallbacks: 0.5, callbackDelayMs: 1500 });
    const faultyId = await clickToCall(CUSTOMER_ANSWERS);
    await dialer.scheduler.runUntilIdle();

    expect(await finalState(faultyId)).toEqual(clean);
    const recorded = await events(faultyId);
    const verdicts = new Set(recorded.map((event) => event.verdict));
    // The faults really happened: duplicates were seen, and something arrived out of order.
    expect(verdicts.has('duplicate')).toBe(true);
    expect([...verdicts].some((verdict) => verdict === 'stale' || verdict === 'illegal' || verdict === 'confirmed')).toBe(true);
    // …and no callback was applied twice.
    const applied = recorded.filter((event) => event.source === 'status_callback' && event.verdict === 'applied');
    const keys = applied.map((event) => `${event.call_sid} ${event.call_status}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('records a busy customer on both legs and ends the agent leg', async () => {
    const attemptId = await clickToCall('+15550010000');
    await dialer.scheduler.runUntilIdle();
    const state = await finalState(attemptId);
    expect(state.attempt).toMatchObject({ status: 'completed', dial_call_status: 'busy' });
    expect(state.legs.map((leg: { role: string; status: string }) => `${leg.role} ${leg.status}`)).toEqual(['agent completed', 'customer busy']);
  });

  it('never dials the customer when the agent does not answer', async () => {
    dialer.sandbox.control.addScenario({ match: 'sip:agent1@*', outcome: 'no-answer' });
    const attemptId = await clickToCall(CUSTOMER_ANSWERS);
    await dialer.scheduler.runUntilIdle();
    expect(dialer.sandbox.control.lines().filter((line) => line.startsWith('verb') || line.includes(' B '))).toEqual([]);
    const state = await finalState(attemptId);
    expect(state.attempt.status).toBe('failed');
    expect(state.legs.map((leg: { role: string; status: string }) => `${leg.role} ${leg.status}`)).toEqual(['agent no-answer']);
  });

  it('does not redial when the create outcome is unknown, and reconciles it', async () => {
    dialer.sandbox.control.setFaults({ apiFailures: { status: 503, count: 1 } });
    const response = await dialer.api('POST', '/api/calls', { agent: 'agent1', to: CUSTOMER_ANSWERS });
    expect(response.status).toBe(202);
    expect(response.body.attempt.create_state).toBe('outcome_unknown');

    await dialer.scheduler.runUntilIdle();
    const creates = dialer.sandbox.control.lines().filter((line) => line.startsWith('api POST /Calls'));
    expect(creates).toHaveLength(1);
    const { body } = await dialer.api('GET', `/api/calls/${response.body.attempt.id}`);
    // The sandbox refused the request before creating anything, so the list is empty.
    expect(body.attempt.create_state).toBe('reconciled_absent');
  });

  it('hangs up a bridged call from the API: the agent leg, and the customer leg Telnyx ends with it', async () => {
    const attemptId = await clickToCall(CUSTOMER_ANSWERS);
    // Agent answers at 1 s, the customer at 5 s; at 10 s they are talking (durations count from answer).
    await dialer.scheduler.advance(10_000);
    expect(dialer.sandbox.control.lines()).toContain('call B bridged');

    const hangup = await dialer.api('POST', `/api/calls/${attemptId}/hangup`);
    expect(hangup.status).toBe(202);
    expect(hangup.body.hungUp).toEqual(['agent', 'customer']);
    await dialer.scheduler.runUntilIdle();
    const state = await finalState(attemptId);
    expect(state.attempt.status).toBe('completed');
    expect(state.legs.map((leg: { role: string; status: string; duration_s: number }) => `${leg.role} ${leg.status} ${leg.duration_s}s`)).toEqual([
      'agent completed 9s',
      'customer completed 5s',
    ]);
  });

  it('refuses bad input with a clear error and creates nothing', async () => {
    const badNumber = await dialer.api('POST', '/api/calls', { agent: 'agent1', to: '5550001234' });
    expect(badNumber.status).toBe(422);
    expect(badNumber.body.error.code).toBe('validation_failed');
    expect(badNumber.body.error.message).toContain('to: must be an E.164 number');

    const notOwned = await dialer.api('POST', '/api/calls', { agent: 'agent1', to: CUSTOMER_ANSWERS, callerId: '+14155550000' });
    expect(notOwned.status).toBe(422);
    expect(notOwned.body.error.message).toContain("is not one of the account's numbers");

    const unauthenticated = await fetch(`${dialer.running.url}/api/calls`, { method: 'POST' });
    expect(unauthenticated.status).toBe(401);
    expect((await unauthenticated.json()).error.code).toBe('unauthenticated');

    expect(dialer.sandbox.control.lines()).toEqual([]);
  });
});
