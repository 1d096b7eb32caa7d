/**
 * The composition root of the HTTP API: `createApp(ctx)` wires the features and
 * returns an Express app. No `listen()`, no globals, so tests drive it in-process.
 *
 * Every `/api` route is declared with `apiRoute` (`server/http/api-route.ts`), which
 * states its roles; the declarations are kept in `app.locals.apiRoutes` for the test that
 * checks them.
 *
 * @module
 */
import express, { type Express } from 'express';
import { registerAgentsRoutes } from './agents/agents-routes.ts';
import { authenticate } from './agents/auth.ts';
import { registerAuthRoutes } from './agents/auth-routes.ts';
import { registerUsersRoutes } from './agents/users-routes.ts';
import { registerCallsRoutes } from './calls/routes.ts';
import { statusCallbackRouter } from './calls/status-routes.ts';
import { registerLeadsRoutes } from './campaigns/leads/routes.ts';
import { registerCampaignRoutes } from './campaigns/routes.ts';
import { registerComplianceRoutes } from './compliance/routes.ts';
import type { AppContext } from './context.ts';
import { createApiRouter } from './http/api-route.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { parkedCallRouter } from './texml/parked-routes.ts';
import { texmlRouter } from './texml/routes.ts';
import { progressiveRouter } from './campaigns/progressive-routes.ts';
import { clientRouter } from './http/client-files.ts';

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, mode: ctx.config.mode });
  });

  // Telnyx-facing routes read their raw bodies themselves (signatures cover the raw
  // bytes), so they are mounted before any body parser.
  app.use(statusCallbackRouter(ctx));
  app.use(texmlRouter(ctx));
  app.use(progressiveRouter(ctx));
  app.use(parkedCallRouter(ctx));

  const api = createApiRouter(ctx);
  api.router.use(express.json({ limit: '1mb' }));
  registerAuthRoutes(api);
  registerUsersRoutes(api);
  registerAgentsRoutes(api);
  registerCallsRoutes(api);
  registerLeadsRoutes(api);
  registerCampaignRoutes(api);
  registerComplianceRoutes(api);
  // Anything else under /api: authenticate first, so an anonymous caller learns nothing
  // about which routes exist (then the 404 below).
  api.router.use(authenticate(ctx));
  app.use('/api', api.router);
  app.locals.apiRoutes = api.routes;

  // The agent page at `/` and the embeddable element at `/lib/telnyx-dialer.js`.
  app.use(clientRouter());

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
