/**
 * The call-leg state machine, written as data.
 *
 * A leg only moves forward: queued → initiated → ringing → in-progress → one terminal
 * status. Skipping steps is legal because Telnyx may not send (or we may not ask for) every
 * event, and callbacks arrive late or out of order: `queued → in-progress` and
 * `initiated → completed` are normal. A terminal status allows nothing; later callbacks
 * for that leg are recorded and ignored (see `ingest.ts`).
 *
 * Any terminal status is allowed from any live one, even unlikely pairs such as
 * `in-progress → busy`: refusing them would leave the leg live forever, which is worse
 * than recording what Telnyx said.
 *
 * @module
 */
import type { TerminalCallStatus } from '../../lib/telnyx-wire.ts';

export const LEG_STATUS = {
  /** Our own starting point: the create request is out, nothing heard yet. */
  queued: 'queued',
  initiated: 'initiated',
  ringing: 'ringing',
  /** Answered (the `answered` event reports `in-progress`). */
  inProgress: 'in-progress',
  completed: 'completed',
  busy: 'busy',
  noAnswer: 'no-answer',
  canceled: 'canceled',
  failed: 'failed',
} as const;

export type LegStatus = (typeof LEG_STATUS)[keyof typeof LEG_STATUS];

export const LEG_STATUSES: readonly LegStatus[] = Object.values(LEG_STATUS);

const TERMINAL = ['completed', 'busy', 'no-answer', 'canceled', 'failed'] as const satisfies readonly TerminalCallStatus[];

export const ALLOWED_TRANSITIONS: Readonly<Record<LegStatus, readonly LegStatus[]>> = {
  queued: ['initiated', 'ringing', 'in-progress', ...TERMINAL],
  initiated: ['ringing', 'in-progress', ...TERMINAL],
  ringing: ['in-progress', ...TERMINAL],
  'in-progress': [...TERMINAL],
  completed: [],
  busy: [],
  'no-answer': [],
  canceled: [],
  failed: [],
};

export function canTransition(from: LegStatus, to: LegStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isTerminalLegStatus(status: LegStatus): status is TerminalCallStatus {
  return ALLOWED_TRANSITIONS[status].length === 0;
}

export function isLegStatus(value: unknown): value is LegStatus {
  return typeof value === 'string' && (LEG_STATUSES as readonly string[]).includes(value);
}
