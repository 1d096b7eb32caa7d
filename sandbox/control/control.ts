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
import {
  resetEnv,
  type ApplicationSettings,
  type CredentialConnectionSettings,
  type SandboxEnv,
  type SandboxSettings,
  type UnregisteredSipMode,
} from '../env.ts';
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
  /**
   * The credential connection's TeXML URL and status callback: where a softphone's own
   * calls (parked outbound, flow 2) get their TeXML. Replaces the previous settings.
   */
  setCredentialConnection(settings: CredentialConnectionSettings): void;
  credentialConnection(): CredentialConnectionSettings;
  /** Change sandbox-wide switches; those left out keep their value. Returns the settings in force. */
  setSettings(settings: Partial<SandboxSettings>): SandboxSettings;
  settings(): SandboxSettings;
  /** SIP usernames registered on the RTC socket, sorted. */
  registrations(): string[];
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
    setCredentialConnection(settings) {
      env.credentialConnection = checkUrlSettings<CredentialConnectionSettings>(settings, CONNECTION_URLS, CONNECTION_METHODS, 'the credential connection');
    },
    credentialConnection: () => ({ ...env.credentialConnection }),
    setSettings(settings) {
      env.settings = { ...env.settings, ...parseSettings(settings) };
      return { ...env.settings };
    },
    settings: () => ({ ...env.settings }),
    registrations: () => env.rtc.registrations(),
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
const CONNECTION_URLS = ['voiceUrl', 'statusCallback'] as const;
const CONNECTION_METHODS = ['voiceMethod', 'statusCallbackMethod'] as const;
const UNREGISTERED_SIP_MODES: readonly UnregisteredSipMode[] = ['scenario', 'unavailable'];

/** Check application settings given as untyped input; throws {@link SandboxInputError}. */
function parseApplication(input: unknown): ApplicationSettings {
  return checkUrlSettings<ApplicationSettings>(input, APPLICATION_URLS, APPLICATION_METHODS, 'the application');
}

/** Check an object of URL and method settings given as untyped input; throws {@link SandboxInputError}. */
function checkUrlSettings<T>(input: unknown, urls: readonly string[], methods: readonly string[], what: string): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError([`${what} must be an object such as {"voiceUrl": "http://localhost:3000/texml/inbound"}`]);
  }
  const record = input as Record<string, unknown>;
  const known: readonly string[] = [...urls, ...methods];
  const problems = Object.keys(record)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown setting "${key}" of ${what}; known: ${known.join(', ')}`);
  for (const key of urls) {
    if (record[key] !== undefined && typeof record[key] !== 'string') problems.push(`${key} must be a URL string`);
  }
  for (const key of methods) {
    if (record[key] !== undefined && record[key] !== 'GET' && record[key] !== 'POST') problems.push(`${key} must be GET or POST`);
  }
  if (problems.length > 0) throw new SandboxInputError(problems);
  return { ...record } as T;
}

/** Check sandbox settings given as untyped input; throws {@link SandboxInputError}. */
function parseSettings(input: unknown): Partial<SandboxSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError(['the settings must be an object such as {"unregisteredSip": "unavailable"}']);
  }
  const record = input as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter((key) => key !== 'unregisteredSip')
    .map((key) => `unknown setting "${key}"; known: unregisteredSip`);
  const mode = record.unregisteredSip;
  if (mode !== undefined && !UNREGISTERED_SIP_MODES.includes(mode as UnregisteredSipMode)) {
    problems.push(`unregisteredSip must be one of ${UNREGISTERED_SIP_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  if (problems.length > 0) throw new SandboxInputError(problems);
  return mode === undefined ? {} : { unregisteredSip: mode as UnregisteredSipMode };
}
