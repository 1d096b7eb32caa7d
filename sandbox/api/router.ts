/**
 * The emulated Telnyx REST API, mounted at `/v2`: injected failures first, then the API
 * key, then the routes. Unknown routes answer in Telnyx's error shape with what was
 * asked for (stripe-mock's "Unrecognized request URL").
 *
 * @module
 */

import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { telnyxError } from '../../lib/wire-validation.ts';
import type { SandboxEnv } from '../env.ts';
import { callsRouter } from './calls-routes.ts';
import { credentialsRouter } from './credentials-routes.ts';
import { injectedFailures, requireApiKey } from './guards.ts';
import { errorReply, reply } from './respond.ts';

/** Bodies larger than this are refused; a create request is a few kB. */
const BODY_LIMIT = '1mb';

export function apiRouter(env: SandboxEnv, apiKey: string): Router {
  const router = Router();
  router.use(injectedFailures(env), requireApiKey(env, apiKey));
  router.use(express.json({ limit: BODY_LIMIT }), express.urlencoded({ extended: false, limit: BODY_LIMIT }));
  router.use(callsRouter(env), credentialsRouter(env));
  router.use((req, res) => {
    const detail = `Unrecognized request URL (${req.method}: ${req.originalUrl}). The sandbox emulates the TeXML Calls and telephony-credential endpoints only.`;
    reply(env, req, res, errorReply(404, [telnyxError('10005', 'Resource not found', detail)]));
  });
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = (error as { status?: number }).status;
    if (status !== undefined && status >= 400 && status < 500) {
      const message = error instanceof Error ? error.message : String(error);
      reply(env, req, res, errorReply(status, [telnyxError('10015', 'Bad Request', `The request body could not be read: ${message}`)]));
      return;
    }
    env.logger.error({ err: error }, 'sandbox REST handler failed');
    reply(env, req, res, errorReply(500, [telnyxError('10007', 'Unexpected error', 'An unexpected error occured in the sandbox.')]));
  });
  return router;
}
