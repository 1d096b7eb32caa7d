/**
 * Attributes shared by the `<Number>` and `<Sip>` nouns: each describes one outbound leg
 * with its own status callbacks, whisper URL and answering-machine detection.
 *
 * @module
 */

import { httpMethod, integer, listOf, NOUN_STATUS_CALLBACK_EVENTS, oneOf, url, type AttributeSpecs } from '../spec.ts';
import type { NumberAttributes } from '../types.ts';

export const nounLegAttributes: AttributeSpecs<Omit<NumberAttributes, 'sendDigits'>> = {
  statusCallback: url('Where this leg reports its progress (outbound legs only).'),
  statusCallbackEvent: listOf(
    'Leg events to report; add amd to receive the machine-detection result. Default completed.',
    NOUN_STATUS_CALLBACK_EVENTS,
  ),
  statusCallbackMethod: httpMethod('Method for `statusCallback`. Default POST.'),
  url: url('"Whisper" TeXML run on the called party before bridging; the caller keeps hearing ringback.'),
  method: httpMethod('Method for `url`. Default POST.'),
  machineDetection: oneOf('Answering-machine detection on this leg. Default Disable.', ['Enable', 'DetectMessageEnd', 'Disable']),
  detectionMode: oneOf('Machine-detection engine. Default Regular.', ['Regular', 'Premium']),
  machineDetectionTimeout: integer('Longest machine detection, in ms. Default 3500.', 500, 60000),
};
