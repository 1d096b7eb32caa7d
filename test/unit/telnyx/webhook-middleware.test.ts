import express, { type NextFunction, type Request, type Response } from 'express';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DialerError } from '../../../server/errors.ts';
import { generateWebhookKeyPair, signWebhookPayload } from '../../../server/telnyx/signature.ts';
import { telnyxWebhookMiddleware, type TelnyxWebhookMiddlewareOptions } from '../../../server/telnyx/webhook-middleware.ts';

const NOW_MS = Date.UTC(2026, 0, 5, 15, 0, 0);
const NOW_S = NOW_MS / 1000;
const FORM = 'application/x-www-form-urlencoded';
const BODY = 'AccountSid=acct-123&CallSid=v3%3Aabc&CallStatus=in-progress&SequenceNumber=3';
const { privateKey, publicKeyBase64 } = generateWebhookKeyPair();

interface LogEntry {
  obj: Record<string, unknown>;
  msg: string;
}

/** A small app: the middleware on two routes, and an error handler mapping DialerError.status. */
function makeApp(overrides: Partial<TelnyxWebhookMiddlewareOptions> = {}) {
  const logs: LogEntry[] = [];
  const options: TelnyxWebhookMiddlewareOptions = {
    publicKeyBase64,
    clock: { now: () => NOW_MS },
    logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
    ...overrides,
  };
  const app = express();
  const echo = (req: Request, res: Response) => {
    res.json({ fields: req.telnyxFields, raw: req.rawBody?.toString('utf8') });
  };
  app.post('/telnyx/status', telnyxWebhookMiddleware(options), echo);
  app.get('/telnyx/status', telnyxWebhookMiddleware(options), echo);
  app.get('/telnyx/get-ok', telnyxWebhookMiddleware({ ...options, allowSignedGet: true }), echo);
  app.post('/parsed-first', express.urlencoded(), telnyxWebhookMiddleware(options), echo);
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof DialerError) res.status(error.status).json(error.toJSON());
    else res.status(500).json({ error: { code: 'internal' } });
  });
  return { app, logs };
}

function signatureHeaders(rawBody: string, timestampS = NOW_S) {
  return signWebhookPayload({ privateKey, timestampS, rawBody });
}

describe('telnyxWebhookMiddleware', () => {
  it('passes a signed form callback on with its raw body and fields', async () => {
    const { app, logs } = makeApp();
    const res = await request(app).post('/telnyx/status').type(FORM).set(signatureHeaders(BODY)).send(BODY);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      fields: { AccountSid: 'acct-123', CallSid: 'v3:abc', CallStatus: 'in-progress', SequenceNumber: '3' },
      raw: BODY,
    });
    expect(logs).toEqual([]);
  });

  it('answers 400 webhook_signature_missing without headers', async () => {
    const { app } = makeApp();
    const res = await request(app).post('/telnyx/status').type(FORM).send(BODY);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('webhook_signature_missing');
  });

  it('answers 403 webhook_signature_invalid for a tampered body, and logs once without the body', async () => {
    const { app, logs } = makeApp();
    const tampered = BODY.replace('in-progress', 'completed');
    const res = await request(app).post('/telnyx/status').type(FORM).set(signatureHeaders(BODY)).send(tampered);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'webhook_signature_invalid', message: 'Signature does not verify with the configured public key', details: { reason: 'bad_signature' } },
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.obj).toMatchObject({ reason: 'bad_signature', method: 'POST', path: '/telnyx/status' });
    expect(logs[0]!.obj.remoteAddress).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(logs[0])).not.toContain('completed');
  });

  it('answers 403 for a malformed signature header', async () => {
    const { app } = makeApp();
    const res = await request(app).post('/telnyx/status').type(FORM).set({ ...signatureHeaders(BODY), 'telnyx-signature-ed25519': 'abc' }).send(BODY);
    expect(res.status).toBe(403);
    expect(res.body.error.details).toEqual({ reason: 'malformed' });
  });

  it('answers 401 webhook_timestamp_stale for a signed but 10-minute-old callback', async () => {
    const { app } = makeApp();
    const res = await request(app).post('/telnyx/status').type(FORM).set(signatureHeaders(BODY, NOW_S - 600)).send(BODY);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('webhook_timestamp_stale');
  });

  it('refuses a body over 1 MiB', async () => {
    const { app, logs } = makeApp();
    const big = `Pad=${'x'.repeat(1024 * 1024)}`;
    const res = await request(app).post('/telnyx/status').type(FORM).set(signatureHeaders(big)).send(big);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(logs[0]!.obj.reason).toBe('body_too_large');
  });

  it('refuses a chunked body once it passes 1 MiB, without a Content-Length to go by', async () => {
    const { app, logs } = makeApp();
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/telnyx/status', headers: { 'content-type': FORM, ...signatureHeaders('x') } });
      const answered = once(req, 'response') as Promise<[http.IncomingMessage]>;
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
      const [res] = await answered;
      res.resume();
      expect(req.getHeader('content-length')).toBeUndefined();
      expect(res.statusCode).toBe(400);
      expect(logs.map((entry) => entry.obj.reason)).toEqual(['body_too_large']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('gives a signed non-form body no fields but keeps the raw bytes', async () => {
    const { app } = makeApp();
    const body = '{"data":{"event_type":"call.initiated"}}';
    const res = await request(app).post('/telnyx/status').type('application/json').set(signatureHeaders(body)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fields: {}, raw: body });
  });

  it('refuses GET callbacks unless the route opts in, even when signed', async () => {
    const { app, logs } = makeApp();
    const res = await request(app).get('/telnyx/status?CallSid=v3%3Aabc').set(signatureHeaders(''));
    expect(res.status).toBe(400);
    expect(logs[0]!.obj.reason).toBe('method_not_allowed');
  });

  it('on an opted-in route, takes a signed GET callback’s fields from the query', async () => {
    const { app } = makeApp();
    const ok = await request(app).get('/telnyx/get-ok?CallSid=v3%3Aabc&CallStatus=completed').set(signatureHeaders(''));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ fields: { CallSid: 'v3:abc', CallStatus: 'completed' }, raw: '' });
    const unsigned = await request(app).get('/telnyx/get-ok?CallSid=v3%3Aabc');
    expect(unsigned.status).toBe(400);
  });

  it('fails loudly when a body parser consumed the body first', async () => {
    const { app } = makeApp();
    const res = await request(app).post('/parsed-first').type(FORM).set(signatureHeaders(BODY)).send(BODY);
    expect(res.status).toBe(500);
  });

  it('refuses an unusable public key when built', () => {
    expect(() => telnyxWebhookMiddleware({ publicKeyBase64: 'KEY0123', clock: { now: () => NOW_MS } })).toThrow(
      /Expected `publicKeyBase64` to be base64 of 32 bytes/,
    );
  });
});
