/** `<Hangup/>`: our side ends the call; the completed callback follows. */

import type { HangupNode } from '../../../texml-templates/types.ts';
import { hungUpBy } from '../../calls/end-reasons.ts';
import { HALT, type VerbRunner } from '../context.ts';

export const runHangup: VerbRunner<HangupNode> = async (_node, ctx) => {
  ctx.record('Hangup');
  ctx.hangup(hungUpBy('caller'));
  return HALT;
};
