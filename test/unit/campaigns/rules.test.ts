/**
 * The campaign's pure rules: what a gate refusal does to a lead, start preconditions,
 * settings floors, and the lead's local time.
 */
import { describe, expect, it } from 'vitest';
import { refusalEffect } from '../../../server/campaigns/gate.ts';
import { localIso } from '../../../server/campaigns/lead-view.ts';
import { startRefusals } from '../../../server/campaigns/lifecycle.ts';
import { controllerSettingsOf } from '../../../server/campaigns/paced-dialer.ts';
import { applyPatch, createCampaignRequest, floorProblems, settingsForCreate } from '../../../server/campaigns/settings.ts';
import type { Reason } from '../../../server/compliance/gate.ts';

const NOW = new Date('2026-01-05T15:00:00Z');

describe('refusalEffect', () => {
  const window: Reason = { code: 'outside_window', opensAt: '2026-01-05T18:00:00.000Z', timeZones: ['Pacific/Honolulu'] };

  it('puts DNC hits on dnc, bad numbers on invalid, a spent cap on done', () => {
    expect(refusalEffect([window, { code: 'dnc_national' }], NOW)).toEqual({ kind: 'status', status: 'dnc' });
    expect(refusalEffect([{ code: 'invalid_number' }], NOW)).toEqual({ kind: 'status', status: 'invalid' });
    expect(refusalEffect([window, { code: 'attempts_exhausted', count: 3, max: 3 }], NOW)).toEqual({ kind: 'status', status: 'done' });
  });

  it('reschedules to the latest of the window opening and the redial locks', () => {
    expect(refusalEffect([window], NOW)).toEqual({ kind: 'reschedule', at: new Date('2026-01-05T18:00:00Z') });
    expect(refusalEffect([window, { code: 'machine_lock_24h', until: '2026-01-06T09:00:00.000Z' }], NOW)).toEqual({ kind: 'reschedule', at: new Date('2026-01-06T09:00:00Z') });
    // No opening within 8 days (zones too far apart): look again in a day.
    expect(refusalEffect([{ code: 'outside_window', opensAt: null, timeZones: [] }], NOW)).toEqual({ kind: 'reschedule', at: new Date('2026-01-06T15:00:00Z') });
  });

  it('leaves the lead alone for what rescheduling cannot fix', () => {
    expect(refusalEffect([{ code: 'no_time_zone' }], NOW)).toEqual({ kind: 'none' });
    expect(refusalEffect([{ code: 'caller_id_not_owned' }], NOW)).toEqual({ kind: 'none' });
  });
});

describe('startRefusals', () => {
  const campaign = { caller_id: '+13125550100', ring_timeout_s: 25, mode: 'preview' as const, profile: 'US' as const, safe_harbor: null };
  const fresh = { country: 'US' as const, registryDate: '2026-01-04', importedAt: NOW, rows: 1, ageDays: 1 };
  const facts = { ownedCallerIds: ['+13125550100'], listCount: 1, registry: fresh };

  it('allows a complete campaign', () => {
    expect(startRefusals(campaign, facts)).toEqual([]);
  });

  it('names every reason', () => {
    const codes = startRefusals({ ...campaign, caller_id: '+14155550000', ring_timeout_s: 10, mode: 'progressive' }, { ...facts, listCount: 0, registry: { ...fresh, ageDays: 32 } }).map(
      (refusal) => refusal.code,
    );
    expect(codes).toEqual(['caller_id_not_owned', 'ring_timeout_below_floor', 'no_lists', 'safe_harbor_missing', 'registry_stale']);
  });

  it('needs a registry copy for dialling modes, and for manual ones only once a copy exists', () => {
    expect(startRefusals(campaign, { ...facts, registry: null }).map((r) => r.code)).toEqual(['registry_stale']);
    expect(startRefusals({ ...campaign, mode: 'manual' }, { ...facts, registry: null })).toEqual([]);
    expect(startRefusals({ ...campaign, mode: 'manual' }, { ...facts, registry: { ...fresh, ageDays: 40 } }).map((r) => r.code)).toEqual(['registry_stale']);
    // The UK's TPS copy may be 28 days old at most.
    expect(startRefusals({ ...campaign, profile: 'UK' }, { ...facts, registry: { ...fresh, country: 'UK', ageDays: 29 } }).map((r) => r.code)).toEqual(['registry_stale']);
  });
});

describe('campaign settings floors', () => {
  const floor = { minRingTimeoutS: 15, allowsVoicemailDrop: true, abandonCeiling: 0.03 };
  const settings = settingsForCreate(createCampaignRequest.parse({ name: 'x', callerId: '+13125550100' }), { wrapUpS: 30 });

  it('refuses a ring timeout under the profile floor, and voicemail where prerecorded calls are forbidden', () => {
    expect(floorProblems({ ...settings, ring_timeout_s: 14 }, floor, null).map((p) => p.field)).toEqual(['ringTimeoutS']);
    expect(floorProblems({ ...settings, voicemail: { text: 'hi' } }, { ...floor, allowsVoicemailDrop: false }, null).map((p) => p.field)).toEqual(['voicemail']);
  });

  it("refuses an abandon ceiling above the profile's, and a target above the ceiling", () => {
    expect(floorProblems(settings, { ...floor, abandonCeiling: 0.025 }, null).map((p) => p.field)).toEqual(['pacing.abandonCeiling']);
    const inverted = applyPatch(settings, { pacing: { abandonTarget: 0.02, abandonCeiling: 0.015 } });
    expect(inverted.pacing).toEqual({ linesPerAgent: 2, abandonTarget: 0.02, abandonCeiling: 0.015, amdFalsePositiveEstimate: 0.01, maxLines: 100 });
    expect(floorProblems(inverted, floor, null).map((p) => p.field)).toEqual(['pacing.abandonTarget']);
  });

  it("gives the controller the campaign's mode and pacing, capped by the profile's ceiling, defaults for what is missing", () => {
    const stored = { linesPerAgent: 3, abandonTarget: 0.04, abandonCeiling: 0.05 } as never;
    expect(controllerSettingsOf({ mode: 'predictive', profile: 'UK', pacing: stored })).toEqual({
      mode: 'predictive',
      linesPerAgent: 3,
      abandonTarget: 0.03,
      abandonCeiling: 0.03,
      amdFalsePositiveEstimate: 0.01,
      maxLines: 100,
    });
  });

  it('keeps the safe-harbor message of a running power or predictive campaign too', () => {
    const power = applyPatch(settings, { mode: 'power', safeHarbor: { companyName: 'Acme', callbackNumber: '+13125550100', optOutDigit: '9' } });
    const bare = applyPatch(power, { safeHarbor: null });
    expect(floorProblems(bare, floor, { settings: power, status: 'paused' }).map((p) => p.field)).toEqual(['safeHarbor']);
    expect(floorProblems(applyPatch(bare, { mode: 'predictive' }), floor, { settings: power, status: 'running' }).map((p) => p.field)).toEqual(['safeHarbor']);
    expect(floorProblems(applyPatch(bare, { mode: 'preview' }), floor, { settings: power, status: 'running' })).toEqual([]);
  });

  it('lets a draft change anything, but a running campaign keep its profile and safe harbor', () => {
    const progressive = applyPatch(settings, { mode: 'progressive', safeHarbor: { companyName: 'Acme', callbackNumber: '+13125550100', optOutDigit: '9' } });
    const loosened = applyPatch(progressive, { safeHarbor: null, profile: 'UK' });
    expect(floorProblems(loosened, floor, { settings: progressive, status: 'draft' })).toEqual([]);
    expect(floorProblems(loosened, floor, { settings: progressive, status: 'running' }).map((p) => p.field)).toEqual(['profile', 'safeHarbor']);
  });

  it('maps the API names onto the stored ones', () => {
    expect(applyPatch(settings, { retryDelays: { busy: 1, noAnswer: 2, machine: 3 }, wrapUpS: 0, previewTimeoutS: 20 })).toMatchObject({
      retry_delays: { busy: 1, no_answer: 2, machine: 3 },
      wrap_up_s: 0,
      preview_timeout_s: 20,
    });
  });
});

describe('localIso', () => {
  it('shows the time in the lead’s zone with its offset, across DST', () => {
    expect(localIso(NOW, 'America/New_York')).toBe('2026-01-05T10:00:00-05:00');
    expect(localIso(new Date('2026-07-01T15:00:00Z'), 'America/New_York')).toBe('2026-07-01T11:00:00-04:00');
    expect(localIso(NOW, 'Pacific/Honolulu')).toBe('2026-01-05T05:00:00-10:00');
    expect(localIso(NOW, 'Asia/Kolkata')).toBe('2026-01-05T20:30:00+05:30');
    expect(localIso(NOW, 'Europe/London')).toBe('2026-01-05T15:00:00+00:00');
    expect(localIso(NOW, undefined)).toBe('2026-01-05T15:00:00Z');
  });
});
