/**
 * `<Reject>`: refuses an unanswered call (no charge when it is the first verb). Ends the
 * document.
 *
 * @module
 */

import { oneOf, type ElementSpec } from '../spec.ts';
import type { RejectNode } from '../types.ts';

export const rejectSpec: ElementSpec<RejectNode> = {
  name: 'Reject',
  doc: 'Refuses the call without answering it.',
  attributes: {
    reason: oneOf('Signal played to the caller. Default rejected.', ['rejected', 'busy']),
  },
  content: { kind: 'empty' },
};
