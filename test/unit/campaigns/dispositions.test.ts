/** Disposition rules: what each kind does to the lead. */
import { describe, expect, it } from 'vitest';
import { dispositionRequest, leadAfterDisposition } from '../../../server/campaigns/dispositions.ts';
import { isDialerError } from '../../../server/errors.ts';

const NOW = new Date('2026-01-05T15:10:00Z');
const campaign = { max_attempts: 3, retry_delays: { busy: 15, no_answer: 60, machine: 240 } };
const input = { status: 'new' as const, attemptsAfter: 1, campaign, now: NOW, callbackAgentId: null };
const released = { claimed_by: null, claimed_at: null };

describe('leadAfterDisposition', () => {
  it('finishes the lead on a final disposition', () => {
    expect(leadAfterDisposition({ code: 'sale', label: 'Sale', kind: 'final' }, input)).toEqual({ status: 'done', last_outcome: 'sale', callback_agent_id: null, ...released });
  });

  it('retries after the no-answer delay, or finishes at the attempt cap', () => {
    const retry = { code: 'no_answer', label: 'No answer', kind: 'retry' } as const;
    expect(leadAfterDisposition(retry, input)).toMatchObject({ status: 'new', next_attempt_at: new Date(NOW.getTime() + 60 * 60_000) });
    expect(leadAfterDisposition(retry, { ...input, attemptsAfter: 3 }).status).toBe('done');
  });

  it('schedules a callback at the given time, owned by the agent when asked', () => {
    const callback = { code: 'callback', label: 'Call back', kind: 'callback' } as const;
    const at = new Date('2026-01-06T15:00:00Z');
    expect(leadAfterDisposition(callback, { ...input, callbackAt: at, callbackAgentId: 'agent-1' })).toEqual({
      status: 'callback',
      last_outcome: 'callback',
      next_attempt_at: at,
      callback_agent_id: 'agent-1',
      ...released,
    });
    let error: unknown;
    try {
      leadAfterDisposition(callback, input);
    } catch (caught) {
      error = caught;
    }
    expect(isDialerError(error, 'validation_failed')).toBe(true);
  });

  it('marks the lead dnc, and never takes a lead off dnc', () => {
    expect(leadAfterDisposition({ code: 'do_not_call', label: 'DNC', kind: 'dnc' }, input).status).toBe('dnc');
    expect(leadAfterDisposition({ code: 'sale', label: 'Sale', kind: 'final' }, { ...input, status: 'dnc' }).status).toBe('dnc');
    expect(leadAfterDisposition({ code: 'callback', label: 'Call back', kind: 'callback' }, { ...input, status: 'dnc', callbackAt: NOW }).status).toBe('dnc');
  });
});

describe('dispositionRequest', () => {
  it('takes a code, notes, an ISO callback time and a scope, and nothing else', () => {
    expect(dispositionRequest.safeParse({ code: 'callback', callbackAt: '2026-01-06T10:00:00-05:00', callbackScope: 'agent' }).success).toBe(true);
    expect(dispositionRequest.safeParse({ code: 'callback', callbackAt: 'tomorrow' }).success).toBe(false);
    expect(dispositionRequest.safeParse({ code: 'callback', callbackScope: 'team' }).success).toBe(false);
    expect(dispositionRequest.safeParse({ code: 'sale', extra: 1 }).success).toBe(false);
  });
});
