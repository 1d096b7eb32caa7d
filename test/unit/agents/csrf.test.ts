/**
 * CSRF protection of cookie sessions, and the small header parsers of `auth.ts`, on a
 * minimal Express app (no database): the principal is planted by a stub.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bearerToken, readCookie, requireCsrf, requireRoles, sameSecret, type Principal } from '../../../server/agents/auth.ts';
import { errorHandler } from '../../../server/http/error-handler.ts';
import { silentLogger } from '../../../server/log.ts';

const CSRF = 'csrf-token-of-the-session';

function principal(via: Principal['via'], role: Principal['user']['role'] = 'agent'): Principal {
  return {
    user: { id: 'u1', username: 'u1', displayName: 'U1', role },
    via,
    session:
      via === 'admin_token'
        ? null
        : { id: 's1', user_id: 'u1', token_hash: 'h', csrf_token: CSRF, kind: via, created_at: new Date(), expires_at: new Date(), last_seen_at: new Date() },
  };
}

function app() {
  const server = express();
  server.use((req, _res, next) => {
    const via = req.get('x-test-via') as Principal['via'] | undefined;
    if (via) req.auth = principal(via, (req.get('x-test-role') as Principal['user']['role']) ?? 'agent');
    next();
  });
  server.use(requireCsrf);
  server.all('/thing', (_req, res) => {
    res.json({ ok: true });
  });
  server.get('/staff', requireRoles(['supervisor', 'admin']), (_req, res) => {
    res.json({ ok: true });
  });
  server.use(errorHandler(silentLogger()));
  return server;
}

describe('requireCsrf', () => {
  it.each(['post', 'put', 'patch', 'delete'] as const)('refuses a cookie-session %s without the token', async (method) => {
    const response = await request(app())[method]('/thing').set('x-test-via', 'cookie');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('csrf_failed');
  });

  it('refuses a wrong token and accepts the right one', async () => {
    const wrong = await request(app()).post('/thing').set('x-test-via', 'cookie').set('x-csrf-token', `${CSRF}x`);
    expect(wrong.status).toBe(403);
    const right = await request(app()).post('/thing').set('x-test-via', 'cookie').set('X-CSRF-Token', CSRF);
    expect(right.status).toBe(200);
  });

  it('lets safe methods through, and bearer or admin-token callers without a token', async () => {
    expect((await request(app()).get('/thing').set('x-test-via', 'cookie')).status).toBe(200);
    expect((await request(app()).head('/thing').set('x-test-via', 'cookie')).status).toBe(200);
    expect((await request(app()).post('/thing').set('x-test-via', 'bearer')).status).toBe(200);
    expect((await request(app()).post('/thing').set('x-test-via', 'admin_token')).status).toBe(200);
  });
});

describe('requireRoles', () => {
  it('answers 401 without a principal and 403 forbidden for another role', async () => {
    expect((await request(app()).get('/staff')).body.error.code).toBe('unauthenticated');
    const agent = await request(app()).get('/staff').set('x-test-via', 'bearer');
    expect(agent.status).toBe(403);
    expect(agent.body.error).toEqual({ code: 'forbidden', message: 'This needs the role supervisor or admin; you are agent.' });
    expect((await request(app()).get('/staff').set('x-test-via', 'bearer').set('x-test-role', 'supervisor')).status).toBe(200);
  });
});

describe('header parsing', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; dialer_session=abc; b=2', 'dialer_session')).toBe('abc');
    expect(readCookie('xdialer_session=abc', 'dialer_session')).toBeUndefined();
    expect(readCookie('dialer_session=', 'dialer_session')).toBeUndefined();
    expect(readCookie(undefined, 'dialer_session')).toBeUndefined();
  });

  it('reads a bearer token', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});
