import { describe, expect, it } from 'vitest';
import { evaluateCallback, evaluateDialAction, parseDialAction, parseStatusCallback } from '../../../server/calls/merge.ts';
import { emptyLeg } from '../../../server/calls/repository.ts';
import type { LegRow } from '../../../server/calls/tables.ts';

type Leg = Parameters<typeof evaluateCallback>[0];
const NO_CONTEXT = { alreadyApplied: false, sidTakenByOtherLeg: false };

function leg(overrides: Partial<LegRow> = {}): Leg {
  // The row a new leg starts as, exactly as the repository writes it.
  return { ...emptyLeg('attempt-1', 'agent', new Date(0)), ...overrides };
}

describe('parseStatusCallback', () => {
  it('parses the §4 example', () => {
    const parsed = parseStatusCallback({
      CallSid: 'v3:9X2v',
      CallStatus: 'completed',
      From: '+35319605860',
      To: '+13129457420',
      CallInitiatedAt: '2024-01-15T10:30:26.028Z',
      Timestamp: '2024-01-15T10:31:00Z',
      SequenceNumber: '3',
      CallDuration: '45',
      HangupCause: 'normal_clearing',
      HangupSource: 'caller',
      SipHangupCause: '200',
      AnsweredTime: '2024-01-15T10:30:15Z',
      EndTime: '2024-01-15T10:31:00Z',
    });
    expect(parsed).toMatchObject({
      callSid: 'v3:9X2v',
      status: 'completed',
      sequence: 3,
      durationS: 45,
      initiatedAt: new Date('2024-01-15T10:30:26.028Z'),
      answeredTime: new Date('2024-01-15T10:30:15Z'),
      endTime: new Date('2024-01-15T10:31:00Z'),
      parentCallSid: null,
      errorCode: null,
    });
  });

  it('reads the older Timestamp spellings and drops what it cannot read', () => {
    expect(parseStatusCallback({ Timestamp: '2021-04-28 21:51:18.731479Z' }).timestamp).toEqual(new Date('2021-04-28T21:51:18.731Z'));
    expect(parseStatusCallback({ Timestamp: 'Wed, 28 Apr 2021 21:51:18 +0000' }).timestamp).toEqual(new Date('2021-04-28T21:51:18Z'));
    const junk = parseStatusCallback({ Timestamp: 'yesterday', SequenceNumber: '-1', CallDuration: '4.5', CallStatus: 'dtmf', CallSid: '  ' });
    expect(junk).toMatchObject({ timestamp: null, sequence: null, durationS: null, status: null, rawStatus: 'dtmf', callSid: null });
    expect(parseStatusCallback({ SequenceNumber: '99999999999' }).sequence).toBeNull();
  });
});

describe('evaluateCallback', () => {
  const ringing = parseStatusCallback({ CallSid: 'A', CallStatus: 'ringing', SequenceNumber: '1', Timestamp: '2026-01-05T15:00:01Z', From: '+1', To: '+2' });

  it('applies a forward move with its facts', () => {
    expect(evaluateCallback(leg(), ringing, NO_CONTEXT)).toEqual({
      verdict: 'applied',
      patch: { call_sid: 'A', from_number: '+1', to_number: '+2', ringing_at: new Date('2026-01-05T15:00:01Z'), status: 'ringing', status_source: 'callback', last_sequence: 1 },
    });
  });

  it('never overwrites a fact that is already known', () => {
    const known = leg({ call_sid: 'A', from_number: '+9', status: 'initiated', last_sequence: 0 });
    expect(evaluateCallback(known, ringing, NO_CONTEXT).patch).not.toHaveProperty('from_number');
  });

  it('puts duplicate before stale and stale before illegal', () => {
    const ahead = leg({ call_sid: 'A', status: 'completed', last_sequence: 3 });
    expect(evaluateCallback(ahead, ringing, { ...NO_CONTEXT, alreadyApplied: true })).toEqual({ verdict: 'duplicate', patch: {} });
    expect(evaluateCallback(ahead, ringing, NO_CONTEXT).verdict).toBe('stale');
    expect(evaluateCallback(leg({ call_sid: 'A', status: 'completed', last_sequence: 0 }), ringing, NO_CONTEXT).verdict).toBe('illegal');
  });

  it('keeps the terminal details of the terminal callback, leaving absent ones alone', () => {
    const busy = parseStatusCallback({ CallSid: 'A', CallStatus: 'busy', SequenceNumber: '2', Timestamp: '2026-01-05T15:00:07Z', HangupCause: 'user_busy' });
    const result = evaluateCallback(leg({ call_sid: 'A', status: 'ringing', last_sequence: 1, duration_s: 0 }), busy, NO_CONTEXT);
    expect(result.verdict).toBe('applied');
    expect(result.patch).toMatchObject({ status: 'busy', ended_at: new Date('2026-01-05T15:00:07Z'), hangup_cause: 'user_busy' });
    expect(result.patch).not.toHaveProperty('duration_s');
  });
});

describe('evaluateDialAction', () => {
  const action = parseDialAction({ DialCallSid: 'B', DialCallStatus: 'completed', DialCallDuration: '48' });

  it('does not move a leg that already ended, but fills what it lacks', () => {
    const result = evaluateDialAction({ dial_call_status: null }, { status: 'busy', call_sid: null, duration_s: null }, action, { sidTakenByOtherLeg: false });
    expect(result).toEqual({
      verdict: 'applied',
      attemptPatch: { dial_call_status: 'completed', dial_call_duration_s: 48 },
      legPatch: { call_sid: 'B', duration_s: 48 },
    });
  });

  it('leaves a leg with another CallSid alone', () => {
    const result = evaluateDialAction({ dial_call_status: null }, { status: 'ringing', call_sid: 'C', duration_s: null }, action, { sidTakenByOtherLeg: false });
    expect(result.legPatch).toBeNull();
    expect(result.verdict).toBe('applied');
  });

  it('records the first bridge but leaves the customer leg going when it was transferred', () => {
    const live = { status: 'in-progress', call_sid: 'B', duration_s: null } as const;
    const ended = evaluateDialAction({ dial_call_status: null }, live, action, { sidTakenByOtherLeg: false });
    expect(ended.legPatch).toEqual({ duration_s: 48, status: 'completed', status_source: 'dial_action' });
    const transferred = evaluateDialAction({ dial_call_status: null }, live, action, { sidTakenByOtherLeg: false, dialledLegContinues: true });
    expect(transferred).toEqual({ verdict: 'applied', attemptPatch: { dial_call_status: 'completed', dial_call_duration_s: 48 }, legPatch: null });
  });
});
