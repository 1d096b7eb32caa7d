/**
 * Answering REST requests: every answer is also a transcript entry, written before the
 * response leaves, so the `api` line always precedes what the request set in motion.
 *
 * @module
 */

import type { Request, Response } from 'express';
import type { TelnyxErrorObject } from '../../lib/telnyx-wire.ts';
import { telnyxError } from '../../lib/wire-validation.ts';
import type { SimCall } from '../calls/call.ts';
import type { SandboxEnv } from '../env.ts';

export interface ApiReply {
  status: number;
  /** JSON body, or text when `text` is set. */
  body: unknown;
  text?: boolean;
  headers?: Record<string, string>;
  /** Stable words after the status in the transcript line, e.g. `queued` or `10004 10004`. */
  summary?: string;
  /** Stable request parameters for the line, e.g. `To=+15550001234`. */
  params?: string;
  call?: SimCall;
}

export function reply(env: SandboxEnv, req: Request, res: Response, answer: ApiReply): void {
  const params = answer.params ? ` ${answer.params}` : '';
  const summary = answer.summary ? ` ${answer.summary}` : '';
  env.transcript.add({
    kind: 'api',
    ...(answer.call ? { callSid: answer.call.sid, leg: answer.call.leg } : {}),
    line: `api ${req.method} ${linePath(req.originalUrl)}${params} → ${answer.status}${summary}`,
    detail: { url: req.originalUrl, request: req.body ?? null, response: answer.body },
  });
  res.status(answer.status);
  if (answer.headers) res.set(answer.headers);
  if (answer.text) res.type('text/plain').send(String(answer.body));
  else res.json(answer.body);
}

/** A Telnyx error body; the line summary lists the codes. */
export function errorReply(status: number, errors: TelnyxErrorObject[], extra: Partial<ApiReply> = {}): ApiReply {
  return { status, body: { errors }, summary: errors.map((error) => error.code ?? '-').join(' '), ...extra };
}

/** 404 for an unknown call, in the call-scripting shape Telnyx uses (texml-api.md §1.1). */
export const CALL_NOT_FOUND: ApiReply = { status: 404, body: { errors: [{ detail: 'Resource not found' }] }, summary: 'not found' };

export function accountNotFound(accountSid: string, expected: string): ApiReply {
  return errorReply(404, [
    telnyxError('10005', 'Resource not found', `No account ${accountSid} in this sandbox; its account sid is ${expected}.`),
  ]);
}

/**
 * The request path with what varies between runs taken out: `/v2`, the account sid, the
 * call sid and credential id (`:sid`, `:id`), `.json` and the query string.
 */
export function linePath(originalUrl: string): string {
  let path = originalUrl.split('?')[0] ?? originalUrl;
  const v2 = path.indexOf('/v2/');
  if (v2 >= 0) path = path.slice(v2 + 3);
  return path
    .replace(/\.json$/, '')
    .replace(/^\/texml\/Accounts\/[^/]+\/Calls/, '/Calls')
    .replace(/^\/Calls\/[^/]+/, '/Calls/:sid')
    .replace(/^\/telephony_credentials\/[^/]+/, '/telephony_credentials/:id');
}

/** What kind of body arrived: JSON, form, none, or something unsupported. */
export function bodyEncoding(req: Request): 'json' | 'form' | 'none' | 'unsupported' {
  if (req.is('application/json')) return 'json';
  if (req.is('application/x-www-form-urlencoded')) return 'form';
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  return hasBody ? 'unsupported' : 'none';
}

/** 415 with Telnyx's generic `10024 Unsupported Content-Type` (texml-api.md §1.1). */
export function unsupportedContentType(accepted: string): ApiReply {
  return errorReply(415, [telnyxError('10024', 'Unsupported Content-Type', `Send the request body as ${accepted}.`)]);
}
