/**
 * Where a call's TeXML comes from: on answer, the create request's `Texml`, or its `Url`
 * (with `FallbackUrl`), or else the application's voice URL; later, a REST update's
 * `Url`/`Texml`, which interrupts whatever is running (texml-api.md §2.1, §11.7).
 *
 * @module
 */

import type { HttpMethod } from '../../lib/telnyx-wire.ts';
import { fetchFields } from '../callbacks/fields.ts';
import type { Instructions, SimCall } from '../calls/call.ts';
import { callTimer } from '../calls/timers.ts';
import type { SandboxEnv } from '../env.ts';
import { abandonDial, detachFromDial } from './dial-session.ts';
import { beginExecution, runSource } from './execution.ts';
import type { DocumentSource, FetchTarget } from './load.ts';

/** The A-leg's `hooks.answered`: fetch or parse its first document and run it. */
export async function startInstructions(env: SandboxEnv, call: SimCall): Promise<void> {
  const exec = beginExecution(env, call);
  await runSource(env, call, exec, sourceFor(env, call, call.instructions));
}

function sourceFor(env: SandboxEnv, call: SimCall, instructions: Instructions | undefined): DocumentSource {
  if (instructions?.texml !== undefined) return { kind: 'inline', texml: instructions.texml };
  const app = env.application;
  const primary = instructions?.url ?? app.voiceUrl;
  if (primary === undefined) return { kind: 'missing' };
  const method: HttpMethod = instructions?.url !== undefined ? instructions.method : (app.voiceMethod ?? 'POST');
  const targets: FetchTarget[] = [{ url: primary, method, label: 'Url' }];
  const fallback = instructions?.fallbackUrl ?? app.voiceFallbackUrl;
  if (fallback !== undefined) targets.push({ url: fallback, method: instructions?.fallbackMethod ?? method, label: 'FallbackUrl' });
  return { kind: 'fetch', targets, fields: fetchFields(call) };
}

/**
 * REST update with `Url` or `Texml`. On an answered call the running document stops at
 * once (a `<Dial>` it was running hangs up its legs; a bridged B-leg leaves its bridge)
 * and the new one is loaded in a scheduled task. Before the answer, it only replaces
 * what will run on answer, unless a document already runs (a parked softphone call
 * runs its TeXML before it is answered).
 */
export function redirectCall(env: SandboxEnv, call: SimCall, instructions: Instructions): void {
  if (call.answeredAt === undefined && call.execution === null) {
    call.instructions = instructions;
    return;
  }
  detachFromDial(env, call);
  abandonDial(env, call);
  const exec = beginExecution(env, call);
  callTimer(env, call, 0, () => runSource(env, call, exec, sourceFor(env, call, instructions)));
}
