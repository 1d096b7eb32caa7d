/**
 * Express 5 middleware that admits only Telnyx-signed webhooks (texml-api.md §5).
 *
 * It reads the raw body itself, because the signature covers the bytes as received: the
 * route must not have a body parser in front of it. On success the route gets
 * `req.rawBody` and `req.telnyxFields`; on failure the request goes no further than this
 * middleware — it calls `next(DialerError)` and the central error handler answers.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../../lib/scheduler.ts';
import { SIGNATURE_HEADERS } from '../../lib/telnyx-wire.ts';
import { DialerError, type ErrorCode } from '../errors.ts';
import { importWebhookPublicKey, verifyWebhookSignature, type VerifyFailureReason } from './signature.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The body bytes exactly as received; set by {@link telnyxWebhookMiddleware}. */
    rawBody?: Buffer;
    /** Flat PascalCase fields of a verified Telnyx webhook (form body, or query of an opted-in GET). */
    telnyxFields?: Record<string, string>;
  }
}

/** Largest webhook body read, in bytes (1 MiB); Telnyx callbacks are a few KB. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface TelnyxWebhookMiddlewareOptions {
  /** The account's Ed25519 public key: 32 raw bytes, base64. Checked when the middleware is built. */
  publicKeyBase64: string;
  /** Time source for the timestamp tolerance. */
  clock: Clock;
  /** Largest accepted |now − telnyx-timestamp|, in seconds. @default 300 */
  toleranceS?: number;
  /**
   * Accept signed GET webhooks, taking the fields from the query string. Off by default:
   * a GET has an empty body, so the signature covers only `timestamp|` and NOT the query
   * (what Telnyx signs for GET callbacks is UNCONFIRMED, texml-api.md §5); anyone holding
   * one signed GET could replay its headers with a different query for `toleranceS`.
   * The dialer always asks for POST (`StatusCallbackMethod=POST`); opt in per route only
   * where a GET callback cannot be avoided.
   * @default false
   */
  allowSignedGet?: boolean;
  /** Told once per rejected request, with the reason and the remote address (never the body). */
  logger?: { warn(obj: Record<string, unknown>, msg: string): void };
}

const ERROR_BY_REASON: Record<VerifyFailureReason, ErrorCode> = {
  missing_headers: 'webhook_signature_missing',
  malformed: 'webhook_signature_invalid',
  bad_signature: 'webhook_signature_invalid',
  stale_timestamp: 'webhook_timestamp_stale',
};

/** Reasons this middleware rejects a request, beyond the signature check's own. */
type RejectReason = VerifyFailureReason | 'body_too_large' | 'method_not_allowed';

/**
 * Read the whole request body as a Buffer, refusing more than `limitBytes`.
 * Resolves `null` when the limit is exceeded (the rest of the stream is drained and
 * dropped so the socket can still carry the error response).
 */
function readRawBody(req: Request, limitBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isFormBody(req: Request): boolean {
  const type = req.headers['content-type'] ?? '';
  return type.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Query string of the request as flat fields; a repeated key keeps its last value. */
function queryFields(req: Request): Record<string, string> {
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  return Object.fromEntries(new URLSearchParams(search));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * @example
 * router.post('/telnyx/status', telnyxWebhookMiddleware({ publicKeyBase64, clock: scheduler }), (req, res) => {
 *   ingest(req.telnyxFields!);
 *   res.sendStatus(204);
 * });
 */
export function telnyxWebhookMiddleware(options: TelnyxWebhookMiddlewareOptions): RequestHandler {
  const { publicKeyBase64, clock, toleranceS = 300, allowSignedGet = false, logger } = options;
  // Fail at start-up, not on the first callback, when the key is unusable.
  importWebhookPublicKey(publicKeyBase64);
  if (typeof toleranceS !== 'number' || !Number.isFinite(toleranceS) || toleranceS < 0) {
    throw new TypeError(`Expected \`toleranceS\` to be a finite number from 0 and up, got \`${String(toleranceS)}\` (${typeof toleranceS})`);
  }

  function reject(req: Request, next: NextFunction, reason: RejectReason, code: ErrorCode, message: string): void {
    logger?.warn(
      { reason, remoteAddress: req.socket.remoteAddress, method: req.method, path: req.path },
      'telnyx webhook rejected',
    );
    next(new DialerError(code, { message, details: { reason } }));
  }

  async function handle(req: Request, next: NextFunction): Promise<void> {
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    if (isGet && !allowSignedGet) {
      reject(req, next, 'method_not_allowed', 'bad_request', 'Telnyx webhooks must be POSTed here (StatusCallbackMethod=POST)');
      return;
    }
    if (req.readableEnded || req.body !== undefined) {
      // A body parser ran first: the bytes the signature covers are gone.
      next(new Error('telnyxWebhookMiddleware needs the raw body: mount it before any body parser'));
      return;
    }
    const rawBody = await readRawBody(req, WEBHOOK_BODY_LIMIT_BYTES);
    if (rawBody === null) {
      reject(req, next, 'body_too_large', 'bad_request', `Webhook body exceeds ${WEBHOOK_BODY_LIMIT_BYTES} bytes`);
      return;
    }
    const result = verifyWebhookSignature({
      publicKeyBase64,
      timestampHeader: headerValue(req.headers[SIGNATURE_HEADERS.timestamp]),
      signatureHeader: headerValue(req.headers[SIGNATURE_HEADERS.signature]),
      rawBody,
      nowMs: clock.now(),
      toleranceS,
    });
    if (!result.ok) {
      reject(req, next, result.reason, ERROR_BY_REASON[result.reason], result.message);
      return;
    }
    req.rawBody = rawBody;
    if (isGet) req.telnyxFields = queryFields(req);
    else req.telnyxFields = isFormBody(req) ? Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))) : {};
    next();
  }

  return (req: Request, _res: Response, next: NextFunction) => {
    handle(req, next).catch(next);
  };
}
