/**
 * `<Dial>`: `<Number>`/`<Sip>` nouns become B-legs (see `dial-session.ts`). A
 * `<Conference>` or `<Queue>` is emulated only as a room the caller waits in until the
 * call ends: no other participants, no conference callbacks.
 *
 * @module
 */

import type { DialNode, DialNoun, NumberNode, SipNode } from '../../../texml-templates/types.ts';
import { HALT, type VerbRunner } from '../context.ts';
import { openDialSession } from '../dial-session.ts';

function isLegNoun(noun: DialNoun): noun is NumberNode | SipNode {
  return noun.name === 'Number' || noun.name === 'Sip';
}

export const runDial: VerbRunner<DialNode> = async (node, ctx) => {
  ctx.record(`Dial ${node.children.map((noun) => `${noun.name}=${noun.text}`).join(' ')}`, { attributes: node.attributes });
  const legs = node.children.filter(isLegNoun);
  const joinsRoom = legs.length < node.children.length;
  if (!joinsRoom) openDialSession(ctx, node, legs);
  return HALT;
};
