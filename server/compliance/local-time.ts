/**
 * Wall-clock time in any IANA zone with `Intl.DateTimeFormat` (the runtime's tz data, so
 * DST is right without a tz library), and the calling window of one or several zones.
 *
 * A number that may ring in several zones (Idaho's 208 is Boise and Los Angeles) may be
 * called only when EVERY zone is inside its window: the window is the intersection.
 * Instead of scanning minute by minute, the next opening is found analytically: each
 * zone's current-or-next window is converted to UTC instants, the latest start and the
 * earliest end are compared, and the search jumps to that start when they do not
 * overlap. A handful of steps covers a week.
 *
 * @module
 */
import type { WeeklyWindows } from './profiles.ts';

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday. */
  readonly weekday: number;
}

/** [start, end) in epoch ms. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True for a zone name the runtime knows (`America/Boise`, `Etc/GMT-5`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time in `zone` at `epochMs`. @throws RangeError for an unknown zone. */
export function wallTime(zone: string, epochMs: number): WallTime {
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = fields;
  return { year, month, day, hour, minute, second, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Local minus UTC at `epochMs`, ms (whole seconds; no zone has sub-second offsets). */
function offsetAt(zone: string, epochMs: number): number {
  const at = Math.floor(epochMs / 1000) * 1000;
  const local = wallTime(zone, at);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - at;
}

const HOUR_MS = 3_600_000;

/**
 * The first instant at which `zone`'s clock reads `minutes` after midnight of the local
 * date y-m-d: the earlier one when clocks go back (the time happens twice), and the
 * moment clocks go forward when the time is skipped. `minutes` may be 1440 (midnight at
 * the end of the day).
 */
export function instantOfWallTime(zone: string, year: number, month: number, day: number, minutes: number): number {
  const naive = Date.UTC(year, month - 1, day, 0, minutes);
  // At most one transition within ±12 h of any wall time, in every real zone.
  const candidates = [naive - offsetAt(zone, naive - 12 * HOUR_MS), naive - offsetAt(zone, naive + 12 * HOUR_MS)];
  const exact = candidates.filter((instant) => instant + offsetAt(zone, instant) === naive);
  if (exact.length > 0) return Math.min(...exact);
  // Skipped by a spring-forward: the transition lies between the candidates. Find the
  // first instant whose local time has passed `naive`.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (middle + offsetAt(zone, middle) >= naive) high = middle;
    else low = middle;
  }
  return high;
}

const MAX_DAYS_AHEAD = 8;

/**
 * The zone's window `[start, end)` that contains `at`, or else the next one, within
 * eight local days; null when the profile opens on none of them.
 */
export function zoneWindowAt(zone: string, windows: WeeklyWindows, at: number): Interval | null {
  const today = wallTime(zone, at);
  for (let ahead = 0; ahead <= MAX_DAYS_AHEAD; ahead++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead));
    const window = windows[date.getUTCDay()];
    if (!window) continue;
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const end = instantOfWallTime(zone, year, month, day, window.end);
    if (end <= at) continue;
    return { start: instantOfWallTime(zone, year, month, day, window.start), end };
  }
  return null;
}

/**
 * The first moment at or after `now` when every zone is inside its window, and when that
 * shared window closes; null when there is none within `horizonMs` (zones too far apart,
 * e.g. Guam and Hawaii). `opensAt === now` means calling is allowed now.
 */
export function sharedWindow(zones: readonly string[], windows: WeeklyWindows, now: number, horizonMs = MAX_DAYS_AHEAD * 24 * HOUR_MS): Interval | null {
  let at = now;
  // Each step moves `at` to a later window start of some zone; a week holds few of them.
  for (let step = 0; step < 64 && at - now <= horizonMs; step++) {
    let start = at;
    let end = Number.POSITIVE_INFINITY;
    for (const zone of zones) {
      const window = zoneWindowAt(zone, windows, at);
      if (!window) return null;
      start = Math.max(start, window.start);
      end = Math.min(end, window.end);
    }
    if (start < end) return start - now <= horizonMs ? { start, end } : null;
    at = start;
  }
  return null;
}
