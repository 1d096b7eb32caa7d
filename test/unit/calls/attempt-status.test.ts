import { describe, expect, it } from 'vitest';
import { deriveAttemptStatus } from '../../../server/calls/attempt-status.ts';
import type { AttemptStatus, CreateState } from '../../../server/calls/tables.ts';
import type { LegStatus } from '../../../server/calls/transitions.ts';
import type { TerminalCallStatus } from '../../../lib/telnyx-wire.ts';

type Row = [agent: LegStatus | null, customer: LegStatus | null, createState: CreateState, dial: TerminalCallStatus | null, expected: AttemptStatus];

const TABLE: Row[] = [
  // Nothing heard from Telnyx: the create request decides.
  [null, null, 'pending', null, 'created'],
  ['queued', null, 'pending', null, 'created'],
  ['queued', null, 'accepted', null, 'dialing_agent'],
  ['queued', null, 'reconciled_found', null, 'dialing_agent'],
  ['queued', null, 'outcome_unknown', null, 'outcome_unknown'],
  ['queued', null, 'rejected', null, 'failed'],
  ['queued', null, 'reconciled_absent', null, 'failed'],
  // The agent's phone.
  ['initiated', null, 'accepted', null, 'dialing_agent'],
  ['ringing', null, 'pending', null, 'dialing_agent'],
  ['ringing', null, 'outcome_unknown', null, 'dialing_agent'],
  ['no-answer', null, 'accepted', null, 'failed'],
  ['busy', null, 'accepted', null, 'failed'],
  ['canceled', 'queued', 'accepted', null, 'failed'],
  ['failed', null, 'accepted', null, 'failed'],
  // The agent answered; the customer leg decides.
  ['in-progress', null, 'accepted', null, 'agent_answered'],
  ['in-progress', 'queued', 'accepted', null, 'agent_answered'],
  ['in-progress', 'initiated', 'accepted', null, 'dialing_customer'],
  ['in-progress', 'ringing', 'accepted', null, 'dialing_customer'],
  ['in-progress', 'in-progress', 'accepted', null, 'bridged'],
  ['in-progress', 'completed', 'accepted', 'completed', 'completed'],
  ['in-progress', 'busy', 'accepted', null, 'completed'],
  ['in-progress', 'ringing', 'accepted', 'no-answer', 'completed'],
  ['in-progress', null, 'accepted', 'failed', 'completed'],
  ['completed', null, 'accepted', null, 'completed'],
  ['completed', 'completed', 'accepted', 'completed', 'completed'],
  // Agent callbacks late: the customer leg proves the agent answered.
  ['queued', 'ringing', 'accepted', null, 'dialing_customer'],
  ['ringing', 'in-progress', 'outcome_unknown', null, 'bridged'],
  [null, 'completed', 'pending', null, 'completed'],
  ['ringing', null, 'accepted', 'busy', 'completed'],
  // Agent hung up while the customer was still ringing.
  ['completed', 'ringing', 'accepted', null, 'completed'],
  // Evidence of the call beats a pessimistic create state.
  ['in-progress', null, 'reconciled_absent', null, 'agent_answered'],
];

describe('deriveAttemptStatus', () => {
  it.each(TABLE)('agent %s, customer %s, create %s, dial %s → %s', (agent, customer, createState, dial, expected) => {
    const legs = [
      ...(agent ? [{ role: 'agent' as const, status: agent }] : []),
      ...(customer ? [{ role: 'customer' as const, status: customer }] : []),
    ];
    expect(deriveAttemptStatus(legs, { create_state: createState, dial_call_status: dial })).toBe(expected);
  });

  it('can produce every status', () => {
    expect(new Set(TABLE.map((row) => row[4])).size).toBe(8);
  });
});

describe('deriveAttemptStatus after a transfer (flow 4)', () => {
  const derive = (transfer: LegStatus, customer: LegStatus, agent: LegStatus = 'completed') =>
    deriveAttemptStatus(
      [
        { role: 'agent', status: agent },
        { role: 'customer', status: customer },
        { role: 'transfer', status: transfer },
      ],
      // The first bridge's Dial action has come: without the transfer leg this would be `completed`.
      { create_state: 'accepted', dial_call_status: 'completed' },
    );

  it.each([
    ['queued', 'in-progress', 'transferring'],
    ['ringing', 'in-progress', 'transferring'],
    ['in-progress', 'in-progress', 'bridged'],
    ['completed', 'in-progress', 'completed'],
    ['no-answer', 'in-progress', 'completed'],
    ['ringing', 'completed', 'completed'],
  ] as const)('transfer %s, customer %s → %s', (transfer, customer, expected) => {
    expect(derive(transfer, customer)).toBe(expected);
  });

  it('does not depend on the first agent leg once transferred', () => {
    expect(derive('queued', 'in-progress', 'in-progress')).toBe('transferring');
  });
});
