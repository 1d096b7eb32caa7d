/**
 * `<Gather>` on a leg a registered softphone carries: the keys are the ones the agent
 * presses (`telnyx_rtc.info` DTMF), not a scenario's script. Input ends on the finishing
 * key or the digit count, or `timeout` after the prompts (for the first key) or after
 * the last key; keys pressed during the prompts count, as with barge-in in TwiML.
 *
 * Keys arrive in real time from the socket; finishing is scheduled as a 0 ms task so a
 * virtual scheduler awaits the `action` fetch it starts.
 *
 * @module
 */

import type { TimerHandle } from '../../../lib/scheduler.ts';
import type { SoftphoneLink } from '../../calls/call.ts';
import { cancelTimer, execTimer } from '../../calls/timers.ts';
import type { VerbContext } from '../context.ts';

export interface LiveGather {
  /** ms from the start of the `<Gather>` until it gives up if no key comes: prompts plus `timeout`. */
  firstKeyWithinMs: number;
  /** ms to wait for the next key after one was pressed (`timeout`). */
  timeoutMs: number;
  /** Do these keys end the input (finishing key, digit count)? */
  isComplete(keys: string): boolean;
  /** Hand the keys on (`action`, or the next verb); called once, with '' on a timeout with no key. */
  submit(keys: string): Promise<void>;
}

export function gatherFromSoftphone(ctx: VerbContext, link: SoftphoneLink, gather: LiveGather): void {
  const { env, call, exec } = ctx;
  let keys = '';
  let timer: TimerHandle | undefined;
  const finish = async (): Promise<void> => {
    if (link.onDigit === onDigit) link.onDigit = null;
    if (keys !== '') {
      await gather.submit(keys);
      return;
    }
    ctx.record('Gather timeout');
    await ctx.resume();
  };
  const wait = (delayMs: number): void => {
    cancelTimer(env, call, timer);
    timer = execTimer(env, call, exec, delayMs, finish);
  };
  const onDigit = (digit: string): void => {
    if (!ctx.alive() || link.onDigit !== onDigit) return;
    keys += digit;
    wait(gather.isComplete(keys) ? 0 : gather.timeoutMs);
    if (gather.isComplete(keys)) link.onDigit = null;
  };
  link.onDigit = onDigit;
  wait(gather.firstKeyWithinMs);
}
