/**
 * What a campaign attempt's customer outcome is, and what it does to the lead: retry
 * scheduling by the campaign's delays, the attempt cap, and answers waiting for the
 * disposition.
 */
import { describe, expect, it } from 'vitest';
import { attemptOutcomeColumns, customerOutcome, leadAfterOutcome } from '../../../server/campaigns/outcomes.ts';

const NOW = new Date('2026-01-05T15:10:00Z');
const MINUTE = 60_000;
const campaign = { max_attempts: 3, retry_delays: { busy: 15, no_answer: 60, machine: 240 } };
const fresh = { status: 'new' as const, attempts: 0, next_attempt_at: null };

describe('customerOutcome', () => {
  const attempt = (status: string, dial: string | null, amd: string | null = null) =>
    ({ status, dial_call_status: dial, amd_result: amd }) as Parameters<typeof customerOutcome>[0];

  it('reads the Dial action or the customer leg, whichever came first', () => {
    expect(customerOutcome(attempt('completed', 'busy'), undefined)).toBe('busy');
    expect(customerOutcome(attempt('dialing_customer', null), { status: 'no-answer', answered_by: null })).toBe('no_answer');
    expect(customerOutcome(attempt('completed', 'completed'), { status: 'completed', answered_by: null })).toBe('human');
    expect(customerOutcome(attempt('completed', 'completed'), { status: 'completed', answered_by: 'machine_start' })).toBe('machine');
    expect(customerOutcome(attempt('completed', 'completed', 'machine_end_beep'), undefined)).toBe('machine');
    expect(customerOutcome(attempt('completed', 'canceled'), undefined)).toBe('canceled');
    expect(customerOutcome(attempt('completed', 'failed'), undefined)).toBe('failed');
  });

  it('counts fax as a machine, and unknown, not_sure or anything new as a person', () => {
    expect(customerOutcome(attempt('completed', 'completed', 'fax'), undefined)).toBe('machine');
    expect(customerOutcome(attempt('completed', 'completed'), { status: 'completed', answered_by: 'fax' })).toBe('machine');
    expect(customerOutcome(attempt('completed', 'completed', 'machine_end_silence'), undefined)).toBe('machine');
    expect(customerOutcome(attempt('completed', 'completed', 'unknown'), undefined)).toBe('human');
    expect(customerOutcome(attempt('completed', 'completed'), { status: 'completed', answered_by: 'not_sure' })).toBe('human');
    expect(customerOutcome(attempt('completed', 'completed', 'human_residence'), undefined)).toBe('human');
  });

  it('waits while the customer leg is still going', () => {
    expect(customerOutcome(attempt('bridged', null), { status: 'in-progress', answered_by: null })).toBeNull();
    // The agent leg ended first (reordered callbacks): the customer's end is still to come.
    expect(customerOutcome(attempt('completed', null), { status: 'in-progress', answered_by: null })).toBeNull();
  });

  it('calls an attempt that ended before the customer was dialled not_dialled', () => {
    expect(customerOutcome(attempt('failed', null), undefined)).toBe('not_dialled');
    expect(customerOutcome(attempt('completed', null), { status: 'queued', answered_by: null })).toBe('not_dialled');
    expect(customerOutcome(attempt('dialing_agent', null), undefined)).toBeNull();
  });
});

describe('leadAfterOutcome', () => {
  it('gives a fax the machine delay and the machine mark (the UK 24 h lock)', () => {
    const outcome = customerOutcome({ status: 'completed', dial_call_status: null, amd_result: 'fax' }, { status: 'completed', answered_by: null });
    expect(leadAfterOutcome(fresh, outcome!, campaign, NOW, false)).toMatchObject({ outcome: 'machine', machine: true, nextAttemptAt: new Date(NOW.getTime() + 240 * MINUTE) });
  });

  it('schedules busy, no-answer and machine by their delays, and counts the attempt', () => {
    expect(leadAfterOutcome(fresh, 'busy', campaign, NOW, false)).toEqual({ outcome: 'busy', at: NOW, machine: false, status: 'new', nextAttemptAt: new Date(NOW.getTime() + 15 * MINUTE) });
    expect(leadAfterOutcome(fresh, 'no_answer', campaign, NOW, false)?.nextAttemptAt).toEqual(new Date(NOW.getTime() + 60 * MINUTE));
    expect(leadAfterOutcome(fresh, 'machine', campaign, NOW, false)).toMatchObject({ machine: true, nextAttemptAt: new Date(NOW.getTime() + 240 * MINUTE) });
    // Failed and cancelled calls wait like unanswered ones.
    expect(leadAfterOutcome(fresh, 'failed', campaign, NOW, false)?.nextAttemptAt).toEqual(new Date(NOW.getTime() + 60 * MINUTE));
    expect(leadAfterOutcome(fresh, 'canceled', campaign, NOW, false)?.nextAttemptAt).toEqual(new Date(NOW.getTime() + 60 * MINUTE));
  });

  it('finishes the lead on the attempt that reaches max_attempts', () => {
    expect(leadAfterOutcome({ ...fresh, attempts: 1 }, 'busy', campaign, NOW, false)?.status).toBe('new');
    expect(leadAfterOutcome({ ...fresh, attempts: 2 }, 'busy', campaign, NOW, false)?.status).toBe('done');
    expect(leadAfterOutcome({ ...fresh, attempts: 2 }, 'human', campaign, NOW, false)?.status).toBe('done');
  });

  it('keeps a callback a callback when it is retried', () => {
    expect(leadAfterOutcome({ ...fresh, status: 'callback' }, 'no_answer', campaign, NOW, false)?.status).toBe('callback');
  });

  it('schedules an answer provisionally, and lets a disposition given during the call decide', () => {
    expect(leadAfterOutcome(fresh, 'human', campaign, NOW, false)).toMatchObject({ status: 'new', nextAttemptAt: new Date(NOW.getTime() + 60 * MINUTE) });
    const decided = { status: 'callback' as const, attempts: 0, next_attempt_at: new Date('2026-01-06T15:00:00Z') };
    expect(leadAfterOutcome(decided, 'human', campaign, NOW, true)).toEqual({ outcome: 'human', at: NOW, machine: false, status: 'callback', nextAttemptAt: decided.next_attempt_at });
    expect(leadAfterOutcome({ ...fresh, status: 'dnc' }, 'busy', campaign, NOW, false)).toMatchObject({ status: 'dnc', nextAttemptAt: null });
  });

  it('does nothing to the lead when the customer was never dialled', () => {
    expect(leadAfterOutcome(fresh, 'not_dialled', campaign, NOW, false)).toBeNull();
  });
});

describe('attemptOutcomeColumns', () => {
  it('records the answer as the bridge of an agent-first call, within the two seconds', () => {
    const answeredAt = new Date('2026-01-05T15:00:05Z');
    expect(attemptOutcomeColumns('human', { answered_at: answeredAt }, NOW)).toEqual({
      outcome: 'human',
      outcome_at: NOW,
      answered_at: answeredAt,
      bridged_at: answeredAt,
      two_second_rule_met: true,
    });
    expect(attemptOutcomeColumns('busy', { answered_at: null }, NOW)).toMatchObject({ answered_at: null, bridged_at: null, two_second_rule_met: null });
  });
});
