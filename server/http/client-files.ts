/**
 * The built client (`npm run build:client`, run by `npm start`): the agent page at `/`
 * and the self-contained `<telnyx-dialer>` module at `/lib/telnyx-dialer.js`, for CRM
 * pages that embed it. Without a build, `/` says how to make one instead of a bare 404.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

export function clientRouter(dist = DIST): Router {
  const router = Router();
  const page = `${dist}client`;
  const lib = `${dist}lib`;
  router.use('/lib', express.static(lib, { fallthrough: true, maxAge: '5m' }));
  router.use(express.static(page, { index: 'index.html', maxAge: '5m' }));
  // Reached only when express.static found no index.html, i.e. the client is not built.
  router.get('/', (_req, res) => {
    res
      .status(503)
      .type('text/plain')
      .send('The agent page is not built. Run `npm run build:client` (npm start does it for you).');
  });
  return router;
}
