/**
 * `<Queue>` inside `<Dial>`: bridges to the call waiting longest in a named queue.
 * Not used by the current flows; modelled so that documents using it validate.
 *
 * @module
 */

import { httpMethod, text, url, type ElementSpec } from '../spec.ts';
import type { QueueNode } from '../types.ts';

export const queueSpec: ElementSpec<QueueNode> = {
  name: 'Queue',
  doc: 'A named queue to take the next waiting call from.',
  attributes: {
    url: url('TeXML run on the queued call before bridging.'),
    method: httpMethod('Method for `url`. Default POST.'),
  },
  content: { kind: 'text', value: text('The queue name.'), required: true },
};
