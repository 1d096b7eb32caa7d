/**
 * Per-attempt tokens for the URLs Telnyx fetches.
 *
 * Whether Telnyx signs instruction fetches (`Url`, `action`) is UNCONFIRMED
 * (texml-api.md §5, §10.7), so the safe reading is taken: a TeXML route accepts a request
 * that carries a valid Ed25519 signature OR, when no signature headers are present, a
 * token in its query string that only this server can compute (HMAC-SHA256 of the
 * attempt id under `DIALER_SECRET`). A request with a bad signature is refused even if
 * it also carries a token.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 128 bits of the HMAC, base64url: short enough for URLs, far beyond guessing. */
const TOKEN_BYTES = 16;

export function attemptToken(secret: string, attemptId: string): string {
  return createHmac('sha256', secret).update(`attempt:${attemptId}`).digest().subarray(0, TOKEN_BYTES).toString('base64url');
}

export function verifyAttemptToken(secret: string, attemptId: string, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(attemptToken(secret, attemptId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
