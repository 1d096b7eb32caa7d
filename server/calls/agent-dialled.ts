/**
 * Flow 2 of the design, agent-dialled: the agent types a number in the softphone, the
 * call goes out on the credential connection with "Park Outbound Calls = TeXML", and
 * Telnyx fetches the connection's TeXML URL (`/texml/parked`, see
 * `texml/parked-routes.ts`) with `CallingPartyType=sip` (texml-api.md §8). This module
 * decides who is calling, whether the number may be called (the compliance gate, before
 * the attempt is written), and writes the attempt.
 *
 * Tracking: the agent's leg of a parked call is not one we created, and the connection's
 * status URL is one fixed address that cannot carry a per-call attempt id (what Telnyx
 * sends to it is UNCONFIRMED anyway). So the attempt follows the customer leg only,
 * through the bridge document's `action` and `<Number statusCallback>`, which carry the
 * attempt id as in flow 1; its agent leg row stays `queued`, without a CallSid (the
 * parked call's `CallSid` is only logged, and it names the attempt, see below).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { checkManualDial } from '../compliance/manual.ts';
import { spokenRefusal, type Reason } from '../compliance/gate.ts';
import type { AppContext } from '../context.ts';
import { createAttempt, getAttempt, markCreateState } from './repository.ts';
import type { AttemptKind, AttemptRow } from './tables.ts';

/** The attempt kind of flow 2. */
export const AGENT_DIALLED_KIND: AttemptKind = 'agent_dialled';

const E164 = /^\+[1-9]\d{6,14}$/;
/** What a Telnyx SIP user name may contain (credential users are `gencred` + letters and digits). */
const SIP_USER = /^[A-Za-z0-9._-]{1,64}$/;

export type RefusalReason = 'not_sip' | 'unknown_agent' | 'invalid_number' | 'compliance_refused';

export type ParkedCallDecision =
  | { kind: 'bridge'; attempt: AttemptRow }
  /** `reasons`: the gate's, for `compliance_refused`. */
  | { kind: 'refuse'; reason: RefusalReason; message: string; reasons?: readonly Reason[] };

/** What the caller hears for each refusal, before `<Hangup/>` (compliance: from the gate's reasons). */
export const REFUSAL_MESSAGES: Readonly<Record<Exclude<RefusalReason, 'compliance_refused'>, string>> = {
  not_sip: 'This line only takes calls from the dialer softphone. Goodbye.',
  unknown_agent: 'This softphone is not set up to place calls. Goodbye.',
  invalid_number: 'The number you dialled is not valid. Dial it with its country code, for example plus one. Goodbye.',
};

/**
 * The SIP user of a `sip:`/`sips:` URI or a bare `user@host`: `sip:gencredX@sip.telnyx.com;transport=tls`
 * → `gencredX`. Null for a phone number or anything without a user part.
 */
export function sipUserOf(address: string | undefined): string | null {
  const text = address?.trim().replace(/^sips?:/i, '') ?? '';
  const at = text.indexOf('@');
  if (at <= 0) return null;
  const user = text.slice(0, at).split(';')[0] ?? '';
  return SIP_USER.test(user) ? user : null;
}

/**
 * The calling agent's SIP user: from `From` when it is a SIP address, else from
 * `FromSipUri`. Which of the two carries the credential user is UNCONFIRMED (§8: the
 * docs show a number in `From` and `number@ip` in `FromSipUri`, the Gather example
 * `user@sip.telnyx.com` in `From`), so both are read; a number (`+1…`) is no user.
 */
export function callingSipUser(fields: Readonly<Record<string, string>>): string | null {
  return sipUserOf(fields.From) ?? sipUserOf(fields.FromSipUri);
}

/** The dialled number: `To` as given, or the user part of a `sip:` `To`. */
export function dialledNumber(fields: Readonly<Record<string, string>>): string {
  const to = (fields.To ?? '').trim();
  if (!/^sips?:/i.test(to)) return to;
  return to.replace(/^sips?:/i, '').split(/[@;?]/)[0] ?? '';
}

/**
 * A parked call's attempt id, derived from its `CallSid` (a UUID-shaped SHA-256), so a
 * fetch Telnyx repeats for the same call (it got no answer the first time) reuses the
 * attempt the first one wrote instead of writing a second one.
 */
export function attemptIdForParkedCall(callSid: string): string {
  const hex = createHash('sha256').update(`parked:${callSid}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Decide what a parked call gets: an accepted attempt to bridge, or a refusal. Any SIP
 * user is accepted for now and recorded as `agent_sip` (`sip:<user>@<SIP_DOMAIN>`);
 * matching it to an agent comes with the agents table.
 */
export async function startAgentDialled(ctx: AppContext, fields: Readonly<Record<string, string>>): Promise<ParkedCallDecision> {
  const refuse = (reason: Exclude<RefusalReason, 'compliance_refused'>): ParkedCallDecision => {
    ctx.logger.info({ reason, callSid: fields.CallSid, from: fields.From, to: fields.To }, 'parked call refused');
    return { kind: 'refuse', reason, message: REFUSAL_MESSAGES[reason] };
  };
  if (fields.CallingPartyType !== undefined && fields.CallingPartyType !== 'sip') return refuse('not_sip');
  const user = callingSipUser(fields);
  if (user === null) return refuse('unknown_agent');
  const customerNumber = dialledNumber(fields);
  if (!E164.test(customerNumber)) return refuse('invalid_number');

  const { callerIds, sipDomain } = ctx.config.dialing;
  // The SDK's callerNumber (`CallerId`) picks among the account's numbers; anything else gets the first.
  const callerId = fields.CallerId !== undefined && callerIds.includes(fields.CallerId) ? fields.CallerId : callerIds[0]!;
  const callSid = fields.CallSid;
  const id = callSid ? attemptIdForParkedCall(callSid) : undefined;
  const now = () => new Date(ctx.scheduler.now());

  let attempt = id === undefined ? undefined : await getAttempt(ctx.db, id);
  if (!attempt) {
    // A repeated fetch of an accepted call finds its attempt above and is not re-judged
    // (the window may have closed in between; the call was already allowed).
    const decision = await checkManualDial(ctx, { kind: 'agent_dialled', phone: customerNumber, callerId, by: `sip:${user}@${sipDomain}` });
    if (!decision.allow) {
      ctx.logger.info({ reason: 'compliance_refused', callSid, from: fields.From, to: fields.To }, 'parked call refused');
      return { kind: 'refuse', reason: 'compliance_refused', message: spokenRefusal(decision.reasons), reasons: decision.reasons };
    }
    try {
      attempt = await createAttempt(ctx.db, {
        ...(id === undefined ? {} : { id }),
        kind: AGENT_DIALLED_KIND,
        agentSip: `sip:${user}@${sipDomain}`,
        customerNumber,
        callerId,
        now: now(),
      });
    } catch (error) {
      // A concurrent repeat of the same fetch created it first.
      attempt = id === undefined ? undefined : await getAttempt(ctx.db, id);
      if (!attempt) throw error;
    }
  }
  attempt = await markCreateState(ctx.db, attempt.id, 'accepted', undefined, now());
  ctx.logger.info({ attemptId: attempt.id, callSid, agentSip: attempt.agent_sip }, 'agent-dialled call accepted');
  return { kind: 'bridge', attempt };
}
