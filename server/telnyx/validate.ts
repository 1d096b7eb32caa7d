/**
 * Option checks shared by the Telnyx client and the dial limiter. Each throws a
 * TypeError that names the option and shows the bad value and its type, so a wrong
 * setting is found at start-up (the p-queue convention).
 *
 * @module
 */

/** `value` must be an integer ≥ `min`. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`Expected \`${name}\` to be an integer from ${min} and up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

/** `value` must be a non-empty string. */
export function checkNonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Expected \`${name}\` to be a non-empty string, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}
