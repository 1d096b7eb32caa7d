/**
 * Flow 2 (DESIGN.md): a softphone's own call (`newCall`, the gateway's `clientCall`) is
 * a call parked on the credential connection with "Park Outbound Calls = TeXML"
 * (texml-api.md §8). The sandbox makes it an A-leg, fetches the connection's TeXML URL
 * for it, and runs what comes back: `<Dial><Number>` rings the customer (scenario
 * rules) and the client is answered when the customer answers; a `<Say>…<Hangup/>`
 * refusal plays and then the client gets a bye; `<Reject>` declines the client's call.
 * The client hanging up ends the A-leg (HangupSource caller) and the leg it bridged.
 *
 * Readings of what Telnyx leaves undocumented (all UNCONFIRMED):
 * - `From` is the credential's SIP address, `sip:<user>@sip.telnyx.com`: the identity
 *   the network authenticated, which the dialer can trust to find the agent. The SDK's
 *   `callerNumber`, which the client asserts, arrives as `CallerId` (§8 lists both
 *   readings; the docs' examples show a number in `From`).
 * - `To` is the dialled string as the SDK sent it (`+1555…`, or a `sip:` URI).
 * - The leg is `ringing` while parked (the fetch's `CallStatus`) and is answered only
 *   when a `<Dial>` bridges it, as with `answerOnBridge`: prompts before that would be
 *   early media, which the RTC socket does not emulate, so the agent hears ringback.
 * - The connection's status URL gets every progress event of the leg.
 *
 * @module
 */

import { emitStatus } from '../callbacks/status.ts';
import type { CredentialConnectionSettings, SandboxEnv } from '../env.ts';
import { TELNYX_SIP_DOMAIN, type ClientCallHandle, type ClientCallInfo } from '../rtc/index.ts';
import { startInstructions } from '../texml/start.ts';
import { isEnded, type CallEnd, type SimCall, type StatusSubscription } from './call.ts';
import { CANCELED, hungUpBy, mediaFailed } from './end-reasons.ts';
import { newCall } from './factory.ts';
import { endCall } from './hangup.ts';
import { PERSON_AT_SOFTPHONE } from './softphone.ts';
import { callTimer } from './timers.ts';

/** The gateway's `clientCall` listener: park the call and run the connection's TeXML. */
export function acceptClientCall(env: SandboxEnv, info: ClientCallInfo): void {
  const { handle, sipUsername, destination } = info;
  const connection = env.credentialConnection;
  if (connection.voiceUrl === undefined) {
    env.transcript.add({
      kind: 'call',
      line: `call parked ${sipUsername} → ${destination} rejected: the credential connection has no TeXML URL`,
      detail: { hint: 'PUT /_sandbox/credential-connection {"voiceUrl": "…"}, or the credentialConnection option' },
    });
    handle.reject();
    return;
  }
  const call = newCall(env, {
    leg: 'A',
    connectionId: env.connectionId,
    from: `sip:${sipUsername}@${TELNYX_SIP_DOMAIN}`,
    to: destination,
    ...(info.callerNumber === '' ? {} : { callerIdName: info.callerNumber }),
    // Nothing rings on our side: the client placed the call.
    ringTimeoutMs: Number.POSITIVE_INFINITY,
    ...subscription(connection),
    instructions: { url: connection.voiceUrl, method: connection.voiceMethod ?? 'POST' },
    customHeaders: info.customHeaders,
    fate: PERSON_AT_SOFTPHONE,
    hooks: { answered: async () => {}, ended: async () => {}, bridged: (a) => answerParked(env, a, handle) },
  });
  handle.tagTranscript({ callSid: call.sid, leg: call.leg });
  call.softphone = { handle, onDigit: null, release: (end) => releaseClientCall(handle, end) };
  handle.on('ended', (cause, sipCode) => {
    if (cause === 'server_hangup' || cause === 'rejected') return; // we ended it
    endCall(env, call, cause === 'failed' ? mediaFailed(sipCode) : call.answeredAt === undefined ? CANCELED : hungUpBy('caller'));
  });
  handle.on('dtmf', (digit) => call.softphone?.onDigit?.(digit));
  env.transcript.add({ kind: 'call', callSid: call.sid, leg: call.leg, line: `call ${call.leg} parked ${sipUsername} → ${destination}` });
  callTimer(env, call, 0, () => park(env, call, handle));
}

async function park(env: SandboxEnv, call: SimCall, handle: ClientCallHandle): Promise<void> {
  call.initiatedAt = env.scheduler.now();
  call.status = 'ringing';
  // The SDK plays its ringback from here on.
  handle.ringing();
  await emitStatus(env, call, 'initiated');
  if (isEnded(call)) return;
  await startInstructions(env, call);
}

/** The A-leg's `<Dial>` bridged the customer: answer the client, then report the answer. */
async function answerParked(env: SandboxEnv, call: SimCall, handle: ClientCallHandle): Promise<void> {
  if (call.answeredAt !== undefined || isEnded(call)) return;
  try {
    await handle.answer();
  } catch (error) {
    env.logger.warn({ callSid: call.sid, err: error instanceof Error ? error.message : String(error) }, 'sandbox could not answer the softphone');
    if (!isEnded(call)) endCall(env, call, mediaFailed());
    return;
  }
  if (isEnded(call)) return;
  call.status = 'in-progress';
  call.answeredAt = env.scheduler.now();
  env.transcript.add({ kind: 'call', callSid: call.sid, leg: call.leg, line: `call ${call.leg} answered` });
  await emitStatus(env, call, 'answered');
}

/** The sandbox ended the A-leg: a `<Reject>` declines the client's call, anything else is a bye. */
function releaseClientCall(handle: ClientCallHandle, end: CallEnd): void {
  if (handle.state === 'ended') return;
  if (handle.state === 'ringing' && end.hangupCause === 'user_busy') handle.reject('USER_BUSY');
  else if (handle.state === 'ringing' && end.hangupCause === 'call_rejected') handle.reject('CALL_REJECTED');
  else handle.hangup();
}

function subscription(connection: CredentialConnectionSettings): { statusCallback?: StatusSubscription } {
  if (connection.statusCallback === undefined) return {};
  return {
    statusCallback: {
      url: connection.statusCallback,
      method: connection.statusCallbackMethod ?? 'POST',
      events: new Set(['initiated', 'ringing', 'answered', 'completed']),
    },
  };
}
