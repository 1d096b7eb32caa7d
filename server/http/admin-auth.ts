/**
 * Bearer-token authentication for the API until users and roles exist (issue #3):
 * one admin token from the config, compared in constant time.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { DialerError } from '../errors.ts';

export function requireAdminToken(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      next(new DialerError('unauthenticated', { message: 'Send the admin token as "Authorization: Bearer <token>".' }));
      return;
    }
    // Hash both sides so the comparison is constant-time whatever the token length.
    if (!timingSafeEqual(digest(match[1]!.trim()), expected)) {
      next(new DialerError('unauthenticated', { message: 'The bearer token is not valid.' }));
      return;
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
