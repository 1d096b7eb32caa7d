/**
 * `<Conference>` inside `<Dial>`: joins a named room. Not used by the current flows;
 * modelled so that documents using it (e.g. a later warm transfer) validate.
 *
 * @module
 */

import {
  boolean,
  httpMethod,
  integer,
  listOf,
  oneOf,
  RECORDING_STATUS_CALLBACK_EVENTS,
  text,
  url,
  type ElementSpec,
} from '../spec.ts';
import type { ConferenceNode } from '../types.ts';

export const conferenceSpec: ElementSpec<ConferenceNode> = {
  name: 'Conference',
  doc: 'A named conference room to join; created on first use.',
  attributes: {
    muted: boolean('Join muted. Default false.'),
    startConferenceOnEnter: boolean('Start the room when this participant joins. Default true.'),
    endConferenceOnExit: boolean('End the room for everyone when this participant leaves. Default false.'),
    maxParticipants: integer('Room capacity. Default 250.', 2, 250),
    beep: oneOf('Beep on join/leave. Default true.', ['true', 'false', 'onEnter', 'onExit']),
    participantLabel: text('Label to address this participant through the REST API.'),
    record: oneOf('Record the whole room. Default do-not-record.', ['do-not-record', 'record-from-start']),
    recordBeep: boolean('Beep when the recording starts. Default true.'),
    recordingStatusCallback: url('Where recording events go.'),
    recordingStatusCallbackEvent: listOf('Recording events to report. Default completed.', RECORDING_STATUS_CALLBACK_EVENTS),
    recordingStatusCallbackMethod: httpMethod('Method for `recordingStatusCallback`. Default POST.'),
    recordingTimeout: integer('Stop recording after this much silence, in seconds; 0 = never. Default 0.', 0, 14400),
    trim: oneOf('Trim leading and trailing silence from the recording. Default do-not-trim.', ['trim-silence', 'do-not-trim']),
    sendRecordingUrl: boolean('Include the recording URL in callbacks. Default true.'),
    statusCallback: url('Where room events go.'),
    statusCallbackMethod: httpMethod('Method for `statusCallback`. Default POST.'),
    statusCallbackEvent: listOf('Room events to report.', ['start', 'end', 'join', 'leave', 'speaker']),
    waitUrl: url('Hold audio, or TeXML run while the room has not started.'),
    waitMethod: httpMethod('Method for `waitUrl`. Default POST.'),
  },
  content: { kind: 'text', value: text('The room name.'), required: true },
};
