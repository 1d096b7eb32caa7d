/**
 * Country compliance profiles (dialers-and-compliance.md §4.4): the numbers the gate and,
 * later, pacing enforce, as data. One profile applies to each dial: the campaign's, or
 * `DIALER_DEFAULT_PROFILE` for manual calls outside campaigns.
 *
 * Windows are in the CALLED party's local time, minutes after local midnight, start
 * inclusive and end EXCLUSIVE (US 08:00–21:00: 20:59 is inside, 21:00 is not), indexed
 * by local weekday, 0 = Sunday. A profile never loosens a legal floor; where the
 * reference gives no number, the value is a conservative product default and says so.
 *
 * @module
 */

export const PROFILE_IDS = ['US', 'CA', 'UK'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

/** Countries whose national do-not-call registry can be imported (`dnc_registry_imports.country`). */
export const REGISTRY_COUNTRIES = ['US', 'CA', 'UK'] as const;
export type RegistryCountry = (typeof REGISTRY_COUNTRIES)[number];

/** One day's calling window, minutes after local midnight: `[start, end)`. */
export interface DailyWindow {
  readonly start: number;
  readonly end: number;
}

/** Sunday first (`Date#getUTCDay` order); null = no calls that day. */
export type WeeklyWindows = readonly [
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
];

export interface Profile {
  readonly id: ProfileId;
  readonly name: string;
  /** E.164 country calling code of the profile's numbers (NANP is shared by US and CA). */
  readonly callingCode: string;
  readonly callingWindows: WeeklyWindows;
  /** Where the window comes from: a rule, or a product default where the law sets none. */
  readonly callingWindowsSource: string;
  /**
   * Zones assumed for a MANUAL call to a number of this profile's calling code whose zone
   * the number plan cannot tell (unassigned or new area codes, toll-free, +1555…). The
   * window is then their intersection, the widest one that is inside the window
   * everywhere the number could ring.
   */
  readonly unknownNumberZones: readonly string[];
  /** Unanswered calls ring at least this long, seconds (US S32, UK Ofcom 2010). */
  readonly minRingTimeoutS: number;
  /** Abandoned calls / live-answered calls, per campaign, as a fraction. Never above. */
  readonly abandonCeiling: number;
  /** What pacing aims for, a fraction, leaving room under the ceiling (§4.4). */
  readonly abandonTarget: number;
  /** Period the abandon rate is measured over, hours (US 30 days; UK 24 h; CA per day). */
  readonly abandonPeriodH: number;
  /** A human must be connected to an agent (or hear the message) within this, seconds. */
  readonly agentConnectBudgetS: number;
  readonly nationalRegistry: {
    readonly country: RegistryCountry;
    readonly name: string;
    /** Largest age of the registry copy a campaign may dial with, days. */
    readonly maxAgeDays: number;
  };
  /** No redial of a number whose last call was abandoned for this long, hours, unless an agent is guaranteed (preview, manual). Null = no such rule. */
  readonly abandonLockH: number | null;
  /** No redial after an answering machine was detected for this long, hours, unless an agent is guaranteed. Null = no such rule. */
  readonly machineLockH: number | null;
  /** What prerecorded calls (voicemail drop, agentless) need: written consent, or never allowed. */
  readonly prerecorded: 'written_consent' | 'forbidden';
}

const hm = (hours: number, minutes = 0): number => hours * 60 + minutes;
const daily = (start: number, end: number): DailyWindow => ({ start, end });
const every = (window: DailyWindow): WeeklyWindows => [window, window, window, window, window, window, window];

/** Mainland US: Eastern, Central, Mountain, Arizona (no DST) and Pacific. Intersection 11:00–21:00 Eastern. */
const US_MAINLAND = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles'] as const;
/** Canada from Newfoundland to British Columbia; intersection 12:30–20:00 Eastern on weekdays. */
const CA_ZONES = ['America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver'] as const;

export const PROFILES: Readonly<Record<ProfileId, Profile>> = {
  US: {
    id: 'US',
    name: 'United States (TCPA 47 CFR 64.1200, TSR 16 CFR 310)',
    callingCode: '1',
    // 47 CFR 64.1200(c)(1): no solicitation before 8 am or after 9 pm at the called party's location.
    callingWindows: every(daily(hm(8), hm(21))),
    callingWindowsSource: '47 CFR 64.1200(c)(1): 08:00–21:00 called party local time, every day (some states are stricter; not modelled yet)',
    // Alaska (907) and Hawaii (808) are single, long-established area codes the number plan
    // always knows, so a number whose zone is unknown is taken to be on the mainland.
    unknownNumberZones: US_MAINLAND,
    minRingTimeoutS: 15,
    abandonCeiling: 0.03,
    abandonTarget: 0.02,
    abandonPeriodH: 30 * 24,
    agentConnectBudgetS: 2,
    nationalRegistry: { country: 'US', name: 'National Do Not Call Registry', maxAgeDays: 31 }, // 16 CFR 310.4(b)(3)(iv)
    abandonLockH: null,
    machineLockH: null,
    prerecorded: 'written_consent', // 47 CFR 64.1200(a)(3): prior express written consent
  },
  CA: {
    id: 'CA',
    name: 'Canada (CRTC Unsolicited Telecommunications Rules)',
    callingCode: '1',
    // CRTC Unsolicited Telecommunications Rules (reference §4.3): 09:00–21:30 weekdays, 10:00–18:00 weekends.
    callingWindows: [
      daily(hm(10), hm(18)),
      daily(hm(9), hm(21, 30)),
      daily(hm(9), hm(21, 30)),
      daily(hm(9), hm(21, 30)),
      daily(hm(9), hm(21, 30)),
      daily(hm(9), hm(21, 30)),
      daily(hm(10), hm(18)),
    ],
    callingWindowsSource: 'CRTC Unsolicited Telecommunications Rules: 09:00–21:30 Mon–Fri, 10:00–18:00 Sat–Sun (provinces may be stricter; not modelled yet)',
    unknownNumberZones: CA_ZONES,
    minRingTimeoutS: 15,
    // The CRTC cap is widely cited as 5 %; the strictest common denominator (§4.4) is kept.
    abandonCeiling: 0.03,
    abandonTarget: 0.02,
    abandonPeriodH: 24,
    agentConnectBudgetS: 2,
    nationalRegistry: { country: 'CA', name: 'National Do Not Call List (DNCL)', maxAgeDays: 31 },
    abandonLockH: null,
    machineLockH: null,
    // CRTC 2014-155: automatic dialing-announcing (ADAD) solicitation is not allowed, even with an EBR.
    prerecorded: 'forbidden',
  },
  UK: {
    id: 'UK',
    name: 'United Kingdom (Ofcom persistent-misuse policy; PECR/TPS)',
    callingCode: '44',
    // No UK rule sets calling hours (neither Ofcom's statement nor PECR). PRODUCT DEFAULT,
    // not law: the US hours Monday to Saturday and a shorter Sunday, as a conservative choice.
    callingWindows: [
      daily(hm(10), hm(18)),
      daily(hm(8), hm(21)),
      daily(hm(8), hm(21)),
      daily(hm(8), hm(21)),
      daily(hm(8), hm(21)),
      daily(hm(8), hm(21)),
      daily(hm(8), hm(21)),
    ],
    callingWindowsSource: 'product default (no UK hour rule): 08:00–21:00 Mon–Sat, 10:00–18:00 Sun',
    unknownNumberZones: ['Europe/London'],
    minRingTimeoutS: 15,
    abandonCeiling: 0.03, // Ofcom 2010: ≤ 3 % of live calls per campaign per 24 h, a ceiling, not a target
    abandonTarget: 0.02,
    abandonPeriodH: 24,
    agentConnectBudgetS: 2,
    // PRODUCT DEFAULT (the reference gives no number): a TPS registration binds callers
    // 28 days after it is made (ICO guidance on PECR), so a copy at most 28 days old
    // holds every number that is already protected.
    nationalRegistry: { country: 'UK', name: 'Telephone Preference Service (TPS)', maxAgeDays: 28 },
    abandonLockH: 72, // Ofcom 2010: no redial for 72 h after an abandoned call unless an agent is guaranteed
    machineLockH: 24, // Ofcom 2010: after an AMD machine, repeat calls within 24 h only with a guaranteed agent
    prerecorded: 'written_consent', // PECR reg. 19: automated marketing calls need prior consent
  },
};

export function isProfileId(value: string): value is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(value);
}

const DAY_MS = 86_400_000;

/**
 * Whole days from the registry copy's date (00:00 UTC) to `now`: the copy of the 1st is
 * 31 days old all through the 1st of the next 31-day month and 32 the day after. Counting
 * from UTC midnight errs early (safe) for callers west of UTC.
 */
export function registryAgeDays(registryDate: string, now: Date): number {
  const [year, month, day] = registryDate.split('-').map(Number) as [number, number, number];
  return Math.floor((now.getTime() - Date.UTC(year, month - 1, day)) / DAY_MS);
}
