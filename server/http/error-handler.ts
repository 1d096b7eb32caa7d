/**
 * The one place where errors become HTTP answers. A {@link DialerError} answers with its
 * own status and `{ error: { code, message, details } }`; anything else is logged with
 * its stack and answers a plain 500 without it, so no stack trace ever reaches a client.
 *
 * @module
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DialerError } from '../errors.ts';
import type { Logger } from '../log.ts';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const dialerError = toDialerError(error);
    if (dialerError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    } else {
      logger.debug({ code: dialerError.code, method: req.method, path: req.path }, 'request refused');
    }
    if (res.headersSent) return;
    res.status(dialerError.status).json(dialerError.toJSON());
  };
}

/** Unknown routes answer in the same error shape as everything else. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new DialerError('not_found', { message: `No route for ${req.method} ${req.path}.` }));
};

function toDialerError(error: unknown): DialerError {
  if (error instanceof DialerError) return error;
  // Body-parser errors carry an HTTP status and `expose`; keep their 4xx meaning.
  if (isHttpError(error) && error.status < 500) {
    return new DialerError('bad_request', {
      message: error.status === 413 ? 'The request body is too large.' : 'The request body could not be parsed.',
    });
  }
  return new DialerError('internal', { cause: error });
}

function isHttpError(error: unknown): error is { status: number } {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}
