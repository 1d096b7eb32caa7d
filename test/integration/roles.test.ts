/**
 * Every `/api` route declares its roles, and they hold: the test walks the routes Express
 * actually has, checks each was declared through `apiRoute`, then calls each one without
 * credentials (401) and as every role (403 `forbidden` outside the declared ones).
 */
import type { Express } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { ApiRouteDeclaration } from '../../server/http/api-route.ts';
import { request, type TestDialer } from '../helpers/dialer.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const dialer = useTestDialer({ lifetime: 'file' });
let routes: readonly ApiRouteDeclaration[];

beforeAll(() => {
  routes = dialer.running.apiRoutes;
});

const USERS = { agent: 'agent1', supervisor: 'supervisor', admin: 'admin' } as const;
const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

/** `method path` of every route on the router that holds `/auth/login`, as Express registered them. */
function expressRoutes(app: Express): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const api = stack.find((layer) => layer.handle?.stack?.some((inner) => inner.route?.path === '/auth/login'));
  return api!.handle!.stack!.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).filter((method) => method !== '_all').map((method) => `${method} ${layer.route!.path}`) : [],
  );
}

describe('API roles', () => {
  it('has a declaration for every route Express knows, and only login is public', () => {
    const declared = routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...expressRoutes(createApp(dialer.running.ctx))].sort()).toEqual([...declared].sort());
    expect(routes.filter((route) => route.roles === 'public').map((route) => route.path)).toEqual(['/auth/login']);
    for (const route of routes) if (route.roles !== 'public') expect(route.roles.length, route.path).toBeGreaterThan(0);
    // The contract the softphone is written against.
    expect(declared).toEqual(
      expect.arrayContaining([
        'post /auth/login',
        'post /auth/logout',
        'get /auth/me',
        'get /users',
        'post /users',
        'patch /users/:id',
        'get /agents',
        'put /agents/me/status',
        'post /agents/me/wrap-up/done',
        'get /softphone/session',
        'post /calls',
        'get /calls/:attemptId',
        'post /calls/:attemptId/hangup',
        'post /calls/:attemptId/transfer',
        'get /campaigns',
        'get /agents/me/campaign',
        'put /agents/me/campaign',
        'delete /agents/me/campaign',
        'post /campaigns/:campaignId/preview/next',
        'post /leads/:leadId/dial',
        'post /leads/:leadId/skip',
        'post /attempts/:attemptId/disposition',
      ]),
    );
  });

  it('answers 401 to anonymous callers of any route but login, known or not', async () => {
    for (const route of routes.filter((candidate) => candidate.roles !== 'public')) {
      const answer = await request(`${dialer.running.url}/api${route.path.replace(/:\w+/g, DUMMY_ID)}`, route.method.toUpperCase(), route.method === 'get' ? undefined : {});
      expect([route.path, answer.status, answer.body.error.code]).toEqual([route.path, 401, 'unauthenticated']);
    }
    expect((await request(`${dialer.running.url}/api/nothing-here`, 'GET')).status).toBe(401);
    expect((await dialer.api('GET', '/api/nothing-here')).status).toBe(404);
  });

  it('answers 403 forbidden to every role a route does not declare, and lets the declared ones in', async () => {
    let checked = 0;
    // One bearer session per role (a login costs a scrypt hash), and a fresh one for
    // logout, which ends the session it is called with.
    const sessions = new Map<string, Awaited<ReturnType<TestDialer['login']>>>();
    for (const route of routes.filter((candidate) => candidate.roles !== 'public')) {
      for (const [role, username] of Object.entries(USERS)) {
        const fresh = route.path === '/auth/logout' || !sessions.has(role);
        const session = fresh ? await dialer.login(username, { tokenType: 'bearer' }) : sessions.get(role)!;
        if (route.path !== '/auth/logout') sessions.set(role, session);
        const path = `/api${route.path.replace(/:\w+/g, DUMMY_ID)}`;
        const answer = await session.api(route.method.toUpperCase(), path, route.method === 'get' ? undefined : {});
        const allowed = (route.roles as readonly string[]).includes(role);
        const seen = `${route.method} ${route.path} as ${role}: ${answer.status} ${answer.body?.error?.code ?? ''}`;
        if (allowed) expect([401, 403], seen).not.toContain(answer.status);
        else expect(seen).toBe(`${route.method} ${route.path} as ${role}: 403 forbidden`);
        checked++;
      }
    }
    expect(checked).toBe(3 * (routes.length - 1));
  });
});
