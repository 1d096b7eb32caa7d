/**
 * `<Sip>` inside `<Dial>`: rings a SIP URI. Agents' WebRTC softphones are reached as
 * `sip:<credential user>@sip.telnyx.com` (texml-api.md §6), so customer-first calls and
 * transfers bridge to an agent through this noun.
 *
 * @module
 */

import { text, type ElementSpec } from '../spec.ts';
import type { SipNode } from '../types.ts';
import { nounLegAttributes } from './noun-leg.ts';

export const sipSpec: ElementSpec<SipNode> = {
  name: 'Sip',
  doc: 'A SIP URI to ring, e.g. an agent softphone.',
  attributes: {
    username: text('SIP authentication user.'),
    password: text('SIP authentication password.'),
    ...nounLegAttributes,
  },
  content: {
    kind: 'text',
    value: text('The SIP URI to ring.', {
      pattern: /^sips?:\S+$/,
      patternDoc: 'a SIP URI such as sip:agent@sip.telnyx.com',
    }),
    required: true,
  },
};
