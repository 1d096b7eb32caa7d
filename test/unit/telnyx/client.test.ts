import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import type { CreateCallParams } from '../../../lib/telnyx-wire.ts';
import { DialerError } from '../../../server/errors.ts';
import { createTelnyxClient, type TelnyxClient, type TelnyxClientOptions } from '../../../server/telnyx/client.ts';
import { createDialLimiter, type DialLimiter } from '../../../server/telnyx/dial-limiter.ts';
import { isTelnyxError, telnyxErrorDetails } from '../../../server/telnyx/telnyx-error.ts';
import { drive, freePort, json, never, resetSocket, startFakeTelnyx, until, type FakeTelnyx } from './fake-telnyx.ts';

const CALL_SID = 'v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ';
const CALLS = '/v2/texml/Accounts/acct-123/Calls';

const createParams: CreateCallParams = {
  ApplicationSid: '1234567890',
  To: '+13125550100',
  From: '+13125550199',
  Url: 'https://dialer.example/texml/bridge?attempt=att-7',
  StatusCallback: 'https://dialer.example/telnyx/status?leg=agent&attempt=att-7',
  StatusCallbackEvent: 'initiated ringing answered completed',
  Timeout: 25,
  CustomHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-7' }],
};

const callResource = {
  account_sid: 'acct-123',
  sid: CALL_SID,
  status: 'in-progress',
  direction: 'outbound',
  from: '+13125550199',
  to: '+13125550100',
  duration: '11',
  date_created: 'Thu, 15 Jun 2023 09:56:45 +0000',
  date_updated: 'Thu, 15 Jun 2023 09:56:56 +0000',
  uri: `/v2/texml/Accounts/acct-123/Calls/${CALL_SID}.json`,
};

let fake: FakeTelnyx;
let scheduler: VirtualScheduler;
let limiter: DialLimiter;
let client: TelnyxClient;

function makeClient(overrides: Partial<TelnyxClientOptions> = {}): TelnyxClient {
  return createTelnyxClient({
    baseUrl: fake.baseUrl,
    apiKey: 'KEY_test_secret',
    accountSid: 'acct-123',
    scheduler,
    dialLimiter: limiter,
    random: () => 0.5,
    ...overrides,
  });
}

/** Run `work` to completion and return the error it rejected with. */
async function failure(work: Promise<unknown>): Promise<DialerError> {
  const error = await drive(scheduler, work).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DialerError);
  return error as DialerError;
}

beforeEach(async () => {
  fake = await startFakeTelnyx();
  scheduler = new VirtualScheduler();
  limiter = createDialLimiter({ scheduler });
  client = makeClient();
});

afterEach(async () => {
  await fake.close();
  expect(scheduler.errors).toEqual([]);
});

describe('requests on the wire', () => {
  it('createCall POSTs the PascalCase fields as JSON, with auth, accept and user agent', async () => {
    fake.reply(json(200, { from: '+13125550199', to: '+13125550100', status: 'queued' }));
    const result = await drive(scheduler, client.createCall(createParams));
    expect(result).toEqual({ from: '+13125550199', to: '+13125550100', status: 'queued' });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe(CALLS);
    expect(request!.headers['authorization']).toBe('Bearer KEY_test_secret');
    expect(request!.headers['accept']).toBe('application/json');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^telnyx-texml-dialer /);
    expect(request!.body).toBe(
      '{"ApplicationSid":"1234567890","To":"+13125550100","From":"+13125550199",' +
        '"Url":"https://dialer.example/texml/bridge?attempt=att-7",' +
        '"StatusCallback":"https://dialer.example/telnyx/status?leg=agent&attempt=att-7",' +
        '"StatusCallbackEvent":"initiated ringing answered completed","Timeout":25,' +
        '"CustomHeaders":[{"name":"X-Dialer-Attempt","value":"att-7"}]}',
    );
    expect(limiter.stats().granted).toBe(1);
  });

  it('updateCall POSTs a form body to the call, with the v3: SID unescaped in the path', async () => {
    fake.reply(json(200, callResource), json(200, callResource));
    await drive(scheduler, client.updateCall(CALL_SID, { Status: 'completed' }));
    await drive(scheduler, client.updateCall(CALL_SID, { Url: 'https://dialer.example/texml/transfer?attempt=a&to=agent 2', Method: 'POST' }));
    const [hangup, redirect] = fake.requests;
    expect(hangup!.method).toBe('POST');
    expect(hangup!.url).toBe(`${CALLS}/${CALL_SID}`);
    expect(hangup!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hangup!.body).toBe('Status=completed');
    expect(redirect!.body).toBe('Url=https%3A%2F%2Fdialer.example%2Ftexml%2Ftransfer%3Fattempt%3Da%26to%3Dagent+2&Method=POST');
    expect(limiter.stats().granted).toBe(0);
  });

  it('getCall GETs the call and escapes characters that would change the path', async () => {
    fake.reply(json(200, callResource), json(404, { errors: [{ detail: 'Resource not found' }] }));
    expect(await drive(scheduler, client.getCall(CALL_SID))).toEqual(callResource);
    await failure(client.getCall('a/b?c#d'));
    expect(fake.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${CALLS}/${CALL_SID}`,
      `GET ${CALLS}/a%2Fb%3Fc%23d`,
    ]);
    expect(fake.requests[0]!.body).toBe('');
    expect(fake.requests[0]!.headers['content-type']).toBeUndefined();
  });

  it('listCalls sends the filters as the query string', async () => {
    const page = { calls: [callResource], end: 0, first_page_uri: '', next_page_uri: null, page: 0, page_size: 5, start: 0, uri: '' };
    fake.reply(json(200, page));
    const result = await drive(scheduler, client.listCalls({ To: '+13125550100', Status: 'completed', StartTime_gt: '2026-01-05', PageSize: 5 }));
    expect(result).toEqual(page);
    expect(fake.requests[0]!.url).toBe(`${CALLS}?To=%2B13125550100&Status=completed&StartTime_gt=2026-01-05&PageSize=5`);
  });

  it('createTelephonyCredential POSTs JSON and returns the data object', async () => {
    const data = { id: 'c215ade3', record_type: 'credential', sip_username: 'gencredABC', sip_password: 'pw' };
    fake.reply(json(201, { data }));
    const result = await drive(scheduler, client.createTelephonyCredential({ connection_id: '8042', name: 'agent-42', tag: 'dialer' }));
    expect(result).toEqual(data);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', url: '/v2/telephony_credentials', body: '{"connection_id":"8042","name":"agent-42","tag":"dialer"}' });
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('createCredentialToken asks for text/plain and returns the raw JWT', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjMjE1In0.c2ln';
    fake.reply((_req, res) => {
      res.status(201).type('text/plain').send(jwt);
    });
    expect(await drive(scheduler, client.createCredentialToken('c215ade3'))).toBe(jwt);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', url: '/v2/telephony_credentials/c215ade3/token', body: '' });
    expect(fake.requests[0]!.headers['accept']).toBe('text/plain');
    expect(fake.requests[0]!.headers['authorization']).toBe('Bearer KEY_test_secret');
  });
});

describe('error answers', () => {
  it('a 422 becomes telnyx_rejected with the first error and its pointer', async () => {
    const body = {
      errors: [
        { code: '10004', title: 'Missing required parameter', detail: "Can't be blank: ApplicationId", source: { pointer: '/ApplicationId' } },
        { code: '10026', title: 'Invalid parameter type', detail: "The 'To' parameter must be of type 'string'", source: { pointer: '/To' } },
      ],
    };
    fake.reply(json(422, body, { 'x-request-id': 'req-42' }));
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_rejected');
    expect(error.fatal).toBe(false);
    expect(error.message).toBe("Telnyx rejected the request: Missing required parameter — Can't be blank: ApplicationId (/ApplicationId)");
    expect(telnyxErrorDetails(error)).toEqual({ httpStatus: 422, errors: body.errors, requestId: 'req-42' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a 401 becomes the fatal telnyx_auth_failed and is not retried', async () => {
    fake.reply(json(401, { errors: [{ code: '10009', title: 'Authentication failed', detail: 'The required authentication headers were either invalid or not included in the request.' }] }));
    const error = await failure(client.getCall(CALL_SID));
    expect(error.code).toBe('telnyx_auth_failed');
    expect(error.fatal).toBe(true);
    expect(error.message).toMatch(/^Telnyx rejected the API key: Authentication failed — /);
    expect(isTelnyxError(error)).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('a 404 with only a detail becomes not_found', async () => {
    fake.reply(json(404, { errors: [{ detail: 'Resource not found' }] }));
    const error = await failure(client.updateCall(CALL_SID, { Status: 'completed' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Telnyx has no such resource: Resource not found');
    expect(telnyxErrorDetails(error)).toEqual({ httpStatus: 404, errors: [{ detail: 'Resource not found' }] });
  });

  it('a non-JSON 5xx body is kept as a snippet once retries run out', async () => {
    client = makeClient({ maxRetries: 0 });
    fake.reply((_req, res) => {
      res.status(502).type('text/html').send('<html>Bad gateway</html>');
    });
    const error = await failure(client.getCall(CALL_SID));
    expect(error.code).toBe('telnyx_unavailable');
    expect(telnyxErrorDetails(error)).toEqual({ httpStatus: 502, errors: [], bodySnippet: '<html>Bad gateway</html>' });
  });
});

describe('retries', () => {
  it('429 with Retry-After on create waits exactly that long, then sends once more', async () => {
    const times: number[] = [];
    const stamp = (reply: ReturnType<typeof json>) => (req: Parameters<typeof reply>[0], res: Parameters<typeof reply>[1]) => {
      times.push(scheduler.now());
      reply(req, res);
    };
    fake.reply(
      stamp(json(429, { errors: [{ code: '10011', title: 'Too many requests' }] }, { 'Retry-After': '2' })),
      stamp(json(200, { from: '+13125550199', to: '+13125550100', status: 'queued' })),
    );
    const start = scheduler.now();
    await drive(scheduler, client.createCall(createParams));
    expect(fake.requests).toHaveLength(2);
    expect(times).toEqual([start, start + 2000]);
    expect(scheduler.now() - start).toBe(2000);
    expect(limiter.stats()).toMatchObject({ granted: 2, penalties: 0 });
  });

  it('429 90103 on create pauses the dial limiter for every dial', async () => {
    fake.reply(
      json(429, { errors: [{ code: '90103', title: 'Dials per second exceeded' }] }, { 'Retry-After': '1' }),
      json(200, { from: '+13125550199', to: '+13125550100', status: 'queued' }),
    );
    const start = scheduler.now();
    await drive(scheduler, client.createCall(createParams));
    expect(fake.requests).toHaveLength(2);
    expect(scheduler.now() - start).toBe(1000);
    expect(limiter.stats()).toMatchObject({ granted: 2, penalties: 1 });
  });

  it('a 90103 on the last attempt still pauses the other dials', async () => {
    client = makeClient({ maxRetries: 0 });
    fake.reply(json(429, { errors: [{ code: '90103' }] }, { 'Retry-After': '2' }));
    const start = scheduler.now();
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_rate_limited');
    expect(limiter.stats()).toMatchObject({ pausedUntil: start + 2000, penalties: 1 });
  });

  it('x-ratelimit-reset is read as seconds-until-reset when small and as epoch seconds when large', async () => {
    const epochReset = String(scheduler.now() / 1000 + 4);
    fake.reply(
      json(429, {}, { 'x-ratelimit-reset': '3' }),
      json(200, callResource),
      json(429, {}, { 'x-ratelimit-reset': epochReset }),
      json(200, callResource),
    );
    const start = scheduler.now();
    await drive(scheduler, client.getCall(CALL_SID));
    expect(scheduler.now() - start).toBe(3000);
    await drive(scheduler, client.getCall(CALL_SID));
    expect(scheduler.now() - start).toBe(4000);
    expect(fake.requests).toHaveLength(4);
  });

  it('without a hint, back-off doubles per retry (jitter from the injected random)', async () => {
    fake.reply(json(429, {}), json(429, {}), json(429, {}), json(200, callResource));
    const start = scheduler.now();
    await drive(scheduler, client.getCall(CALL_SID));
    // 250·2^n · (0.5 + 0.5·0.5) for n = 0, 1, 2.
    expect(scheduler.now() - start).toBe(188 + 375 + 750);
    expect(fake.requests).toHaveLength(4);
  });

  it('gives up with telnyx_rate_limited after maxRetries', async () => {
    fake.reply(json(429, {}), json(429, {}), json(429, {}), json(429, { errors: [{ code: '10011', title: 'Too many requests' }] }));
    const error = await failure(client.getCall(CALL_SID));
    expect(error.code).toBe('telnyx_rate_limited');
    expect(fake.requests).toHaveLength(4);
  });

  it('a Retry-After beyond maxRetryWaitMs ends the retries at once', async () => {
    client = makeClient({ maxRetryWaitMs: 5000 });
    fake.reply(json(429, {}, { 'Retry-After': '30' }));
    const error = await failure(client.getCall(CALL_SID));
    expect(error.code).toBe('telnyx_rate_limited');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 503 on getCall is retried, then succeeds', async () => {
    fake.reply(json(503, { errors: [{ title: 'Service unavailable' }] }), json(200, callResource));
    expect(await drive(scheduler, client.getCall(CALL_SID))).toEqual(callResource);
    expect(fake.requests).toHaveLength(2);
  });

  it('a timeout on getCall is retried', async () => {
    client = makeClient({ requestTimeoutMs: 50 });
    fake.reply(never, json(200, callResource));
    expect(await drive(scheduler, client.getCall(CALL_SID))).toEqual(callResource);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('createCall never redials when the outcome is unknown', () => {
  it('a 503 throws telnyx_outcome_unknown after exactly one request', async () => {
    fake.reply(json(503, { errors: [{ title: 'Service unavailable' }] }));
    const start = scheduler.now();
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_outcome_unknown');
    expect(fake.requests).toHaveLength(1);
    expect(telnyxErrorDetails(error)).toMatchObject({
      httpStatus: 503,
      attemptHint: { attempt: 'att-7', to: '+13125550100', from: '+13125550199', sentAtMs: start },
    });
  });

  it('a request timeout throws telnyx_outcome_unknown after exactly one request', async () => {
    client = makeClient({ requestTimeoutMs: 50 });
    fake.reply(never, json(200, {}));
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_outcome_unknown');
    expect(telnyxErrorDetails(error)).toMatchObject({ httpStatus: null, networkCode: 'ETIMEDOUT' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a socket reset after sending throws telnyx_outcome_unknown after exactly one request', async () => {
    fake.reply(resetSocket, json(200, {}));
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_outcome_unknown');
    expect(fake.requests).toHaveLength(1);
  });

  it('a refused connection proves nothing was sent, so the dial is retried', async () => {
    const port = await freePort();
    await fake.close();
    client = makeClient({ baseUrl: `http://127.0.0.1:${port}/v2` });
    const work = client.createCall(createParams);
    work.catch(() => {});
    // The first attempt is refused; the client is now waiting out its back-off.
    await until(() => scheduler.pending > 0);
    fake = await startFakeTelnyx(port);
    fake.reply(json(200, { from: '+13125550199', to: '+13125550100', status: 'queued' }));
    expect(await drive(scheduler, work)).toMatchObject({ status: 'queued' });
    expect(fake.requests).toHaveLength(1);
    expect(limiter.stats().granted).toBe(2);
  });

  it('refused every time ends in telnyx_unavailable after maxRetries', async () => {
    const port = await freePort();
    client = makeClient({ baseUrl: `http://127.0.0.1:${port}/v2`, maxRetries: 2 });
    const error = await failure(client.createCall(createParams));
    expect(error.code).toBe('telnyx_unavailable');
    expect(telnyxErrorDetails(error)).toMatchObject({ httpStatus: null, networkCode: 'ECONNREFUSED' });
    expect(limiter.stats().granted).toBe(3);
  });
});

describe('options', () => {
  it('names the bad option and value', () => {
    expect(() => makeClient({ maxRetries: -1 })).toThrow('Expected `maxRetries` to be an integer from 0 and up, got `-1` (number)');
    expect(() => makeClient({ baseUrl: 'api.telnyx.com' })).toThrow('Expected `baseUrl` to be an http(s) URL');
    expect(() => makeClient({ apiKey: '' })).toThrow('Expected `apiKey` to be a non-empty string');
  });
});
