import { describe, expect, it } from 'vitest';
import { TERMINAL_CALL_STATUSES } from '../../../lib/telnyx-wire.ts';
import { ALLOWED_TRANSITIONS, canTransition, isLegStatus, isTerminalLegStatus, LEG_STATUS, LEG_STATUSES, type LegStatus } from '../../../server/calls/transitions.ts';

/** The intended order, written independently of the table: terminals share the last rank. */
const RANK: Record<LegStatus, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  canceled: 4,
  failed: 4,
};

describe('leg transitions', () => {
  it('lists every status once, in wire spelling', () => {
    expect(LEG_STATUSES).toEqual(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'canceled', 'failed']);
    expect(Object.keys(ALLOWED_TRANSITIONS).sort()).toEqual([...LEG_STATUSES].sort());
    expect(LEG_STATUS.inProgress).toBe('in-progress');
    expect(LEG_STATUS.noAnswer).toBe('no-answer');
  });

  // All 81 pairs: forward moves only, skipping allowed, nothing out of a terminal status.
  for (const from of LEG_STATUSES) {
    for (const to of LEG_STATUSES) {
      const expected = RANK[from] < 4 && RANK[to] > RANK[from];
      it(`${from} → ${to} is ${expected ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(expected);
      });
    }
  }

  it('treats exactly the Telnyx terminal statuses as terminal', () => {
    expect(LEG_STATUSES.filter(isTerminalLegStatus)).toEqual([...TERMINAL_CALL_STATUSES]);
  });

  it('recognises statuses', () => {
    expect(isLegStatus('ringing')).toBe(true);
    expect(isLegStatus('dtmf')).toBe(false);
    expect(isLegStatus(undefined)).toBe(false);
  });
});
