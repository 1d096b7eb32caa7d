/**
 * The compliance gate (`server/compliance/`) as a campaign uses it: the facts of one lead
 * and its campaign in, the decision out (recorded on the attempt as `gate_decision`), and
 * what a refusal does to the lead. Preview dials are `kind: 'preview'`: an agent is on the
 * line first, so Ofcom's redial locks do not apply, but the window, DNC, the registry's
 * age and the attempt cap do.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Tables } from '../db/schema.ts';
import { evaluateDial, type EvaluateDialInput } from '../compliance/evaluate.ts';
import type { DialKind, GateDecision, Reason } from '../compliance/gate.ts';
import type { LeadRow } from './leads/tables.ts';
import type { CampaignRow } from './tables.ts';

export type GateLead = Pick<LeadRow, 'id' | 'phone_e164' | 'time_zones' | 'status' | 'attempts' | 'next_attempt_at' | 'last_abandon_at' | 'last_machine_at' | 'consent_type'>;

export interface GateRun {
  input: Omit<EvaluateDialInput, 'ownedCallerIds'>;
  decision: GateDecision;
}

/**
 * Ask the gate about dialling `lead` for `campaign` at `now`. A callback the customer
 * asked for is dialled once even past `max_attempts` (the cap is there to stop pestering,
 * not to break a promise made on the phone).
 */
export async function gateLead(
  ctx: Pick<AppContext, 'config'>,
  db: Kysely<Tables> | Transaction<Tables>,
  campaign: Pick<CampaignRow, 'id' | 'profile' | 'caller_id' | 'max_attempts'>,
  lead: GateLead,
  kind: DialKind,
  now: Date,
): Promise<GateRun> {
  const max = lead.status === 'callback' ? Math.max(campaign.max_attempts, lead.attempts + 1) : campaign.max_attempts;
  const input = {
    phone: lead.phone_e164,
    timeZones: lead.time_zones,
    kind,
    profile: campaign.profile,
    campaignId: campaign.id,
    callerId: campaign.caller_id,
    attempts: {
      count: lead.attempts,
      max,
      nextAttemptAt: lead.next_attempt_at,
      lastAbandonAt: lead.last_abandon_at,
      lastMachineAt: lead.last_machine_at,
    },
    consent: { type: lead.consent_type },
    now,
  };
  const decision = await evaluateDial(db, { ...input, ownedCallerIds: ctx.config.dialing.callerIds });
  return { input, decision };
}

/** The decision as stored on the attempt (`attempts.gate_decision`): what was asked and the answer. */
export function gateRecord(run: GateRun): Record<string, unknown> {
  const { input, decision } = run;
  return {
    at: input.now.toISOString(),
    kind: input.kind,
    profile: input.profile,
    phone: input.phone,
    timeZones: input.timeZones,
    callerId: input.callerId,
    attempts: input.attempts ? { count: input.attempts.count, max: input.attempts.max } : null,
    allow: decision.allow,
    reasons: decision.allow ? [] : decision.reasons,
    checks: decision.checks,
  };
}

/** Reasons that hold for every lead of the campaign: no lead can be dialled until they are fixed. */
const CAMPAIGN_WIDE = new Set<Reason['code']>(['registry_stale', 'caller_id_not_owned']);

export function campaignWideReasons(reasons: readonly Reason[]): Reason[] {
  return reasons.filter((reason) => CAMPAIGN_WIDE.has(reason.code));
}

/** What a refusal does to the lead: never dial it, finish it, try it later, or leave it be. */
export type RefusalEffect =
  | { kind: 'status'; status: 'dnc' | 'invalid' | 'done' }
  | { kind: 'reschedule'; at: Date }
  | { kind: 'none' };

const DAY_MS = 86_400_000;

/**
 * The strongest effect among the reasons: a DNC hit makes the lead `dnc` at once, a
 * number that is not E.164 `invalid`, a spent attempt cap `done`; a closed window or a
 * redial lock moves `next_attempt_at` to when it opens (rescheduled, never skipped for
 * good); anything else (an unknown zone, campaign-wide problems) leaves the lead as it is.
 */
export function refusalEffect(reasons: readonly Reason[], now: Date): RefusalEffect {
  const codes = new Set(reasons.map((reason) => reason.code));
  if (codes.has('dnc_internal') || codes.has('dnc_campaign') || codes.has('dnc_national')) return { kind: 'status', status: 'dnc' };
  if (codes.has('invalid_number')) return { kind: 'status', status: 'invalid' };
  if (codes.has('attempts_exhausted')) return { kind: 'status', status: 'done' };
  let at: number | null = null;
  for (const reason of reasons) {
    let until: number | null = null;
    if (reason.code === 'outside_window') until = reason.opensAt === null ? now.getTime() + DAY_MS : Date.parse(reason.opensAt);
    else if (reason.code === 'retry_not_due') until = Date.parse(reason.dueAt);
    else if (reason.code === 'abandon_lock_72h' || reason.code === 'machine_lock_24h') until = Date.parse(reason.until);
    if (until !== null && (at === null || until > at)) at = until;
  }
  return at !== null && at > now.getTime() ? { kind: 'reschedule', at: new Date(at) } : { kind: 'none' };
}
