/**
 * `<Hangup/>`: ends the call. Answers a `<Dial>` action when nothing should follow the
 * bridge, and closes every spoken message.
 *
 * @module
 */

import type { ElementSpec } from '../spec.ts';
import type { HangupNode } from '../types.ts';

export const hangupSpec: ElementSpec<HangupNode> = {
  name: 'Hangup',
  doc: 'Ends the call.',
  attributes: {},
  content: { kind: 'empty' },
};
