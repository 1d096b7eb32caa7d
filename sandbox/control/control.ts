/**
 * The control surface tests use to script the sandbox and read back what happened. The
 * same operations are offered in-process (`sandbox.control`) and over HTTP
 * (`/_sandbox/…`, `routes.ts`).
 *
 * @module
 */

import type { CallResource } from '../../lib/telnyx-wire.ts';
import type { CallFate } from '../carrier-model.ts';
import { toCallResource } from '../calls/resource.ts';
import { resetEnv, type ApplicationSettings, type SandboxEnv } from '../env.ts';
import { parseFaults, type FaultInput, type FaultSettings } from '../faults.ts';
import { parseScenarioRule, parseScenarioRules, type ScenarioRule } from '../scenarios.ts';
import type { Leg, TranscriptEntry, TranscriptFilter } from '../transcript.ts';

/** A call as the control API shows it: the Call resource plus what only the sandbox knows. */
export type SandboxCallView = CallResource & {
  leg: Leg;
  parent_call_sid?: string;
  /** The fate drawn for it (`ringMs: null` for no-answer: JSON has no Infinity). */
  fate: Omit<CallFate, 'ringMs'> & { ringMs: number | null };
};

export interface SandboxControl {
  /** Replace the scenario rules (first match wins). */
  setScenarios(rules: readonly ScenarioRule[]): void;
  /** Put one rule in front of the others. */
  addScenario(rule: ScenarioRule): void;
  scenarios(): ScenarioRule[];
  /** Replace the fault switches; those left out are off. Returns the settings in force. */
  setFaults(faults: FaultInput): FaultSettings;
  faults(): FaultSettings;
  /** The TeXML application's voice URL and status callback, used when a create leaves them out. */
  setApplication(settings: ApplicationSettings): void;
  transcript(filter?: TranscriptFilter): TranscriptEntry[];
  /** Just the `line`s of the transcript. */
  lines(filter?: TranscriptFilter): string[];
  calls(): SandboxCallView[];
  /** Forget all calls, transcript, credentials, scenarios and faults; reseed. */
  reset(): void;
}

export class SandboxInputError extends TypeError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'SandboxInputError';
  }
}

export function createControl(env: SandboxEnv): SandboxControl {
  return {
    setScenarios(rules) {
      const parsed = parseScenarioRules(rules);
      if (!parsed.ok) throw new SandboxInputError(parsed.problems);
      env.scenarios = parsed.rules;
    },
    addScenario(rule) {
      const parsed = parseScenarioRule(rule);
      if (!parsed.ok) throw new SandboxInputError(parsed.problems);
      env.scenarios = [parsed.rule, ...env.scenarios];
    },
    scenarios: () => [...env.scenarios],
    setFaults(faults) {
      const parsed = parseFaults(faults);
      if (!parsed.ok) throw new SandboxInputError(parsed.problems);
      env.faults.replace(parsed.faults);
      return parsed.faults;
    },
    faults: () => env.faults.settings,
    setApplication(settings) {
      env.application = parseApplication(settings);
    },
    transcript: (filter) => env.transcript.entries(filter),
    lines: (filter) => env.transcript.lines(filter),
    calls: () =>
      env.calls.all().map((call) => ({
        ...toCallResource(call),
        leg: call.leg,
        ...(call.parent ? { parent_call_sid: call.parent.sid } : {}),
        fate: { ...call.fate, ringMs: Number.isFinite(call.fate.ringMs) ? call.fate.ringMs : null },
      })),
    reset: () => resetEnv(env),
  };
}

const APPLICATION_URLS = ['voiceUrl', 'voiceFallbackUrl', 'statusCallback'] as const;
const APPLICATION_METHODS = ['voiceMethod', 'statusCallbackMethod'] as const;

/** Check application settings given as untyped input; throws {@link SandboxInputError}. */
function parseApplication(input: unknown): ApplicationSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError(['the application must be an object such as {"voiceUrl": "http://localhost:3000/texml/inbound"}']);
  }
  const record = input as Record<string, unknown>;
  const known: readonly string[] = [...APPLICATION_URLS, ...APPLICATION_METHODS];
  const problems = Object.keys(record)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown application setting "${key}"; known: ${known.join(', ')}`);
  for (const key of APPLICATION_URLS) {
    if (record[key] !== undefined && typeof record[key] !== 'string') problems.push(`${key} must be a URL string`);
  }
  for (const key of APPLICATION_METHODS) {
    if (record[key] !== undefined && record[key] !== 'GET' && record[key] !== 'POST') problems.push(`${key} must be GET or POST`);
  }
  if (problems.length > 0) throw new SandboxInputError(problems);
  return { ...record } as ApplicationSettings;
}
