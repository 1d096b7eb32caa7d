/**
 * The only way to add a route under `/api`: `apiRoute(api, { method, path, roles, handler })`.
 * Each route states who may call it, the declaration is recorded, and a test walks every
 * recorded route (and every route Express knows) to check that a caller outside `roles`
 * gets 403 and an anonymous one 401. `roles: 'public'` is for logging in only.
 *
 * @module
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { authenticate, requireRoles } from '../agents/auth.ts';
import type { Role } from '../agents/tables.ts';
import type { AppContext } from '../context.ts';

export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiRouteDeclaration {
  method: ApiMethod;
  /** Relative to `/api`, Express syntax (`/calls/:attemptId`). */
  path: string;
  roles: readonly Role[] | 'public';
}

export interface ApiRouteSpec extends ApiRouteDeclaration {
  handler: (req: Request, res: Response) => unknown;
}

/** The `/api` router and the list of what was declared on it. */
export interface ApiRouter {
  readonly ctx: AppContext;
  readonly router: Router;
  readonly routes: ApiRouteDeclaration[];
}

export function createApiRouter(ctx: AppContext): ApiRouter {
  return { ctx, router: Router(), routes: [] };
}

export function apiRoute(api: ApiRouter, spec: ApiRouteSpec): void {
  const { method, path, roles, handler } = spec;
  api.routes.push({ method, path, roles });
  const guards: RequestHandler[] = roles === 'public' ? [] : [authenticate(api.ctx), requireRoles(roles)];
  api.router[method](path, ...guards, async (req, res) => {
    await handler(req, res);
  });
}

/** Everyone who can log in. */
export const ANY_ROLE: readonly Role[] = ['agent', 'supervisor', 'admin'];
export const STAFF: readonly Role[] = ['supervisor', 'admin'];
