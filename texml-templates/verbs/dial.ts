/**
 * `<Dial>`: bridges the current call to a new leg (texml-api.md §6). The dialler uses it
 * for every agent–customer bridge; its `action` URL is fetched when the dialled leg ends
 * and the TeXML it returns continues the original call.
 *
 * @module
 */

import {
  boolean,
  e164,
  httpMethod,
  integer,
  listOf,
  oneOf,
  RECORDING_STATUS_CALLBACK_EVENTS,
  text,
  url,
  type ElementSpec,
} from '../spec.ts';
import type { DialNode } from '../types.ts';

/** Ringback tones Telnyx knows, by country code. */
export const RING_TONES = [
  'at', 'au', 'bg', 'br', 'be', 'ch', 'cl', 'cn', 'cz', 'de', 'dk', 'ee', 'es', 'fi', 'fr', 'gr', 'hu', 'il', 'in', 'it',
  'lt', 'jp', 'mx', 'my', 'nl', 'no', 'nz', 'ph', 'pl', 'pt', 'ru', 'se', 'sg', 'th', 'tw', 've', 'za', 'us', 'us-old', 'uk',
] as const;

export const dialSpec: ElementSpec<DialNode> = {
  name: 'Dial',
  doc: 'Bridges the call to the numbers, SIP URIs, conference or queue inside it; the first leg to answer wins.',
  attributes: {
    action: url('Fetched when the dialled leg ends; the TeXML it returns continues the original call.'),
    method: httpMethod('Method for `action`. Default POST.'),
    callerId: e164('Number shown to the called party; must be E.164.'),
    fromDisplayName: text('Caller name (SIP From display name). Defaults to callerId.', {
      maxLength: 128,
      pattern: /^[A-Za-z0-9 \-_~!.+]+$/,
      patternDoc: 'letters, digits, spaces and -_~!.+',
    }),
    hangupOnStar: boolean('Caller may hang up the dialled leg by pressing *. Not for Conference. Default false.'),
    timeout: integer('Seconds to let the dialled leg ring before giving up. Default 30.', 5, 120),
    timeLimit: integer('Longest bridged call, in seconds. Default 14400 (4 h).', 60, 14400),
    record: oneOf('Recording of both legs (Number and Sip only). Default do-not-record.', [
      'do-not-record',
      'record-from-answer',
      'record-from-ringing',
      'record-from-answer-dual',
      'record-from-ringing-dual',
    ]),
    recordingChannels: oneOf('Mono or stereo recording. Default single.', ['single', 'dual']),
    recordMaxLength: integer('Longest recording in seconds; 0 = no limit. Default 0.', 0, 14400),
    recordingStatusCallback: url('Where recording events go.'),
    recordingStatusCallbackMethod: httpMethod('Method for `recordingStatusCallback`. Default POST.'),
    recordingStatusCallbackEvent: listOf('Recording events to report. Default completed.', RECORDING_STATUS_CALLBACK_EVENTS),
    sendRecordingUrl: boolean('Include the recording URL in callbacks. Default true.'),
    ringTone: oneOf('Ringback tone the caller hears, by country. Default us.', RING_TONES),
    audioUrl: url('Custom ringback audio; overrides ringTone.'),
    answerOnBridge: boolean('Keep an unanswered inbound leg ringing until the dialled leg answers. Default false.'),
    passDiversionHeader: boolean('Pass the inbound Diversion SIP header on. Default false.'),
    machineDetectionSpeechThreshold: integer('Premium AMD: longest greeting before "machine", in ms.', 0),
    machineDetectionSpeechEndThreshold: integer('Premium AMD: silence after a greeting before "machine", in ms.', 0),
    machineDetectionSilenceTimeout: integer('Premium AMD: longest initial silence before "machine", in ms.', 0),
  },
  content: { kind: 'children', allowed: ['Number', 'Sip', 'Conference', 'Queue'], min: 1 },
};
