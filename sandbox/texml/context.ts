/**
 * The contract between the interpreter and the verb modules (one module per verb,
 * registered by name in `verbs/index.ts`, no switch: code-models.md lesson 1).
 *
 * A verb never sleeps. It either tells the interpreter when to go on (`next` after so
 * many ms of call time) or takes over (`halt`) and later continues through `resume()`,
 * `runDocument()` or `hangup()` from a timer it scheduled with `schedule()`. That keeps
 * each scheduled task short and fully awaited, which a virtual scheduler needs.
 *
 * @module
 */

import type { VerbName, VerbNode } from '../../texml-templates/types.ts';
import type { CallEnd, Execution, SimCall } from '../calls/call.ts';
import type { SandboxEnv } from '../env.ts';
import type { DocumentSource } from './load.ts';

export type VerbStep =
  /** Run the next verb after `afterMs` ms of call time (0 = at once). */
  | { kind: 'next'; afterMs: number }
  /** The verb took over: it ended the call, replaced the document, or will resume itself. */
  | { kind: 'halt' };

export interface VerbContext {
  readonly env: SandboxEnv;
  readonly call: SimCall;
  readonly exec: Execution;
  /** Is this document still the one running on a live call? */
  alive(): boolean;
  /** Add a `verb` line to the transcript: `verb A <text>`. */
  record(text: string, detail?: Record<string, unknown>): void;
  /** Run `task` after `delayMs` ms, unless the call ends or the document is replaced first. */
  schedule(delayMs: number, task: () => unknown): void;
  /** Continue with the verb after the current one. */
  resume(): Promise<void>;
  /** Replace the document with one loaded from `source` and run it. */
  runDocument(source: DocumentSource): Promise<void>;
  hangup(end: CallEnd): void;
  /** `url` made absolute against the document's URL; undefined when that is impossible. */
  resolve(url: string): string | undefined;
}

export type VerbRunner<N extends VerbNode> = (node: N, ctx: VerbContext) => Promise<VerbStep>;

export type VerbRegistry = { readonly [K in VerbName]: VerbRunner<Extract<VerbNode, { name: K }>> };

export const HALT: VerbStep = { kind: 'halt' };

export function next(afterMs: number): VerbStep {
  return { kind: 'next', afterMs };
}

/** Shorten text for a transcript line. */
export function quote(text: string, max = 60): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max - 1)}…` : clean);
}
