/**
 * THE compliance gate (dialers-and-compliance.md §5.1): one pure function that every dial
 * path calls right before it dials (click-to-call, agent-dialled, and later the campaign
 * dialer at hopper load and again before each call). It reads nothing and records
 * nothing: the caller loads the facts (`evaluateDial` does it from the database) and
 * passes the clock in, so the same input always gives the same answer.
 *
 * A refusal lists EVERY failing reason, each with a stable code, so "why isn't it
 * dialing" can count them and an agent sees all that is wrong at once.
 *
 * @module
 */
import { sharedWindow, isValidTimeZone, type Interval } from './local-time.ts';
import { PROFILES, type Profile, type ProfileId, type RegistryCountry } from './profiles.ts';

export const DIAL_KINDS = ['manual', 'agent_dialled', 'preview', 'progressive', 'power', 'predictive', 'voicemail_drop', 'agentless'] as const;
export type DialKind = (typeof DIAL_KINDS)[number];

/** Calls placed by a person outside any campaign (flow 1 click-to-call, flow 2 softphone). */
const MANUAL_KINDS: ReadonlySet<DialKind> = new Set(['manual', 'agent_dialled']);
/** A live agent is on the line before the customer answers: Ofcom's redial locks do not apply. */
const AGENT_GUARANTEED_KINDS: ReadonlySet<DialKind> = new Set(['manual', 'agent_dialled', 'preview']);
/** The customer hears a recording, no agent: prerecorded-call consent rules apply. */
const PRERECORDED_KINDS: ReadonlySet<DialKind> = new Set(['voicemail_drop', 'agentless']);

export interface DncFlags {
  readonly internal: boolean;
  readonly campaign: boolean;
  readonly national: boolean;
}

export interface AttemptFacts {
  /** Calls already placed to this lead. */
  readonly count: number;
  /** The campaign's cap. */
  readonly max: number;
  /** The retry rule's earliest next call; null = now. */
  readonly nextAttemptAt: Date | null;
  readonly lastAbandonAt: Date | null;
  readonly lastMachineAt: Date | null;
}

export interface GateInput {
  readonly now: Date;
  readonly kind: DialKind;
  readonly profile: ProfileId;
  /** The number to dial, E.164. */
  readonly phone: string;
  /** IANA zones the number may ring in; empty = unknown (see the profile's `unknownNumberZones`). */
  readonly timeZones: readonly string[];
  readonly dnc: DncFlags;
  /** Age of the national registry copy of the profile's country, days; null = no copy. */
  readonly nationalRegistryAgeDays: number | null;
  readonly callerId: string;
  readonly ownedCallerIds: readonly string[];
  /** Campaign dials only. */
  readonly attempts?: AttemptFacts;
  readonly consent?: { readonly type: 'written' | 'express' | null };
}

export const REASON_CODES = [
  'invalid_number',
  'no_time_zone',
  'outside_window',
  'dnc_internal',
  'dnc_campaign',
  'dnc_national',
  'registry_stale',
  'attempts_exhausted',
  'retry_not_due',
  'abandon_lock_72h',
  'machine_lock_24h',
  'no_consent',
  'prerecorded_forbidden',
  'caller_id_not_owned',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

type PlainCode = Exclude<ReasonCode, 'no_time_zone' | 'outside_window' | 'registry_stale' | 'attempts_exhausted' | 'retry_not_due' | 'abandon_lock_72h' | 'machine_lock_24h' | 'no_consent'>;

export type Reason =
  | { readonly code: PlainCode }
  /** `invalidTimeZones`: zone names the runtime does not know (bad lead data). */
  | { readonly code: 'no_time_zone'; readonly invalidTimeZones?: readonly string[] }
  /** `opensAt`: ISO instant the window next opens in ALL the zones; null = not within 8 days. */
  | { readonly code: 'outside_window'; readonly opensAt: string | null; readonly timeZones: readonly string[] }
  | { readonly code: 'registry_stale'; readonly country: RegistryCountry; readonly ageDays: number | null; readonly maxAgeDays: number }
  | { readonly code: 'attempts_exhausted'; readonly count: number; readonly max: number }
  | { readonly code: 'retry_not_due'; readonly dueAt: string }
  | { readonly code: 'abandon_lock_72h'; readonly until: string }
  | { readonly code: 'machine_lock_24h'; readonly until: string }
  | { readonly code: 'no_consent'; readonly required: 'written' };

/** What was checked, for the audit trail and the "why" panel. */
export interface GateChecks {
  readonly profile: ProfileId;
  readonly kind: DialKind;
  /** The zones the window was computed for. */
  readonly timeZones: readonly string[];
  /** True when the number's zone was unknown and the profile's `unknownNumberZones` were used. */
  readonly timeZonesAssumed: boolean;
  /** ISO instant the shared window closes, when it is open now. */
  readonly windowClosesAt: string | null;
  /** `required`: campaign kinds; `if_present`: manual calls (see {@link checkDial}). */
  readonly registry: 'required' | 'if_present';
}

export type GateDecision =
  | { readonly allow: true; readonly checks: GateChecks }
  | { readonly allow: false; readonly reasons: readonly Reason[]; readonly checks: GateChecks };

const E164 = /^\+[1-9]\d{6,14}$/;
const HOUR_MS = 3_600_000;

/**
 * May this number be dialled now? Every rule is evaluated, never short-circuited.
 *
 * - **Number**: E.164 (`invalid_number`). Validity in the numbering plan is not required:
 *   plan data lags new area codes, which must not become undialable.
 * - **Window** (47 CFR 64.1200(c)(1); CRTC; UK product default): the intersection of the
 *   zones' windows (`outside_window` with `opensAt`). An unknown zone (`timeZones` empty)
 *   on a MANUAL call to a number with the profile's calling code uses the profile's
 *   `unknownNumberZones` (US: mainland, 11:00–21:00 Eastern); otherwise `no_time_zone`,
 *   so campaign leads without a zone are fixed in the list rather than guessed.
 * - **DNC** (internal, campaign, national): any hit refuses, manual calls included; the
 *   internal list holds revocations, which bind at once (47 CFR 64.1200(d)(3)).
 * - **Registry freshness** (16 CFR 310.4(b)(3)(iv), CRTC DNCL: ≤ 31 days): campaign
 *   kinds need a copy no older than the profile's maximum (`registry_stale`, also when
 *   there is none). Manual calls need a fresh copy once one has ever been imported (the
 *   deployment scrubs, and a stale copy can miss a registration); a deployment that never
 *   imported one (support lines, consented callbacks) is not blocked from manual calls.
 * - **Attempts**: the campaign's cap and the retry rule's due time.
 * - **UK locks** (Ofcom 2010): 72 h after an abandoned call, 24 h after an AMD machine,
 *   except when an agent is guaranteed (preview, manual).
 * - **Prerecorded** (voicemail drop, agentless): written consent (47 CFR 64.1200(a)(3),
 *   PECR reg. 19); in Canada never (`prerecorded_forbidden`, CRTC 2014-155).
 * - **Caller ID** (47 CFR 64.1601(e), Ofcom: a CLI that can be called back): owned.
 */
export function checkDial(input: GateInput): GateDecision {
  const profile = PROFILES[input.profile];
  const now = input.now.getTime();
  const reasons: Reason[] = [];
  const manual = MANUAL_KINDS.has(input.kind);

  if (!E164.test(input.phone)) reasons.push({ code: 'invalid_number' });

  // Calling window, in every zone the number may ring in.
  let zones = [...new Set(input.timeZones)];
  let timeZonesAssumed = false;
  if (zones.length === 0 && manual && input.phone.startsWith(`+${profile.callingCode}`)) {
    zones = [...profile.unknownNumberZones];
    timeZonesAssumed = true;
  }
  const invalidTimeZones = zones.filter((zone) => !isValidTimeZone(zone));
  let windowClosesAt: string | null = null;
  if (zones.length === 0 || invalidTimeZones.length > 0) {
    reasons.push(invalidTimeZones.length > 0 ? { code: 'no_time_zone', invalidTimeZones } : { code: 'no_time_zone' });
  } else {
    const window = cachedSharedWindow(profile, zones, now);
    if (window !== null && window.start === now) windowClosesAt = new Date(window.end).toISOString();
    else reasons.push({ code: 'outside_window', opensAt: window ? new Date(window.start).toISOString() : null, timeZones: zones });
  }

  if (input.dnc.internal) reasons.push({ code: 'dnc_internal' });
  if (input.dnc.campaign) reasons.push({ code: 'dnc_campaign' });
  if (input.dnc.national) reasons.push({ code: 'dnc_national' });

  const { country, maxAgeDays } = profile.nationalRegistry;
  const ageDays = input.nationalRegistryAgeDays;
  const registryNeeded = !manual || ageDays !== null;
  if (registryNeeded && (ageDays === null || ageDays > maxAgeDays)) reasons.push({ code: 'registry_stale', country, ageDays, maxAgeDays });

  const attempts = input.attempts;
  if (attempts) {
    if (attempts.count >= attempts.max) reasons.push({ code: 'attempts_exhausted', count: attempts.count, max: attempts.max });
    if (attempts.nextAttemptAt && attempts.nextAttemptAt.getTime() > now) reasons.push({ code: 'retry_not_due', dueAt: attempts.nextAttemptAt.toISOString() });
    if (!AGENT_GUARANTEED_KINDS.has(input.kind)) {
      const abandonUntil = lockUntil(attempts.lastAbandonAt, profile.abandonLockH);
      if (abandonUntil !== null && abandonUntil > now) reasons.push({ code: 'abandon_lock_72h', until: new Date(abandonUntil).toISOString() });
      const machineUntil = lockUntil(attempts.lastMachineAt, profile.machineLockH);
      if (machineUntil !== null && machineUntil > now) reasons.push({ code: 'machine_lock_24h', until: new Date(machineUntil).toISOString() });
    }
  }

  if (PRERECORDED_KINDS.has(input.kind)) {
    if (profile.prerecorded === 'forbidden') reasons.push({ code: 'prerecorded_forbidden' });
    else if (input.consent?.type !== 'written') reasons.push({ code: 'no_consent', required: 'written' });
  }

  if (!E164.test(input.callerId) || !input.ownedCallerIds.includes(input.callerId)) reasons.push({ code: 'caller_id_not_owned' });

  const checks: GateChecks = {
    profile: profile.id,
    kind: input.kind,
    timeZones: zones,
    timeZonesAssumed,
    windowClosesAt,
    registry: manual ? 'if_present' : 'required',
  };
  return reasons.length === 0 ? { allow: true, checks } : { allow: false, reasons, checks };
}

/**
 * `sharedWindow` memoised on (profile, zones, now): explaining a campaign's leads asks the
 * same question for thousands of leads in a handful of zone sets. Same answer, no state
 * that could change one.
 */
const windowCache = new Map<string, Interval | null>();
function cachedSharedWindow(profile: Profile, zones: readonly string[], now: number): Interval | null {
  const key = `${profile.id}|${now}|${[...zones].sort().join(',')}`;
  const cached = windowCache.get(key);
  if (cached !== undefined) return cached;
  const window = sharedWindow(zones, profile.callingWindows, now);
  if (windowCache.size >= 4_096) windowCache.clear();
  windowCache.set(key, window);
  return window;
}

function lockUntil(last: Date | null, hours: number | null): number | null {
  return last === null || hours === null ? null : last.getTime() + hours * HOUR_MS;
}

/** Short human text per reason, for API messages, logs and the agent's ear. */
export function describeReason(reason: Reason): string {
  switch (reason.code) {
    case 'invalid_number':
      return 'The number is not a valid international number.';
    case 'no_time_zone':
      return "The number's time zone is unknown, so its calling hours cannot be checked.";
    case 'outside_window':
      return reason.opensAt ? `It is outside the calling hours for this number; they open at ${reason.opensAt}.` : 'It is outside the calling hours for this number.';
    case 'dnc_internal':
      return 'This number is on the do-not-call list.';
    case 'dnc_campaign':
      return "This number is on the campaign's do-not-call list.";
    case 'dnc_national':
      return 'This number is on the national do-not-call registry.';
    case 'registry_stale':
      return reason.ageDays === null
        ? `No copy of the ${reason.country} national do-not-call registry has been imported.`
        : `The ${reason.country} national do-not-call registry copy is ${reason.ageDays} days old (at most ${reason.maxAgeDays}).`;
    case 'attempts_exhausted':
      return `All ${reason.max} attempts have been used.`;
    case 'retry_not_due':
      return `The next attempt is not due until ${reason.dueAt}.`;
    case 'abandon_lock_72h':
      return `A call to this number was abandoned; it may not be redialled before ${reason.until} without an agent.`;
    case 'machine_lock_24h':
      return `An answering machine was detected; it may not be redialled before ${reason.until} without an agent.`;
    case 'no_consent':
      return 'Prerecorded calls need the called person’s written consent.';
    case 'prerecorded_forbidden':
      return 'Prerecorded sales calls are not allowed in Canada.';
    case 'caller_id_not_owned':
      return "The caller ID is not one of the account's numbers.";
  }
}

/** Spoken refusals, most important first: a DNC hit is what the agent must hear. */
const SPOKEN: ReadonlyArray<readonly [ReasonCode, string]> = [
  ['invalid_number', 'The number you dialled is not valid.'],
  ['dnc_internal', 'This number is on the do-not-call list.'],
  ['dnc_campaign', 'This number is on the do-not-call list.'],
  ['dnc_national', 'This number is on the national do-not-call registry.'],
  ['outside_window', 'It is outside the calling hours for this number.'],
  ['no_time_zone', 'The calling hours for this number cannot be checked.'],
  ['registry_stale', 'The do-not-call registry copy is out of date.'],
  ['caller_id_not_owned', 'The caller ID is not one of our numbers.'],
];

/** What the agent hears on a refused softphone call: the weightiest reason, said simply. */
export function spokenRefusal(reasons: readonly Reason[]): string {
  const codes = new Set(reasons.map((reason) => reason.code));
  const sentence = SPOKEN.find(([code]) => codes.has(code))?.[1] ?? 'This number may not be called right now.';
  return `This call was not placed. ${sentence} Goodbye.`;
}
