/**
 * The paced dialer's snapshot builder, rows → what the controller sees: agents by phase
 * (free, busy, wrap, paused; offline left out), calls in flight by phase (ringing,
 * answered, waiting; machines, abandoned, bridged, routed and finished calls left out),
 * and the ledger in the controller's terms.
 */
import { describe, expect, it } from 'vitest';
import { agentSnapshotOf, buildSnapshot, callSnapshotOf, ledgerOf, type CampaignAgentState, type InFlightAttempt } from '../../../server/campaigns/paced-snapshot.ts';

const NOW = Date.UTC(2026, 0, 5, 15, 0, 0);
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000);

const agent = (id: string, patch: Partial<CampaignAgentState>): CampaignAgentState => ({
  id,
  status: 'available',
  statusSince: at(60),
  registered: true,
  reserved: false,
  ...patch,
});

const attempt = (id: string, patch: Partial<InFlightAttempt>): InFlightAttempt => ({
  id,
  mode: 'power',
  status: 'dialing_customer',
  outcome: null,
  created_at: at(10),
  answered_at: null,
  amd_result: null,
  bridged_at: null,
  abandoned: false,
  agent_id: null,
  customer_answered_at: null,
  ...patch,
});

describe('agentSnapshotOf', () => {
  it('maps each status to the phase the controller knows, with when it began', () => {
    expect(agentSnapshotOf(agent('a', {}), NOW)).toEqual({ id: 'a', phase: 'free', phaseSinceMs: NOW - 60_000 });
    expect(agentSnapshotOf(agent('a', { status: 'busy', statusSince: at(30) }), NOW)).toEqual({ id: 'a', phase: 'busy', phaseSinceMs: NOW - 30_000, handleStartedMs: NOW - 30_000 });
    expect(agentSnapshotOf(agent('a', { status: 'wrap_up', statusSince: at(5) }), NOW)).toEqual({ id: 'a', phase: 'wrap', phaseSinceMs: NOW - 5000 });
    expect(agentSnapshotOf(agent('a', { status: 'unavailable' }), NOW)).toEqual({ id: 'a', phase: 'paused', phaseSinceMs: NOW - 60_000 });
    expect(agentSnapshotOf(agent('a', { status: 'offline' }), NOW)).toBeNull();
  });

  it('counts an Available agent being offered a call as busy from now, and one whose softphone is gone as paused', () => {
    expect(agentSnapshotOf(agent('a', { reserved: true }), NOW)).toEqual({ id: 'a', phase: 'busy', phaseSinceMs: NOW, handleStartedMs: NOW });
    expect(agentSnapshotOf(agent('a', { registered: false }), NOW)).toEqual({ id: 'a', phase: 'paused', phaseSinceMs: NOW - 60_000 });
  });
});

describe('callSnapshotOf', () => {
  it('puts a call in the phase its times show: ringing, answered (verdict pending), waiting (a person, no agent)', () => {
    expect(callSnapshotOf(attempt('r', {}), NOW)).toEqual({ id: 'r', phase: 'ringing', launchedAtMs: NOW - 10_000, phaseSinceMs: NOW - 10_000 });
    expect(callSnapshotOf(attempt('a', { customer_answered_at: at(2) }), NOW)).toEqual({ id: 'a', phase: 'answered', launchedAtMs: NOW - 10_000, phaseSinceMs: NOW - 2000 });
    expect(callSnapshotOf(attempt('w', { customer_answered_at: at(3), answered_at: at(1), amd_result: 'human' }), NOW)).toEqual({
      id: 'w',
      phase: 'waiting',
      launchedAtMs: NOW - 10_000,
      phaseSinceMs: NOW - 1000,
    });
  });

  it('leaves out calls no agent is needed for, or that have one', () => {
    expect(callSnapshotOf(attempt('m', { answered_at: at(1), amd_result: 'machine_start' }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('x', { answered_at: at(1), abandoned: true }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('b', { answered_at: at(2), bridged_at: at(1), agent_id: 'agent' }), NOW)).toBeNull();
    // A paced person given an agent whose leg still rings: the agent counts, not the call.
    expect(callSnapshotOf(attempt('g', { answered_at: at(1), agent_id: 'agent' }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('c', { status: 'completed' }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('f', { status: 'failed' }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('o', { outcome: 'no_answer' }), NOW)).toBeNull();
    expect(callSnapshotOf(attempt('old', { created_at: at(3 * 3600) }), NOW)).toBeNull();
  });

  it('keeps a progressive call (from before a switch of mode) in flight although it names its reserved agent', () => {
    expect(callSnapshotOf(attempt('p', { mode: 'progressive', agent_id: 'agent' }), NOW)).toMatchObject({ id: 'p', phase: 'ringing' });
  });
});

describe('buildSnapshot', () => {
  it('assembles agents, calls, the ledger and the caps', () => {
    const ledger = ledgerOf({ rolling24h: { abandoned: 1, liveAnswered: 40 }, rolling30d: { abandoned: 3, liveAnswered: 500 } });
    expect(ledger).toEqual({ humans24h: 40, abandons24h: 1, humans30d: 500, abandons30d: 3 });
    const snapshot = buildSnapshot({
      nowMs: NOW,
      agents: [agent('free', {}), agent('off', { status: 'offline' }), agent('talk', { status: 'busy', statusSince: at(20) })],
      attempts: [attempt('ringing', {}), attempt('done', { outcome: 'busy' })],
      ledger,
      dialsAllowedNow: 30,
      leadsAvailable: 7,
    });
    expect(snapshot).toEqual({
      nowMs: NOW,
      agents: [
        { id: 'free', phase: 'free', phaseSinceMs: NOW - 60_000 },
        { id: 'talk', phase: 'busy', phaseSinceMs: NOW - 20_000, handleStartedMs: NOW - 20_000 },
      ],
      calls: [{ id: 'ringing', phase: 'ringing', launchedAtMs: NOW - 10_000, phaseSinceMs: NOW - 10_000 }],
      ledger,
      dialsAllowedNow: 30,
      leadsAvailable: 7,
    });
  });
});
