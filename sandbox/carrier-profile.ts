/**
 * A carrier profile: the statistics of what happens to dialled numbers (outcome mix,
 * ring and pickup times, answering-machine detection and its errors, talk and wrap-up
 * times), kept as data so the sandbox and the pacing benchmark (`bench/pacing/`) draw
 * from the same model. {@link BASE_CARRIER_PROFILE} is the base profile of pacing.md §5.
 *
 * Pure: no clock, no I/O. {@link drawAttemptFate} turns uniform draws into one dial
 * attempt's complete fate; it always consumes the same number of draws in the same
 * order whatever the outcome, so a record's talk time does not depend on whether an
 * earlier field made it a human (common random numbers, pacing.md §3.1).
 *
 * @module
 */
import { z } from 'zod';

const ms = z.number().finite().min(0);
const fraction = z.number().min(0).max(1);

const basicDistribution = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), ms }).strict(),
  z
    .object({ kind: z.literal('uniform'), minMs: ms, maxMs: ms })
    .strict()
    .refine((d) => d.minMs <= d.maxMs, { message: 'minMs must be ≤ maxMs', path: ['maxMs'] }),
  /** exp(normal): `medianMs` × e^(sigma·Z). */
  z.object({ kind: z.literal('lognormal'), medianMs: z.number().finite().positive(), sigma: z.number().finite().min(0) }).strict(),
  /** normal(meanMs, sdMs) clipped (not truncated) to [minMs, maxMs]. */
  z
    .object({ kind: z.literal('normal'), meanMs: ms, sdMs: ms, minMs: ms, maxMs: ms })
    .strict()
    .refine((d) => d.minMs <= d.maxMs, { message: 'minMs must be ≤ maxMs', path: ['maxMs'] }),
]);

const distribution = z.union([
  basicDistribution,
  z
    .object({
      kind: z.literal('mixture'),
      parts: z.array(z.object({ p: z.number().finite().min(0), dist: basicDistribution }).strict()).min(1),
    })
    .strict()
    .refine((d) => d.parts.some((part) => part.p > 0), { message: 'at least one part needs p > 0', path: ['parts'] }),
]);

export const carrierProfileSchema = z
  .object({
    /** Weights of the attempt outcomes (normalised; need not add up to 1). */
    outcomeMix: z
      .object({ human: fraction, machine: fraction, noAnswer: fraction, busy: fraction, invalid: fraction })
      .strict()
      .refine((mix) => mix.human + mix.machine + mix.noAnswer + mix.busy + mix.invalid > 0, { message: 'the weights must not all be 0' }),
    /** The dialer's no-answer timeout, ms: a person or machine answering later is a no-answer. */
    timeoutMs: z.number().finite().positive(),
    /** Dial → a person answers, ms. */
    humanRing: distribution,
    /** Dial → voicemail picks up, ms. */
    machinePickup: distribution,
    /** Dial → busy signal, ms. */
    busyDetect: distribution,
    /** Dial → invalid number / SIT / network failure, ms. */
    invalidDetect: distribution,
    /** Answer → end of the person's greeting ("Hello?"), ms; the 2 s abandon clock starts at its end. */
    greeting: distribution,
    amd: z
      .object({
        enabled: z.boolean(),
        /** A person is declared human this long after the greeting ends, ms. */
        humanVerdictAfterGreetingMs: ms,
        /** Answer → machine verdict, ms. */
        machineVerdict: distribution,
        /** Share of people judged machines (and hung up on), fraction. */
        falsePositive: fraction,
        /** Share of machines judged people (and sent to an agent), fraction. */
        falseNegative: fraction,
      })
      .strict(),
    /** Agent time lost on a machine AMD let through (or every answered machine with AMD off), ms. */
    misroutedMachineAgentMs: ms,
    /** Decision to route → the agent hears the customer, ms. */
    bridgeMs: ms,
    /**
     * A person must be connected within this long after the greeting ends, ms. The US rule
     * is 2000 ms; the UK timing is not confirmed by the reference (pacing.md §2.1), so it
     * stays a parameter with the US value as the default.
     */
    abandonWindowMs: ms,
    /** Conversation length once connected, ms. */
    talk: distribution,
    /** After-call work, ms. */
    wrap: distribution,
  })
  .strict();

export type Distribution = z.infer<typeof distribution>;
export type CarrierProfile = z.infer<typeof carrierProfileSchema>;

/** pacing.md §5: the base profile every benchmark scenario shares. */
export const BASE_CARRIER_PROFILE: CarrierProfile = {
  outcomeMix: { human: 0.25, machine: 0.2, noAnswer: 0.3, busy: 0.05, invalid: 0.2 },
  timeoutMs: 30_000,
  humanRing: { kind: 'lognormal', medianMs: 8000, sigma: 0.5 },
  machinePickup: { kind: 'normal', meanMs: 22_000, sdMs: 4000, minMs: 12_000, maxMs: 29_900 },
  busyDetect: { kind: 'fixed', ms: 3000 },
  invalidDetect: { kind: 'uniform', minMs: 2000, maxMs: 6000 },
  greeting: { kind: 'uniform', minMs: 500, maxMs: 1500 },
  amd: {
    enabled: true,
    humanVerdictAfterGreetingMs: 800,
    machineVerdict: { kind: 'uniform', minMs: 2000, maxMs: 5000 },
    falsePositive: 0.01,
    falseNegative: 0.1,
  },
  misroutedMachineAgentMs: 9000,
  bridgeMs: 300,
  abandonWindowMs: 2000,
  talk: {
    kind: 'mixture',
    parts: [
      { p: 0.35, dist: { kind: 'lognormal', medianMs: 25_000, sigma: 0.6 } },
      { p: 0.65, dist: { kind: 'lognormal', medianMs: 180_000, sigma: 0.7 } },
    ],
  },
  wrap: { kind: 'lognormal', medianMs: 15_000, sigma: 0.6 },
};

/** Check untyped input (JSON) as a profile; each problem names the field (`path.amd.falsePositive: …`). */
export function parseCarrierProfile(input: unknown, path = 'profile'): { ok: true; profile: CarrierProfile } | { ok: false; problems: string[] } {
  const result = carrierProfileSchema.safeParse(input);
  if (result.success) return { ok: true, profile: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${[path, ...issue.path.map(String)].join('.')}: ${issue.message}`) };
}

export const ATTEMPT_OUTCOMES = ['human', 'machine', 'no-answer', 'busy', 'invalid'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One dial attempt's ground truth. Every time is ms. */
export interface AttemptFate {
  outcome: AttemptOutcome;
  /**
   * `human`, `machine`: dial → answer. `no-answer`: the timeout. `busy`, `invalid`: dial →
   * the carrier's answer. Either way, how long the line rings before anything is known.
   */
  ringMs: number;
  /** Answer → end of greeting (drawn for every attempt; only answered ones use it). */
  greetingMs: number;
  /** The AMD verdict and answer → verdict time, for answered attempts with AMD on; `null` otherwise. */
  amd: { verdict: 'human' | 'machine'; latencyMs: number } | null;
  /** Conversation with an agent if this is a person who gets connected. */
  talkMs: number;
  /** The agent's after-call work for that conversation. */
  wrapMs: number;
}

export interface DrawOptions {
  /**
   * Scales the human share of the outcome mix (pacing.md §5 variants V2, V3); the other
   * outcomes share what is left in their base proportions. @default 1
   */
  humanShareMultiplier?: number;
}

/** Draw one attempt's fate. `random` returns floats in [0, 1). */
export function drawAttemptFate(profile: CarrierProfile, random: () => number, options: DrawOptions = {}): AttemptFate {
  // Fixed draw order, all drawn every time (see the module note).
  const outcomeDraw = random();
  const humanRingMs = sample(profile.humanRing, random);
  const machinePickupMs = sample(profile.machinePickup, random);
  const busyMs = sample(profile.busyDetect, random);
  const invalidMs = sample(profile.invalidDetect, random);
  const greetingMs = sample(profile.greeting, random);
  const amdErrorDraw = random();
  const machineVerdictMs = sample(profile.amd.machineVerdict, random);
  const talkMs = sample(profile.talk, random);
  const wrapMs = sample(profile.wrap, random);

  const drawn = pickOutcome(profile.outcomeMix, outcomeDraw, options.humanShareMultiplier ?? 1);
  const base = { greetingMs, talkMs, wrapMs };
  const { amd, timeoutMs } = profile;
  if (drawn === 'human' || drawn === 'machine') {
    const ringMs = drawn === 'human' ? humanRingMs : machinePickupMs;
    if (ringMs >= timeoutMs) return { outcome: 'no-answer', ringMs: timeoutMs, amd: null, ...base };
    if (!amd.enabled) return { outcome: drawn, ringMs, amd: null, ...base };
    const verdict =
      drawn === 'human'
        ? { verdict: amdErrorDraw < amd.falsePositive ? 'machine' : 'human', latencyMs: greetingMs + amd.humanVerdictAfterGreetingMs }
        : { verdict: amdErrorDraw < amd.falseNegative ? 'human' : 'machine', latencyMs: machineVerdictMs };
    return { outcome: drawn, ringMs, amd: verdict as AttemptFate['amd'], ...base };
  }
  const ringMs = drawn === 'busy' ? busyMs : drawn === 'invalid' ? invalidMs : timeoutMs;
  return { outcome: drawn, ringMs: Math.min(ringMs, timeoutMs), amd: null, ...base };
}

/** The outcome weights after scaling the human share by `multiplier`, normalised to add up to 1. */
export function outcomeShares(mix: CarrierProfile['outcomeMix'], multiplier = 1): Record<'human' | 'machine' | 'noAnswer' | 'busy' | 'invalid', number> {
  const total = mix.human + mix.machine + mix.noAnswer + mix.busy + mix.invalid;
  const human = Math.min(1, (mix.human / total) * multiplier);
  const others = total - mix.human;
  // With no other outcome to take the remainder from, the human share cannot change.
  const scale = others > 0 ? (1 - human) / others : 0;
  return {
    human: others > 0 ? human : 1,
    machine: mix.machine * scale,
    noAnswer: mix.noAnswer * scale,
    busy: mix.busy * scale,
    invalid: mix.invalid * scale,
  };
}

function pickOutcome(mix: CarrierProfile['outcomeMix'], draw: number, multiplier: number): AttemptOutcome {
  const shares = outcomeShares(mix, multiplier);
  // Humans first, so raising the human share turns the same records into people.
  let threshold = draw;
  for (const [outcome, share] of [
    ['human', shares.human],
    ['machine', shares.machine],
    ['no-answer', shares.noAnswer],
    ['busy', shares.busy],
  ] as const) {
    if (threshold < share) return outcome;
    threshold -= share;
  }
  return 'invalid';
}

/** One value from `dist`, ms. Uses 1 draw (fixed, uniform), 2 (normal, lognormal) or 1 + the part's (mixture). */
export function sample(dist: Distribution, random: () => number): number {
  switch (dist.kind) {
    case 'fixed':
      random();
      return dist.ms;
    case 'uniform':
      return dist.minMs + (dist.maxMs - dist.minMs) * random();
    case 'lognormal':
      return dist.medianMs * Math.exp(dist.sigma * standardNormal(random));
    case 'normal':
      return Math.min(dist.maxMs, Math.max(dist.minMs, dist.meanMs + dist.sdMs * standardNormal(random)));
    case 'mixture': {
      const total = dist.parts.reduce((sum, part) => sum + part.p, 0);
      let threshold = random() * total;
      for (const part of dist.parts) {
        threshold -= part.p;
        if (threshold < 0) return sample(part.dist, random);
      }
      return sample(dist.parts[dist.parts.length - 1]!.dist, random);
    }
  }
}

/** Box–Muller (cosine branch): two uniform draws → one standard normal. */
function standardNormal(random: () => number): number {
  const u1 = 1 - random(); // (0, 1]: log(0) is not allowed
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
