/**
 * Keyboard shortcuts, as a pure function from a key press to an action. Agents place
 * hundreds of calls a day; none of the common actions should need the mouse.
 *
 * | keys | when | action |
 * |---|---|---|
 * | `0`–`9`, `*`, `#` | a call is active (anywhere in the dialer but the sign-in form and selects) | DTMF |
 * | Enter | in the number input, a call rings | answer |
 * | Enter | in the number input, no call | dial |
 * | Alt+A / Alt+H / Alt+M / Alt+O | any time | answer / hang up / mute / hold |
 *
 * Alt shortcuts match on `event.code`, so they work on layouts where Alt+letter types a
 * character (macOS).
 *
 * @module
 */
import type { UiCallState } from './state.ts';

export type KeyAction = 'answer' | 'hangup' | 'mute' | 'hold' | 'dial' | { dtmf: string } | null;

export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export interface KeyContext {
  /** The current call's UI state (`idle` when there is none). */
  call: UiCallState;
  /** Focus is in the number input. */
  inNumberInput: boolean;
  /** Focus is in the sign-in form or a `<select>`: keys belong to it. */
  inOwnField: boolean;
}

const ALT_SHORTCUTS: Record<string, KeyAction> = { KeyA: 'answer', KeyH: 'hangup', KeyM: 'mute', KeyO: 'hold' };

export function keyAction(press: KeyPress, context: KeyContext): KeyAction {
  if (context.inOwnField || press.ctrlKey || press.metaKey) return null;
  if (press.altKey) return ALT_SHORTCUTS[press.code] ?? null;
  if (context.call === 'active' && /^[0-9*#]$/.test(press.key)) return { dtmf: press.key };
  if (press.key === 'Enter' && context.inNumberInput) {
    if (context.call === 'ringing') return 'answer';
    if (context.call === 'idle' || context.call === 'ending') return 'dial';
  }
  return null;
}
