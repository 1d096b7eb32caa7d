/**
 * Who is calling the API, and may they. Three ways in, checked in this order:
 *
 * 1. `Authorization: Bearer <token>`: a bearer session from `POST /api/auth/login`
 *    (`tokenType: 'bearer'`), or `DIALER_ADMIN_TOKEN`, which acts as a built-in admin
 *    (scripts, the first set-up, tests). Browsers never attach this header on their own,
 *    so no CSRF check is needed.
 * 2. The `dialer_session` cookie (HttpOnly, SameSite=Strict). Browsers do attach cookies,
 *    so every unsafe method (POST, PUT, PATCH, DELETE) must also carry the session's
 *    token in `X-CSRF-Token`, else 403 `csrf_failed`.
 * 3. Nothing: 401 `unauthenticated`.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { DialerError } from '../errors.ts';
import { findSession } from './sessions.ts';
import type { PublicUser, Role, SessionRow } from './tables.ts';
import { publicUser } from './tables.ts';

export const SESSION_COOKIE = 'dialer_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Principal {
  user: PublicUser;
  via: 'cookie' | 'bearer' | 'admin_token';
  /** Null for the admin token. */
  session: SessionRow | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated caller; set by {@link authenticate}. */
    auth?: Principal;
  }
}

/** The principal of `DIALER_ADMIN_TOKEN`: not a row in `users`. */
export const ADMIN_TOKEN_USER: PublicUser = { id: 'admin-token', username: 'admin-token', displayName: 'Admin (API token)', role: 'admin' };

export interface Credentials {
  /** The `Authorization` header. */
  authorization?: string | undefined;
  /** The `Cookie` header. */
  cookie?: string | undefined;
  /** A token from elsewhere (the WebSocket's `?token=`), treated like a bearer token. */
  token?: string | undefined;
}

/** The caller, or null when no credentials were sent; throws 401 for wrong or expired ones. */
export async function resolvePrincipal(ctx: AppContext, credentials: Credentials): Promise<Principal | null> {
  const now = new Date(ctx.scheduler.now());
  const bearer = credentials.token ?? bearerToken(credentials.authorization);
  if (bearer !== undefined) {
    if (sameSecret(bearer, ctx.config.secrets.adminToken)) return { user: ADMIN_TOKEN_USER, via: 'admin_token', session: null };
    const found = await findSession(ctx.db, bearer, now);
    if (!found) throw new DialerError('unauthenticated', { message: 'The bearer token is not valid or has expired; log in again.' });
    return { user: publicUser(found.user), via: 'bearer', session: found.session };
  }
  const cookie = readCookie(credentials.cookie, SESSION_COOKIE);
  if (cookie !== undefined) {
    const found = await findSession(ctx.db, cookie, now);
    if (!found) throw new DialerError('unauthenticated', { message: 'Your session has expired; log in again.' });
    return { user: publicUser(found.user), via: 'cookie', session: found.session };
  }
  return null;
}

/** Sets `req.auth`, or fails with 401; then enforces CSRF for cookie sessions. */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const principal = await resolvePrincipal(ctx, { authorization: req.get('authorization'), cookie: req.get('cookie') });
    if (!principal) {
      throw new DialerError('unauthenticated', {
        message: 'Log in first (POST /api/auth/login), or send "Authorization: Bearer <token>".',
      });
    }
    req.auth = principal;
    requireCsrf(req, _res, next);
  };
}

/** Unsafe methods of a cookie session must echo the session's CSRF token. */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  const auth = req.auth;
  if (!auth || auth.via !== 'cookie' || SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  const given = req.get(CSRF_HEADER);
  if (given === undefined || !sameSecret(given, auth.session!.csrf_token)) {
    next(new DialerError('csrf_failed'));
    return;
  }
  next();
};

/** 401 without a principal, 403 `forbidden` for a role not in `roles`. */
export function requireRoles(roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) {
      next(new DialerError('unauthenticated'));
      return;
    }
    if (!roles.includes(req.auth.user.role)) {
      next(new DialerError('forbidden', { message: `This needs the role ${roles.join(' or ')}; you are ${req.auth.user.role}.` }));
      return;
    }
    next();
  };
}

/** The authenticated caller of a route that went through {@link authenticate}. */
export function principalOf(req: Request): Principal {
  if (!req.auth) throw new DialerError('unauthenticated');
  return req.auth;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Constant-time equality whatever the lengths (both sides hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
