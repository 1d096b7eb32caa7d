/**
 * `<Number>` inside `<Dial>`: rings one phone number. The dialler puts the customer's
 * number here with a `statusCallback`, because the leg's own progress events are the
 * only way to learn the customer leg's state.
 *
 * @module
 */

import { dtmfSequence, e164, type ElementSpec } from '../spec.ts';
import type { NumberNode } from '../types.ts';
import { nounLegAttributes } from './noun-leg.ts';

export const numberSpec: ElementSpec<NumberNode> = {
  name: 'Number',
  doc: 'A phone number to ring.',
  attributes: {
    statusCallback: nounLegAttributes.statusCallback,
    statusCallbackEvent: nounLegAttributes.statusCallbackEvent,
    statusCallbackMethod: nounLegAttributes.statusCallbackMethod,
    url: nounLegAttributes.url,
    method: nounLegAttributes.method,
    sendDigits: dtmfSequence('DTMF sent when the leg answers; w waits 0.5 s.'),
    machineDetection: nounLegAttributes.machineDetection,
    detectionMode: nounLegAttributes.detectionMode,
    machineDetectionTimeout: nounLegAttributes.machineDetectionTimeout,
  },
  content: { kind: 'text', value: e164('The number to ring, E.164.'), required: true },
};
