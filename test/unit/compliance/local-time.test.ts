/**
 * Wall-clock arithmetic under the gate: local time with DST, local wall time → instant
 * (including the skipped and repeated hours), and the shared window of several zones.
 */
import { describe, expect, it } from 'vitest';
import { instantOfWallTime, sharedWindow, wallTime, zoneWindowAt } from '../../../server/compliance/local-time.ts';
import { PROFILES, type WeeklyWindows } from '../../../server/compliance/profiles.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('local time', () => {
  it('reads wall time and weekday in a zone', () => {
    expect(wallTime('America/New_York', Date.parse('2026-01-05T15:00:00Z'))).toEqual({ year: 2026, month: 1, day: 5, hour: 10, minute: 0, second: 0, weekday: 1 });
    expect(wallTime('Asia/Kolkata', Date.parse('2026-01-05T20:00:00Z'))).toMatchObject({ day: 6, hour: 1, minute: 30, weekday: 2 });
  });

  it('turns a wall time into an instant, on both sides of a DST change', () => {
    expect(iso(instantOfWallTime('America/New_York', 2026, 3, 7, 8 * 60))).toBe('2026-03-07T13:00:00.000Z');
    expect(iso(instantOfWallTime('America/New_York', 2026, 3, 8, 8 * 60))).toBe('2026-03-08T12:00:00.000Z');
    // 02:30 does not exist on 8 Mar: the first instant after it is the change, 07:00Z (03:00 EDT).
    expect(iso(instantOfWallTime('America/New_York', 2026, 3, 8, 2 * 60 + 30))).toBe('2026-03-08T07:00:00.000Z');
    // 01:30 happens twice on 1 Nov: the earlier one (EDT).
    expect(iso(instantOfWallTime('America/New_York', 2026, 11, 1, 90))).toBe('2026-11-01T05:30:00.000Z');
    // Midnight at the end of the day.
    expect(iso(instantOfWallTime('Europe/London', 2026, 3, 29, 24 * 60))).toBe('2026-03-29T23:00:00.000Z');
  });

  it('finds the current or next window of a zone', () => {
    const window = zoneWindowAt('America/Toronto', PROFILES.CA.callingWindows, Date.parse('2026-01-10T23:00:00Z'));
    expect(window && [iso(window.start), iso(window.end)]).toEqual(['2026-01-11T15:00:00.000Z', '2026-01-11T23:00:00.000Z']);
  });

  it('has no shared window when the zones never overlap within the horizon', () => {
    const mondayMorning: WeeklyWindows = [null, { start: 9 * 60, end: 10 * 60 }, null, null, null, null, null];
    expect(sharedWindow(['Asia/Tokyo', 'America/New_York'], mondayMorning, Date.parse('2026-01-05T00:00:00Z'))).toBeNull();
    expect(sharedWindow(['Asia/Tokyo'], mondayMorning, Date.parse('2026-01-05T00:00:00Z'))).toEqual({
      start: Date.parse('2026-01-05T00:00:00Z'),
      end: Date.parse('2026-01-05T01:00:00Z'),
    });
  });
});
