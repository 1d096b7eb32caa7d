/**
 * Telephony credentials and their login tokens (texml-api.md §8, §11.12), for the
 * softphone.
 *
 * @module
 */

import { Router } from 'express';
import type { FieldTable } from '../../lib/telnyx-wire.ts';
import { telnyxError, validateFields } from '../../lib/wire-validation.ts';
import type { SandboxEnv } from '../env.ts';
import { bodyEncoding, errorReply, reply, unsupportedContentType } from './respond.ts';

const CREATE_CREDENTIAL_FIELDS = {
  connection_id: { type: 'string', required: true },
  name: { type: 'string' },
  tag: { type: 'string' },
  expires_at: { type: 'string' },
} as const satisfies FieldTable;

function credentialNotFound(id: string) {
  return errorReply(404, [telnyxError('10005', 'Resource not found', `No telephony credential ${id} in this sandbox.`)]);
}

export function credentialsRouter(env: SandboxEnv): Router {
  const router = Router();
  router.post('/telephony_credentials', (req, res) => {
    const encoding = bodyEncoding(req);
    if (encoding !== 'json' && encoding !== 'none') {
      reply(env, req, res, unsupportedContentType('application/json'));
      return;
    }
    const body: unknown = req.body ?? {};
    const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const checked = validateFields(CREATE_CREDENTIAL_FIELDS, input, { encoding: 'json' });
    if (!checked.ok) {
      reply(env, req, res, errorReply(422, checked.errors));
      return;
    }
    const credential = env.credentials.create(checked.value);
    reply(env, req, res, { status: 201, body: { data: credential }, summary: 'credential' });
  });
  router.get('/telephony_credentials/:id', (req, res) => {
    const credential = env.credentials.get(req.params.id);
    reply(env, req, res, credential ? { status: 200, body: { data: credential }, summary: 'credential' } : credentialNotFound(req.params.id));
  });
  router.post('/telephony_credentials/:id/token', (req, res) => {
    const token = env.credentials.issueToken(req.params.id);
    reply(env, req, res, token === undefined ? credentialNotFound(req.params.id) : { status: 201, body: token, text: true, summary: 'token' });
  });
  return router;
}
