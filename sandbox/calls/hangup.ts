/**
 * Ending a call. The state changes at once (so a REST handler can answer with the final
 * status, and every pending timer stops); the completed callback and what follows from
 * it (a `<Dial action>`) go out in a scheduled task, which awaits them.
 *
 * @module
 */

import { emitStatus } from '../callbacks/status.ts';
import type { SandboxEnv } from '../env.ts';
import { isEnded, type CallEnd, type SimCall } from './call.ts';
import { CANCELED, hungUpBy } from './end-reasons.ts';
import { clearTimers } from './timers.ts';

/** End `call` with `end` (no-op if it already ended). Legs it was dialling end too. */
export function endCall(env: SandboxEnv, call: SimCall, end: CallEnd): void {
  if (isEnded(call)) return;
  call.endedAt = env.scheduler.now();
  call.end = end;
  call.status = end.status;
  clearTimers(env, call.timers);
  if (call.execution) call.execution.timers.clear();
  call.execution = null;
  // The softphone hears of it at once, not after the completed callback has been sent.
  call.softphone?.release(end);
  env.transcript.add({
    kind: 'call',
    callSid: call.sid,
    leg: call.leg,
    line: `call ${call.leg} ${end.status}`,
    detail: { ...end },
  });
  const dial = call.dial;
  call.dial = null;
  env.scheduler.setTimeout(() => announceEnd(env, call), 0);
  // The other side of a bridge hangs up with us; legs still ringing are cancelled.
  for (const leg of dial?.legs ?? []) endCall(env, leg, leg.answeredAt === undefined ? CANCELED : hungUpBy('caller'));
}

async function announceEnd(env: SandboxEnv, call: SimCall): Promise<void> {
  await emitStatus(env, call, 'completed');
  await call.hooks.ended(call);
}
