/**
 * The one error type of the dialer. Every failure a caller can act on is a
 * {@link DialerError} with a stable `code` from {@link ERROR_CATALOGUE}; the HTTP layer
 * maps it to its status in one place (`server/http/error-handler.ts`) and never leaks a
 * stack trace. Classify errors by `code` or `instanceof`, never by message text.
 *
 * @module
 */

export interface ErrorSpec {
  /** HTTP status the API answers with. */
  readonly status: number;
  /** Short, human text for the UI and logs. */
  readonly message: string;
  /**
   * True when retrying cannot help and the operation (a campaign, the server start-up)
   * must stop: a rejected API key, a bad configuration. The safe default is false.
   */
  readonly fatal: boolean;
}

export const ERROR_CATALOGUE = {
  bad_request: { status: 400, message: 'The request is malformed.', fatal: false },
  validation_failed: { status: 422, message: 'The request has invalid fields.', fatal: false },
  unauthenticated: { status: 401, message: 'Authentication is required.', fatal: false },
  forbidden: { status: 403, message: 'You are not allowed to do this.', fatal: false },
  not_found: { status: 404, message: 'Not found.', fatal: false },
  conflict: { status: 409, message: 'The resource is in a state that does not allow this.', fatal: false },
  rate_limited: { status: 429, message: 'Too many requests.', fatal: false },
  payload_too_large: { status: 413, message: 'The request body is too large.', fatal: false },
  unsupported_media_type: { status: 415, message: 'The request body is not of a supported type.', fatal: false },
  invalid_credentials: { status: 401, message: 'The username or password is not correct.', fatal: false },
  csrf_failed: { status: 403, message: 'The X-CSRF-Token header is missing or does not match the session.', fatal: false },
  agent_not_registered: {
    status: 409,
    message: "The agent's softphone is not registered; connect it before going Available or placing calls.",
    fatal: false,
  },
  agent_not_available: { status: 409, message: 'The agent is not Available.', fatal: false },
  compliance_refused: { status: 422, message: 'The compliance gate refused this call; details.reasons says why.', fatal: false },
  campaign_not_startable: { status: 409, message: 'The campaign cannot start; details.reasons lists every reason.', fatal: false },
  campaign_not_running: { status: 409, message: 'The campaign is not running.', fatal: false },
  agent_not_in_campaign: { status: 409, message: 'You are not working in this campaign; join it first.', fatal: false },
  lead_not_claimed: { status: 409, message: 'This lead is not claimed by you; ask for the next lead.', fatal: false },
  disposition_already_recorded: { status: 409, message: 'This attempt already has a disposition; it is recorded once.', fatal: false },
  callback_outside_window: { status: 422, message: "The callback time is outside the lead's calling hours; details.opensAt is the next opening.", fatal: false },
  webhook_signature_missing: { status: 400, message: 'Webhook signature headers are missing.', fatal: false },
  webhook_signature_invalid: { status: 403, message: 'Webhook signature does not verify.', fatal: false },
  webhook_timestamp_stale: { status: 401, message: 'Webhook timestamp is outside the tolerance window.', fatal: false },
  texml_token_invalid: { status: 403, message: 'TeXML request is neither signed nor carries a valid token.', fatal: false },
  telnyx_auth_failed: { status: 502, message: 'Telnyx rejected the API key.', fatal: true },
  telnyx_rejected: { status: 502, message: 'Telnyx rejected the request.', fatal: false },
  telnyx_rate_limited: { status: 503, message: 'Telnyx rate limit reached; try again shortly.', fatal: false },
  telnyx_unavailable: { status: 503, message: 'Telnyx did not answer.', fatal: false },
  telnyx_outcome_unknown: {
    status: 504,
    message: 'Telnyx did not confirm whether the call was created; it is being reconciled, not redialled.',
    fatal: false,
  },
  config_invalid: { status: 500, message: 'The server configuration is invalid.', fatal: true },
  internal: { status: 500, message: 'Internal error.', fatal: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface DialerErrorOptions {
  /** Overrides the catalogue's message with one specific to this failure. */
  message?: string;
  /** Machine-readable details for the API client (field errors, upstream codes). */
  details?: unknown;
  cause?: unknown;
}

export class DialerError extends Error {
  override readonly name = 'DialerError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly fatal: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, options: DialerErrorOptions = {}) {
    const spec: ErrorSpec = ERROR_CATALOGUE[code];
    super(options.message ?? spec.message, { cause: options.cause });
    this.code = code;
    this.status = spec.status;
    this.fatal = spec.fatal;
    this.details = options.details;
  }

  /** The JSON body every API error answers with. */
  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isDialerError(error: unknown, code?: ErrorCode): error is DialerError {
  return error instanceof DialerError && (code === undefined || error.code === code);
}
