/** `<Redirect method>URL</Redirect>`: fetch the next document; relative URLs resolve against the current one. */

import type { RedirectNode } from '../../../texml-templates/types.ts';
import { fetchFields } from '../../callbacks/fields.ts';
import { stablePath } from '../../transcript.ts';
import { HALT, type VerbRunner } from '../context.ts';

export const runRedirect: VerbRunner<RedirectNode> = async (node, ctx) => {
  const method = node.attributes.method ?? 'POST';
  const url = ctx.resolve(node.text);
  ctx.record(`Redirect ${method} ${stablePath(url ?? node.text)}`, { url: url ?? node.text });
  // An unresolvable URL (relative, in inline TeXML) fails like an unreachable one.
  await ctx.runDocument({
    kind: 'fetch',
    targets: [{ url: url ?? node.text, method, label: 'Redirect' }],
    fields: fetchFields(ctx.call),
  });
  return HALT;
};
