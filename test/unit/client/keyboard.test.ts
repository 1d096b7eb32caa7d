// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { keyAction, type KeyAction, type KeyContext, type KeyPress } from '../../../client/telnyx-dialer/keyboard.ts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, code: '', altKey: false, ctrlKey: false, metaKey: false, ...extra });
const ctx = (call: KeyContext['call'], extra: Partial<KeyContext> = {}): KeyContext => ({ call, inNumberInput: false, inOwnField: false, ...extra });

describe('keyAction', () => {
  it.each<[string, KeyPress, KeyContext, KeyAction]>([
    ['digit while active → DTMF', press('7'), ctx('active'), { dtmf: '7' }],
    ['star while active, in the number input → DTMF', press('*'), ctx('active', { inNumberInput: true }), { dtmf: '*' }],
    ['pound while active → DTMF', press('#'), ctx('active'), { dtmf: '#' }],
    ['digit while held → nothing (no tones on hold)', press('7'), ctx('held'), null],
    ['digit while idle → typed normally', press('7'), ctx('idle', { inNumberInput: true }), null],
    ['letter while active → nothing', press('a'), ctx('active'), null],
    ['Ctrl+digit → browser shortcut, not DTMF', press('1', { ctrlKey: true }), ctx('active'), null],
    ['Enter in the number input while idle → dial', press('Enter'), ctx('idle', { inNumberInput: true }), 'dial'],
    ['Enter while the last call is ending → dial the next', press('Enter'), ctx('ending', { inNumberInput: true }), 'dial'],
    ['Enter in the number input while ringing → answer', press('Enter'), ctx('ringing', { inNumberInput: true }), 'answer'],
    ['Enter while active → nothing', press('Enter'), ctx('active', { inNumberInput: true }), null],
    ['Enter outside the number input → nothing (buttons handle it)', press('Enter'), ctx('idle'), null],
    ['Alt+A (macOS types å) → answer', press('å', { altKey: true, code: 'KeyA' }), ctx('ringing'), 'answer'],
    ['Alt+H → hang up', press('h', { altKey: true, code: 'KeyH' }), ctx('active'), 'hangup'],
    ['Alt+M → mute', press('m', { altKey: true, code: 'KeyM' }), ctx('active'), 'mute'],
    ['Alt+O → hold', press('o', { altKey: true, code: 'KeyO' }), ctx('held'), 'hold'],
    ['Alt+X → nothing', press('x', { altKey: true, code: 'KeyX' }), ctx('active'), null],
    ['keys in the sign-in form or a select are theirs', press('5'), ctx('active', { inOwnField: true }), null],
    ['even Alt shortcuts', press('h', { altKey: true, code: 'KeyH' }), ctx('active', { inOwnField: true }), null],
  ])('%s', (_name, keyPress, context, expected) => {
    expect(keyAction(keyPress, context)).toEqual(expected);
  });
});
