/**
 * The agent-status table, enumerated: every status × registered × event, written out by
 * hand. `!code` is a refusal; `status:reason` the result.
 */
import { describe, expect, it } from 'vitest';
import { ALLOWED_AGENT_TRANSITIONS, decide, type AgentEvent } from '../../../server/agents/status.ts';
import { AGENT_STATUSES, type AgentStatus } from '../../../server/agents/tables.ts';

const EVENTS: Array<[label: string, event: AgentEvent, wrapUpS: number]> = [
  ['set available', { type: 'set', status: 'available' }, 30],
  ['set unavailable', { type: 'set', status: 'unavailable', reason: 'lunch' }, 30],
  ['set offline', { type: 'set', status: 'offline' }, 30],
  ['call answered', { type: 'call_answered' }, 30],
  ['call ended', { type: 'call_ended' }, 30],
  ['call ended, no wrap-up', { type: 'call_ended' }, 0],
  ['wrap-up done', { type: 'wrap_up_done' }, 30],
  ['softphone lost', { type: 'softphone_lost' }, 30],
  ['logout', { type: 'logout' }, 30],
];

const SD = 'unavailable:softphone_disconnected';

/** Rows: status, registered; then one result per event, in EVENTS order. */
const TABLE: Array<[AgentStatus, boolean, ...string[]]> = [
  ['offline', true, 'available', 'unavailable:lunch', 'offline', 'busy', 'offline', 'offline', '!conflict', 'offline', 'offline'],
  ['offline', false, '!agent_not_registered', 'unavailable:lunch', 'offline', 'busy', 'offline', 'offline', '!conflict', 'offline', 'offline'],
  ['available', true, 'available', 'unavailable:lunch', 'offline', 'busy', 'available', 'available', '!conflict', SD, 'offline'],
  ['available', false, '!agent_not_registered', 'unavailable:lunch', 'offline', 'busy', 'available', 'available', '!conflict', SD, 'offline'],
  ['busy', true, '!conflict', '!conflict', '!conflict', 'busy', 'wrap_up', 'available', '!conflict', 'busy', 'offline'],
  ['busy', false, '!conflict', '!conflict', '!conflict', 'busy', 'wrap_up', SD, '!conflict', 'busy', 'offline'],
  ['wrap_up', true, 'available', 'unavailable:lunch', 'offline', 'busy', 'wrap_up', 'wrap_up', 'available', SD, 'offline'],
  ['wrap_up', false, '!agent_not_registered', 'unavailable:lunch', 'offline', 'busy', 'wrap_up', 'wrap_up', SD, SD, 'offline'],
  ['unavailable', true, 'available', 'unavailable:lunch', 'offline', 'busy', 'unavailable:break', 'unavailable:break', '!conflict', SD, 'offline'],
  ['unavailable', false, '!agent_not_registered', 'unavailable:lunch', 'offline', 'busy', 'unavailable:break', 'unavailable:break', '!conflict', SD, 'offline'],
];

const CASES = TABLE.flatMap(([status, registered, ...results]) =>
  EVENTS.map(([label, event, wrapUpS], index) => ({ status, registered, label, event, wrapUpS, expected: results[index]! })),
);

function outcome(status: AgentStatus, registered: boolean, event: AgentEvent, wrapUpS: number): string {
  const decision = decide({ status, registered, reason: status === 'unavailable' ? 'break' : null }, event, wrapUpS);
  if (!decision.ok) return `!${decision.code}`;
  return decision.reason === null ? decision.status : `${decision.status}:${decision.reason}`;
}

describe('agent status: decide', () => {
  it('covers every status, registered or not, with every event', () => {
    expect(new Set(TABLE.map(([status, registered]) => `${status} ${registered}`)).size).toBe(AGENT_STATUSES.length * 2);
    expect(TABLE.every((row) => row.length === EVENTS.length + 2)).toBe(true);
  });

  it.each(CASES)('$status (registered $registered) + $label → $expected', ({ status, registered, event, wrapUpS, expected }) => {
    expect(outcome(status, registered, event, wrapUpS)).toBe(expected);
  });

  it('only ever moves along ALLOWED_AGENT_TRANSITIONS, and uses every move it lists', () => {
    const used = new Set<string>();
    for (const { status, registered, event, wrapUpS } of CASES) {
      const decision = decide({ status, registered, reason: null }, event, wrapUpS);
      if (!decision.ok || decision.status === status) continue;
      expect(ALLOWED_AGENT_TRANSITIONS[status], `${status} → ${decision.status}`).toContain(decision.status);
      used.add(`${status}→${decision.status}`);
    }
    const listed = AGENT_STATUSES.flatMap((from) => ALLOWED_AGENT_TRANSITIONS[from].map((to) => `${from}→${to}`));
    expect([...used].sort()).toEqual(listed.sort());
  });

  it('explains refusals in words the agent understands', () => {
    expect(decide({ status: 'offline', registered: false, reason: null }, { type: 'set', status: 'available' }, 30)).toEqual({
      ok: false,
      code: 'agent_not_registered',
      message: 'Your softphone is not registered; connect it before going Available.',
    });
    expect(decide({ status: 'busy', registered: true, reason: null }, { type: 'set', status: 'offline' }, 30)).toMatchObject({
      message: 'You are on a call; change your status after it ends.',
    });
  });
});
