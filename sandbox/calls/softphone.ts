/**
 * Legs whose far end is a registered softphone (DESIGN.md flows 1, 3 and 4). A leg to
 * `sip:<user>@sip.telnyx.com`, from a REST create or a `<Dial><Sip>`, rings `<user>`'s
 * client for real when it is logged in on the RTC socket: the client's answer, hang-up,
 * decline and keys decide the leg, not the scenario rules. The SIP headers of the leg
 * (the create's `CustomHeaders`, the URI's `?X-…=` headers) reach the client as
 * `dialogParams.custom_headers`, which is what the softphone auto-answers on.
 *
 * A user with no registration follows `settings.unregisteredSip`: the scenario rules
 * (an emulation shortcut so nothing needs a browser), or a 480 as Telnyx would answer.
 *
 * Socket events arrive in real time, outside the scheduler: the answer (which sends
 * callbacks and fetches TeXML) runs as a 0 ms scheduled task, so a virtual scheduler
 * still awaits it; ends only change state (`endCall`), as a REST hang-up does.
 *
 * @module
 */

import { emitStatus } from '../callbacks/status.ts';
import type { CallFate } from '../carrier-model.ts';
import type { SandboxEnv } from '../env.ts';
import { parseSipUri, TELNYX_SIP_DOMAIN, type CustomHeader, type RtcEndCause } from '../rtc/index.ts';
import type { CallEnd, SimCall, SoftphoneLink } from './call.ts';
import { BUSY, DECLINED, hungUpBy, mediaFailed, NO_ANSWER, SIP_UNAVAILABLE, SOFTPHONE_GONE } from './end-reasons.ts';
import { endCall } from './hangup.ts';
import { callTimer, cancelTimer } from './timers.ts';

export type LegRoute =
  /** Not a registered softphone: the scenario rules decide, as for any number. */
  | { kind: 'scenario' }
  | { kind: 'softphone'; sipUsername: string; headers: CustomHeader[] }
  | { kind: 'unavailable'; sipUsername: string };

/**
 * ms from `initiated` until an unregistered user's 480 comes back: a registrar lookup,
 * no ringing. The figure only needs to be short and fixed.
 */
export const UNAVAILABLE_AFTER_MS = 200;

/**
 * The fate of a leg a person at a softphone holds: AMD hears a person, and nothing ends
 * the call on a timer; the client's hang-up does.
 */
export const PERSON_AT_SOFTPHONE: CallFate = { outcome: 'human', ringMs: 0, talkMs: null, digits: [], hangupSource: 'callee' };

/** Decide, when the leg is placed, who answers it. */
export function routeLeg(env: SandboxEnv, call: SimCall): LegRoute {
  const target = parseSipUri(call.to);
  if (!target || target.host !== TELNYX_SIP_DOMAIN) return { kind: 'scenario' };
  if (env.rtc.isRegistered(target.user)) {
    return { kind: 'softphone', sipUsername: target.user, headers: [...(call.customHeaders ?? []), ...target.headers] };
  }
  return env.settings.unregisteredSip === 'unavailable' ? { kind: 'unavailable', sipUsername: target.user } : { kind: 'scenario' };
}

/** `unregisteredSip: 'unavailable'`: the leg fails shortly after it was initiated. */
export function refuseUnregistered(env: SandboxEnv, call: SimCall, sipUsername: string): void {
  env.transcript.add({ kind: 'call', callSid: call.sid, leg: call.leg, line: `call ${call.leg} sip user ${sipUsername} not registered → 480` });
  callTimer(env, call, UNAVAILABLE_AFTER_MS, () => endCall(env, call, SIP_UNAVAILABLE));
}

/**
 * Ring the softphone (called once the leg is initiated). `answer` runs the leg's answer
 * (callbacks, TeXML) when the client answers; the ring timeout gives no-answer.
 */
export async function ringSoftphone(env: SandboxEnv, call: SimCall, route: Extract<LegRoute, { kind: 'softphone' }>, answer: () => Promise<void>): Promise<void> {
  const handle = env.rtc.ringClient(route.sipUsername, {
    callerName: call.callerIdName ?? call.from,
    callerNumber: call.from,
    customHeaders: route.headers,
    callSid: call.sid,
    leg: call.leg,
  });
  // Checked registered in the same tick; a null here means the socket has just gone.
  if (!handle) {
    endCall(env, call, SOFTPHONE_GONE);
    return;
  }
  const link: SoftphoneLink = {
    handle,
    onDigit: null,
    release: () => {
      if (handle.state === 'ended') return;
      // An unanswered ring is withdrawn (SIP CANCEL, 487); an answered call gets a bye.
      handle.hangup(handle.state === 'ringing' ? 'ORIGINATOR_CANCEL' : 'NORMAL_CLEARING');
    },
  };
  call.softphone = link;
  call.status = 'ringing';
  call.ringingAt = env.scheduler.now();
  const elapsedMs = call.ringingAt - (call.initiatedAt ?? call.ringingAt);
  const ringTimer = callTimer(env, call, call.ringTimeoutMs - elapsedMs, () => endCall(env, call, NO_ANSWER));
  let answered = false;
  handle.on('answered', () => {
    answered = true;
    cancelTimer(env, call, ringTimer);
    callTimer(env, call, 0, answer);
  });
  handle.on('ended', (cause, sipCode) => {
    const end = softphoneEnd(cause, sipCode, answered);
    if (end) endCall(env, call, end);
  });
  handle.on('dtmf', (digit) => link.onDigit?.(digit));
  await emitStatus(env, call, 'ringing');
}

/**
 * How the client's side ending maps onto the leg (UNCONFIRMED against Telnyx, which
 * documents no mapping); null when the sandbox itself hung up and the leg has ended.
 */
export function softphoneEnd(cause: RtcEndCause, sipCode: number | undefined, answered: boolean): CallEnd | null {
  switch (cause) {
    case 'client_bye':
      return hungUpBy('callee');
    case 'rejected':
      return sipCode === 603 ? DECLINED : BUSY;
    case 'socket_closed':
      return answered ? hungUpBy('callee') : SOFTPHONE_GONE;
    case 'failed':
      return mediaFailed(sipCode);
    case 'server_hangup':
      return null;
  }
}
