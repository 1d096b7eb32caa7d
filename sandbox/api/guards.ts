/**
 * What every REST request meets before its route: injected failures, then the API key.
 *
 * @module
 */

import type { NextFunction, Request, Response } from 'express';
import { TELNYX_ERROR } from '../../lib/telnyx-wire.ts';
import { telnyxError } from '../../lib/wire-validation.ts';
import type { SandboxEnv } from '../env.ts';
import { errorReply, reply } from './respond.ts';

/** The `apiFailures` fault: the next N requests fail with 500/503, or 429 `10011`. */
export function injectedFailures(env: SandboxEnv) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const status = env.faults.takeApiFailure();
    if (status === null) {
      next();
      return;
    }
    if (status === 429) {
      // Header names from texml-api.md §1.1; `x-ratelimit-reset` taken as seconds until reset (UNCONFIRMED unit).
      reply(
        env,
        req,
        res,
        errorReply(429, [telnyxError(TELNYX_ERROR.tooManyRequests, 'Too many requests', 'You have exceeded the maximum number of allowed requests.')], {
          headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
        }),
      );
      return;
    }
    // 10007 "Unexpected error" from Telnyx's generic table.
    const detail = 'An unexpected error occured. (Injected by the sandbox apiFailures fault switch.)';
    reply(env, req, res, errorReply(status, [telnyxError('10007', 'Unexpected error', detail)]));
  };
}

/** `Authorization: Bearer <apiKey>`, else 401 `10009` saying how to fix it (stripe-mock style). */
export function requireApiKey(env: SandboxEnv, apiKey: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1] === apiKey) {
      next();
      return;
    }
    const problem = header === '' ? 'No Authorization header was sent.' : 'The Authorization header does not carry this sandbox\'s API key.';
    const detail =
      'The required authentication headers were either invalid or not included in the request. ' +
      `${problem} Send "Authorization: Bearer <API key>", with the API key the sandbox printed at start-up (Sandbox.apiKey in-process).`;
    reply(env, req, res, errorReply(401, [telnyxError(TELNYX_ERROR.unauthorized, 'Authentication failed', detail)]));
  };
}
