/**
 * `<Reject reason>`: on the outbound calls the sandbox runs, TeXML only starts after the
 * answer, so rejecting ends the call like a hang-up, with a rejection cause.
 */

import type { RejectNode } from '../../../texml-templates/types.ts';
import { rejected } from '../../calls/end-reasons.ts';
import { HALT, type VerbRunner } from '../context.ts';

export const runReject: VerbRunner<RejectNode> = async (node, ctx) => {
  const reason = node.attributes.reason ?? 'rejected';
  ctx.record(`Reject ${reason}`);
  ctx.hangup(rejected(reason));
  return HALT;
};
