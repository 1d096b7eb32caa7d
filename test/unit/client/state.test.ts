// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  SDK_CALL_STATES,
  attemptIdOf,
  canSetStatus,
  durationSeconds,
  formatDuration,
  nextRegistration,
  normalizeDialString,
  registrationLabel,
  statusOptions,
  toolbarFor,
  uiCallState,
  type CallFacts,
  type Registration,
  type RegistrationEvent,
  type Toolbar,
  type UiCallState,
} from '../../../client/telnyx-dialer/state.ts';

/** Replays a sequence of SDK updates the way the controller does: `null` keeps the previous state. */
function replay(updates: CallFacts[]): UiCallState[] {
  let current: UiCallState = 'idle';
  const seen: UiCallState[] = [];
  for (const update of updates) {
    const next = uiCallState(update);
    if (next !== null && next !== current) {
      current = next;
      seen.push(next);
    }
  }
  return seen;
}

describe('uiCallState: single updates', () => {
  it.each<[CallFacts, UiCallState | null]>([
    [{ state: 'new' }, null],
    [{ state: 'new', direction: undefined, placedLocally: true }, 'dialing'],
    [{ state: 'new', direction: 'outbound' }, 'dialing'],
    [{ state: 'new', direction: 'inbound' }, 'ringing'],
    [{ state: 'requesting', direction: 'outbound' }, 'dialing'],
    [{ state: 'trying', direction: 'outbound' }, 'dialing'],
    [{ state: 'early', direction: 'outbound' }, 'dialing'],
    [{ state: 'recovering', direction: 'outbound' }, 'dialing'],
    [{ state: 'ringing', direction: 'inbound' }, 'ringing'],
    [{ state: 'answering', direction: 'inbound' }, 'dialing'],
    [{ state: 'active', direction: 'outbound' }, 'active'],
    [{ state: 'active', direction: 'inbound' }, 'active'],
    [{ state: 'held', direction: 'inbound' }, 'held'],
    [{ state: 'hangup', direction: 'outbound' }, 'ending'],
    [{ state: 'purge', direction: 'outbound' }, 'ending'],
    [{ state: 'destroy', direction: 'inbound' }, 'idle'],
    [{ state: 'something-new-in-2.28' }, null],
  ])('%o → %s', (facts, expected) => {
    expect(uiCallState(facts)).toBe(expected);
  });

  it('classifies every SDK state once the direction is known', () => {
    for (const state of SDK_CALL_STATES) {
      expect(uiCallState({ state, direction: 'outbound' }), state).not.toBeNull();
      expect(uiCallState({ state, direction: 'inbound' }), state).not.toBeNull();
    }
  });
});

describe('uiCallState: the real SDK orders (§1.7)', () => {
  it.each<[string, CallFacts[], UiCallState[]]>([
    [
      'outbound, first new without direction, no ringing',
      [
        { state: 'new', placedLocally: true },
        { state: 'requesting', direction: 'outbound' },
        { state: 'trying', direction: 'outbound' },
        { state: 'active', direction: 'outbound' },
        { state: 'hangup', direction: 'outbound' },
        { state: 'destroy', direction: 'outbound' },
      ],
      ['dialing', 'active', 'ending', 'idle'],
    ],
    [
      'outbound with early media',
      [
        { state: 'new', placedLocally: true },
        { state: 'requesting', direction: 'outbound' },
        { state: 'trying', direction: 'outbound' },
        { state: 'early', direction: 'outbound' },
        { state: 'active', direction: 'outbound' },
        { state: 'held', direction: 'outbound' },
        { state: 'active', direction: 'outbound' },
        { state: 'hangup', direction: 'outbound' },
        { state: 'destroy', direction: 'outbound' },
      ],
      ['dialing', 'active', 'held', 'active', 'ending', 'idle'],
    ],
    [
      'inbound: new (no direction) → ringing → answering → active',
      [
        { state: 'new' },
        { state: 'ringing', direction: 'inbound' },
        { state: 'answering', direction: 'inbound' },
        { state: 'active', direction: 'inbound' },
        { state: 'hangup', direction: 'inbound' },
        { state: 'destroy', direction: 'inbound' },
      ],
      ['ringing', 'dialing', 'active', 'ending', 'idle'],
    ],
    [
      'inbound rejected while ringing',
      [
        { state: 'new' },
        { state: 'ringing', direction: 'inbound' },
        { state: 'hangup', direction: 'inbound' },
        { state: 'destroy', direction: 'inbound' },
      ],
      ['ringing', 'ending', 'idle'],
    ],
    [
      'disconnect while active: purge before hangup',
      [
        { state: 'active', direction: 'outbound' },
        { state: 'purge', direction: 'outbound' },
        { state: 'hangup', direction: 'outbound' },
        { state: 'destroy', direction: 'outbound' },
      ],
      ['active', 'ending', 'idle'],
    ],
    [
      'recovered after a reconnect',
      [
        { state: 'new' },
        { state: 'recovering', direction: 'outbound' },
        { state: 'active', direction: 'outbound' },
      ],
      ['dialing', 'active'],
    ],
  ])('%s', (_name, updates, expected) => {
    expect(replay(updates)).toEqual(expected);
  });
});

describe('nextRegistration', () => {
  const offline: Registration = { state: 'offline' };
  const connecting: Registration = { state: 'connecting' };
  const registered: Registration = { state: 'registered' };
  const failed: Registration = { state: 'failed', error: { code: 46001, message: 'Login failed' } };

  it.each<[string, Registration, RegistrationEvent, Registration]>([
    ['connect', offline, { type: 'connect' }, connecting],
    ['ready', connecting, { type: 'ready' }, registered],
    ['ready again after a reconnect clears the error', { state: 'reconnecting', error: { code: 45002, message: 'ws' } }, { type: 'ready' }, registered],
    ['socket close while registered', registered, { type: 'socket-close' }, { state: 'reconnecting' }],
    ['socket close after disconnect', offline, { type: 'socket-close' }, offline],
    ['socket close after a final failure', failed, { type: 'socket-close' }, failed],
    ['login failed', connecting, { type: 'error', code: 46001, message: 'Login failed' }, failed],
    ['invalid credentials', connecting, { type: 'error', code: 46002, message: 'Bad' }, { state: 'failed', error: { code: 46002, message: 'Bad' } }],
    ['reconnection exhausted', { state: 'reconnecting' }, { type: 'error', code: 45003, message: 'Gave up' }, { state: 'failed', error: { code: 45003, message: 'Gave up' } }],
    ['gateway failed while registered', registered, { type: 'error', code: 45004, message: 'Gateway' }, { state: 'reconnecting', error: { code: 45004, message: 'Gateway' } }],
    ['socket error while connecting', connecting, { type: 'error', code: 45001, message: 'WS' }, { state: 'connecting', error: { code: 45001, message: 'WS' } }],
    ['network offline', registered, { type: 'error', code: 48001, message: 'Offline' }, { state: 'reconnecting', error: { code: 48001, message: 'Offline' } }],
    ['call-level error leaves registration alone', registered, { type: 'error', code: 44001, message: 'Hold failed' }, registered],
    ['media error leaves registration alone', registered, { type: 'error', code: 42001, message: 'No mic' }, registered],
    ['disconnect', registered, { type: 'disconnect' }, offline],
    ['connect after failure clears the error', failed, { type: 'connect' }, connecting],
  ])('%s', (_name, previous, event, expected) => {
    expect(nextRegistration(previous, event)).toEqual(expected);
  });

  it('keeps the last error while reconnecting', () => {
    const withError = nextRegistration({ state: 'registered' }, { type: 'error', code: 45002, message: 'Socket error' });
    expect(nextRegistration(withError, { type: 'socket-close' })).toEqual({ state: 'reconnecting', error: { code: 45002, message: 'Socket error' } });
  });

  it.each<[Registration, string]>([
    [{ state: 'offline' }, 'Offline'],
    [{ state: 'connecting' }, 'Connecting…'],
    [{ state: 'registered' }, 'Registered'],
    [{ state: 'reconnecting' }, 'Reconnecting…'],
    [{ state: 'reconnecting', error: { code: 45004, message: 'Gateway failed' } }, 'Reconnecting…: 45004 Gateway failed'],
    [{ state: 'failed', error: { code: 46001, message: 'Login failed' } }, 'Failed: 46001 Login failed'],
  ])('labels %o as %s', (registration, label) => {
    expect(registrationLabel(registration)).toBe(label);
  });
});

describe('toolbarFor', () => {
  const none: Toolbar = { call: false, answer: false, hangup: false, mute: false, hold: false, keypad: false, dtmf: false, transfer: false };
  const base = { registration: 'registered' as const, hasNumber: true };

  it.each<[string, Parameters<typeof toolbarFor>[0], Partial<Toolbar>]>([
    ['idle, registered, number typed', { ...base, call: 'idle' }, { call: true, keypad: true }],
    ['idle, no number', { ...base, call: 'idle', hasNumber: false }, { keypad: true }],
    ['idle, not registered', { ...base, call: 'idle', registration: 'reconnecting' }, { keypad: true }],
    ['idle while the server places a call', { ...base, call: 'idle', placing: true }, { hangup: true, keypad: true }],
    ['dialing', { ...base, call: 'dialing' }, { hangup: true }],
    ['ringing (agent must answer)', { ...base, call: 'ringing' }, { answer: true, hangup: true }],
    ['ringing, being auto-answered', { ...base, call: 'ringing', autoAnswer: true }, { hangup: true }],
    ['active, agent-dialled', { ...base, call: 'active' }, { hangup: true, mute: true, hold: true, keypad: true, dtmf: true }],
    ['active, server-placed', { ...base, call: 'active', hasAttempt: true }, { hangup: true, mute: true, hold: true, keypad: true, dtmf: true, transfer: true }],
    ['active, hold pending', { ...base, call: 'active', holdPending: true }, { hangup: true, mute: true, keypad: true, dtmf: true }],
    ['held', { ...base, call: 'held', hasAttempt: true }, { hangup: true, mute: true, hold: true, transfer: true }],
    ['ending: the next call may be dialled', { ...base, call: 'ending' }, { call: true, keypad: true }],
  ])('%s', (_name, facts, enabled) => {
    expect(toolbarFor(facts)).toEqual({ ...none, ...enabled });
  });
});

describe('agent status rules', () => {
  it('allows Available only while registered', () => {
    expect(canSetStatus('available', 'registered')).toEqual({ ok: true });
    for (const state of ['offline', 'connecting', 'reconnecting', 'failed'] as const) {
      const check = canSetStatus('available', state);
      expect(check.ok, state).toBe(false);
    }
  });

  it('never lets the agent pick Busy or Wrap-up', () => {
    expect(canSetStatus('busy', 'registered')).toMatchObject({ ok: false, reason: 'Busy is set by the server.' });
    expect(canSetStatus('wrap_up', 'registered')).toMatchObject({ ok: false, reason: 'Wrap-up is set by the server.' });
  });

  it('allows Unavailable and Offline in any registration state', () => {
    expect(canSetStatus('unavailable', 'failed')).toEqual({ ok: true });
    expect(canSetStatus('offline', 'offline')).toEqual({ ok: true });
  });

  it('lists every status with Available disabled and explained when unregistered', () => {
    expect(statusOptions('reconnecting').map((o) => [o.value, o.enabled])).toEqual([
      ['available', false],
      ['unavailable', true],
      ['offline', true],
      ['busy', false],
      ['wrap_up', false],
    ]);
    expect(statusOptions('reconnecting')[0]?.reason).toMatch(/registered softphone/);
    expect(statusOptions('registered')[0]).toEqual({ value: 'available', label: 'Available', enabled: true });
  });
});

describe('dial strings, timer, attempt header', () => {
  it.each<[string, string | null]>([
    ['+1 (555) 010-2030', '+15550102030'],
    ['5550102030', '5550102030'],
    ['*72#', '*72#'],
    ['sip:agent2@sip.telnyx.com', 'sip:agent2@sip.telnyx.com'],
    ['', null],
    ['1', null],
    ['call me', null],
    ['+1 555 abc', null],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeDialString(input)).toBe(expected);
  });

  it.each<[number, string]>([
    [0, '0:00'],
    [999, '0:00'],
    [7_000, '0:07'],
    [754_000, '12:34'],
    [3_723_000, '1:02:03'],
    [-5, '0:00'],
    [Number.NaN, '0:00'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds call durations to whole seconds and never goes negative', () => {
    expect(durationSeconds(undefined, 10_000)).toBe(0);
    expect(durationSeconds(1_000, 62_600)).toBe(62);
    expect(durationSeconds(5_000, 1_000)).toBe(0);
  });

  it('reads the attempt id from the custom headers, case-insensitively', () => {
    expect(attemptIdOf([{ name: 'X-Dialer-Attempt', value: 'att-1' }])).toBe('att-1');
    expect(attemptIdOf([{ name: 'x-dialer-attempt', value: ' att-2 ' }])).toBe('att-2');
    expect(attemptIdOf([{ name: 'X-Other', value: 'att-3' }])).toBeUndefined();
    expect(attemptIdOf([{ name: 'X-Dialer-Attempt', value: '' }])).toBeUndefined();
    expect(attemptIdOf(undefined)).toBeUndefined();
  });
});
