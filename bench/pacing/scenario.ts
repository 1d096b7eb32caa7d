/**
 * Benchmark scenarios (pacing.md §5) as data: `bench/pacing/scenarios.json`, or another
 * file of the same shape given with `--scenario`. Validated with zod; every problem names
 * its field (`scenarios[1].variants[0]: …`). A scenario is a team size, a carrier profile
 * and the variants to run; a variant patches the carrier and switches on breaks, a
 * time-varying human share, or carrier caps.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCarrierProfile, type CarrierProfile } from '../../sandbox/carrier-profile.ts';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().min(0);

const variantSchema = z
  .object({
    label: z.string().min(1),
    /** Deep patch over the scenario's carrier profile (e.g. `{"amd":{"enabled":false}}`). */
    carrier: z.record(z.string(), z.unknown()).optional(),
    /** Human-share multiplier for each hour of the shift (the last one holds after). */
    humanShareByHour: z.array(nonNegative).min(1).optional(),
    /** Human-share multipliers over a stretch of the shift (e.g. −40 % for 30 min at hour 4). */
    humanShareShocks: z.array(z.object({ atMinute: nonNegative, minutes: positive, multiplier: nonNegative }).strict()).optional(),
    /** Agents take the shift's breaks. */
    breaks: z.boolean().optional(),
    /** Carrier dials per rolling second (≥ 1); none if left out. */
    cpsCap: z.number().finite().min(1).optional(),
    /** Most calls in flight (lines); 10 × agents if left out. */
    maxLines: z.number().int().positive().optional(),
    /**
     * Tune on this other variant of the same scenario instead of on this one (an operator
     * tunes on normal days, not on the day of a shock); it must be listed in every scenario
     * that lists this one, and must be tuned on itself.
     */
    tuneOn: z.string().min(1).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    carrierProfiles: z.record(z.string(), z.unknown()),
    shift: z
      .object({
        hours: positive,
        loginSpreadMinutes: nonNegative,
        recordsPerAgent: z.number().int().positive(),
        retry: z
          .object({
            noAnswerBusyAfterMinutes: nonNegative,
            machineAfterMinutes: nonNegative,
            maxAttempts: z.number().int().positive(),
            abandonedNoRedialHours: nonNegative,
          })
          .strict(),
        breaks: z.array(z.object({ atMinute: nonNegative, minutes: positive }).strict()),
        /** Each agent's break starts up to this many minutes either side of the planned time. */
        breakJitterMinutes: nonNegative,
      })
      .strict(),
    variants: z.record(z.string(), variantSchema),
    scenarios: z
      .array(
        z
          .object({
            id: z.string().min(1),
            agents: z.number().int().positive(),
            carrier: z.string().min(1),
            variants: z.array(z.string()).min(1),
            /** pacing.md §4.2 twin-optimal handle occupancy at a 2 % pacing budget, per variant (for "gap closed"). */
            twinOptimumHandleOccupancy: z.record(z.string(), z.number().min(0).max(1)).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type ScenarioFile = z.infer<typeof fileSchema>;

/** One scenario + variant, resolved to what the simulator needs. Times are ms. */
export interface ShiftScenario {
  scenarioId: string;
  variantId: string;
  label: string;
  agents: number;
  profile: CarrierProfile;
  shiftMs: number;
  loginSpreadMs: number;
  listSize: number;
  retry: { noAnswerBusyAfterMs: number; machineAfterMs: number; maxAttempts: number; abandonedNoRedialMs: number };
  /** Planned breaks (empty when the variant has none). */
  breaks: Array<{ atMs: number; durationMs: number }>;
  breakJitterMs: number;
  humanShareByHour: number[] | null;
  humanShareShocks: Array<{ fromMs: number; toMs: number; multiplier: number }>;
  cpsCap: number | null;
  maxLines: number;
  twinOptimumHandleOccupancy: number | null;
  /** The variant (of the same scenario) whose tuning seeds pick the settings: this one unless the file says `tuneOn`. */
  tuneOnVariantId: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Read and resolve a scenario file; problems name the file's fields. */
export function loadScenarioFile(path: string): Parsed<ShiftScenario[]> {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${path}: ${(error as Error).message}`] };
  }
  return resolveScenarios(input);
}

/** Validate a parsed scenario file and resolve every scenario × variant it lists. */
export function resolveScenarios(input: unknown): Parsed<ShiftScenario[]> {
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`) };
  const file = parsed.data;
  const problems: string[] = [];
  const resolved: ShiftScenario[] = [];
  file.scenarios.forEach((scenario, scenarioIndex) => {
    const at = `scenarios[${scenarioIndex}]`;
    const baseProfile = file.carrierProfiles[scenario.carrier];
    if (baseProfile === undefined) {
      problems.push(`${at}.carrier: no carrierProfiles entry named "${scenario.carrier}"`);
      return;
    }
    scenario.variants.forEach((variantId, variantIndex) => {
      const variant = file.variants[variantId];
      if (variant === undefined) {
        problems.push(`${at}.variants[${variantIndex}]: no variants entry named "${variantId}"`);
        return;
      }
      if (variant.tuneOn !== undefined) {
        const target = file.variants[variant.tuneOn];
        if (target === undefined) problems.push(`variants.${variantId}.tuneOn: no variants entry named "${variant.tuneOn}"`);
        else if (variant.tuneOn === variantId || target.tuneOn !== undefined) {
          problems.push(`variants.${variantId}.tuneOn: "${variant.tuneOn}" must be another variant that is tuned on itself`);
        } else if (!scenario.variants.includes(variant.tuneOn)) {
          problems.push(`${at}.variants[${variantIndex}]: ${variantId} is tuned on ${variant.tuneOn}, which ${scenario.id} does not list`);
        }
      }
      const merged = variant.carrier === undefined ? baseProfile : deepMerge(baseProfile, variant.carrier);
      const profile = parseCarrierProfile(merged, `variants.${variantId}.carrier (over carrierProfiles.${scenario.carrier})`);
      if (!profile.ok) {
        problems.push(...profile.problems);
        return;
      }
      const { shift } = file;
      resolved.push({
        scenarioId: scenario.id,
        variantId,
        label: variant.label,
        agents: scenario.agents,
        profile: profile.profile,
        shiftMs: shift.hours * 3_600_000,
        loginSpreadMs: shift.loginSpreadMinutes * 60_000,
        listSize: shift.recordsPerAgent * scenario.agents,
        retry: {
          noAnswerBusyAfterMs: shift.retry.noAnswerBusyAfterMinutes * 60_000,
          machineAfterMs: shift.retry.machineAfterMinutes * 60_000,
          maxAttempts: shift.retry.maxAttempts,
          abandonedNoRedialMs: shift.retry.abandonedNoRedialHours * 3_600_000,
        },
        breaks: variant.breaks === true ? shift.breaks.map((b) => ({ atMs: b.atMinute * 60_000, durationMs: b.minutes * 60_000 })) : [],
        breakJitterMs: shift.breakJitterMinutes * 60_000,
        humanShareByHour: variant.humanShareByHour ?? null,
        humanShareShocks: (variant.humanShareShocks ?? []).map((s) => ({ fromMs: s.atMinute * 60_000, toMs: (s.atMinute + s.minutes) * 60_000, multiplier: s.multiplier })),
        cpsCap: variant.cpsCap ?? null,
        maxLines: variant.maxLines ?? 10 * scenario.agents,
        twinOptimumHandleOccupancy: scenario.twinOptimumHandleOccupancy?.[variantId] ?? null,
        tuneOnVariantId: variant.tuneOn ?? variantId,
      });
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: resolved };
}

/** The human-share multiplier in force at `atMs` (hourly profile × any shock). */
export function humanShareAt(scenario: ShiftScenario, atMs: number): number {
  const hourly = scenario.humanShareByHour;
  let multiplier = hourly === null ? 1 : hourly[Math.min(hourly.length - 1, Math.floor(atMs / 3_600_000))]!;
  for (const shock of scenario.humanShareShocks) if (atMs >= shock.fromMs && atMs < shock.toMs) multiplier *= shock.multiplier;
  return multiplier;
}

/** `S25/V0` → that variant; `S25` → all its variants; `*∕V1` → V1 of every scenario. */
export function matchesFilter(scenario: ShiftScenario, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) => {
    const [scenarioPart = '*', variantPart = '*'] = filter.split('/');
    return (scenarioPart === '*' || scenarioPart === scenario.scenarioId) && (variantPart === '*' || variantPart === scenario.variantId);
  });
}

/** `scenarios.1.variants.0` → `scenarios[1].variants[0]`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '') || '(file)';
}

/** Objects merge key by key, except a distribution (it has a `kind`), which the patch replaces whole. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch) || 'kind' in patch) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = key in base ? deepMerge(base[key], value) : value;
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
