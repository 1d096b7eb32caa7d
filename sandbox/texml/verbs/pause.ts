/** `<Pause length>`: `length` seconds of silence (default 1). */

import type { PauseNode } from '../../../texml-templates/types.ts';
import { next, type VerbRunner } from '../context.ts';
import { pauseDurationMs } from '../durations.ts';

export function describePause(node: PauseNode): string {
  return `Pause ${pauseDurationMs(node) / 1000}s`;
}

export const runPause: VerbRunner<PauseNode> = async (node, ctx) => {
  ctx.record(describePause(node));
  return next(pauseDurationMs(node));
};
