/**
 * The Call resource as `GET …/Calls/{sid}` returns it: snake_case, RFC 2822 times,
 * `duration` as a string, `uri` with `.json` (texml-api.md §2.4).
 *
 * @module
 */

import type { CallResource } from '../../lib/telnyx-wire.ts';
import { callDurationS } from '../callbacks/fields.ts';
import { resourceAnsweredBy } from './amd.ts';
import type { SimCall } from './call.ts';

/** `Thu, 15 Jun 2023 09:56:45 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function callsPath(accountSid: string): string {
  return `/v2/texml/Accounts/${accountSid}/Calls`;
}

export function toCallResource(call: SimCall): CallResource {
  const answeredBy = resourceAnsweredBy(call.answeredBy);
  const updatedAt = Math.max(call.createdAt, call.initiatedAt ?? 0, call.ringingAt ?? 0, call.answeredAt ?? 0, call.endedAt ?? 0);
  return {
    account_sid: call.accountSid,
    sid: call.sid,
    status: call.status,
    direction: 'outbound',
    ...(answeredBy === undefined ? {} : { answered_by: answeredBy }),
    from: call.from,
    to: call.to,
    ...(call.callerIdName === undefined ? {} : { caller_name: call.callerIdName }),
    duration: String(callDurationS(call)),
    ...(call.answeredAt === undefined ? {} : { start_time: rfc2822(call.answeredAt) }),
    ...(call.endedAt === undefined ? {} : { end_time: rfc2822(call.endedAt) }),
    date_created: rfc2822(call.createdAt),
    date_updated: rfc2822(updatedAt),
    uri: `${callsPath(call.accountSid)}/${call.sid}.json`,
  };
}
