import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_VERSION } from '../../../sandbox/index.ts';
import { API_KEY, startHarness, texml, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe('authentication', () => {
  it('answers 401 with the 10009 body and says which header to send', async () => {
    const missing = await h.createCall({ To: '+15550001234' }, {}).then(() => h.api('GET', h.callsPath, undefined, { auth: false }));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-telnyx-sandbox-version')).toBe(SANDBOX_VERSION);
    expect(missing.body.errors).toHaveLength(1);
    const [error] = missing.body.errors;
    expect(error).toMatchObject({
      code: '10009',
      title: 'Authentication failed',
      meta: { url: 'https://developers.telnyx.com/docs/overview/errors/10009' },
    });
    expect(error.detail).toMatch(/^The required authentication headers were either invalid or not included in the request\./);
    expect(error.detail).toContain('Authorization: Bearer <API key>');
    const wrong = await h.api('GET', h.callsPath, undefined, { auth: 'Bearer KEYwrong' });
    expect(wrong.status).toBe(401);
    expect(h.lines('api').slice(-2)).toEqual(['api GET /Calls → 401 10009', 'api GET /Calls → 401 10009']);
  });
});

describe('POST /Calls', () => {
  it('returns the declared body for JSON and for form bodies', async () => {
    const json = await h.createCall({ To: '+15550001234', Url: `${h.app}/texml` });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ from: '+15550009999', to: '+15550001234', status: 'queued' });
    const form = await h.createCall({ To: '+15550001235', Url: `${h.app}/texml`, Timeout: 10, AsyncAmd: false }, { form: true });
    expect(form.status).toBe(200);
    expect(h.lines('api')).toEqual(['api POST /Calls To=+15550001234 → 200 queued', 'api POST /Calls To=+15550001235 → 200 queued']);
  });

  it('answers 422 for missing To and ApplicationSid', async () => {
    const result = await h.api('POST', h.callsPath, { From: '+15550009999' });
    expect(result.status).toBe(422);
    expect(result.body.errors.map((error: any) => [error.code, error.title, error.detail, error.source.pointer])).toEqual([
      ['10004', 'Missing required parameter', "Can't be blank: ApplicationId", '/ApplicationId'],
      ['10004', 'Missing required parameter', "Can't be blank: To", '/To'],
    ]);
    expect(h.lines('api')).toEqual(['api POST /Calls → 422 10004 10004']);
    expect(h.sandbox.control.calls()).toEqual([]);
  });

  it('answers 422 for a bad enum, an out-of-range Timeout, and Url with Texml', async () => {
    const result = await h.createCall({
      To: '+15550001234',
      MachineDetection: 'Sometimes',
      Timeout: 500,
      Url: `${h.app}/texml`,
      Texml: '<Response/>',
    });
    expect(result.status).toBe(422);
    expect(result.body.errors.map((error: any) => [error.code, error.detail])).toEqual([
      ['10032', 'MachineDetection must be one of Enable, Disable, DetectMessageEnd'],
      ['10033', 'Timeout must be between 5 and 120'],
      ['10015', 'Url and Texml cannot be used together: send one of them'],
    ]);
  });

  it('coerces form strings, and refuses form numbers that are not numbers', async () => {
    const result = await h.createCall({ To: '+15550001234', Timeout: 'soon' }, { form: true });
    expect(result.status).toBe(422);
    expect(result.body.errors[0]).toMatchObject({ code: '10026', detail: "The 'Timeout' parameter must be of type 'integer'" });
  });

  it('answers 404 10005 for an unknown account, and 415 for other content types', async () => {
    const unknown = await h.api('POST', '/v2/texml/Accounts/someone-else/Calls', { To: '+1', From: '+2', ApplicationSid: 'a' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toMatchObject({ code: '10005', title: 'Resource not found' });
    const xml = await fetch(`${h.sandboxUrl}${h.callsPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'text/xml' },
      body: '<x/>',
    });
    expect(xml.status).toBe(415);
    expect((await xml.json()).errors[0]).toMatchObject({ code: '10024' });
  });

  it('enforces the dials-per-second window with 429 90103', async () => {
    h.sandbox.control.setFaults({ rateLimit: { perSecond: 30, perWindow: 2, windowMs: 5000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.createCall({ To: `+1555000123${i}`, Texml: texml('<Hangup/>') })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await h.createCall({ To: '+15550001239', Texml: texml('<Hangup/>') });
    expect(refused.body.errors[0]).toMatchObject({ code: '90103', title: 'Dials per second limit exceeded' });
    await h.scheduler.advance(5000);
    expect((await h.createCall({ To: '+15550001239', Texml: texml('<Hangup/>') })).status).toBe(200);
    expect(h.lines('api')).toEqual([
      'api POST /Calls To=+15550001230 → 200 queued',
      'api POST /Calls To=+15550001231 → 200 queued',
      'api POST /Calls To=+15550001232 → 429 90103',
      'api POST /Calls To=+15550001239 → 429 90103',
      'api POST /Calls To=+15550001239 → 200 queued',
    ]);
  });

  it('also limits dials per rolling second', async () => {
    h.sandbox.control.setFaults({ rateLimit: { perSecond: 1, perWindow: 150, windowMs: 5000 } });
    expect((await h.createCall({ To: '+15550001230', Texml: texml('<Hangup/>') })).status).toBe(200);
    expect((await h.createCall({ To: '+15550001231', Texml: texml('<Hangup/>') })).status).toBe(429);
    await h.scheduler.advance(1000);
    expect((await h.createCall({ To: '+15550001231', Texml: texml('<Hangup/>') })).status).toBe(200);
  });

  it('fails the next requests on demand: 503, then 429 10011 with rate-limit headers', async () => {
    h.sandbox.control.setFaults({ apiFailures: { status: 503, count: 1 } });
    const failed = await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>') });
    expect(failed.status).toBe(503);
    expect(failed.body.errors[0]).toMatchObject({ code: '10007' });
    h.sandbox.control.setFaults({ apiFailures: { status: 429, count: 1 } });
    const limited = await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>') });
    expect(limited.status).toBe(429);
    expect(limited.body.errors[0]).toMatchObject({ code: '10011', title: 'Too many requests' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>') })).status).toBe(200);
  });
});

describe('GET /Calls', () => {
  it('returns the Call resource with RFC 2822 times, string duration and a .json uri', async () => {
    await h.createCall({ To: '+15550001234', Texml: texml('<Pause length="3"/><Hangup/>') });
    await h.drain();
    const [listed] = h.sandbox.control.calls();
    const sid = listed!.sid;
    expect(sid).toMatch(/^v3:[A-Za-z0-9_-]{54}$/);
    for (const path of [`${h.callsPath}/${sid}`, `${h.callsPath}/${sid}.json`]) {
      const result = await h.api('GET', path);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        account_sid: 'acct-test',
        sid,
        status: 'completed',
        direction: 'outbound',
        from: '+15550009999',
        to: '+15550001234',
        duration: '3',
        start_time: 'Mon, 05 Jan 2026 15:00:04 +0000',
        end_time: 'Mon, 05 Jan 2026 15:00:07 +0000',
        date_created: 'Mon, 05 Jan 2026 15:00:00 +0000',
        date_updated: 'Mon, 05 Jan 2026 15:00:07 +0000',
        uri: `/v2/texml/Accounts/acct-test/Calls/${sid}.json`,
      });
    }
    const missing = await h.api('GET', `${h.callsPath}/v3:nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [{ detail: 'Resource not found' }] });
  });

  it('lists with filters and paging', async () => {
    await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>') });
    await h.createCall({ To: '+15550011234', Texml: texml('<Hangup/>') });
    await h.createCall({ To: '+15550001234', Texml: texml('<Hangup/>') });
    await h.drain();
    const all = await h.api('GET', `${h.callsPath}.json?PageSize=2`);
    expect(all.body).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, uri: '/v2/texml/Accounts/acct-test/Calls.json?Page=0&PageSize=2' });
    expect(all.body.calls).toHaveLength(2);
    expect(all.body.next_page_uri).toMatch(/^\/v2\/texml\/Accounts\/acct-test\/Calls\.json\?Page=1&PageSize=2&PageToken=/);
    const second = await h.api('GET', `${h.callsPath}?Page=1&PageSize=2`);
    expect(second.body.calls).toHaveLength(1);
    expect(second.body.next_page_uri).toBeNull();
    const busy = await h.api('GET', `${h.callsPath}?Status=busy`);
    expect(busy.body.calls.map((call: any) => call.to)).toEqual(['+15550011234']);
    const byTo = await h.api('GET', `${h.callsPath}?To=%2B15550001234&StartTime_gt=2026-01-04&StartTime_lt=2026-01-06`);
    expect(byTo.body.calls).toHaveLength(2);
    expect((await h.api('GET', `${h.callsPath}?StartTime_gt=2026-01-05`)).body.calls).toHaveLength(0);
  });
});

describe('telephony credentials', () => {
  it('creates a gencred credential and issues a signed 24 h token', async () => {
    const missing = await h.api('POST', '/v2/telephony_credentials', { name: 'agent-1' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({ code: '10004', detail: "Can't be blank: connection_id" });

    const created = await h.api('POST', '/v2/telephony_credentials', { connection_id: '1234', name: 'agent-1' });
    expect(created.status).toBe(201);
    const credential = created.body.data;
    expect(credential).toMatchObject({ record_type: 'credential', name: 'agent-1', resource_id: 'connection:1234', expired: false });
    expect(credential.sip_username).toMatch(/^gencred[A-Za-z0-9]+$/);

    const token = await fetch(`${h.sandboxUrl}/v2/telephony_credentials/${credential.id}/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, accept: 'text/plain' },
    });
    expect(token.status).toBe(201);
    expect(token.headers.get('content-type')).toMatch(/^text\/plain/);
    const jwt = await token.text();
    expect(jwt.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ aud: 'telnyx_telephony', iss: 'telnyx_telephony', typ: 'access', sub: credential.id });
    expect(claims.exp - claims.iat).toBe(24 * 3600);
    expect(h.sandbox.credentials.verifyToken(jwt)?.sip_username).toBe(credential.sip_username);
    expect(h.sandbox.credentials.verifyToken(`${jwt.slice(0, -4)}AAAA`)).toBeUndefined();

    const unknown = await h.api('POST', '/v2/telephony_credentials/nope/token');
    expect(unknown.status).toBe(404);
    expect(h.lines('api')).toEqual([
      'api POST /telephony_credentials → 422 10004',
      'api POST /telephony_credentials → 201 credential',
      'api POST /telephony_credentials/:id/token → 201 token',
      'api POST /telephony_credentials/:id/token → 404 10005',
    ]);
  });

  it('answers unknown routes in Telnyx\'s error shape', async () => {
    const result = await h.api('GET', '/v2/phone_numbers');
    expect(result.status).toBe(404);
    expect(result.body.errors[0].detail).toContain('Unrecognized request URL (GET: /v2/phone_numbers)');
  });
});
