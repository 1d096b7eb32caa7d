/**
 * The carrier model: what happens to one dialled number, decided from a scenario rule
 * and a random source. Pure (no clock, no I/O) so the pacing simulation in `bench/` can
 * draw the same fates as the sandbox's calls: a `{ profile }` rule draws from a
 * {@link CarrierProfile}, the model `bench/pacing/` simulates.
 *
 * @module
 */

import { drawAttemptFate, parseCarrierProfile, type AttemptFate, type CarrierProfile } from './carrier-profile.ts';

export const OUTCOMES = ['human', 'machine', 'busy', 'no-answer', 'failed'] as const;
/** How the far end treats the call: answered by a person or a machine, or not answered. */
export type Outcome = (typeof OUTCOMES)[number];

/** A concrete or partly specified fate; omitted fields take {@link OUTCOME_DEFAULTS}. */
export interface FateSpec {
  outcome: Outcome;
  /**
   * ms from the call being initiated until it is answered (`human`, `machine`) or until
   * the network answers busy or failed. Ignored for `no-answer`, which always rings
   * until the ring timeout (`Timeout` on create, `timeout` on `<Dial>`); an answer due at
   * or after that timeout is a no-answer too.
   */
  ringMs?: number;
  /** ms the callee stays after answering before hanging up; `null` = until the other side hangs up. */
  talkMs?: number | null;
  /** `AnsweredBy` to report when AMD runs; by default derived from the outcome and the detection mode. */
  answeredBy?: string;
  /** ms answering-machine detection takes to decide; by default derived from the outcome and mode. */
  amdDurationMs?: number;
  /**
   * Keys the callee presses during a `<Gather>`: one string per `<Gather>` in the order
   * they run (an array), or the same keys for every `<Gather>` (a string).
   */
  digits?: string | readonly string[];
  /** `HangupSource` reported when the callee ends the call after `talkMs`. @default 'callee' */
  hangupSource?: string;
}

/** One entry of a probability mix: a fate and its weight (weights need not add up to 1). */
export type MixEntry = FateSpec & { p: number };

/** A fate drawn at random from weighted entries. */
export interface MixSpec {
  mix: readonly MixEntry[];
}

/**
 * A fate drawn from a carrier profile (`sandbox/carrier-profile.ts`), the statistics the
 * pacing benchmark uses: outcome mix, ring times, AMD verdicts and their errors, talk.
 */
export interface ProfileSpec {
  profile: CarrierProfile;
  /** Scales the profile's human share (the other outcomes share the rest). @default 1 */
  humanShareMultiplier?: number;
}

export type FateRule = FateSpec | MixSpec | ProfileSpec;

/** A fully decided fate: every timing known. */
export interface CallFate {
  outcome: Outcome;
  /** ms; see {@link FateSpec.ringMs}. `Infinity` for `no-answer`. */
  ringMs: number;
  /** ms, or `null` = stays until the other side hangs up. */
  talkMs: number | null;
  answeredBy?: string;
  amdDurationMs?: number;
  /** Keys per `<Gather>`: `digitsFor(fate, n)` gives the keys for the n-th one. */
  digits: string | readonly string[];
  hangupSource: string;
}

/**
 * Timings used when a rule leaves them out. Busy and failed answers come back quickly
 * (a 486 or a 4xx/5xx instead of a 180 Ringing); people answer after a few rings and talk
 * for a minute; voicemail greetings start after four seconds and record for a minute.
 */
export const OUTCOME_DEFAULTS: Readonly<Record<Outcome, { ringMs: number; talkMs: number | null }>> = {
  human: { ringMs: 5000, talkMs: 60_000 },
  machine: { ringMs: 4000, talkMs: 60_000 },
  busy: { ringMs: 1000, talkMs: null },
  'no-answer': { ringMs: Number.POSITIVE_INFINITY, talkMs: null },
  failed: { ringMs: 500, talkMs: null },
};

/** Decide one call's fate. `random` returns floats in [0, 1) (a seeded PRNG in the sandbox). */
export function decideFate(rule: FateRule, random: () => number): CallFate {
  if ('profile' in rule) {
    const options = rule.humanShareMultiplier === undefined ? {} : { humanShareMultiplier: rule.humanShareMultiplier };
    return profileCallFate(drawAttemptFate(rule.profile, random, options), rule.profile);
  }
  const spec = 'mix' in rule ? pickFromMix(rule.mix, random()) : rule;
  const defaults = OUTCOME_DEFAULTS[spec.outcome];
  return {
    outcome: spec.outcome,
    ringMs: spec.outcome === 'no-answer' ? Number.POSITIVE_INFINITY : (spec.ringMs ?? defaults.ringMs),
    talkMs: spec.talkMs === undefined ? defaults.talkMs : spec.talkMs,
    ...(spec.answeredBy === undefined ? {} : { answeredBy: spec.answeredBy }),
    ...(spec.amdDurationMs === undefined ? {} : { amdDurationMs: spec.amdDurationMs }),
    digits: spec.digits ?? [],
    hangupSource: spec.hangupSource ?? 'callee',
  };
}

/**
 * The sandbox fate of a profile attempt. AMD's verdict becomes `AnsweredBy` (`human` or
 * `machine_start`) after `amdDurationMs`, false positives and negatives included. A
 * person stays on the line through the greeting, the AMD decision and the bridge, then
 * talks for the drawn time; a voicemail records for the default minute.
 */
export function profileCallFate(fate: AttemptFate, profile: CarrierProfile): CallFate {
  const common = { digits: [], hangupSource: 'callee' };
  switch (fate.outcome) {
    case 'no-answer':
      return { outcome: 'no-answer', ringMs: Number.POSITIVE_INFINITY, talkMs: null, ...common };
    case 'busy':
      return { outcome: 'busy', ringMs: fate.ringMs, talkMs: null, ...common };
    case 'invalid':
      return { outcome: 'failed', ringMs: fate.ringMs, talkMs: null, ...common };
    case 'human':
    case 'machine': {
      const untilConnectedMs = (fate.amd?.latencyMs ?? fate.greetingMs) + profile.bridgeMs;
      const talkMs = fate.outcome === 'human' ? untilConnectedMs + fate.talkMs : OUTCOME_DEFAULTS.machine.talkMs;
      const amd = fate.amd === null ? {} : { answeredBy: fate.amd.verdict === 'human' ? 'human' : 'machine_start', amdDurationMs: fate.amd.latencyMs };
      return { outcome: fate.outcome, ringMs: fate.ringMs, talkMs, ...amd, ...common };
    }
  }
}

/** The keys pressed during the `index`-th `<Gather>` (0-based), or `''` for none. */
export function digitsFor(fate: CallFate, index: number): string {
  return typeof fate.digits === 'string' ? fate.digits : (fate.digits[index] ?? '');
}

function pickFromMix(mix: readonly MixEntry[], draw: number): FateSpec {
  const total = mix.reduce((sum, entry) => sum + entry.p, 0);
  let threshold = draw * total;
  for (const entry of mix) {
    threshold -= entry.p;
    if (threshold < 0) return entry;
  }
  return mix[mix.length - 1]!;
}

/**
 * Problems with a rule given as untyped input (control API, options), each naming the
 * field and saying what is expected. Empty when the rule is usable.
 */
export function checkFateRule(input: Record<string, unknown>, path: string): string[] {
  if ('profile' in input) {
    const parsed = parseCarrierProfile(input.profile, `${path}.profile`);
    const multiplier = input.humanShareMultiplier;
    const multiplierOk = multiplier === undefined || (typeof multiplier === 'number' && multiplier >= 0 && Number.isFinite(multiplier));
    return [
      ...(parsed.ok ? [] : parsed.problems),
      ...(multiplierOk ? [] : [`${path}.humanShareMultiplier must be a number ≥ 0, got ${JSON.stringify(multiplier)}`]),
    ];
  }
  if ('mix' in input) {
    const mix = input.mix;
    if (!Array.isArray(mix) || mix.length === 0) return [`${path}.mix must be a non-empty array of {p, outcome, …}`];
    return mix.flatMap((entry: unknown, index) => {
      const at = `${path}.mix[${index}]`;
      if (typeof entry !== 'object' || entry === null) return [`${at} must be an object`];
      const { p } = entry as Record<string, unknown>;
      const weight = typeof p === 'number' && p >= 0 && Number.isFinite(p) ? [] : [`${at}.p must be a number ≥ 0, got ${JSON.stringify(p)}`];
      return [...weight, ...checkFateSpec(entry as Record<string, unknown>, at)];
    });
  }
  return checkFateSpec(input, path);
}

function checkFateSpec(input: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  if (!OUTCOMES.includes(input.outcome as Outcome)) {
    problems.push(`${path}.outcome must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(input.outcome)}`);
  }
  for (const key of ['ringMs', 'amdDurationMs'] as const) {
    const value = input[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) problems.push(`${path}.${key} must be a number of ms ≥ 0`);
  }
  const talk = input.talkMs;
  if (talk !== undefined && talk !== null && !(typeof talk === 'number' && talk >= 0)) {
    problems.push(`${path}.talkMs must be a number of ms ≥ 0, or null for "until the other side hangs up"`);
  }
  for (const key of ['answeredBy', 'hangupSource'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'string') problems.push(`${path}.${key} must be a string`);
  }
  const digits = input.digits;
  const digitsOk =
    digits === undefined ||
    typeof digits === 'string' ||
    (Array.isArray(digits) && digits.every((item: unknown) => typeof item === 'string'));
  if (!digitsOk) problems.push(`${path}.digits must be a string or an array of strings`);
  return problems;
}
