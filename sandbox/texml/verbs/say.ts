/** `<Say>`: takes {@link sayDurationMs} of call time; `loop="0"` holds the call until it ends. */

import type { SayNode } from '../../../texml-templates/types.ts';
import { HALT, next, quote, type VerbRunner } from '../context.ts';
import { sayDurationMs } from '../durations.ts';

export function describeSay(node: SayNode): string {
  return `Say ${quote(node.text)}`;
}

export const runSay: VerbRunner<SayNode> = async (node, ctx) => {
  const ms = sayDurationMs(node);
  ctx.record(describeSay(node), { text: node.text, attributes: node.attributes, durationMs: ms });
  return Number.isFinite(ms) ? next(ms) : HALT;
};
