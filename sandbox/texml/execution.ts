/**
 * The interpreter loop: run a document's verbs in order on a call, each through its
 * module in the registry. When the document runs out the call ends (UNCONFIRMED default,
 * as in TwiML: texml-api.md §11.8).
 *
 * @module
 */

import type { VerbNode } from '../../texml-templates/types.ts';
import type { Execution, SimCall } from '../calls/call.ts';
import { hungUpBy } from '../calls/end-reasons.ts';
import { endCall } from '../calls/hangup.ts';
import { clearTimers, execTimer, isCurrent } from '../calls/timers.ts';
import type { SandboxEnv } from '../env.ts';
import type { VerbContext, VerbRunner } from './context.ts';
import { loadDocument, resolveUrl, type DocumentSource } from './load.ts';
import { VERBS } from './verbs/index.ts';

/** Make a fresh document run the call's current one; whatever the old one scheduled stops. */
export function beginExecution(env: SandboxEnv, call: SimCall): Execution {
  if (call.execution) clearTimers(env, call.execution.timers);
  const exec: Execution = { timers: new Set(), verbs: [], index: 0 };
  call.execution = exec;
  return exec;
}

/** Load `source` and run it as `exec`. */
export async function runSource(env: SandboxEnv, call: SimCall, exec: Execution, source: DocumentSource): Promise<void> {
  await loadDocument(env, call, exec, source, async ({ doc, documentUrl }) => {
    if (!isCurrent(call, exec)) return;
    exec.verbs = doc.verbs;
    exec.index = 0;
    if (documentUrl !== undefined) exec.documentUrl = documentUrl;
    await runVerbs(env, call, exec);
  });
}

/** Run verbs from `exec.index` until one takes time, takes over, or the document ends. */
export async function runVerbs(env: SandboxEnv, call: SimCall, exec: Execution): Promise<void> {
  while (isCurrent(call, exec)) {
    const node = exec.verbs[exec.index];
    if (!node) {
      endCall(env, call, hungUpBy('caller'));
      return;
    }
    exec.index++;
    // The registry is keyed by verb name, so the runner found is the one for this node.
    const runner = VERBS[node.name] as VerbRunner<VerbNode>;
    const step = await runner(node, contextFor(env, call, exec));
    if (step.kind === 'halt' || !isCurrent(call, exec)) return;
    if (step.afterMs > 0) {
      execTimer(env, call, exec, step.afterMs, () => runVerbs(env, call, exec));
      return;
    }
  }
}

function contextFor(env: SandboxEnv, call: SimCall, exec: Execution): VerbContext {
  return {
    env,
    call,
    exec,
    alive: () => isCurrent(call, exec),
    record(text, detail) {
      env.transcript.add({ kind: 'verb', callSid: call.sid, leg: call.leg, line: `verb ${call.leg} ${text}`, ...(detail ? { detail } : {}) });
    },
    schedule(delayMs, task) {
      execTimer(env, call, exec, delayMs, task);
    },
    resume: () => runVerbs(env, call, exec),
    async runDocument(source) {
      if (!isCurrent(call, exec)) return;
      await runSource(env, call, beginExecution(env, call), source);
    },
    hangup(end) {
      endCall(env, call, end);
    },
    resolve: (url) => resolveUrl(url, exec.documentUrl),
  };
}
