/**
 * The gate with its facts loaded from the database: `evaluateDial` for one number right
 * before it is dialled, `explainLeads` for every lead of a campaign at once ("why isn't
 * it dialing", and the preview before a campaign starts). Both only read; whoever dials
 * records the decision.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.ts';
import { dncHits } from './dnc.ts';
import { checkDial, type AttemptFacts, type DialKind, type GateDecision, type ReasonCode } from './gate.ts';
import { PROFILES, type ProfileId } from './profiles.ts';
import { registryAge } from './registry.ts';
import { timeZonesForNumber, type TimeZoneOptions } from './time-zones.ts';

export interface EvaluateDialInput extends TimeZoneOptions {
  phone: string;
  /** The lead's zones; when left out they come from the number (`timeZonesForNumber`). */
  timeZones?: readonly string[] | undefined;
  kind: DialKind;
  profile: ProfileId;
  /** The campaign whose own DNC list applies. */
  campaignId?: string | null | undefined;
  callerId: string;
  /** The account's numbers (`DIALER_CALLER_IDS`). */
  ownedCallerIds: readonly string[];
  attempts?: AttemptFacts | undefined;
  consent?: { type: 'written' | 'express' | null } | undefined;
  now: Date;
}

/** Load the number's DNC hits, the registry's age and (if not given) its zones, then ask the gate. */
export async function evaluateDial(db: Kysely<Tables>, input: EvaluateDialInput): Promise<GateDecision> {
  const timeZones = input.timeZones ?? (await timeZonesForNumber(input.phone, input));
  const hits = await dncHits(db, [input.phone], input.campaignId);
  const age = await registryAge(db, PROFILES[input.profile].nationalRegistry.country, input.now);
  return checkDial({
    now: input.now,
    kind: input.kind,
    profile: input.profile,
    phone: input.phone,
    timeZones,
    dnc: hits.get(input.phone)!,
    nationalRegistryAgeDays: age?.ageDays ?? null,
    callerId: input.callerId,
    ownedCallerIds: input.ownedCallerIds,
    ...(input.attempts ? { attempts: input.attempts } : {}),
    ...(input.consent ? { consent: input.consent } : {}),
  });
}

export interface ExplainLeadsInput {
  campaignId: string;
  profile: ProfileId;
  callerId: string;
  ownedCallerIds: readonly string[];
  /** The campaign's attempt cap; left out = not checked. */
  maxAttempts?: number | undefined;
  kind: DialKind;
  now: Date;
}

export interface LeadsExplanation {
  /** Leads of the campaign still to be dialled (status `new` or `callback`). */
  evaluated: number;
  allowed: number;
  /** Leads refused for at least one reason. */
  blocked: number;
  /** Leads per reason; a lead refused for two reasons counts under both. */
  byReason: Partial<Record<ReasonCode, number>>;
  /** The earliest `opensAt` among leads outside their window (ISO), so the panel can say when dialing resumes. */
  nextWindowOpensAt: string | null;
  /** Up to 5 lead ids per reason, to look at. */
  examples: Partial<Record<ReasonCode, string[]>>;
}

export const EXPLAIN_BATCH = 1_000;
const EXAMPLES = 5;

/**
 * Run the gate over every lead of the campaign still to be dialled, 1,000 leads (and one
 * DNC query) at a time, and count why they may not be dialled now. Leads that are done,
 * on DNC or invalid (their `status`) are not counted; claimed leads are (a claim is short).
 */
export async function explainLeads(db: Kysely<Tables>, input: ExplainLeadsInput): Promise<LeadsExplanation> {
  const age = await registryAge(db, PROFILES[input.profile].nationalRegistry.country, input.now);
  const result: LeadsExplanation = { evaluated: 0, allowed: 0, blocked: 0, byReason: {}, nextWindowOpensAt: null, examples: {} };
  let after = '';
  for (;;) {
    const leads = await db
      .selectFrom('leads')
      .select(['id', 'phone_e164', 'time_zones', 'consent_type', 'attempts', 'next_attempt_at', 'last_abandon_at', 'last_machine_at'])
      .where('campaign_id', '=', input.campaignId)
      .where('status', 'in', ['new', 'callback'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(EXPLAIN_BATCH)
      .execute();
    if (leads.length === 0) break;
    after = leads[leads.length - 1]!.id;
    const hits = await dncHits(db, leads.map((lead) => lead.phone_e164), input.campaignId);
    for (const lead of leads) {
      const decision = checkDial({
        now: input.now,
        kind: input.kind,
        profile: input.profile,
        phone: lead.phone_e164,
        timeZones: lead.time_zones,
        dnc: hits.get(lead.phone_e164)!,
        nationalRegistryAgeDays: age?.ageDays ?? null,
        callerId: input.callerId,
        ownedCallerIds: input.ownedCallerIds,
        attempts: {
          count: lead.attempts,
          max: input.maxAttempts ?? Number.POSITIVE_INFINITY,
          nextAttemptAt: lead.next_attempt_at,
          lastAbandonAt: lead.last_abandon_at,
          lastMachineAt: lead.last_machine_at,
        },
        consent: { type: lead.consent_type },
      });
      result.evaluated++;
      if (decision.allow) {
        result.allowed++;
        continue;
      }
      result.blocked++;
      for (const reason of decision.reasons) {
        result.byReason[reason.code] = (result.byReason[reason.code] ?? 0) + 1;
        const examples = (result.examples[reason.code] ??= []);
        if (examples.length < EXAMPLES) examples.push(lead.id);
        if (reason.code === 'outside_window' && reason.opensAt !== null && (result.nextWindowOpensAt === null || reason.opensAt < result.nextWindowOpensAt)) {
          result.nextWindowOpensAt = reason.opensAt;
        }
      }
    }
    if (leads.length < EXPLAIN_BATCH) break;
  }
  return result;
}
