import { afterEach, describe, expect, it } from 'vitest';
import { REORDER_MAX_HOLD_MS } from '../../../sandbox/callbacks/delivery.ts';
import { startHarness, texml, type Harness } from './harness.ts';

const ALL_EVENTS = 'initiated ringing answered completed';

let harnesses: Harness[] = [];
async function harness(seed?: number): Promise<Harness> {
  const h = await startHarness(seed === undefined ? {} : { seed });
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses) {
    expect(h.scheduler.errors).toEqual([]);
    expect(h.received.every((request) => request.signatureValid)).toBe(true);
    await h.close();
  }
  harnesses = [];
});

/** A short call: human, answers after 4 s, the document hangs up at once. */
async function shortCall(h: Harness, extra: Record<string, unknown> = {}): Promise<void> {
  await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>'), StatusCallback: `${h.app}/s`, StatusCallbackEvent: ALL_EVENTS, ...extra });
  await h.drain();
}

const statuses = (h: Harness) => h.at('/s').map((request) => `${request.fields.CallStatus}#${request.fields.SequenceNumber}`);

describe('callback faults', () => {
  it('duplicateCallbacks sends each callback twice', async () => {
    const h = await harness();
    h.sandbox.control.setFaults({ duplicateCallbacks: true });
    await shortCall(h);
    expect(statuses(h)).toEqual(['initiated#0', 'initiated#0', 'ringing#1', 'ringing#1', 'in-progress#2', 'in-progress#2', 'completed#3', 'completed#3']);
    expect(h.lines('callback').slice(0, 2)).toEqual(['callback A initiated#0 → 200', 'callback A initiated#0 → 200 (duplicate)']);
  });

  it('reorderCallbacks delivers a held callback after the next one to the same URL', async () => {
    const h = await harness();
    h.sandbox.control.setFaults({ reorderCallbacks: true });
    await shortCall(h);
    expect(statuses(h)).toEqual(['ringing#1', 'initiated#0', 'completed#3', 'in-progress#2']);
    const completed = h.at('/s')[2]!;
    expect(completed.fields.AnsweredTime).toBe(h.at('/s')[3]!.fields.Timestamp);
  });

  it('a held callback with nothing after it goes out after REORDER_MAX_HOLD_MS', async () => {
    const h = await harness();
    h.sandbox.control.setFaults({ reorderCallbacks: true });
    await h.createCall({ To: '+15550011234', Url: `${h.app}/never`, StatusCallback: `${h.app}/s` });
    await h.drain();
    expect(statuses(h)).toEqual(['busy#0']);
    expect(h.at('/s')[0]!.atMs).toBe(1000 + REORDER_MAX_HOLD_MS);
  });

  it('callbackDelayMs delivers later in scheduler time, with event-time Timestamps', async () => {
    const h = await harness();
    h.sandbox.control.setFaults({ callbackDelayMs: 3000 });
    await shortCall(h);
    expect(h.at('/s').map((request) => [request.fields.CallStatus, request.atMs])).toEqual([
      ['initiated', 3000],
      ['ringing', 3000],
      ['in-progress', 7000],
      ['completed', 7000],
    ]);
    expect(h.at('/s')[2]!.fields.Timestamp).toBe('2026-01-05T15:00:04.000Z');
  });

  it('dropCallbacks loses callbacks but keeps their sequence numbers', async () => {
    const h = await harness();
    h.sandbox.control.setFaults({ dropCallbacks: 1 });
    await shortCall(h);
    expect(h.at('/s')).toEqual([]);
    expect(h.lines('callback')).toEqual([
      'callback A initiated#0 dropped',
      'callback A ringing#1 dropped',
      'callback A in-progress#2 dropped',
      'callback A completed#3 dropped',
    ]);
  });

  it('records non-200 answers without retrying', async () => {
    const h = await harness();
    h.on('/s', { status: 500 });
    await shortCall(h, { StatusCallbackEvent: 'completed' });
    expect(h.lines('callback')).toEqual(['callback A completed#0 → 500']);
  });

  it('StatusCallbackMethod=GET puts the fields in the query string', async () => {
    const h = await harness();
    await shortCall(h, { StatusCallback: `${h.app}/s?attempt=9`, StatusCallbackMethod: 'GET', StatusCallbackEvent: 'completed' });
    const [request] = h.at('/s');
    expect(request).toMatchObject({ method: 'GET', rawBody: '' });
    expect(request!.query).toMatchObject({ attempt: '9', CallStatus: 'completed', SequenceNumber: '0', CallDuration: '0' });
  });
});

describe('determinism', () => {
  async function run(seed: number): Promise<{ lines: string[]; sids: string[] }> {
    const h = await harness(seed);
    h.sandbox.control.setScenarios([
      { match: 'sip:*', outcome: 'human', ringMs: 1000, talkMs: null },
      { match: '*', mix: [{ p: 0.5, outcome: 'human', talkMs: 5000 }, { p: 0.3, outcome: 'busy' }, { p: 0.2, outcome: 'no-answer' }] },
    ]);
    h.sandbox.control.setFaults({ duplicateCallbacks: 0.3, reorderCallbacks: 0.3 });
    h.on('/bridge', texml('<Dial action="/done"><Number statusCallback="/b" statusCallbackEvent="initiated answered completed">+15550001234</Number></Dial>'));
    h.on('/done', texml('<Hangup/>'));
    for (let i = 0; i < 6; i++) {
      await h.createCall({ To: `sip:agent${i}@sip.telnyx.com`, Url: `${h.app}/bridge`, StatusCallback: `${h.app}/a${i}`, StatusCallbackEvent: ALL_EVENTS });
    }
    await h.drain();
    return { lines: h.lines(), sids: h.sandbox.control.calls().map((call) => call.sid) };
  }

  it('the same seed gives the same transcript lines and CallSids', async () => {
    const first = await run(7);
    const second = await run(7);
    expect(second).toEqual(first);
    expect(first.lines.some((line) => line.includes('busy'))).toBe(true);
    const other = await run(8);
    expect(other.sids).not.toEqual(first.sids);
  });

  it('reset restores the start state, so a reset run repeats a fresh one', async () => {
    const h = await harness(3);
    await shortCall(h);
    const before = { lines: h.lines(), sids: h.sandbox.control.calls().map((call) => call.sid) };
    h.sandbox.control.reset();
    expect(h.lines()).toEqual([]);
    h.received.length = 0;
    await shortCall(h);
    expect({ lines: h.lines(), sids: h.sandbox.control.calls().map((call) => call.sid) }).toEqual(before);
  });
});
