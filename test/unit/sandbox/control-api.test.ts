import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS } from '../../../sandbox/index.ts';
import { startHarness, texml, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${h.sandboxUrl}/_sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text/plain transcript
  }
  return { status: response.status, body: parsed, text };
}

describe('/_sandbox control API', () => {
  it('shows the account and public key, without Telnyx auth', async () => {
    const info = await control('GET', '/');
    expect(info.body).toMatchObject({ accountSid: 'acct-test', applicationSid: 'app-123', publicKeyBase64: h.sandbox.publicKeyBase64, seed: 42 });
    expect(Buffer.from(info.body.publicKeyBase64, 'base64')).toHaveLength(32);
  });

  it('replaces and prepends scenario rules, and explains bad ones', async () => {
    expect((await control('GET', '/scenarios')).body).toEqual(DEFAULT_SCENARIOS);
    const replaced = await control('PUT', '/scenarios', [{ match: '*', outcome: 'busy' }]);
    expect(replaced.body).toEqual([{ match: '*', outcome: 'busy' }]);
    const prepended = await control('POST', '/scenarios', { match: '+1555*', outcome: 'failed' });
    expect(prepended.body).toEqual([{ match: '+1555*', outcome: 'failed' }, { match: '*', outcome: 'busy' }]);
    const bad = await control('POST', '/scenarios', { match: '*', outcome: 'voicemail' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['rule.outcome must be one of human, machine, busy, no-answer, failed, got "voicemail"']);
  });

  it('sets faults with PUT semantics and refuses unknown switches', async () => {
    const set = await control('PUT', '/faults', { duplicateCallbacks: true, rateLimit: { perWindow: 2 } });
    expect(set.body).toMatchObject({ duplicateCallbacks: 1, reorderCallbacks: 0, rateLimit: { perSecond: 30, perWindow: 2, windowMs: 5000 } });
    expect((await control('PUT', '/faults', {})).body).toMatchObject({ duplicateCallbacks: 0, rateLimit: { perWindow: 150 } });
    const bad = await control('PUT', '/faults', { duplicate: true, dropCallbacks: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toHaveLength(2);
  });

  it('serves the transcript (JSON or text, filtered), the calls, and resets', async () => {
    await h.createCall({ To: '+15550011234', Texml: texml('<Hangup/>'), StatusCallback: `${h.app}/s` });
    await h.drain();
    const transcript = await control('GET', '/transcript');
    expect(transcript.body.map((entry: any) => entry.line)).toEqual(['api POST /Calls To=+15550011234 → 200 queued', 'call A busy', 'callback A busy#0 → 200']);
    expect(transcript.body[1]).toMatchObject({ seq: 1, kind: 'call', leg: 'A', at: '2026-01-05T15:00:01.000Z' });
    expect(transcript.body[1].callSid).toMatch(/^v3:/);
    expect((await control('GET', '/transcript?kind=callback&format=text')).text).toBe('callback A busy#0 → 200\n');
    const calls = await control('GET', '/calls');
    expect(calls.body).toHaveLength(1);
    expect(calls.body[0]).toMatchObject({ leg: 'A', status: 'busy', fate: { outcome: 'busy', ringMs: 1000 } });
    expect((await control('POST', '/reset')).status).toBe(204);
    expect((await control('GET', '/calls')).body).toEqual([]);
    expect((await control('GET', '/transcript')).body).toEqual([]);
  });

  it('uses the application voice URL and status callback when a create names neither', async () => {
    const set = await control('PUT', '/application', { voiceUrl: `${h.app}/app-voice`, statusCallback: `${h.app}/app-status` });
    expect(set.status).toBe(200);
    h.on('/app-voice', texml('<Hangup/>'));
    await h.createCall({ To: '+15550001234' });
    await h.drain();
    expect(h.lines('fetch')).toEqual(['fetch A Url POST /app-voice → 200 <Hangup>']);
    expect(h.at('/app-status')[0]!.fields.CallStatus).toBe('completed');
  });

  it('without any instructions the answered call ends with an application error', async () => {
    await h.createCall({ To: '+15550001234' });
    await h.drain();
    expect(h.lines('call')).toEqual(['call A answered', 'call A application-error 11200', 'call A completed']);
  });

  it('every response carries the sandbox version header', async () => {
    const response = await fetch(`${h.sandboxUrl}/_sandbox/calls`);
    expect(response.headers.get('x-telnyx-sandbox-version')).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
