/**
 * Answering-machine detection (texml-api.md §7): what it reports and how long it takes.
 *
 * @module
 */

import type { CallFate, Outcome } from '../carrier-model.ts';
import type { AmdSettings } from './call.ts';

export interface AmdResult {
  /** The callback value: `human`, `machine_start`, `machine_end_beep`, `unknown`, … */
  answeredBy: string;
  /** ms from answer until the result. */
  durationMs: number;
}

/**
 * Default decision times (ms after answer): a person says "hello" and pauses; a greeting
 * is recognised within a few seconds; `DetectMessageEnd` also waits for the beep at the
 * end of the greeting.
 */
export const AMD_DEFAULT_MS = { human: 1500, machine: 2500, messageEnd: 9000 } as const;

/**
 * The result for a call with `fate` under `amd`. Machines report `machine_start`, or
 * `machine_end_beep` with `DetectMessageEnd` (UNCONFIRMED mapping, §7); a scenario's
 * `answeredBy` wins. Detection slower than the timeout gives `unknown` at the timeout.
 */
export function amdResult(fate: CallFate, amd: AmdSettings): AmdResult {
  const machine = fate.outcome === 'machine';
  const answeredBy = fate.answeredBy ?? (machine ? (amd.mode === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start') : 'human');
  const durationMs = fate.amdDurationMs ?? defaultDuration(fate.outcome, amd.mode);
  if (durationMs > amd.timeoutMs) return { answeredBy: 'unknown', durationMs: amd.timeoutMs };
  return { answeredBy, durationMs };
}

function defaultDuration(outcome: Outcome, mode: AmdSettings['mode']): number {
  if (outcome !== 'machine') return AMD_DEFAULT_MS.human;
  return mode === 'DetectMessageEnd' ? AMD_DEFAULT_MS.messageEnd : AMD_DEFAULT_MS.machine;
}

/** The Call resource's coarser `answered_by` (`human`, `machine`, `not_sure`). */
export function resourceAnsweredBy(answeredBy: string | undefined): 'human' | 'machine' | 'not_sure' | undefined {
  if (answeredBy === undefined) return undefined;
  if (answeredBy === 'human') return 'human';
  if (answeredBy.startsWith('machine') || answeredBy === 'fax') return 'machine';
  return 'not_sure';
}
