/**
 * `<Redirect>`: hands the call to the TeXML at another URL. Lets a handler that cannot
 * answer yet (e.g. waiting for an agent) point Telnyx at the next step.
 *
 * @module
 */

import { httpMethod, url, type ElementSpec } from '../spec.ts';
import type { RedirectNode } from '../types.ts';

export const redirectSpec: ElementSpec<RedirectNode> = {
  name: 'Redirect',
  doc: 'Continues the call with the TeXML at its URL.',
  attributes: {
    method: httpMethod('Method for the URL. Default POST.'),
  },
  content: { kind: 'text', value: url('URL of the next TeXML document.'), required: true },
};
