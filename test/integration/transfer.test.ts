/**
 * Flow 4, transfer, through the sandbox: the customer leg is redirected by a REST update
 * to `/texml/transfer`, the first agent's Dial ends, and the customer is dialled into the
 * new agent's softphone. The sandbox answers `sip:` addresses by its default scenario
 * (a softphone that answers after 1 s), so no browser is needed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DialerError } from '../../server/errors.ts';
import type { EventsSocket, UserSession } from '../helpers/dialer.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

// Sockets cannot ping in virtual time: a long heartbeat keeps them registered through the call.
const dialer = useTestDialer({ env: { AGENT_HEARTBEAT_TIMEOUT_MS: '3600000' } });
let agent1: UserSession;
let agent2: UserSession;
let sockets: EventsSocket[];

beforeEach(async () => {
  agent1 = await dialer.login('agent1');
  agent2 = await dialer.login('agent2');
  sockets = [];
  for (const agent of [agent1, agent2]) {
    expect((await agent.api('GET', '/api/softphone/session')).status).toBe(200);
    const socket = await agent.events();
    await socket.register();
    sockets.push(socket);
  }
  expect((await agent1.api('PUT', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
});
afterEach(async () => {
  for (const socket of sockets) await socket.close();
});

const status = async (agent: UserSession) =>
  (await dialer.api('GET', '/api/agents')).body.agents.find((candidate: { id: string }) => candidate.id === agent.user.id).status;

/** agent1 calls a customer who answers at +5 s and hangs up at +35 s; returns at +10 s, bridged. */
async function bridgedCall(): Promise<string> {
  const call = await agent1.api('POST', '/api/calls', { to: '+15550001234' });
  expect(call.status).toBe(201);
  await dialer.scheduler.advance(10_000);
  const attempt = (await agent1.api('GET', `/api/calls/${call.body.attempt.id}`)).body.attempt;
  expect(attempt.status).toBe('bridged');
  return attempt.id;
}

describe('transfer', () => {
  it('refuses an agent who is not Available, and sends nothing to Telnyx', async () => {
    const attemptId = await bridgedCall();
    await agent2.api('PUT', '/api/agents/me/status', { status: 'unavailable', reason: 'lunch' });
    const before = dialer.sandbox.control.lines().length;

    const refused = await agent1.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent2.user.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'agent_not_available',
      message: 'Agent Two is Unavailable; only Available agents with a registered softphone can take a transfer.',
    });
    const toSelf = await agent1.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent1.user.id });
    expect(toSelf.body.error).toMatchObject({ code: 'agent_not_available', message: 'Agent One is already on this call.' });
    // agent2 is not on the call: may not transfer or hang it up.
    expect((await agent2.api('POST', `/api/calls/${attemptId}/hangup`)).status).toBe(403);

    await dialer.scheduler.advance(1_000);
    expect(dialer.sandbox.control.lines().slice(before)).toEqual([]);
    expect((await agent1.api('GET', `/api/calls/${attemptId}`)).body.attempt.legs.map((leg: { role: string }) => leg.role)).toEqual(['agent', 'customer']);
  });

  it('refuses a call whose customer is not connected', async () => {
    await agent2.api('PUT', '/api/agents/me/status', { status: 'available' });
    const call = await agent1.api('POST', '/api/calls', { to: '+15550001234' });
    await dialer.scheduler.advance(2_000); // agent answered, customer ringing
    const early = await agent1.api('POST', `/api/calls/${call.body.attempt.id}/transfer`, { agentId: agent2.user.id });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'conflict', message: 'The customer is not connected (ringing); only a call in progress can be transferred.' });
  });

  it('redirects the customer to an Available agent: the first agent is released, the new one Busy', async () => {
    const attemptId = await bridgedCall();
    await agent2.api('PUT', '/api/agents/me/status', { status: 'available' });
    const target = (await agent2.api('GET', '/api/softphone/session')).body.agent.sipUri;
    const before = dialer.sandbox.control.lines().length;

    const transfer = await agent1.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent2.user.id });
    expect(transfer.status).toBe(202);
    expect(transfer.body.attempt.status).toBe('transferring');
    const update = dialer.sandbox.control.transcript().filter((entry) => entry.kind === 'api').at(-1)!;
    expect((update.detail as { request: Record<string, string> }).request).toEqual({
      Url: expect.stringMatching(new RegExp(`/texml/transfer\\?attempt=${attemptId}&agent=${agent2.user.id}&t=[\\w-]{22}$`)),
      Method: 'POST',
    });

    await dialer.scheduler.advance(5_000);
    expect(dialer.sandbox.control.lines().slice(before)).toEqual([
      'api POST /Calls/:sid Url=/texml/transfer → 200 in-progress',
      'fetch A action POST /texml/dial-action DialCallStatus=completed → 200 <Hangup>',
      'verb A Hangup',
      'call A completed',
      'fetch B Url POST /texml/transfer → 200 <Dial>',
      `verb B Dial Sip=${target}?X-Dialer-Attempt=${attemptId}`,
      'callback A completed#3 → 200',
      'callback B initiated#0 → 200',
      'callback B ringing#1 → 200',
      'call B answered',
      'callback B in-progress#2 → 200',
      'call B bridged',
    ]);
    expect(await status(agent1)).toBe('wrap_up');
    expect(await status(agent2)).toBe('busy');
    const during = (await agent2.api('GET', `/api/calls/${attemptId}`)).body.attempt;
    expect(during.status).toBe('bridged');
    expect(during.legs.map((leg: { role: string; status: string }) => `${leg.role} ${leg.status}`)).toEqual([
      'agent completed',
      'customer in-progress',
      'transfer in-progress',
    ]);
    // The first agent's call is over for them: they may no longer act on it.
    expect((await agent1.api('POST', `/api/calls/${attemptId}/hangup`)).status).toBe(403);

    await dialer.scheduler.advance(25_000); // the customer hangs up at +35 s
    const after = (await dialer.api('GET', `/api/calls/${attemptId}`)).body.attempt;
    expect(after).toMatchObject({ status: 'completed', dial_call_status: 'completed' });
    expect(after.legs.map((leg: { role: string; status: string; agent_id: string | null; to_number: string }) => [leg.role, leg.status, leg.agent_id, leg.to_number])).toEqual([
      ['agent', 'completed', agent1.user.id, after.agent_sip],
      ['customer', 'completed', null, '+15550001234'],
      ['transfer', 'completed', agent2.user.id, target],
    ]);
    expect(await status(agent2)).toBe('wrap_up');
    const events = (await dialer.api('GET', `/api/calls/${attemptId}/events`)).body.events;
    expect(events.filter((event: { role: string }) => event.role === 'transfer').map((event: { call_status: string; verdict: string }) => `${event.call_status} ${event.verdict}`)).toEqual([
      'initiated applied',
      'ringing applied',
      'in-progress applied',
      'completed applied',
    ]);

    await agent1.api('POST', '/api/agents/me/wrap-up/done');
    const again = await dialer.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent1.user.id });
    expect(again.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('not connected (completed)') });
  });

  it('undoes the transfer leg when Telnyx refuses the redirect, so it can be tried again', async () => {
    const attemptId = await bridgedCall();
    await agent2.api('PUT', '/api/agents/me/status', { status: 'available' });
    const telnyx = dialer.running.ctx.telnyx;
    const updateCall = telnyx.updateCall;
    telnyx.updateCall = async () => {
      throw new DialerError('telnyx_rejected', { message: 'Telnyx rejected the request: the call has already ended.' });
    };
    try {
      const refused = await agent1.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent2.user.id });
      expect(refused.status).toBe(502);
      expect(refused.body.error.code).toBe('telnyx_rejected');
    } finally {
      telnyx.updateCall = updateCall;
    }
    const attempt = (await agent1.api('GET', `/api/calls/${attemptId}`)).body.attempt;
    expect(attempt.status).toBe('bridged');
    expect(attempt.legs.map((leg: { role: string }) => leg.role)).toEqual(['agent', 'customer']);
    expect((await agent1.api('POST', `/api/calls/${attemptId}/transfer`, { agentId: agent2.user.id })).status).toBe(202);
    await dialer.scheduler.advance(5_000);
    expect(await status(agent2)).toBe('busy');
  });
});
