/**
 * The pure rules of progressive calls: the AMD fields of the create per campaign
 * setting, where the two-second rule starts and whether it was met, which AMD results
 * take a call off the agent, and when a machine may hear the voicemail message.
 */
import { describe, expect, it } from 'vitest';
import { machineAction } from '../../../server/campaigns/progressive-amd.ts';
import { voicemailAllowed } from '../../../server/campaigns/progressive-answer.ts';
import { answeredCallbackMarksPerson, TWO_SECOND_RULE_MS, twoSecondRuleMet } from '../../../server/campaigns/progressive-timing.ts';
import { amdCreateParams } from '../../../server/campaigns/progressive.ts';

const AMD_URL = 'https://dialer.example/telnyx/status?attempt=a1&leg=customer&kind=amd';

describe('amdCreateParams', () => {
  it('asks for async detection with its callback, sync detection without one, or none', () => {
    expect(amdCreateParams({ enabled: true, mode: 'async', detection: 'Enable' }, AMD_URL)).toEqual({
      MachineDetection: 'Enable',
      AsyncAmd: true,
      AsyncAmdStatusCallback: AMD_URL,
      AsyncAmdStatusCallbackMethod: 'POST',
    });
    expect(amdCreateParams({ enabled: true, mode: 'sync', detection: 'DetectMessageEnd' }, AMD_URL)).toEqual({ MachineDetection: 'DetectMessageEnd', AsyncAmd: false });
    expect(amdCreateParams({ enabled: false, mode: 'async', detection: 'Enable' }, AMD_URL)).toEqual({});
  });
});

describe('the two-second rule', () => {
  const sync = { enabled: true, mode: 'sync', detection: 'Enable' } as const;
  const async = { enabled: true, mode: 'async', detection: 'Enable' } as const;

  it('starts at the answered callback for async AMD or none, and for sync only once it carries the result', () => {
    expect(answeredCallbackMarksPerson(async, null)).toBe(true);
    expect(answeredCallbackMarksPerson({ ...sync, enabled: false }, null)).toBe(true);
    expect(answeredCallbackMarksPerson(sync, null)).toBe(false);
    expect(answeredCallbackMarksPerson(sync, 'human')).toBe(true);
  });

  it('is met up to and including 2000 ms, and unknown without a start', () => {
    const answered = new Date('2026-01-05T15:00:05.000Z');
    expect(TWO_SECOND_RULE_MS).toBe(2000);
    expect(twoSecondRuleMet(answered, new Date(answered.getTime() + 2000))).toBe(true);
    expect(twoSecondRuleMet(answered, new Date(answered.getTime() + 2001))).toBe(false);
    expect(twoSecondRuleMet(null, answered)).toBeNull();
  });
});

describe('machineAction (async AMD result)', () => {
  const live = { status: 'in-progress' } as const;
  const calm = { abandoned: false };

  it('redirects a machine to the voicemail message when allowed, else hangs up', () => {
    expect(machineAction('machine_start', calm, live, 'v3:c', true)).toEqual({ kind: 'voicemail', callSid: 'v3:c' });
    expect(machineAction('machine_end_beep', calm, undefined, 'v3:c', false)).toEqual({ kind: 'hangup', callSid: 'v3:c' });
    expect(machineAction('fax', calm, live, 'v3:c', true)).toEqual({ kind: 'voicemail', callSid: 'v3:c' });
  });

  it('changes nothing for a person, an unknown result, an abandoned call or an ended leg', () => {
    expect(machineAction('human', calm, live, 'v3:c', true).kind).toBe('none');
    expect(machineAction('unknown', calm, live, 'v3:c', true).kind).toBe('none');
    expect(machineAction('machine_start', { abandoned: true }, live, 'v3:c', true).kind).toBe('none');
    expect(machineAction('machine_start', calm, { status: 'completed' }, 'v3:c', true).kind).toBe('none');
  });
});

describe('voicemailAllowed', () => {
  it('needs a message and the lead’s written consent', () => {
    expect(voicemailAllowed({ voicemail: { text: 'Hi' } }, { consent_type: 'written' })).toBe(true);
    expect(voicemailAllowed({ voicemail: { audioUrl: 'https://x.example/m.mp3' } }, { consent_type: 'written' })).toBe(true);
    expect(voicemailAllowed({ voicemail: { text: 'Hi' } }, { consent_type: 'express' })).toBe(false);
    expect(voicemailAllowed({ voicemail: { text: 'Hi' } }, { consent_type: null })).toBe(false);
    expect(voicemailAllowed({ voicemail: {} }, { consent_type: 'written' })).toBe(false);
  });
});
