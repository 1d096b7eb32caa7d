/**
 * A scriptable stand-in for the Telnyx REST API: a tiny Express app on an ephemeral
 * port that records every request exactly as received (method, raw URL, headers, body
 * text) and answers with the replies the test queued, in order.
 *
 * @module
 */
import express, { type Request, type Response } from 'express';
import { once } from 'node:events';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VirtualScheduler } from '../../../lib/scheduler.ts';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent (not decoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = (req: Request, res: Response) => void;

export interface FakeTelnyx {
  /** Base URL to give the client, ending in `/v2`. */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue replies; each request takes the next one. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A JSON reply with optional headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.status(status).set(headers).json(body);
  };
}

/** A reply that never answers (for timeouts). */
export const never: Reply = () => {};

/** A reply that drops the connection after the request arrived. */
export const resetSocket: Reply = (req) => {
  req.socket.destroy();
};

export async function startFakeTelnyx(port = 0): Promise<FakeTelnyx> {
  const requests: RecordedRequest[] = [];
  const replies: Reply[] = [];
  const app = express();
  app.use(express.raw({ type: () => true }));
  app.use((req, res) => {
    requests.push({
      method: req.method,
      url: req.originalUrl,
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    });
    const next = replies.shift();
    if (next) next(req, res);
    else res.status(500).json({ errors: [{ detail: 'fake Telnyx: no reply scripted' }] });
  });
  const server: Server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${actualPort}/v2`,
    port: actualPort,
    requests,
    reply: (...more) => replies.push(...more),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const fake = await startFakeTelnyx();
  await fake.close();
  return fake.port;
}

/**
 * Await `work` while it mixes real I/O (HTTP to the fake) with waits on a
 * VirtualScheduler: whenever the code under test is waiting on virtual time, run the
 * scheduler; otherwise yield to the event loop so the I/O can finish. No wall-clock
 * sleeping, and virtual time moves only as far as the code asked it to.
 */
export async function drive<T>(scheduler: VirtualScheduler, work: Promise<T>): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  while (!done) {
    if (scheduler.pending > 0) await scheduler.runUntilIdle();
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return settled;
}

/** Yield to the event loop until `condition` holds (for I/O the test cannot await). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}
