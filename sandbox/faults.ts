/**
 * Fault switches: the ways real Telnyx misbehaves that the dialer must survive
 * (texml-api.md §4 delivery semantics, §9 rate limits). All draws come from the seeded
 * `faults` stream, so a run with the same seed fails the same way.
 *
 * @module
 */

import type { Prng } from './prng.ts';

/** The dials-per-second rule (texml-api.md §9): both limits apply. */
export interface DialRateLimit {
  /** Creates (and `<Dial>` legs) per rolling second. @default 30 */
  perSecond: number;
  /** Creates per rolling `windowMs`. @default 150 */
  perWindow: number;
  /** Length of the rolling window in ms. @default 5000 */
  windowMs: number;
}

/** Make the next `count` REST requests fail with `status` (429 = the general `10011` limit). */
export interface ApiFailureFault {
  status: 500 | 503 | 429;
  count: number;
}

/** The switches in effect. Probabilities are 0–1; `0` is off. */
export interface FaultSettings {
  /** Probability that a callback is delivered twice in a row. */
  duplicateCallbacks: number;
  /** Probability that a callback is held and delivered after the next one for the same URL. */
  reorderCallbacks: number;
  /** Delay, in ms of scheduler time, before each callback is delivered. */
  callbackDelayMs: number;
  /** Probability that a callback is lost (never delivered; its `SequenceNumber` is still used). */
  dropCallbacks: number;
  /** Pending failures of the REST API; counts down with each request. */
  apiFailures: ApiFailureFault | null;
  /**
   * Instruction fetches (`Url`, `action`, `<Redirect>`) are answered this many ms later in
   * scheduler time; at or beyond the HTTP timeout a fetch counts as timed out.
   */
  slowUrlMs: number;
  rateLimit: DialRateLimit;
}

/** What callers may send: booleans are accepted for the probabilities (`true` = always). */
export type FaultInput = Partial<
  Omit<FaultSettings, 'duplicateCallbacks' | 'reorderCallbacks' | 'dropCallbacks' | 'rateLimit'> & {
    duplicateCallbacks: boolean | number;
    reorderCallbacks: boolean | number;
    dropCallbacks: boolean | number;
    rateLimit: Partial<DialRateLimit>;
  }
>;

export const DEFAULT_RATE_LIMIT: DialRateLimit = { perSecond: 30, perWindow: 150, windowMs: 5000 };

export const DEFAULT_FAULTS: FaultSettings = {
  duplicateCallbacks: 0,
  reorderCallbacks: 0,
  callbackDelayMs: 0,
  dropCallbacks: 0,
  apiFailures: null,
  slowUrlMs: 0,
  rateLimit: DEFAULT_RATE_LIMIT,
};

/**
 * Turn `input` into complete settings; switches left out are off (PUT semantics).
 * Returns the problems instead when a value is unusable, each naming the switch.
 */
export function parseFaults(input: unknown): { ok: true; faults: FaultSettings } | { ok: false; problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: ['faults must be an object such as {"duplicateCallbacks": true}'] };
  }
  const record = input as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(Object.keys(DEFAULT_FAULTS));
  for (const key of Object.keys(record)) if (!known.has(key)) problems.push(`unknown fault switch "${key}"; known: ${[...known].join(', ')}`);

  const probability = (key: 'duplicateCallbacks' | 'reorderCallbacks' | 'dropCallbacks'): number => {
    const value = record[key];
    if (value === undefined || value === false) return 0;
    if (value === true) return 1;
    if (typeof value === 'number' && value >= 0 && value <= 1) return value;
    problems.push(`${key} must be true, false or a probability from 0 to 1, got ${JSON.stringify(value)}`);
    return 0;
  };
  const milliseconds = (key: 'callbackDelayMs' | 'slowUrlMs'): number => {
    const value = record[key];
    if (value === undefined) return 0;
    if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) return value;
    problems.push(`${key} must be a number of ms ≥ 0, got ${JSON.stringify(value)}`);
    return 0;
  };

  const faults: FaultSettings = {
    duplicateCallbacks: probability('duplicateCallbacks'),
    reorderCallbacks: probability('reorderCallbacks'),
    callbackDelayMs: milliseconds('callbackDelayMs'),
    dropCallbacks: probability('dropCallbacks'),
    apiFailures: parseApiFailures(record.apiFailures, problems),
    slowUrlMs: milliseconds('slowUrlMs'),
    rateLimit: parseRateLimit(record.rateLimit, problems),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, faults };
}

function parseApiFailures(value: unknown, problems: string[]): ApiFailureFault | null {
  if (value === undefined || value === null) return null;
  const record = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const { status, count } = record;
  if ((status === 500 || status === 503 || status === 429) && typeof count === 'number' && Number.isInteger(count) && count >= 0) {
    return { status, count };
  }
  problems.push(`apiFailures must be {"status": 500 | 503 | 429, "count": <integer ≥ 0>}, got ${JSON.stringify(value)}`);
  return null;
}

function parseRateLimit(value: unknown, problems: string[]): DialRateLimit {
  if (value === undefined) return DEFAULT_RATE_LIMIT;
  if (typeof value !== 'object' || value === null) {
    problems.push('rateLimit must be an object such as {"perSecond": 30, "perWindow": 150, "windowMs": 5000}');
    return DEFAULT_RATE_LIMIT;
  }
  const merged = { ...DEFAULT_RATE_LIMIT, ...(value as Partial<DialRateLimit>) };
  for (const key of ['perSecond', 'perWindow', 'windowMs'] as const) {
    const item = merged[key];
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 1) problems.push(`rateLimit.${key} must be an integer ≥ 1, got ${JSON.stringify(item)}`);
  }
  return merged;
}

/** The live switches plus the seeded draws and counters they need. */
export class FaultState {
  #settings: FaultSettings = DEFAULT_FAULTS;

  constructor(private prng: Prng) {}

  get settings(): FaultSettings {
    return this.#settings;
  }

  replace(settings: FaultSettings, prng?: Prng): void {
    this.#settings = settings;
    if (prng) this.prng = prng;
  }

  /** One seeded draw: does a switch with this probability fire now? Off switches draw nothing. */
  fires(probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.prng.next() < probability;
  }

  /** Take one pending REST failure, if any. */
  takeApiFailure(): ApiFailureFault['status'] | null {
    const pending = this.#settings.apiFailures;
    if (!pending || pending.count <= 0) return null;
    this.#settings = { ...this.#settings, apiFailures: { ...pending, count: pending.count - 1 } };
    return pending.status;
  }
}
