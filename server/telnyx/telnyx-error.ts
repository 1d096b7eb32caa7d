/**
 * Turning a Telnyx error answer into the dialer's one error type. Telnyx answers
 * `{"errors":[{code,title,detail,source:{pointer},meta}]}` with `code` a string
 * (texml-api.md §1.1); some endpoints answer `{"errors":[{"detail":"Resource not found"}]}`
 * or `{"errors":{"field":"message"}}`, and proxies in front of it answer HTML. All of
 * these become one {@link DialerError} whose `details` are {@link TelnyxErrorDetails}.
 *
 * @module
 */
import type { TelnyxErrorObject } from '../../lib/telnyx-wire.ts';
import { DialerError, type ErrorCode } from '../errors.ts';

/** `details` of every DialerError raised by the Telnyx client. */
export interface TelnyxErrorDetails {
  /** HTTP status Telnyx answered with, or null when no answer arrived (network failure, timeout). */
  httpStatus: number | null;
  /** Parsed error objects; empty when the body had none or was not JSON. */
  errors: TelnyxErrorObject[];
  /** Telnyx's `x-request-id` response header, for support tickets (header name UNCONFIRMED). */
  requestId?: string;
  /** Node/axios error code of a network failure (`ECONNREFUSED`, `ETIMEDOUT`, …). */
  networkCode?: string;
  /** First 200 characters of a body that was not JSON (an HTML error page from a proxy). */
  bodySnippet?: string;
  /**
   * Only on `telnyx_outcome_unknown` from createCall: how to find the call when
   * reconciling — our `attempt` id (from the `StatusCallback`/`Url` query), `To`, `From`
   * and when the request was sent (epoch ms).
   */
  attemptHint?: { attempt?: string; to: string; from: string; sentAtMs: number };
}

/** A DialerError raised by the Telnyx client. */
export type TelnyxDialerError = DialerError & { details: TelnyxErrorDetails };

/** True for a DialerError that came from the Telnyx client (its details are {@link TelnyxErrorDetails}). */
export function isTelnyxError(error: unknown): error is TelnyxDialerError {
  if (!(error instanceof DialerError)) return false;
  const details = error.details as Partial<TelnyxErrorDetails> | undefined;
  return typeof details === 'object' && details !== null && 'httpStatus' in details && Array.isArray(details.errors);
}

/** The Telnyx details of `error`, or undefined when it is not a Telnyx client error. */
export function telnyxErrorDetails(error: unknown): TelnyxErrorDetails | undefined {
  return isTelnyxError(error) ? error.details : undefined;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function toErrorObject(value: unknown): TelnyxErrorObject | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  const result: TelnyxErrorObject = {};
  const code = asString(entry.code);
  const title = asString(entry.title);
  const detail = asString(entry.detail);
  if (code !== undefined) result.code = code;
  if (title !== undefined) result.title = title;
  if (detail !== undefined) result.detail = detail;
  const source = entry.source as Record<string, unknown> | undefined;
  const pointer = typeof source === 'object' && source !== null ? asString(source.pointer) : undefined;
  if (pointer !== undefined) result.source = { pointer };
  if (typeof entry.meta === 'object' && entry.meta !== null) result.meta = entry.meta as Record<string, unknown>;
  return result;
}

/** Parse an error body; never throws. */
export function parseTelnyxErrorBody(text: string): { errors: TelnyxErrorObject[]; bodySnippet?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const snippet = text.trim().slice(0, 200);
    return snippet ? { errors: [], bodySnippet: snippet } : { errors: [] };
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors)) {
    return { errors: errors.map(toErrorObject).filter((entry): entry is TelnyxErrorObject => entry !== undefined) };
  }
  if (typeof errors === 'object' && errors !== null) {
    // `{"errors":{"status":"can't update credentials in expired status"}}` (texml-api.md §8).
    return {
      errors: Object.entries(errors).map(([field, message]) => ({ detail: String(message), source: { pointer: `/${field}` } })),
    };
  }
  return { errors: [] };
}

/** HTTP status → error code, for answers that are not 2xx. */
export function errorCodeForStatus(httpStatus: number): ErrorCode {
  if (httpStatus === 401 || httpStatus === 403) return 'telnyx_auth_failed';
  if (httpStatus === 404) return 'not_found';
  if (httpStatus === 429) return 'telnyx_rate_limited';
  if (httpStatus >= 500) return 'telnyx_unavailable';
  return 'telnyx_rejected';
}

const MESSAGE_PREFIX: Partial<Record<ErrorCode, string>> = {
  telnyx_auth_failed: 'Telnyx rejected the API key',
  not_found: 'Telnyx has no such resource',
  telnyx_rejected: 'Telnyx rejected the request',
  telnyx_rate_limited: 'Telnyx rate limit reached',
  telnyx_unavailable: 'Telnyx did not answer successfully',
  telnyx_outcome_unknown: 'Telnyx did not confirm whether the call was created',
};

/**
 * `Telnyx rejected the request: Missing required parameter — Can't be blank: ApplicationId (/ApplicationId)`:
 * the prefix for the code, then the first error's title, detail and pointer.
 */
export function describeTelnyxError(code: ErrorCode, first: TelnyxErrorObject | undefined, fallback: string): string {
  const prefix = MESSAGE_PREFIX[code] ?? 'Telnyx error';
  const text = [first?.title, first?.detail].filter((part) => part !== undefined && part !== '').join(' — ');
  const pointer = first?.source?.pointer ? ` (${first.source.pointer})` : '';
  return `${prefix}: ${text || fallback}${pointer}`;
}

/** One DialerError for a non-2xx answer. */
export function errorFromResponse(options: {
  httpStatus: number;
  bodyText: string;
  requestId: string | undefined;
  code?: ErrorCode;
}): TelnyxDialerError {
  const { errors, bodySnippet } = parseTelnyxErrorBody(options.bodyText);
  const code = options.code ?? errorCodeForStatus(options.httpStatus);
  const details: TelnyxErrorDetails = { httpStatus: options.httpStatus, errors };
  if (options.requestId) details.requestId = options.requestId;
  if (bodySnippet) details.bodySnippet = bodySnippet;
  const message = describeTelnyxError(code, errors[0], `HTTP ${options.httpStatus}`);
  return new DialerError(code, { message, details }) as TelnyxDialerError;
}

/** One DialerError for a request that got no HTTP answer. */
export function errorFromNetwork(options: {
  networkCode: string;
  code?: ErrorCode;
  cause: unknown;
  attemptHint?: TelnyxErrorDetails['attemptHint'];
}): TelnyxDialerError {
  const code = options.code ?? 'telnyx_unavailable';
  const details: TelnyxErrorDetails = { httpStatus: null, errors: [], networkCode: options.networkCode };
  if (options.attemptHint) details.attemptHint = options.attemptHint;
  const message = describeTelnyxError(code, undefined, `no answer (${options.networkCode})`);
  return new DialerError(code, { message, details, cause: options.cause }) as TelnyxDialerError;
}
