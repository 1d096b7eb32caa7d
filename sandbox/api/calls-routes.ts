/**
 * The TeXML Calls endpoints (texml-api.md §1.1, §2): create, update, fetch and list.
 * Paths are accepted with and without the `.json` suffix.
 *
 * @module
 */

import { Router, type Request, type Response } from 'express';
import { CREATE_CALL_FIELDS, TELNYX_ERROR, UPDATE_CALL_FIELDS } from '../../lib/telnyx-wire.ts';
import { telnyxError, validateFields, type FieldValues } from '../../lib/wire-validation.ts';
import type { SimCall } from '../calls/call.ts';
import { CANCELED, hungUpBy } from '../calls/end-reasons.ts';
import { endCall } from '../calls/hangup.ts';
import { toCallResource } from '../calls/resource.ts';
import { createRestCall } from '../calls/rest-call.ts';
import type { SandboxEnv } from '../env.ts';
import { redirectCall } from '../texml/start.ts';
import { stablePath } from '../transcript.ts';
import { listCalls } from './list-calls.ts';
import { accountNotFound, bodyEncoding, CALL_NOT_FOUND, errorReply, reply, unsupportedContentType } from './respond.ts';

const URL_OR_TEXML = [['Url', 'Texml']] as const;

export function callsRouter(env: SandboxEnv): Router {
  const router = Router();
  const calls = '/texml/Accounts/:accountSid/Calls';
  router.post([calls, `${calls}.json`], (req, res) => create(env, req, res));
  router.get([calls, `${calls}.json`], (req, res) => {
    if (!knownAccount(env, req, res)) return;
    const list = listCalls(env, req.query as Record<string, unknown>);
    reply(env, req, res, { status: 200, body: list, summary: `${list.calls.length} calls` });
  });
  router.get(`${calls}/:callSid`, (req, res) => {
    const call = findCall(env, req, res);
    if (call) reply(env, req, res, { status: 200, body: toCallResource(call), summary: call.status, call });
  });
  router.post(`${calls}/:callSid`, (req, res) => update(env, req, res));
  return router;
}

function knownAccount(env: SandboxEnv, req: Request, res: Response): boolean {
  const accountSid = String(req.params.accountSid);
  if (accountSid === env.accountSid) return true;
  reply(env, req, res, accountNotFound(accountSid, env.accountSid));
  return false;
}

function findCall(env: SandboxEnv, req: Request, res: Response): SimCall | undefined {
  if (!knownAccount(env, req, res)) return undefined;
  const call = env.calls.get(String(req.params.callSid).replace(/\.json$/, ''));
  if (!call) reply(env, req, res, CALL_NOT_FOUND);
  return call;
}

/** The body as a field record, or why it cannot be one. */
function bodyFields(req: Request): Record<string, unknown> | undefined {
  const body: unknown = req.body ?? {};
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

function notAnObject(): ReturnType<typeof errorReply> {
  return errorReply(422, [telnyxError('10015', 'Bad Request', 'The request body must be an object of PascalCase fields.')]);
}

function create(env: SandboxEnv, req: Request, res: Response): void {
  if (!knownAccount(env, req, res)) return;
  const encoding = bodyEncoding(req);
  if (encoding === 'unsupported') {
    reply(env, req, res, unsupportedContentType('application/json or application/x-www-form-urlencoded'));
    return;
  }
  const input = bodyFields(req);
  if (!input) {
    reply(env, req, res, notAnObject());
    return;
  }
  const to = typeof input.To === 'string' ? `To=${input.To}` : '';
  const checked = validateFields(CREATE_CALL_FIELDS, input, { encoding: encoding === 'form' ? 'form' : 'json', exclusive: URL_OR_TEXML });
  if (!checked.ok) {
    reply(env, req, res, errorReply(422, checked.errors, { params: to }));
    return;
  }
  if (!env.dialRate.tryAcquire()) {
    const { perSecond, perWindow, windowMs } = env.faults.settings.rateLimit;
    // UNCONFIRMED body: only the status and the code are documented (texml-api.md §9).
    const detail = `Dials per second limit exceeded: at most ${perSecond} dials a second and ${perWindow} per ${windowMs / 1000} s for this account. Slow down and retry.`;
    reply(env, req, res, errorReply(429, [telnyxError(TELNYX_ERROR.dialsPerSecondExceeded, 'Dials per second limit exceeded', detail)], { params: to }));
    return;
  }
  const call = createRestCall(env, checked.value);
  reply(env, req, res, { status: 200, body: { from: call.from, to: call.to, status: 'queued' }, summary: 'queued', params: to, call });
}

type UpdateValues = FieldValues<typeof UPDATE_CALL_FIELDS>;

function update(env: SandboxEnv, req: Request, res: Response): void {
  const call = findCall(env, req, res);
  if (!call) return;
  const encoding = bodyEncoding(req);
  if (encoding === 'json' || encoding === 'unsupported') {
    reply(env, req, res, unsupportedContentType('application/x-www-form-urlencoded (e.g. Status=completed), as the Telnyx SDK does'));
    return;
  }
  const input = bodyFields(req);
  if (!input) {
    reply(env, req, res, notAnObject());
    return;
  }
  const checked = validateFields(UPDATE_CALL_FIELDS, input, { encoding: 'form', exclusive: URL_OR_TEXML });
  if (!checked.ok) {
    reply(env, req, res, errorReply(422, checked.errors, { call }));
    return;
  }
  const values = checked.value;
  const params = describeUpdate(values);
  const refusal = refuseUpdate(call, values);
  if (refusal) {
    reply(env, req, res, errorReply(422, [telnyxError('10015', 'Bad Request', refusal)], { params, call }));
    return;
  }
  applyUpdate(env, call, values);
  reply(env, req, res, { status: 200, body: toCallResource(call), summary: call.status, params, call });
}

/** UNCONFIRMED: the code and wording Telnyx uses to refuse these updates. */
function refuseUpdate(call: SimCall, values: UpdateValues): string | undefined {
  if (call.endedAt !== undefined) return `The call has already ended (${call.status}); it cannot be updated.`;
  const redirects = values.Url !== undefined || values.Texml !== undefined;
  if (redirects && values.Status === undefined && call.leg === 'B' && call.answeredAt === undefined) {
    return 'A dialled leg can only be redirected once it has answered.';
  }
  return undefined;
}

function applyUpdate(env: SandboxEnv, call: SimCall, values: UpdateValues): void {
  if (values.StatusCallback !== undefined || values.StatusCallbackMethod !== undefined) {
    const current = call.statusCallback;
    const url = values.StatusCallback ?? current?.url;
    if (url !== undefined) {
      call.statusCallback = {
        url,
        method: values.StatusCallbackMethod ?? current?.method ?? 'POST',
        events: current?.events ?? new Set(['completed']),
      };
    }
  }
  if (values.Status === 'completed') {
    endCall(env, call, call.answeredAt === undefined ? CANCELED : hungUpBy('caller'));
    return;
  }
  if (values.Url !== undefined || values.Texml !== undefined) {
    redirectCall(env, call, {
      method: values.Method ?? 'POST',
      ...(values.Url === undefined ? {} : { url: values.Url }),
      ...(values.Texml === undefined ? {} : { texml: values.Texml }),
      ...(values.FallbackUrl === undefined ? {} : { fallbackUrl: values.FallbackUrl }),
      ...(values.FallbackMethod === undefined ? {} : { fallbackMethod: values.FallbackMethod }),
    });
  }
}

function describeUpdate(values: UpdateValues): string {
  const parts: string[] = [];
  if (values.Status !== undefined) parts.push(`Status=${values.Status}`);
  if (values.Url !== undefined) parts.push(`Url=${stablePath(values.Url)}`);
  if (values.Texml !== undefined) parts.push('Texml');
  if (values.StatusCallback !== undefined) parts.push(`StatusCallback=${stablePath(values.StatusCallback)}`);
  return parts.join(' ');
}
