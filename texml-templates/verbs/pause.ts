/**
 * `<Pause>`: silence. Used before a voicemail message so it starts after the greeting's
 * beep rather than over it.
 *
 * @module
 */

import { integer, type ElementSpec } from '../spec.ts';
import type { PauseNode } from '../types.ts';

export const pauseSpec: ElementSpec<PauseNode> = {
  name: 'Pause',
  doc: 'Waits in silence.',
  attributes: {
    length: integer('Seconds of silence. Default 1.', 1, 180),
  },
  content: { kind: 'empty' },
};
