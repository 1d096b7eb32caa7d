/**
 * `GET …/Calls`: filters and the Page/PageSize/PageToken envelope (texml-api.md §2.3).
 * Newest calls first. Date filters compare `YYYY-MM-DD` with the UTC date of the call's
 * start (its answer, or its creation when never answered) and end.
 *
 * @module
 */

import type { CallListResponse } from '../../lib/telnyx-wire.ts';
import type { SimCall } from '../calls/call.ts';
import { callsPath, toCallResource } from '../calls/resource.ts';
import type { SandboxEnv } from '../env.ts';

/** `PageSize` when none is given, and the most one page holds. */
export const PAGE_SIZE = { default: 50, max: 1000 } as const;

const day = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10));

type DateTest = (date: string | undefined, bound: string) => boolean;
const DATE_FILTERS: ReadonlyArray<[string, (call: SimCall) => number | undefined, DateTest]> = [
  ['StartTime', (call) => call.answeredAt ?? call.createdAt, (date, bound) => date === bound],
  ['StartTime_gt', (call) => call.answeredAt ?? call.createdAt, (date, bound) => date !== undefined && date > bound],
  ['StartTime_lt', (call) => call.answeredAt ?? call.createdAt, (date, bound) => date !== undefined && date < bound],
  ['EndTime', (call) => call.endedAt, (date, bound) => date === bound],
  ['EndTime_gt', (call) => call.endedAt, (date, bound) => date !== undefined && date > bound],
  ['EndTime_lt', (call) => call.endedAt, (date, bound) => date !== undefined && date < bound],
];

export function listCalls(env: SandboxEnv, query: Record<string, unknown>): CallListResponse {
  const text = (key: string): string | undefined => (typeof query[key] === 'string' ? (query[key] as string) : undefined);
  const matches = env.calls
    .all()
    .reverse()
    .filter((call) => {
      if (text('To') !== undefined && call.to !== text('To')) return false;
      if (text('From') !== undefined && call.from !== text('From')) return false;
      if (text('Status') !== undefined && call.status !== text('Status')) return false;
      return DATE_FILTERS.every(([key, time, test]) => {
        const bound = text(key);
        return bound === undefined || test(day(time(call)), bound);
      });
    });

  const pageSize = clamp(Number.parseInt(text('PageSize') ?? '', 10) || PAGE_SIZE.default, 1, PAGE_SIZE.max);
  const page = Math.max(0, Number.parseInt(text('Page') ?? '', 10) || 0);
  const start = page * pageSize;
  const calls = matches.slice(start, start + pageSize);
  const base = `${callsPath(env.accountSid)}.json`;
  const hasNext = start + pageSize < matches.length;
  return {
    calls: calls.map(toCallResource),
    end: start + Math.max(calls.length - 1, 0),
    first_page_uri: `${base}?Page=0&PageSize=${pageSize}`,
    next_page_uri: hasNext ? `${base}?Page=${page + 1}&PageSize=${pageSize}&PageToken=${pageToken(page + 1)}` : null,
    page,
    page_size: pageSize,
    start,
    uri: `${base}?Page=${page}&PageSize=${pageSize}`,
  };
}

/** Opaque to clients, like Telnyx's; the sandbox pages by `Page` alone. */
function pageToken(page: number): string {
  return Buffer.from(`page:${page}`).toString('base64url');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
