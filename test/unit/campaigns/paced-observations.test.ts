/**
 * What a paced controller learns from the attempt log: attempt rows → observations
 * (results with launch/answer/result times, connects, abandons, agent releases with
 * handle and talk time), the release time read from the agent's status, and the feed
 * that hands each observation over exactly once, across passes, with its queries.
 */
import { describe, expect, it } from 'vitest';
import {
  CREATED_SLACK_MS,
  fullyObserved,
  ObservationFeed,
  observationsOf,
  OPEN_SPAN_MS,
  RELEASE_GRACE_MS,
  releaseTimeOf,
  WARM_UP_ATTEMPTS,
  type FeedAttempt,
} from '../../../server/campaigns/paced-observations.ts';

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);
const t = (seconds: number) => new Date(T0 + seconds * 1000);
const SYNC = { enabled: true, mode: 'sync' } as const;
const ASYNC = { enabled: true, mode: 'async' } as const;

const row = (id: string, patch: Partial<FeedAttempt> = {}): FeedAttempt => ({
  id,
  created_at: t(0),
  answered_at: null,
  customer_answered_at: null,
  amd_result: null,
  amd_at: null,
  outcome: null,
  outcome_at: null,
  bridged_at: null,
  abandoned: false,
  abandoned_at: null,
  two_second_rule_met: null,
  agent_id: null,
  agent_ended_at: null,
  agent_released_at: null,
  ...patch,
});

/** A person answered at 8 s (sync verdict at 9 s), bridged at 10 s, talked to 70 s, free at 85 s. */
const talked = (id: string, patch: Partial<FeedAttempt> = {}) =>
  row(id, {
    customer_answered_at: t(8),
    answered_at: t(9),
    amd_result: 'human',
    amd_at: t(9),
    bridged_at: t(10),
    two_second_rule_met: true,
    agent_id: 'agent-1',
    agent_ended_at: t(70),
    outcome: 'human',
    outcome_at: t(70),
    agent_released_at: t(85),
    ...patch,
  });

describe('observationsOf', () => {
  it('turns a talked call into its result, connect and release', () => {
    expect(observationsOf(talked('a'), SYNC)).toEqual([
      { kind: 'result', observation: { type: 'call-result', atMs: T0 + 9000, launchedAtMs: T0, answeredAtMs: T0 + 8000, result: 'human' } },
      { kind: 'connected', observation: { type: 'connected', atMs: T0 + 10_000, launchedAtMs: T0 } },
      { kind: 'released', observation: { type: 'agent-released', atMs: T0 + 85_000, handleMs: 75_000, talkMs: 60_000 } },
    ]);
  });

  it('reports unanswered calls at their outcome, machines at the verdict, and nothing for a call never dialled', () => {
    expect(observationsOf(row('n', { outcome: 'no_answer', outcome_at: t(25) }), SYNC)).toEqual([
      { kind: 'result', observation: { type: 'call-result', atMs: T0 + 25_000, launchedAtMs: T0, result: 'unanswered' } },
    ]);
    expect(observationsOf(row('m', { customer_answered_at: t(20), answered_at: t(23), amd_result: 'machine_start', amd_at: t(23) }), SYNC)).toEqual([
      { kind: 'result', observation: { type: 'call-result', atMs: T0 + 23_000, launchedAtMs: T0, answeredAtMs: T0 + 20_000, result: 'machine' } },
    ]);
    expect(observationsOf(row('x', { outcome: 'not_dialled', outcome_at: t(0) }), SYNC)).toEqual([]);
    expect(observationsOf(row('r'), SYNC)).toEqual([]);
  });

  it('waits for the async verdict before calling an answer a person (it may be a machine)', () => {
    const answered = row('a', { customer_answered_at: t(5), answered_at: t(5), agent_id: 'agent-1' });
    expect(observationsOf(answered, ASYNC)).toEqual([]);
    expect(observationsOf({ ...answered, amd_result: 'human', amd_at: t(6) }, ASYNC)[0]).toEqual({
      kind: 'result',
      observation: { type: 'call-result', atMs: T0 + 5000, launchedAtMs: T0, answeredAtMs: T0 + 5000, result: 'human' },
    });
    expect(observationsOf({ ...answered, amd_result: 'machine_end_beep', amd_at: t(8) }, ASYNC)[0]!.observation).toMatchObject({ result: 'machine', atMs: T0 + 8000 });
    // No verdict ever came: a person once the call is over.
    expect(observationsOf({ ...answered, outcome: 'human', outcome_at: t(40) }, ASYNC)[0]!.observation).toMatchObject({ result: 'human', atMs: T0 + 5000 });
    // AMD off: a person at once.
    expect(observationsOf(answered, { enabled: false, mode: 'async' })[0]!.observation).toMatchObject({ result: 'human' });
  });

  it('counts abandons as the ledger does: the safe-harbor message, or a person bridged late', () => {
    const dropped = row('d', { customer_answered_at: t(8), answered_at: t(9), amd_result: 'human', abandoned: true, abandoned_at: t(9), two_second_rule_met: false });
    expect(observationsOf(dropped, SYNC).map((found) => found.observation)).toEqual([
      { type: 'call-result', atMs: T0 + 9000, launchedAtMs: T0, answeredAtMs: T0 + 8000, result: 'human' },
      { type: 'abandoned', atMs: T0 + 9000, launchedAtMs: T0 },
    ]);
    const late = talked('l', { bridged_at: t(12), two_second_rule_met: false });
    expect(observationsOf(late, SYNC).map((found) => found.kind)).toEqual(['result', 'connected', 'abandoned', 'released']);
    expect(observationsOf(late, SYNC)[2]!.observation).toEqual({ type: 'abandoned', atMs: T0 + 12_000, launchedAtMs: T0 });
  });
});

describe('fullyObserved', () => {
  it('is true once the outcome is in and an agent it reached is free again', () => {
    expect(fullyObserved(row('r'))).toBe(false);
    expect(fullyObserved(row('n', { outcome: 'busy', outcome_at: t(3) }))).toBe(true);
    expect(fullyObserved(talked('a', { agent_released_at: null }))).toBe(false);
    expect(fullyObserved(talked('a'))).toBe(true);
  });
});

describe('releaseTimeOf', () => {
  const bridged = talked('a', { agent_released_at: null });
  const context = { wrapUpMs: 20_000, nextBridgedAt: null, nowMs: T0 + 100_000 };

  it('reads the release from the status the agent moved to after the call, never after the wrap-up timer', () => {
    expect(releaseTimeOf(bridged, { status: 'available', statusSince: t(80) }, context)).toEqual(t(80));
    expect(releaseTimeOf(bridged, { status: 'unavailable', statusSince: t(95) }, context)).toEqual(t(90));
    expect(releaseTimeOf(bridged, { status: 'busy', statusSince: t(88) }, context)).toEqual(t(88));
  });

  it('waits while the agent is still on the call or in its wrap-up', () => {
    expect(releaseTimeOf(bridged, { status: 'busy', statusSince: t(10) }, context)).toBeNull();
    expect(releaseTimeOf(bridged, { status: 'wrap_up', statusSince: t(70) }, context)).toBeNull();
    expect(releaseTimeOf(row('r'), { status: 'available', statusSince: t(80) }, context)).toBeNull();
    // A wrap-up seen long after this one's timer ran out is another call's.
    expect(releaseTimeOf(bridged, { status: 'wrap_up', statusSince: t(150) }, { ...context, nowMs: T0 + 90_000 + RELEASE_GRACE_MS + 1 })).toEqual(t(90));
  });

  it('takes the next bridged call of the agent as proof, and the timer when the agent is gone', () => {
    expect(releaseTimeOf(bridged, { status: 'wrap_up', statusSince: t(120) }, { ...context, nextBridgedAt: t(84) })).toEqual(t(84));
    expect(releaseTimeOf(bridged, undefined, context)).toEqual(t(90));
    expect(releaseTimeOf(bridged, undefined, { ...context, nowMs: T0 + 89_000 })).toBeNull();
  });
});

describe('ObservationFeed', () => {
  it('warms up from the newest attempts, then reads the recent and the open ones, handing each observation over once', () => {
    const feed = new ObservationFeed();
    const now = T0 + 60_000;
    expect(feed.query(now)).toEqual({ kind: 'warm-up', sinceMs: now - 24 * 3_600_000, limit: WARM_UP_ATTEMPTS });

    const ringing = row('ringing', { created_at: t(50) });
    const done = row('done', { created_at: t(10), outcome: 'busy', outcome_at: t(12) });
    const talking = talked('talking', { created_at: t(20), customer_answered_at: t(28), answered_at: t(29), bridged_at: t(30), agent_ended_at: null, outcome: null, outcome_at: null, agent_released_at: null });
    const first = feed.take([ringing, done, talking], SYNC, now);
    // Oldest first: the busy at 12 s, the person at 29 s, the connect at 30 s.
    expect(first.map((observation) => [observation.type, observation.atMs - T0])).toEqual([
      ['call-result', 12_000],
      ['call-result', 29_000],
      ['connected', 30_000],
    ]);
    expect(feed.openAttempts).toBe(2);
    expect(feed.query(now)).toEqual({ kind: 'recent', createdFromMs: now - CREATED_SLACK_MS, openIds: ['ringing', 'talking'] });

    // Next pass (the finished `done` is older than the cursor and no longer asked for): the
    // rows that changed give what changed.
    const later = now + 90_000;
    const second = feed.take(
      [
        { ...ringing, outcome: 'no_answer', outcome_at: t(75) },
        { ...talking, agent_ended_at: t(100), outcome: 'human', outcome_at: t(100), agent_released_at: t(110) },
        row('new', { created_at: t(140) }),
      ],
      SYNC,
      later,
    );
    expect(second).toEqual([
      { type: 'call-result', atMs: T0 + 75_000, launchedAtMs: T0 + 50_000, result: 'unanswered' },
      { type: 'agent-released', atMs: T0 + 110_000, handleMs: 80_000, talkMs: 70_000 },
    ]);
    // Read again (it is within the cursor's slack), the unchanged new row gives nothing new.
    expect(feed.take([row('new', { created_at: t(140) })], SYNC, later + 1000)).toEqual([]);
    expect(feed.query(later)).toEqual({ kind: 'recent', createdFromMs: T0 + 140_000 - CREATED_SLACK_MS, openIds: ['new'] });
  });

  it('gives up on an attempt still open after two hours', () => {
    const feed = new ObservationFeed();
    feed.take([row('stuck', { created_at: t(0) })], SYNC, T0 + 1000);
    expect(feed.openAttempts).toBe(1);
    feed.take([], SYNC, T0 + OPEN_SPAN_MS + 1000);
    expect(feed.openAttempts).toBe(0);
  });
});
