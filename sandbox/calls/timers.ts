/**
 * Timers tied to a call (ringing, talk time, AMD) or to one run of a document (`<Pause>`,
 * `<Gather>` timeout). Every timed step of the simulator goes through here, on the
 * injected scheduler, so tests run in virtual time; a timer whose call has ended, or
 * whose document has been replaced, does nothing.
 *
 * @module
 */

import type { TimerHandle } from '../../lib/scheduler.ts';
import type { SandboxEnv } from '../env.ts';
import { isEnded, type Execution, type SimCall } from './call.ts';

/** Run `task` after `delayMs` (ms) unless the call has ended by then. */
export function callTimer(env: SandboxEnv, call: SimCall, delayMs: number, task: () => unknown): TimerHandle | undefined {
  if (isEnded(call)) return undefined;
  const handle: TimerHandle = env.scheduler.setTimeout(async () => {
    call.timers.delete(handle);
    if (!isEnded(call)) await task();
  }, delayMs);
  call.timers.add(handle);
  return handle;
}

/** Run `task` after `delayMs` (ms) unless the call has ended or `exec` is no longer its document. */
export function execTimer(env: SandboxEnv, call: SimCall, exec: Execution, delayMs: number, task: () => unknown): TimerHandle | undefined {
  if (!isCurrent(call, exec)) return undefined;
  const handle: TimerHandle = env.scheduler.setTimeout(async () => {
    call.timers.delete(handle);
    exec.timers.delete(handle);
    if (isCurrent(call, exec)) await task();
  }, delayMs);
  call.timers.add(handle);
  exec.timers.add(handle);
  return handle;
}

export function cancelTimer(env: SandboxEnv, call: SimCall, handle: TimerHandle | undefined): void {
  if (!handle) return;
  env.scheduler.clearTimeout(handle);
  call.timers.delete(handle);
  call.execution?.timers.delete(handle);
}

/** Cancel every timer in `timers`. */
export function clearTimers(env: SandboxEnv, timers: Set<TimerHandle>): void {
  for (const handle of timers) env.scheduler.clearTimeout(handle);
  timers.clear();
}

/** Is `exec` still the live document of a live call? */
export function isCurrent(call: SimCall, exec: Execution): boolean {
  return !isEnded(call) && call.execution === exec;
}
