/**
 * Test rig for the sandbox: a sandbox on a virtual clock, and a small "customer app"
 * that records every request the sandbox makes (checking each signature with the
 * published public key) and answers the TeXML a test scripts per path.
 */

import { createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { SIGNATURE_HEADERS } from '../../../lib/telnyx-wire.ts';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/index.ts';

export const START = Date.UTC(2026, 0, 5, 15, 0, 0);
export const API_KEY = 'KEYtest_sandbox';

export interface Received {
  method: string;
  path: string;
  /** Fields from the form body (POST) or the query string (GET). */
  fields: Record<string, string>;
  query: Record<string, string>;
  rawBody: string;
  signatureValid: boolean;
  /** Virtual ms since START when it arrived. */
  atMs: number;
}

export interface Answer {
  status?: number;
  body?: string;
}

export interface Harness {
  scheduler: VirtualScheduler;
  sandbox: Sandbox;
  sandboxUrl: string;
  /** Base URL of the customer app. */
  app: string;
  received: Received[];
  /** Answer requests to `path` with TeXML (200) or a custom answer. */
  on(path: string, answer: string | Answer | ((request: Received) => string | Answer)): void;
  /** Requests the customer app got on `path`. */
  at(path: string): Received[];
  /** A REST call to the sandbox, authorised unless `auth` is false. */
  api(method: string, path: string, body?: Record<string, unknown>, options?: { form?: boolean; auth?: boolean | string }): Promise<ApiResult>;
  /** Create a call on the account; `fields` are merged over To/From/ApplicationSid. */
  createCall(fields: Record<string, unknown>, options?: { form?: boolean }): Promise<ApiResult>;
  callsPath: string;
  elapsedMs(): number;
  lines(kind?: string | string[]): string[];
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function startHarness(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const scheduler = new VirtualScheduler(START);
  const sandbox = createSandbox({ scheduler, seed: 42, apiKey: API_KEY, accountSid: 'acct-test', applicationSid: 'app-123', ...options });
  const listening = await sandbox.listen(0);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(sandbox.publicKeyBase64, 'base64').toString('base64url') },
    format: 'jwk',
  });

  const received: Received[] = [];
  const answers = new Map<string, string | Answer | ((request: Received) => string | Answer)>();
  const customer = express();
  customer.use(express.raw({ type: () => true }));
  customer.use((req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const url = new URL(req.originalUrl, 'http://customer');
    const query = Object.fromEntries(url.searchParams);
    const timestamp = String(req.headers[SIGNATURE_HEADERS.timestamp] ?? '');
    const signature = String(req.headers[SIGNATURE_HEADERS.signature] ?? '');
    const signatureValid =
      timestamp !== '' &&
      Number(timestamp) === Math.trunc(scheduler.now() / 1000) &&
      verify(null, Buffer.from(`${timestamp}|${rawBody}`), publicKey, Buffer.from(signature, 'base64'));
    const request: Received = {
      method: req.method,
      path: url.pathname,
      fields: req.method === 'GET' ? query : Object.fromEntries(new URLSearchParams(rawBody)),
      query,
      rawBody,
      signatureValid,
      atMs: scheduler.now() - START,
    };
    received.push(request);
    const scripted = answers.get(url.pathname);
    const answer = typeof scripted === 'function' ? scripted(request) : scripted;
    const normalized: Answer = typeof answer === 'string' ? { status: 200, body: answer } : (answer ?? {});
    res.status(normalized.status ?? 200).type('application/xml').send(normalized.body ?? '');
  });
  const server: Server = createServer(customer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const callsPath = `/v2/texml/Accounts/${sandbox.accountSid}/Calls`;

  const api: Harness['api'] = async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.auth !== false) headers.authorization = typeof opts.auth === 'string' ? opts.auth : `Bearer ${API_KEY}`;
    let payload: string | undefined;
    if (body !== undefined) {
      if (opts.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        payload = new URLSearchParams(Object.entries(body).map(([key, value]) => [key, String(value)])).toString();
      } else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      }
    }
    const response = await fetch(`${listening.url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Plain-text answers (tokens) stay text.
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  return {
    scheduler,
    sandbox,
    sandboxUrl: listening.url,
    app,
    received,
    on: (path, answer) => answers.set(path, answer),
    at: (path) => received.filter((request) => request.path === path),
    api,
    createCall: (fields, opts) =>
      api('POST', callsPath, { ApplicationSid: 'app-123', From: '+15550009999', ...fields }, opts ?? {}),
    callsPath,
    elapsedMs: () => scheduler.now() - START,
    lines: (kind) => sandbox.control.lines(kind === undefined ? {} : { kind: kind as never }),
    drain: () => scheduler.runUntilIdle(),
    async close() {
      await listening.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** `<Response>…</Response>` around `inner`. */
export function texml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
}
