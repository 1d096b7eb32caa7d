/**
 * Authentication of the routes Telnyx fetches for TeXML (`Url`, `<Dial action>`).
 * Signed requests are verified like callbacks; unsigned ones must carry the attempt's
 * URL token (see `url-token.ts` for why both are accepted), unless the route requires a
 * signature (`requireSignature`). The request's fields (form body for POST, query for
 * GET) are parsed only after that.
 *
 * @module
 */
import express, { type RequestHandler } from 'express';
import { SIGNATURE_HEADERS } from '../../lib/telnyx-wire.ts';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { importWebhookPublicKey, verifyWebhookSignature } from '../telnyx/signature.ts';
import { verifyAttemptToken } from './url-token.ts';

const readRawBody = express.raw({ type: () => true, limit: '1mb' });

const REFUSALS = {
  missing_headers: 'webhook_signature_missing',
  malformed: 'webhook_signature_invalid',
  bad_signature: 'webhook_signature_invalid',
  stale_timestamp: 'webhook_timestamp_stale',
} as const;

export interface TexmlAuthOptions {
  /**
   * What the URL token of an unsigned request must be the HMAC of. @default the
   * request's `attempt` query parameter. A route whose one fixed URL is configured on a
   * Telnyx connection (`/texml/parked`) has no attempt yet, so its token covers a fixed
   * subject instead: a secret in the connection's URL, because whether Telnyx signs
   * instruction fetches is UNCONFIRMED (texml-api.md §10.7) and requiring a signature
   * could refuse every real call.
   */
  tokenSubject?: string;
}

export function texmlAuth(ctx: AppContext, options: TexmlAuthOptions = {}): RequestHandler[] {
  // Fail at start-up, not on Telnyx's first fetch, when the configured key is unusable.
  importWebhookPublicKey(ctx.telnyxAccount.webhookPublicKeyBase64);
  const check: RequestHandler = (req, res, next) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const attemptId = typeof req.query.attempt === 'string' ? req.query.attempt : '';
    const timestampHeader = req.get(SIGNATURE_HEADERS.timestamp);
    const signatureHeader = req.get(SIGNATURE_HEADERS.signature);

    if (timestampHeader !== undefined || signatureHeader !== undefined) {
      const result = verifyWebhookSignature({
        publicKeyBase64: ctx.telnyxAccount.webhookPublicKeyBase64,
        timestampHeader,
        signatureHeader,
        rawBody,
        nowMs: ctx.scheduler.now(),
        toleranceS: ctx.config.telnyx.webhookToleranceS,
      });
      if (!result.ok) {
        ctx.logger.warn({ path: req.path, reason: result.reason, remote: req.ip }, 'TeXML request refused');
        next(new DialerError(REFUSALS[result.reason], { message: result.message }));
        return;
      }
    } else if (!verifyAttemptToken(ctx.config.secrets.dialerSecret, options.tokenSubject ?? attemptId, stringParam(req.query.t))) {
      ctx.logger.warn({ path: req.path, remote: req.ip }, 'TeXML request refused: no signature and no valid token');
      next(new DialerError('texml_token_invalid'));
      return;
    }

    const fields: Record<string, string> = {};
    const source = req.method === 'GET' ? new URLSearchParams(req.url.split('?')[1] ?? '') : new URLSearchParams(rawBody.toString('utf8'));
    for (const [key, value] of source) fields[key] = value;
    res.locals.texmlFields = fields;
    res.locals.rawBody = rawBody.toString('utf8');
    next();
  };
  return [readRawBody, check];
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
