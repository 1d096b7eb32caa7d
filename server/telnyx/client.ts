/**
 * The TeXML REST client (texml-api.md §1, §2, §8, §12), on axios.
 *
 * Retries follow one rule: a request is repeated only when repeating it cannot do
 * something twice. Reads and call updates are idempotent and are retried on 429, 5xx,
 * network failures and timeouts. Creating a call is not: it is retried only when Telnyx
 * certainly did not create it (429, or a connection that never opened); after a timeout,
 * a reset socket or a 5xx it throws `telnyx_outcome_unknown` so the caller reconciles
 * (our `attempt` id rides in the call's URLs) instead of ringing a customer twice.
 *
 * Every wait goes through the injected Scheduler; only axios's own request timeout uses
 * real time.
 *
 * @module
 */
import axios, { type AxiosInstance } from 'axios';
import type { Scheduler } from '../../lib/scheduler.ts';
import {
  TELNYX_ERROR,
  type CallListResponse,
  type CallResource,
  type CreateCallParams,
  type CreateCallResponse,
  type UpdateCallParams,
} from '../../lib/telnyx-wire.ts';
import { DialerError, type ErrorCode } from '../errors.ts';
import type { DialLimiter } from './dial-limiter.ts';
import { errorFromNetwork, errorFromResponse, parseTelnyxErrorBody, type TelnyxErrorDetails } from './telnyx-error.ts';
import { checkInteger, checkNonEmptyString } from './validate.ts';

/** Sent on every request so Telnyx support can tell our traffic apart. */
export const USER_AGENT = `telnyx-texml-dialer (+open-source outbound dialer; node/${process.versions.node})`;

export interface TelnyxClientOptions {
  /** API root including the version, e.g. `https://api.telnyx.com/v2` (the sandbox's own in tests). */
  baseUrl: string;
  /** Telnyx API key, sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** The `{account_sid}` of the TeXML Calls paths. */
  accountSid: string;
  /** Time source and timer for every back-off wait. */
  scheduler: Scheduler;
  /** Every createCall attempt takes a slot from it first (dials-per-second rule, §9). */
  dialLimiter: DialLimiter;
  /** Longest wait for one HTTP answer, in ms (real time: axios's own timer). @default 10000 */
  requestTimeoutMs?: number;
  /** Retries after the first attempt, where retrying is safe. @default 3 */
  maxRetries?: number;
  /** First back-off step, in ms; doubles per retry, with jitter. @default 250 */
  baseBackoffMs?: number;
  /**
   * Longest single wait, in ms. A `Retry-After`/`x-ratelimit-reset` asking for longer
   * ends the retries (the error is thrown) rather than being cut short. @default 60000
   */
  maxRetryWaitMs?: number;
  /** Source of jitter in [0, 1); inject a constant in tests. @default Math.random */
  random?: () => number;
  /** Told about each retry (never the API key or a body). */
  logger?: { warn(obj: Record<string, unknown>, msg: string): void };
}

/** Query filters of `GET …/Calls` (§2.3). `StartTime_gt` is `YYYY-MM-DD`. */
export interface ListCallsFilters {
  To?: string;
  From?: string;
  Status?: 'canceled' | 'completed' | 'failed' | 'busy' | 'no-answer';
  StartTime_gt?: string;
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}

/** `POST /telephony_credentials` body (§8); `connection_id` must be a credential connection. */
export interface CreateTelephonyCredentialParams {
  connection_id: string;
  name: string;
  tag?: string;
  /** ISO-8601. */
  expires_at?: string;
}

/** `data` of a telephony credential (§8). `sip_username` always starts with `gencred`. */
export interface TelephonyCredential {
  id: string;
  record_type: string;
  name?: string;
  resource_id?: string;
  sip_username: string;
  sip_password: string;
  expired?: boolean;
  expires_at?: string | null;
  created_at?: string;
  updated_at?: string;
  user_id?: string;
}

export interface TelnyxClient {
  /** Start a call. Throws `telnyx_outcome_unknown` when Telnyx may or may not have created it. */
  createCall(params: CreateCallParams): Promise<CreateCallResponse>;
  /** Redirect or hang up a live call (form-encoded, §2.1). */
  updateCall(callSid: string, params: UpdateCallParams): Promise<CallResource>;
  getCall(callSid: string): Promise<CallResource>;
  listCalls(filters?: ListCallsFilters): Promise<CallListResponse>;
  createTelephonyCredential(params: CreateTelephonyCredentialParams): Promise<TelephonyCredential>;
  /** A login JWT for the softphone (raw text of the 201 answer). */
  createCredentialToken(credentialId: string): Promise<string>;
}

/**
 * How a request may be repeated:
 * - `idempotent`: after any transient failure (429, 5xx, network, timeout);
 * - `dial`: creates a call; only after failures that prove nothing was created, and an
 *   ambiguous failure becomes `telnyx_outcome_unknown`;
 * - `create`: creates something harmless to duplicate by mistake but not worth it; retried
 *   like `dial`, and an ambiguous failure is an ordinary `telnyx_unavailable`.
 */
type RetryPolicy = 'idempotent' | 'dial' | 'create';

interface RequestSpec {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  form?: Record<string, string | undefined>;
  accept?: string;
  policy: RetryPolicy;
  /** Awaited before every attempt (the dial limiter for createCall). */
  gate?: () => Promise<void>;
  /** Reconciliation hint for `telnyx_outcome_unknown`; `sentAtMs` is filled per attempt. */
  attemptHint?: Omit<NonNullable<TelnyxErrorDetails['attemptHint']>, 'sentAtMs'>;
}

interface HttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

/** Failures raised before any byte reached Telnyx: nothing can have been created. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * `x-ratelimit-reset` values from this one up are epoch seconds (2001-09-09 onwards);
 * smaller values are seconds until the reset. Telnyx does not document which it sends
 * (texml-api.md §9), so both readings are accepted.
 */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/**
 * Percent-encode one path segment but keep `:` and `@`, as the official SDK does, so a
 * `v3:…` call SID goes into the path unescaped (texml-api.md §12). axios hands the path to
 * WHATWG `URL`, which leaves `:` in a path alone; `/`, `?` and `#` stay escaped.
 */
function pathSegment(name: string, value: string): string {
  checkNonEmptyString(name, value);
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/** Node/axios error code of a failed request, looking into an AggregateError (happy eyeballs). */
function networkCodeOf(error: unknown): string {
  const direct = (error as { code?: unknown } | null)?.code;
  if (typeof direct === 'string' && direct !== 'ERR_NETWORK') return direct;
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const codes = new Set(cause?.errors?.map((inner) => inner.code));
  const [only] = codes;
  if (codes.size === 1 && typeof only === 'string') return only;
  return typeof direct === 'string' ? direct : 'UNKNOWN';
}

/** Our `attempt` id from the StatusCallback or Url query, for reconciliation. */
function attemptIdOf(params: CreateCallParams): string | undefined {
  for (const url of [params.StatusCallback, params.Url]) {
    if (!url) continue;
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const attempt = new URLSearchParams(query).get('attempt');
    if (attempt) return attempt;
  }
  return undefined;
}

/**
 * @example
 * const client = createTelnyxClient({ baseUrl: 'https://api.telnyx.com/v2', apiKey, accountSid, scheduler, dialLimiter });
 * await client.createCall({ ApplicationSid, To: '+13125550100', From: '+13125550199', Url });
 */
export function createTelnyxClient(options: TelnyxClientOptions): TelnyxClient {
  const baseUrl = checkNonEmptyString('baseUrl', options.baseUrl);
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new TypeError(`Expected \`baseUrl\` to be an http(s) URL, got \`${baseUrl}\` (string)`);
  }
  const apiKey = checkNonEmptyString('apiKey', options.apiKey);
  const accountSid = checkNonEmptyString('accountSid', options.accountSid);
  const requestTimeoutMs = checkInteger('requestTimeoutMs', options.requestTimeoutMs ?? 10_000, 1);
  const maxRetries = checkInteger('maxRetries', options.maxRetries ?? 3, 0);
  const baseBackoffMs = checkInteger('baseBackoffMs', options.baseBackoffMs ?? 250, 0);
  const maxRetryWaitMs = checkInteger('maxRetryWaitMs', options.maxRetryWaitMs ?? 60_000, 0);
  const { scheduler, dialLimiter, logger, random = Math.random } = options;
  const callsPath = `/texml/Accounts/${pathSegment('accountSid', accountSid)}/Calls`;

  const http: AxiosInstance = axios.create({
    baseURL: baseUrl,
    allowAbsoluteUrls: false,
    timeout: requestTimeoutMs,
    // Timeouts surface as ETIMEDOUT rather than the generic ECONNABORTED.
    transitional: { clarifyTimeoutError: true },
    maxRedirects: 0,
    responseType: 'text',
    // Bodies are serialised here and answers parsed here, so that both are exactly known.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });

  async function exchange(spec: RequestSpec): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${apiKey}`,
      Accept: spec.accept ?? 'application/json',
      'User-Agent': USER_AGENT,
    };
    let data: string | undefined;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(spec.json);
    } else if (spec.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const entries = Object.entries(spec.form).filter((entry): entry is [string, string] => entry[1] !== undefined);
      data = new URLSearchParams(entries).toString();
    }
    const response = await http.request<string>({ method: spec.method, url: spec.path, headers, data });
    return { status: response.status, headers: response.headers as Record<string, unknown>, text: String(response.data ?? '') };
  }

  /**
   * Exponential back-off with "equal jitter": between half and all of base·2^attempt, in
   * ms (never less than half, so retries do not bunch up at zero), at most maxRetryWaitMs.
   */
  function backoffMs(attempt: number): number {
    const step = baseBackoffMs * 2 ** attempt;
    return Math.min(maxRetryWaitMs, Math.round(step / 2 + (step / 2) * random()));
  }

  /** What the answer asks us to wait, in ms, or undefined when it does not say. */
  function requestedWaitMs(answer: HttpAnswer): number | undefined {
    const retryAfter = String(answer.headers['retry-after'] ?? '').trim();
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) return Math.max(0, Date.parse(retryAfter) - scheduler.now());
    const reset = String(answer.headers['x-ratelimit-reset'] ?? '').trim();
    if (/^\d+(\.\d+)?$/.test(reset)) {
      const value = Number(reset);
      return value >= EPOCH_SECONDS_THRESHOLD ? Math.max(0, Math.round(value * 1000 - scheduler.now())) : Math.round(value * 1000);
    }
    return undefined;
  }

  function requestIdOf(answer: HttpAnswer): string | undefined {
    const value = answer.headers['x-request-id'];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  function hintAt(spec: RequestSpec, sentAtMs: number): TelnyxErrorDetails['attemptHint'] {
    return spec.attemptHint ? { ...spec.attemptHint, sentAtMs } : undefined;
  }

  function answerError(spec: RequestSpec, answer: HttpAnswer, sentAtMs: number, code?: ErrorCode): DialerError {
    const error = errorFromResponse({ httpStatus: answer.status, bodyText: answer.text, requestId: requestIdOf(answer), code });
    const hint = code === 'telnyx_outcome_unknown' ? hintAt(spec, sentAtMs) : undefined;
    if (hint) error.details.attemptHint = hint;
    return error;
  }

  function isDialsPerSecondRejection(answer: HttpAnswer): boolean {
    return answer.status === 429 && parseTelnyxErrorBody(answer.text).errors.some((error) => error.code === TELNYX_ERROR.dialsPerSecondExceeded);
  }

  async function wait(spec: RequestSpec, attempt: number, delayMs: number, why: Record<string, unknown>): Promise<void> {
    logger?.warn({ operation: spec.operation, attempt: attempt + 1, delayMs, ...why }, 'telnyx request failed; retrying');
    await scheduler.sleep(delayMs);
  }

  /** One logical request with its retries; resolves with the 2xx answer and when it was sent (epoch ms). */
  async function send(spec: RequestSpec): Promise<{ answer: HttpAnswer; sentAtMs: number }> {
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < maxRetries;
      await spec.gate?.();
      const sentAtMs = scheduler.now();
      let answer: HttpAnswer;
      try {
        answer = await exchange(spec);
      } catch (error) {
        const networkCode = networkCodeOf(error);
        if (!NOT_SENT_CODES.has(networkCode) && spec.policy !== 'idempotent') {
          if (spec.policy === 'dial') {
            throw errorFromNetwork({ networkCode, code: 'telnyx_outcome_unknown', cause: error, attemptHint: hintAt(spec, sentAtMs) });
          }
          throw errorFromNetwork({ networkCode, cause: error });
        }
        if (!canRetry) throw errorFromNetwork({ networkCode, cause: error });
        await wait(spec, attempt, backoffMs(attempt), { networkCode });
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return { answer, sentAtMs };
      const transient = answer.status === 429 || (answer.status >= 500 && spec.policy === 'idempotent');
      if (answer.status >= 500 && spec.policy === 'dial') throw answerError(spec, answer, sentAtMs, 'telnyx_outcome_unknown');
      const delayMs = requestedWaitMs(answer) ?? backoffMs(attempt);
      const dialsPerSecondRejected = isDialsPerSecondRejection(answer);
      // Hold every dial, not only this one, even when this request gives up.
      if (dialsPerSecondRejected) dialLimiter.penalize(Math.min(delayMs, maxRetryWaitMs));
      if (!transient || !canRetry || delayMs > maxRetryWaitMs) throw answerError(spec, answer, sentAtMs);
      if (dialsPerSecondRejected && spec.gate) {
        // The next dialLimiter.acquire() waits out the pause.
        logger?.warn({ operation: spec.operation, attempt: attempt + 1, delayMs, httpStatus: 429 }, 'telnyx dials-per-second limit; pausing dials');
        continue;
      }
      await wait(spec, attempt, delayMs, { httpStatus: answer.status });
    }
  }

  /**
   * Send, then parse the 2xx answer as a JSON object. An answer that is not one becomes
   * `code` (`telnyx_outcome_unknown` for a dial: Telnyx said yes, but to what is unclear).
   */
  function jsonOf(spec: RequestSpec, answer: HttpAnswer, sentAtMs: number, code: ErrorCode): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(answer.text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not JSON: reported below like any other unexpected shape.
    }
    const details: TelnyxErrorDetails = { httpStatus: answer.status, errors: [], bodySnippet: answer.text.slice(0, 200) };
    const hint = code === 'telnyx_outcome_unknown' ? hintAt(spec, sentAtMs) : undefined;
    if (hint) details.attemptHint = hint;
    throw new DialerError(code, { message: `Telnyx answered ${spec.operation} with HTTP ${answer.status} but no JSON object`, details });
  }

  async function getJson(spec: RequestSpec, code: ErrorCode = 'telnyx_unavailable'): Promise<Record<string, unknown>> {
    const { answer, sentAtMs } = await send(spec);
    return jsonOf(spec, answer, sentAtMs, code);
  }

  return {
    async createCall(params) {
      const attempt = attemptIdOf(params);
      const spec: RequestSpec = {
        operation: 'createCall',
        method: 'POST',
        path: callsPath,
        json: params,
        policy: 'dial',
        gate: () => dialLimiter.acquire(),
        attemptHint: { ...(attempt ? { attempt } : {}), to: params.To, from: params.From },
      };
      return (await getJson(spec, 'telnyx_outcome_unknown')) as unknown as CreateCallResponse;
    },

    async updateCall(callSid, params) {
      const path = `${callsPath}/${pathSegment('callSid', callSid)}`;
      const form: Record<string, string | undefined> = { ...params };
      return (await getJson({ operation: 'updateCall', method: 'POST', path, form, policy: 'idempotent' })) as unknown as CallResource;
    },

    async getCall(callSid) {
      const path = `${callsPath}/${pathSegment('callSid', callSid)}`;
      return (await getJson({ operation: 'getCall', method: 'GET', path, policy: 'idempotent' })) as unknown as CallResource;
    },

    async listCalls(filters = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filters)) {
        if (value !== undefined) query.append(key, String(value));
      }
      const search = query.toString();
      const path = search ? `${callsPath}?${search}` : callsPath;
      return (await getJson({ operation: 'listCalls', method: 'GET', path, policy: 'idempotent' })) as unknown as CallListResponse;
    },

    async createTelephonyCredential(params) {
      const spec: RequestSpec = { operation: 'createTelephonyCredential', method: 'POST', path: '/telephony_credentials', json: params, policy: 'create' };
      const { answer, sentAtMs } = await send(spec);
      const { data } = jsonOf(spec, answer, sentAtMs, 'telnyx_unavailable');
      if (typeof data !== 'object' || data === null) {
        throw new DialerError('telnyx_unavailable', {
          message: 'Telnyx answered createTelephonyCredential without a data object',
          details: { httpStatus: answer.status, errors: [] } satisfies TelnyxErrorDetails,
        });
      }
      return data as TelephonyCredential;
    },

    async createCredentialToken(credentialId) {
      const path = `/telephony_credentials/${pathSegment('credentialId', credentialId)}/token`;
      const { answer } = await send({ operation: 'createCredentialToken', method: 'POST', path, accept: 'text/plain', policy: 'idempotent' });
      return answer.text.trim();
    },
  };
}
