/** `<Play>`: audio is not fetched; it takes {@link playDurationMs} of call time. */

import type { PlayNode } from '../../../texml-templates/types.ts';
import { stablePath } from '../../transcript.ts';
import { HALT, next, type VerbRunner } from '../context.ts';
import { playDurationMs } from '../durations.ts';

export function describePlay(node: PlayNode): string {
  return node.attributes.digits === undefined ? `Play ${stablePath(node.text)}` : `Play digits=${node.attributes.digits}`;
}

export const runPlay: VerbRunner<PlayNode> = async (node, ctx) => {
  const ms = playDurationMs(node);
  ctx.record(describePlay(node), { url: node.text, attributes: node.attributes, durationMs: ms });
  return Number.isFinite(ms) ? next(ms) : HALT;
};
