/**
 * `<Gather>`: the nested prompts play, then the callee presses the keys its scenario
 * scripts for this `<Gather>` (`digits`, one entry per `<Gather>` in order), and the
 * result is POSTed to `action` with `Digits`; the returned document continues the call.
 * With no keys scripted the `<Gather>` times out and the next verb runs. Without `action`
 * the next verb runs too (UNCONFIRMED: TwiML would POST to the current document's URL).
 * Speech input is not emulated: a speech-only `<Gather>` always times out.
 * On a leg a registered softphone carries, the keys are the ones its user presses
 * instead (`gather-live.ts`).
 *
 * @module
 */

import type { GatherAttributes, GatherChild, GatherNode } from '../../../texml-templates/types.ts';
import { fetchFields } from '../../callbacks/fields.ts';
import { digitsFor } from '../../carrier-model.ts';
import { HALT, type VerbContext, type VerbRunner } from '../context.ts';
import { promptDurationMs } from '../durations.ts';
import { gatherFromSoftphone } from './gather-live.ts';
import { describePause } from './pause.ts';
import { describePlay } from './play.ts';
import { describeSay } from './say.ts';

/** ms between the end of the prompts and the callee's first key. */
export const KEYPRESS_DELAY_MS = 1000;

/** The keys as `Digits` reports them, and whether input ended without waiting for the timeout. */
export function collectDigits(keys: string, attributes: GatherAttributes): { digits: string; complete: boolean } {
  const finishOnKey = attributes.finishOnKey ?? '#';
  const finishAt = finishOnKey === '' ? -1 : keys.indexOf(finishOnKey);
  const typed = finishAt >= 0 ? keys.slice(0, finishAt) : keys;
  const limit = attributes.numDigits ?? attributes.maxDigits;
  if (limit !== undefined && typed.length >= limit) return { digits: typed.slice(0, limit), complete: true };
  return { digits: typed, complete: finishAt >= 0 };
}

function describePrompt(child: GatherChild): string {
  if (child.name === 'Say') return describeSay(child);
  if (child.name === 'Play') return describePlay(child);
  return describePause(child);
}

export const runGather: VerbRunner<GatherNode> = async (node, ctx) => {
  const { call } = ctx;
  const { attributes } = node;
  for (const child of node.children) ctx.record(describePrompt(child));
  const promptMs = node.children.reduce((sum, child) => sum + promptDurationMs(child), 0);
  const timeoutMs = (attributes.timeout ?? 5) * 1000;
  const listensForKeys = (attributes.input ?? ['dtmf']).includes('dtmf');
  if (call.softphone && listensForKeys) {
    gatherFromSoftphone(ctx, call.softphone, {
      firstKeyWithinMs: promptMs + timeoutMs,
      timeoutMs,
      isComplete: (keys) => collectDigits(keys, attributes).complete,
      submit: (keys) => submitDigits(node, ctx, keys),
    });
    return HALT;
  }
  const keys = digitsFor(call.fate, call.gathers++);

  if (keys === '' || !listensForKeys) {
    ctx.schedule(promptMs + timeoutMs, async () => {
      ctx.record('Gather timeout');
      await ctx.resume();
    });
    return HALT;
  }

  const { complete } = collectDigits(keys, attributes);
  // Without a finishing key or a full count, the Gather waits `timeout` after the last key.
  const pressedAfterMs = promptMs + KEYPRESS_DELAY_MS + (complete ? 0 : timeoutMs);
  ctx.schedule(pressedAfterMs, () => submitDigits(node, ctx, keys));
  return HALT;
};

/** The callee pressed `keys`: POST them to `action` and run the answer, or go on without. */
async function submitDigits(node: GatherNode, ctx: VerbContext, keys: string): Promise<void> {
  const { attributes } = node;
  const { digits } = collectDigits(keys, attributes);
  ctx.record(`Gather digits=${keys}`, { keys, digits });
  const action = attributes.action;
  if (action === undefined || digits === '') {
    await ctx.resume();
    return;
  }
  const url = ctx.resolve(action) ?? action;
  await ctx.runDocument({
    kind: 'fetch',
    targets: [{ url, method: attributes.method ?? 'POST', label: 'Gather' }],
    fields: { ...fetchFields(ctx.call), Digits: digits },
    note: ` Digits=${digits}`,
  });
}

