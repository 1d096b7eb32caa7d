/**
 * Every request the sandbox makes to the customer's app: status and AMD callbacks and
 * instruction fetches. Form-encoded, PascalCase, and signed like Telnyx's webhooks; with
 * `GET` the fields go in the query string instead (texml-api.md §4, §11.11).
 *
 * Instruction fetches are signed too. Whether Telnyx signs them is UNCONFIRMED
 * (texml-api.md §5); signing costs nothing and lets the dialer check them.
 *
 * @module
 */

import type { Clock } from '../../lib/scheduler.ts';
import type { HttpMethod } from '../../lib/telnyx-wire.ts';
import type { Signer } from '../signing.ts';
import { SANDBOX_VERSION } from '../version.ts';

export interface OutboundRequest {
  method: HttpMethod;
  url: string;
  fields: Readonly<Record<string, string>>;
}

export interface OutboundResult {
  /** HTTP status, or why there was none. */
  status: number | 'timeout' | 'error';
  body: string;
  /** The exact URL requested (with the query string for GET). */
  requestUrl: string;
  /** The exact body sent (empty for GET). */
  rawBody: string;
  /** Network error message, when `status` is `error` or `timeout`. */
  error?: string;
}

export interface HttpSender {
  send(request: OutboundRequest): Promise<OutboundResult>;
}

/** Responses larger than this (bytes) are cut: a TeXML document is a few kB. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * @param timeoutMs wall-clock ms before a request is abandoned. It guards real sockets,
 *   so it is real time even under a virtual scheduler.
 */
export function createHttpSender(signer: Signer, clock: Clock, timeoutMs: number): HttpSender {
  return {
    async send({ method, url, fields }) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return { status: 'error', body: '', requestUrl: url, rawBody: '', error: `invalid URL ${JSON.stringify(url)}` };
      }
      const rawBody = method === 'POST' ? new URLSearchParams(fields).toString() : '';
      if (method === 'GET') for (const [key, value] of Object.entries(fields)) target.searchParams.append(key, value);
      const headers: Record<string, string> = {
        'user-agent': `telnyx-sandbox/${SANDBOX_VERSION}`,
        accept: 'application/xml, text/xml, */*',
        ...signer.webhookHeaders(clock.now() / 1000, rawBody),
      };
      if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
      const requestUrl = target.toString();
      try {
        const response = await fetch(requestUrl, {
          method,
          headers,
          ...(method === 'POST' ? { body: rawBody } : {}),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        const body = (await response.text()).slice(0, MAX_BODY_BYTES);
        return { status: response.status, body, requestUrl, rawBody };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const message = error instanceof Error ? describe(error) : String(error);
        return { status: name === 'TimeoutError' ? 'timeout' : 'error', body: '', requestUrl, rawBody, error: message };
      }
    },
  };
}

function describe(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
