/**
 * The composition root of the HTTP API: `createApp(ctx)` wires the features and
 * returns an Express app. No `listen()`, no globals, so tests drive it in-process.
 *
 * @module
 */
import express, { type Express } from 'express';
import { callsApiRouter } from './calls/routes.ts';
import { statusCallbackRouter } from './calls/status-routes.ts';
import type { AppContext } from './context.ts';
import { requireAdminToken } from './http/admin-auth.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { texmlRouter } from './texml/routes.ts';

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

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireAdminToken(ctx.config.secrets.adminToken));
  api.use('/calls', callsApiRouter(ctx));
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
