/**
 * The compliance gate as a table: windows across zones and DST changes, every DNC
 * source, registry freshness, retries, caps, the UK locks, consent and caller ID. The
 * clock is always given; nothing here reads the real time.
 */
import { describe, expect, it } from 'vitest';
import { checkDial, spokenRefusal, type GateDecision, type GateInput, type Reason } from '../../../server/compliance/gate.ts';
import { registryAgeDays } from '../../../server/compliance/profiles.ts';

const at = (iso: string) => new Date(iso);
const NY = ['America/New_York'];
const OWNED = '+13125550100';

function input(overrides: Partial<GateInput> = {}): GateInput {
  return {
    now: at('2026-01-05T15:00:00Z'), // Monday 10:00 in New York
    kind: 'progressive',
    profile: 'US',
    phone: '+12125550123',
    timeZones: NY,
    dnc: { internal: false, campaign: false, national: false },
    nationalRegistryAgeDays: 3,
    callerId: OWNED,
    ownedCallerIds: [OWNED],
    ...overrides,
  };
}

const reasonsOf = (decision: GateDecision): readonly Reason[] => (decision.allow ? [] : decision.reasons);
const codes = (decision: GateDecision) => reasonsOf(decision).map((reason) => reason.code);
/** '' when allowed, else the opensAt of outside_window (or the codes). */
function window(now: string, overrides: Partial<GateInput> = {}): string {
  const decision = checkDial(input({ now: at(now), ...overrides }));
  if (decision.allow) return 'allowed';
  const outside = decision.reasons.find((reason) => reason.code === 'outside_window');
  return outside && outside.code === 'outside_window' ? `opens ${outside.opensAt}` : codes(decision).join(',');
}

describe('calling window (callee local time, end exclusive)', () => {
  it.each([
    ['New York 20:59 EST', '2026-01-06T01:59:00Z', 'allowed'],
    ['New York 20:59:59 EST', '2026-01-06T01:59:59Z', 'allowed'],
    ['New York 21:00 EST', '2026-01-06T02:00:00Z', 'opens 2026-01-06T13:00:00.000Z'],
    ['New York 07:59 EST', '2026-01-05T12:59:00Z', 'opens 2026-01-05T13:00:00.000Z'],
    ['New York 08:00 EST', '2026-01-05T13:00:00Z', 'allowed'],
  ])('US, %s', (_label, now, expected) => {
    expect(window(now)).toBe(expected);
  });

  it('says when the shared window closes when it is open', () => {
    const decision = checkDial(input());
    expect(decision).toMatchObject({ allow: true, checks: { windowClosesAt: '2026-01-06T02:00:00.000Z', timeZones: NY, timeZonesAssumed: false } });
  });

  it.each([
    // US spring forward, Sun 8 Mar 2026 02:00 EST → 03:00 EDT: 08:00 local is 12:00Z, not 13:00Z.
    ['US DST start, 08:30 EDT', '2026-03-08T12:30:00Z', NY, 'allowed'],
    ['US DST start, 07:59 EDT', '2026-03-08T11:59:00Z', NY, 'opens 2026-03-08T12:00:00.000Z'],
    ['US DST start, from Sat 21:30 EST', '2026-03-08T02:30:00Z', NY, 'opens 2026-03-08T12:00:00.000Z'],
    // US fall back, Sun 1 Nov 2026 02:00 EDT → 01:00 EST: 08:00 local is 13:00Z.
    ['US DST end, 08:30 EST', '2026-11-01T13:30:00Z', NY, 'allowed'],
    ['US DST end, 07:59 EST', '2026-11-01T12:59:00Z', NY, 'opens 2026-11-01T13:00:00.000Z'],
    ['US DST end, from Sat 21:00 EDT', '2026-11-01T01:00:00Z', NY, 'opens 2026-11-01T13:00:00.000Z'],
    ['US DST end, 01:30 EST (the second one)', '2026-11-01T06:30:00Z', NY, 'opens 2026-11-01T13:00:00.000Z'],
    // London's clocks under the US hours (every day 08–21): BST starts Sun 29 Mar 01:00 GMT.
    ['London DST start, 08:30 BST', '2026-03-29T07:30:00Z', ['Europe/London'], 'allowed'],
    ['London DST start, 07:59 BST', '2026-03-29T06:59:00Z', ['Europe/London'], 'opens 2026-03-29T07:00:00.000Z'],
    ['London DST end, 08:30 GMT', '2026-10-25T08:30:00Z', ['Europe/London'], 'allowed'],
    ['London DST end, 07:59 GMT', '2026-10-25T07:59:00Z', ['Europe/London'], 'opens 2026-10-25T08:00:00.000Z'],
  ])('%s', (_label, now, timeZones, expected) => {
    expect(window(now, { timeZones })).toBe(expected);
  });

  it.each([
    // The UK profile's Sunday is 10:00–18:00 (product default), and both clock changes are on Sundays.
    ['DST start Sunday, 08:30 BST (Sunday opens at 10:00)', '2026-03-29T07:30:00Z', 'opens 2026-03-29T09:00:00.000Z'],
    ['DST start Sunday, 10:30 BST', '2026-03-29T09:30:00Z', 'allowed'],
    ['DST start Sunday, 09:59 BST', '2026-03-29T08:59:00Z', 'opens 2026-03-29T09:00:00.000Z'],
    ['from Sat 21:00 GMT, across the change', '2026-03-28T21:00:00Z', 'opens 2026-03-29T09:00:00.000Z'],
    ['DST end Sunday, 10:30 GMT', '2026-10-25T10:30:00Z', 'allowed'],
    ['DST end Sunday, 09:59 GMT', '2026-10-25T09:59:00Z', 'opens 2026-10-25T10:00:00.000Z'],
    ['from Sat 21:00 BST, across the change', '2026-10-24T20:00:00Z', 'opens 2026-10-25T10:00:00.000Z'],
    ['Sunday 18:00 GMT', '2026-10-25T18:00:00Z', 'opens 2026-10-26T08:00:00.000Z'],
    ['Monday 08:30 GMT', '2026-10-26T08:30:00Z', 'allowed'],
  ])('UK profile, %s', (_label, now, expected) => {
    expect(window(now, { profile: 'UK', phone: '+442071234567', timeZones: ['Europe/London'], kind: 'preview' })).toBe(expected);
  });

  it.each([
    ['Monday 21:29 EST', '2026-01-06T02:29:00Z', 'allowed'],
    ['Monday 21:30 EST', '2026-01-06T02:30:00Z', 'opens 2026-01-06T14:00:00.000Z'],
    ['Monday 08:59 EST', '2026-01-05T13:59:00Z', 'opens 2026-01-05T14:00:00.000Z'],
    ['Friday 21:30 EST → Saturday 10:00', '2026-01-10T02:30:00Z', 'opens 2026-01-10T15:00:00.000Z'],
    ['Saturday 09:30 EST (weekdays would be open)', '2026-01-10T14:30:00Z', 'opens 2026-01-10T15:00:00.000Z'],
    ['Saturday 17:59 EST', '2026-01-10T22:59:00Z', 'allowed'],
    ['Saturday 18:00 EST → Sunday 10:00', '2026-01-10T23:00:00Z', 'opens 2026-01-11T15:00:00.000Z'],
    ['Sunday 18:30 EST → Monday 09:00', '2026-01-11T23:30:00Z', 'opens 2026-01-12T14:00:00.000Z'],
  ])('Canada, Toronto, %s', (_label, now, expected) => {
    expect(window(now, { profile: 'CA', phone: '+14165550123', timeZones: ['America/Toronto'] })).toBe(expected);
  });

  it('refuses a multi-zone number unless every zone is inside (Idaho: Boise and Los Angeles)', () => {
    const idaho = { phone: '+12085550123', timeZones: ['America/Boise', 'America/Los_Angeles'] };
    // 08:30 in Boise is 07:30 in Los Angeles: allowed in one, not in both.
    expect(window('2026-01-05T15:30:00Z', { timeZones: ['America/Boise'] })).toBe('allowed');
    expect(window('2026-01-05T15:30:00Z', idaho)).toBe('opens 2026-01-05T16:00:00.000Z');
    // 20:30 in Los Angeles is 21:30 in Boise.
    expect(window('2026-01-06T04:30:00Z', idaho)).toBe('opens 2026-01-06T16:00:00.000Z');
    const open = checkDial(input({ now: at('2026-01-05T16:00:00Z'), ...idaho }));
    expect(open).toMatchObject({ allow: true, checks: { windowClosesAt: '2026-01-06T04:00:00.000Z' } });
  });

  it('intersects across the date line (Guam is 20 h ahead of Honolulu)', () => {
    const zones = ['Pacific/Guam', 'Pacific/Honolulu'];
    // 08:00 in Guam (22:00Z) is 12:00 in Honolulu; 21:00 in Honolulu (07:00Z) is 05:00 in Guam.
    expect(window('2026-01-05T15:00:00Z', { timeZones: zones })).toBe('opens 2026-01-05T22:00:00.000Z');
    expect(checkDial(input({ now: at('2026-01-05T22:00:00Z'), timeZones: zones }))).toMatchObject({ allow: true, checks: { windowClosesAt: '2026-01-06T07:00:00.000Z' } });
  });
});

describe('unknown time zones', () => {
  it('uses the mainland intersection (11:00–21:00 Eastern) for a manual call to a +1 number', () => {
    const manual = { kind: 'manual' as const, phone: '+18005550123', timeZones: [] };
    const early = checkDial(input({ ...manual, now: at('2026-01-05T15:00:00Z') })); // 10:00 ET, 07:00 PT
    expect(reasonsOf(early)).toEqual([{ code: 'outside_window', opensAt: '2026-01-05T16:00:00.000Z', timeZones: expect.arrayContaining(['America/Los_Angeles', 'America/New_York']) }]);
    expect(early.checks.timeZonesAssumed).toBe(true);
    expect(window('2026-01-05T16:00:00Z', manual)).toBe('allowed');
    expect(window('2026-01-06T01:59:00Z', manual)).toBe('allowed');
    expect(window('2026-01-06T02:00:00Z', manual)).toBe('opens 2026-01-06T16:00:00.000Z');
  });

  it('refuses campaign leads without a zone, and numbers of another country', () => {
    expect(codes(checkDial(input({ timeZones: [] })))).toEqual(['no_time_zone']);
    expect(codes(checkDial(input({ kind: 'manual', phone: '+33142685300', timeZones: [] })))).toEqual(['no_time_zone']);
    expect(reasonsOf(checkDial(input({ timeZones: ['America/Nowhere'] })))).toEqual([{ code: 'no_time_zone', invalidTimeZones: ['America/Nowhere'] }]);
  });
});

describe('do-not-call lists and the registry', () => {
  it.each([
    [{ internal: true, campaign: false, national: false }, ['dnc_internal']],
    [{ internal: false, campaign: true, national: false }, ['dnc_campaign']],
    [{ internal: false, campaign: false, national: true }, ['dnc_national']],
    [{ internal: true, campaign: true, national: true }, ['dnc_internal', 'dnc_campaign', 'dnc_national']],
  ])('refuses %o', (dnc, expected) => {
    expect(codes(checkDial(input({ dnc })))).toEqual(expected);
    expect(codes(checkDial(input({ dnc, kind: 'manual' })))).toEqual(expected);
  });

  it.each([
    ['progressive', 31, []],
    ['progressive', 32, [{ code: 'registry_stale', country: 'US', ageDays: 32, maxAgeDays: 31 }]],
    ['progressive', null, [{ code: 'registry_stale', country: 'US', ageDays: null, maxAgeDays: 31 }]],
    ['preview', 32, [{ code: 'registry_stale', country: 'US', ageDays: 32, maxAgeDays: 31 }]],
    // Manual calls: a copy, once imported, must be fresh; none at all does not block them.
    ['manual', 31, []],
    ['manual', 32, [{ code: 'registry_stale', country: 'US', ageDays: 32, maxAgeDays: 31 }]],
    ['manual', null, []],
    ['agent_dialled', null, []],
  ] as const)('%s with a copy %s days old', (kind, nationalRegistryAgeDays, expected) => {
    expect(reasonsOf(checkDial(input({ kind, nationalRegistryAgeDays })))).toEqual(expected);
  });

  it('counts the age in whole days from the copy’s date', () => {
    expect(registryAgeDays('2026-01-01', at('2026-02-01T23:59:59Z'))).toBe(31);
    expect(registryAgeDays('2026-01-01', at('2026-02-02T00:00:00Z'))).toBe(32);
  });

  it('holds the UK copy (TPS) to 28 days', () => {
    const uk = { profile: 'UK' as const, phone: '+442071234567', timeZones: ['Europe/London'], now: at('2026-01-05T12:00:00Z') };
    expect(codes(checkDial(input({ ...uk, nationalRegistryAgeDays: 28 })))).toEqual([]);
    expect(codes(checkDial(input({ ...uk, nationalRegistryAgeDays: 29 })))).toEqual(['registry_stale']);
  });
});

describe('attempts, retries and the UK locks', () => {
  const NOW = at('2026-01-05T15:00:00Z');
  const attempts = (overrides: Partial<NonNullable<GateInput['attempts']>> = {}) => ({
    attempts: { count: 1, max: 3, nextAttemptAt: null, lastAbandonAt: null, lastMachineAt: null, ...overrides },
  });
  const minutes = (n: number) => new Date(NOW.getTime() - n * 60_000);
  const uk = { profile: 'UK' as const, phone: '+442071234567', timeZones: ['Europe/London'], now: NOW };

  it('refuses a retry before it is due, with dueAt', () => {
    const due = at('2026-01-05T15:30:00Z');
    expect(reasonsOf(checkDial(input(attempts({ nextAttemptAt: due }))))).toEqual([{ code: 'retry_not_due', dueAt: '2026-01-05T15:30:00.000Z' }]);
    expect(codes(checkDial(input(attempts({ nextAttemptAt: NOW }))))).toEqual([]);
  });

  it('refuses a lead whose attempts are used up', () => {
    expect(reasonsOf(checkDial(input(attempts({ count: 3 }))))).toEqual([{ code: 'attempts_exhausted', count: 3, max: 3 }]);
    expect(codes(checkDial(input(attempts({ count: 2 }))))).toEqual([]);
  });

  it('locks a UK number for 72 h after an abandoned call, unless an agent is guaranteed', () => {
    const lockedUntil = '2026-01-05T15:01:00.000Z';
    expect(reasonsOf(checkDial(input({ ...uk, ...attempts({ lastAbandonAt: minutes(71 * 60 + 59) }) })))).toEqual([{ code: 'abandon_lock_72h', until: lockedUntil }]);
    expect(codes(checkDial(input({ ...uk, ...attempts({ lastAbandonAt: minutes(72 * 60) }) })))).toEqual([]);
    expect(codes(checkDial(input({ ...uk, kind: 'preview', ...attempts({ lastAbandonAt: minutes(60) }) })))).toEqual([]);
    expect(codes(checkDial(input({ ...uk, kind: 'manual', ...attempts({ lastAbandonAt: minutes(60) }) })))).toEqual([]);
    // The US profile has no such rule.
    expect(codes(checkDial(input(attempts({ lastAbandonAt: minutes(60) }))))).toEqual([]);
  });

  it('locks a UK number for 24 h after an answering machine, unless an agent is guaranteed', () => {
    expect(reasonsOf(checkDial(input({ ...uk, kind: 'power', ...attempts({ lastMachineAt: minutes(23 * 60 + 59) }) })))).toEqual([
      { code: 'machine_lock_24h', until: '2026-01-05T15:01:00.000Z' },
    ]);
    expect(codes(checkDial(input({ ...uk, kind: 'power', ...attempts({ lastMachineAt: minutes(24 * 60) }) })))).toEqual([]);
    expect(codes(checkDial(input({ ...uk, kind: 'preview', ...attempts({ lastMachineAt: minutes(60) }) })))).toEqual([]);
  });
});

describe('prerecorded calls and caller ID', () => {
  it.each([
    ['voicemail_drop', 'US', null, ['no_consent']],
    ['voicemail_drop', 'US', 'express', ['no_consent']],
    ['voicemail_drop', 'US', 'written', []],
    ['agentless', 'US', undefined, ['no_consent']],
    ['agentless', 'US', 'written', []],
    ['agentless', 'CA', 'written', ['prerecorded_forbidden']],
    ['voicemail_drop', 'CA', 'written', ['prerecorded_forbidden']],
    ['progressive', 'US', null, []],
  ] as const)('%s under %s with %s consent', (kind, profile, consent, expected) => {
    const where = profile === 'CA' ? { phone: '+14165550123', timeZones: ['America/Toronto'] } : {};
    expect(codes(checkDial(input({ kind, profile, ...where, ...(consent === undefined ? {} : { consent: { type: consent } }) })))).toEqual(expected);
  });

  it('refuses a caller ID the account does not own', () => {
    expect(codes(checkDial(input({ callerId: '+14155550000' })))).toEqual(['caller_id_not_owned']);
    expect(codes(checkDial(input({ callerId: 'anonymous', ownedCallerIds: ['anonymous'] })))).toEqual(['caller_id_not_owned']);
  });
});

describe('several reasons at once', () => {
  it('reports every failing rule, not only the first', () => {
    const decision = checkDial(
      input({
        now: at('2026-01-06T02:30:00Z'),
        kind: 'voicemail_drop',
        phone: '12125550123',
        dnc: { internal: true, campaign: false, national: true },
        nationalRegistryAgeDays: 40,
        callerId: '+14155550000',
        attempts: { count: 5, max: 5, nextAttemptAt: at('2026-01-07T00:00:00Z'), lastAbandonAt: null, lastMachineAt: null },
        consent: { type: null },
      }),
    );
    expect(codes(decision)).toEqual([
      'invalid_number',
      'outside_window',
      'dnc_internal',
      'dnc_national',
      'registry_stale',
      'attempts_exhausted',
      'retry_not_due',
      'no_consent',
      'caller_id_not_owned',
    ]);
    expect(spokenRefusal(reasonsOf(decision))).toBe('This call was not placed. The number you dialled is not valid. Goodbye.');
  });

  it('says the weightiest reason to the agent: DNC before the hour', () => {
    const reasons = reasonsOf(checkDial(input({ now: at('2026-01-06T02:30:00Z'), dnc: { internal: true, campaign: false, national: false } })));
    expect(reasons.map((reason) => reason.code)).toEqual(['outside_window', 'dnc_internal']);
    expect(spokenRefusal(reasons)).toBe('This call was not placed. This number is on the do-not-call list. Goodbye.');
  });
});
