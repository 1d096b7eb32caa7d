/**
 * A leg's life up to the answer: initiated → ringing → answered, or busy / no-answer /
 * failed, as its fate says; then AMD if asked for. The same for REST-created calls and
 * for `<Dial>` legs; what happens on answer is the leg's `hooks.answered`.
 *
 * Busy and failed calls never ring: the network answers with a 486 or an error instead
 * of a 180, `ringMs` after the call is initiated.
 *
 * A leg to a registered softphone is rung for real instead (`softphone.ts`): the client,
 * not the fate, decides between answer, no-answer and busy, and when the call ends.
 *
 * @module
 */

import { emitAmd, emitStatus } from '../callbacks/status.ts';
import type { SandboxEnv } from '../env.ts';
import { amdResult, type AmdResult } from './amd.ts';
import { isEnded, type SimCall } from './call.ts';
import { BUSY, FAILED, hungUpBy, NO_ANSWER, TIME_LIMIT } from './end-reasons.ts';
import { endCall } from './hangup.ts';
import { PERSON_AT_SOFTPHONE, refuseUnregistered, ringSoftphone, routeLeg } from './softphone.ts';
import { callTimer } from './timers.ts';

/** Place `call`: its first step runs as a scheduled task. */
export function startLeg(env: SandboxEnv, call: SimCall): void {
  callTimer(env, call, 0, () => initiate(env, call));
}

async function initiate(env: SandboxEnv, call: SimCall): Promise<void> {
  call.initiatedAt = env.scheduler.now();
  await emitStatus(env, call, 'initiated');
  if (isEnded(call)) return;
  const route = routeLeg(env, call);
  if (route.kind === 'softphone') {
    await ringSoftphone(env, call, route, () => answer(env, call));
    return;
  }
  if (route.kind === 'unavailable') {
    refuseUnregistered(env, call, route.sipUsername);
    return;
  }
  const { fate } = call;
  if (fate.outcome === 'busy' || fate.outcome === 'failed') {
    const end = fate.outcome === 'busy' ? BUSY : FAILED;
    callTimer(env, call, fate.ringMs, () => endCall(env, call, end));
    return;
  }
  call.status = 'ringing';
  call.ringingAt = env.scheduler.now();
  const elapsedMs = call.ringingAt - call.initiatedAt;
  await emitStatus(env, call, 'ringing');
  if (isEnded(call)) return;
  if (fate.ringMs >= call.ringTimeoutMs) {
    callTimer(env, call, call.ringTimeoutMs - elapsedMs, () => endCall(env, call, NO_ANSWER));
  } else {
    callTimer(env, call, fate.ringMs - elapsedMs, () => answer(env, call));
  }
}

async function answer(env: SandboxEnv, call: SimCall): Promise<void> {
  call.status = 'in-progress';
  call.answeredAt = env.scheduler.now();
  env.transcript.add({ kind: 'call', callSid: call.sid, leg: call.leg, line: `call ${call.leg} answered` });
  const fate = call.softphone ? PERSON_AT_SOFTPHONE : call.fate;
  const { talkMs, hangupSource } = fate;
  if (talkMs !== null) callTimer(env, call, talkMs, () => endCall(env, call, hungUpBy(hangupSource)));
  if (call.timeLimitMs !== undefined) callTimer(env, call, call.timeLimitMs, () => endCall(env, call, TIME_LIMIT));

  const amd = call.amd;
  if (!amd) {
    await announceAnswer(env, call);
    return;
  }
  const result = amdResult(fate, amd);
  if (amd.async) {
    callTimer(env, call, result.durationMs, async () => {
      decide(env, call, result);
      await emitAmd(env, call, result.answeredBy, result.durationMs);
    });
    await announceAnswer(env, call);
    return;
  }
  // Synchronous AMD: the answered callback and the first fetch both wait for the result,
  // and both carry AnsweredBy (placement UNCONFIRMED, texml-api.md §7).
  callTimer(env, call, result.durationMs, async () => {
    decide(env, call, result);
    await announceAnswer(env, call);
  });
}

async function announceAnswer(env: SandboxEnv, call: SimCall): Promise<void> {
  await emitStatus(env, call, 'answered');
  if (!isEnded(call)) await call.hooks.answered(call);
}

function decide(env: SandboxEnv, call: SimCall, result: AmdResult): void {
  call.answeredBy = result.answeredBy;
  env.transcript.add({
    kind: 'call',
    callSid: call.sid,
    leg: call.leg,
    line: `call ${call.leg} amd ${result.answeredBy}`,
    detail: { machineDetectionDurationMs: result.durationMs },
  });
}
