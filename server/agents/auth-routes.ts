/**
 * `/api/auth`: log in (cookie or bearer session), log out, who am I.
 *
 * @module
 */
import { z } from 'zod';
import { DialerError } from '../errors.ts';
import { ANY_ROLE, apiRoute, type ApiRouter } from '../http/api-route.ts';
import { parseBody } from '../http/validate.ts';
import { principalOf, SESSION_COOKIE } from './auth.ts';
import { LoginRateLimiter } from './login-limiter.ts';
import { MAX_PASSWORD_LENGTH, verifyDummy, verifyPassword } from './passwords.ts';
import { createSession, deleteSession } from './sessions.ts';
import { publicUser } from './tables.ts';
import { findUserByUsername, normalizeUsername } from './users.ts';

const loginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  /** `cookie` (browsers, the default) or `bearer` (scripts, other servers). */
  tokenType: z.enum(['cookie', 'bearer']).optional(),
});

export function registerAuthRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const limiter = new LoginRateLimiter(ctx.scheduler);
  const secure = ctx.config.http.publicBaseUrl.startsWith('https:') ? '; Secure' : '';

  apiRoute(api, {
    method: 'post',
    path: '/auth/login',
    roles: 'public',
    handler: async (req, res) => {
      const body = parseBody(loginRequest, req.body);
      const username = normalizeUsername(body.username);
      // Behind a reverse proxy, set Express's `trust proxy` so that this is the client's address.
      const ip = req.ip ?? 'unknown';
      const check = limiter.check(username, ip);
      if (!check.allowed) {
        res.set('Retry-After', String(check.retryAfterS));
        throw new DialerError('rate_limited', {
          message: `Too many failed logins; try again in ${check.retryAfterS} s.`,
          details: { retryAfterS: check.retryAfterS },
        });
      }
      const user = await findUserByUsername(ctx.db, username);
      // The same work and the same answer whether the user is unknown, disabled or the password wrong.
      const ok = user && !user.disabled ? await verifyPassword(body.password, user.password_hash) : await verifyDummy(body.password);
      if (!ok || !user) {
        limiter.recordFailure(username, ip);
        throw new DialerError('invalid_credentials');
      }
      limiter.recordSuccess(username, ip);
      const kind = body.tokenType ?? 'cookie';
      const { session, token } = await createSession(ctx.db, user.id, kind, new Date(ctx.scheduler.now()));
      if (kind === 'cookie') {
        res.append('Set-Cookie', `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${secure}`);
        res.json({ user: publicUser(user), csrfToken: session.csrf_token });
      } else {
        res.json({ user: publicUser(user), csrfToken: session.csrf_token, token });
      }
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/auth/logout',
    roles: ANY_ROLE,
    handler: async (req, res) => {
      const principal = principalOf(req);
      if (principal.session) await deleteSession(ctx.db, principal.session.id);
      if (principal.user.role === 'agent') await ctx.presence.applyQuietly(principal.user.id, { type: 'logout' });
      if (principal.via === 'cookie') res.append('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure}`);
      res.status(204).end();
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/auth/me',
    roles: ANY_ROLE,
    handler: (req, res) => {
      const principal = principalOf(req);
      res.json({ user: principal.user, csrfToken: principal.session?.csrf_token ?? null });
    },
  });
}
