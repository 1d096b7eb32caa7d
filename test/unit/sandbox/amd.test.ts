import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMD_DEFAULT_MS } from '../../../sandbox/calls/amd.ts';
import { startHarness, texml, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.on('/texml', (request) => texml(request.fields.AnsweredBy?.startsWith('machine') ? '<Hangup/>' : '<Say>Hello</Say>'));
});
afterEach(async () => {
  expect(h.scheduler.errors).toEqual([]);
  await h.close();
});

describe('machine detection', () => {
  it('sync: the answered callback and the fetch wait for the result and carry AnsweredBy', async () => {
    await h.createCall({
      To: '+15550031234',
      Url: `${h.app}/texml`,
      MachineDetection: 'Enable',
      StatusCallback: `${h.app}/status`,
      StatusCallbackEvent: 'answered completed',
    });
    await h.drain();
    expect(h.lines(['callback', 'fetch', 'call', 'verb'])).toEqual([
      'call A answered',
      'call A amd machine_start',
      'callback A in-progress#0 → 200',
      'fetch A Url POST /texml → 200 <Hangup>',
      'verb A Hangup',
      'call A completed',
      'callback A completed#1 → 200',
    ]);
    const [answered, completed] = h.at('/status');
    expect(answered!.fields).toMatchObject({ AnsweredBy: 'machine_start', Timestamp: '2026-01-05T15:00:04.000Z' });
    expect(answered!.atMs).toBe(4000 + AMD_DEFAULT_MS.machine);
    expect(h.at('/texml')[0]!.fields.AnsweredBy).toBe('machine_start');
    expect(completed!.fields.AnsweredTime).toBe(answered!.fields.Timestamp);
    const [call] = h.sandbox.control.calls();
    expect(call!.answered_by).toBe('machine');
  });

  it('sync with DetectMessageEnd reports machine_end_beep', async () => {
    await h.createCall({ To: '+15550031234', Url: `${h.app}/texml`, MachineDetection: 'DetectMessageEnd' });
    await h.drain();
    expect(h.at('/texml')[0]!.fields.AnsweredBy).toBe('machine_end_beep');
    expect(h.at('/texml')[0]!.atMs).toBe(4000 + AMD_DEFAULT_MS.messageEnd);
  });

  it('async: TeXML runs at once and the result goes to AsyncAmdStatusCallback', async () => {
    h.sandbox.control.addScenario({ match: '+15550001234', outcome: 'human', ringMs: 4000, talkMs: 10_000, amdDurationMs: 1200 });
    h.on('/texml', texml('<Say>Hello</Say><Pause length="20"/>'));
    await h.createCall({
      To: '+15550001234',
      Url: `${h.app}/texml`,
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: `${h.app}/amd`,
    }, { form: true });
    await h.drain();
    expect(h.lines(['callback', 'fetch', 'call'])).toEqual([
      'call A answered',
      'fetch A Url POST /texml → 200 <Say>',
      'call A amd human',
      'callback A amd AnsweredBy=human → 200',
      'call A completed',
    ]);
    const amd = h.at('/amd')[0]!;
    expect(amd.atMs).toBe(5200);
    expect(amd.signatureValid).toBe(true);
    expect(Object.keys(amd.fields).sort()).toEqual(['AccountSid', 'AnsweredBy', 'CallSid', 'CallSidLegacy', 'ConnectionId', 'MachineDetectionDuration']);
    expect(amd.fields.MachineDetectionDuration).toBe('1200');
    expect(h.at('/texml')[0]!.fields.AnsweredBy).toBeUndefined();
  });

  it('detection slower than MachineDetectionTimeout reports unknown at the timeout', async () => {
    h.sandbox.control.addScenario({ match: '+15550001234', outcome: 'human', ringMs: 1000, amdDurationMs: 9000 });
    await h.createCall({ To: '+15550001234', Url: `${h.app}/texml`, MachineDetection: 'Enable', MachineDetectionTimeout: 2000 });
    await h.drain();
    expect(h.at('/texml')[0]!).toMatchObject({ atMs: 3000, fields: { AnsweredBy: 'unknown' } });
  });
});
