/**
 * Telnyx webhook signatures, as pure functions (no Express): Ed25519 over
 * `UTF8(telnyx-timestamp) + "|" + raw body bytes`, verified with the account's 32-byte
 * public key (texml-api.md §5). The Express wiring lives in `webhook-middleware.ts`;
 * the sandbox signs its callbacks with {@link signWebhookPayload}, so tests and
 * production go through the same check.
 *
 * @module
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { SIGNATURE_HEADERS } from '../../lib/telnyx-wire.ts';

/**
 * DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
 * 1.3.101.112 }, BIT STRING (0 unused bits) }, followed by the 32 raw key bytes. We wrap
 * Telnyx's raw key in it and import as `spki`/`der` rather than JWK because it is a
 * byte-exact, synchronous import with no base64url re-encoding; `node:crypto.verify`
 * then needs no WebCrypto promise.
 */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
/** Strict base64 (standard alphabet, optional padding); Buffer.from() alone accepts junk. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Unix seconds as Telnyx sends them: digits only, at most 12 (year 33658). */
const UNIX_SECONDS = /^\d{1,12}$/;

export type VerifyFailureReason = 'missing_headers' | 'malformed' | 'bad_signature' | 'stale_timestamp';

export type VerifyResult =
  | { ok: true; timestampS: number }
  | { ok: false; reason: VerifyFailureReason; message: string };

export interface VerifyWebhookSignatureOptions {
  /** The account's Ed25519 public key: 32 raw bytes, base64 (Mission Control → Public Key). */
  publicKeyBase64: string;
  /** Value of the `telnyx-timestamp` header: Unix seconds, decimal. */
  timestampHeader: string | undefined | null;
  /** Value of the `telnyx-signature-ed25519` header: base64 of 64 signature bytes. */
  signatureHeader: string | undefined | null;
  /** The body exactly as received, before any parsing. A string is taken as UTF-8. */
  rawBody: Buffer | string;
  /** Current time, epoch ms. */
  nowMs: number;
  /**
   * Largest accepted |now − timestamp|, in seconds, in both directions (an old replay or
   * a sender clock running ahead). @default 300, as the official Node SDK.
   */
  toleranceS?: number;
}

/**
 * Turn a base64 32-byte Ed25519 public key into a KeyObject.
 * Throws a TypeError naming the problem: a bad key is a configuration error, not a
 * property of the request being checked.
 */
export function importWebhookPublicKey(publicKeyBase64: string): KeyObject {
  // Every callback is checked against the same key: keep the last import instead of
  // decoding the DER on the hot path.
  if (lastImported?.base64 === publicKeyBase64) return lastImported.key;
  const text = typeof publicKeyBase64 === 'string' ? publicKeyBase64.trim() : '';
  const raw = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new TypeError(
      `Expected \`publicKeyBase64\` to be base64 of ${ED25519_PUBLIC_KEY_BYTES} bytes (an Ed25519 public key), got ${raw.length} bytes`,
    );
  }
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  lastImported = { base64: publicKeyBase64, key };
  return key;
}

let lastImported: { base64: string; key: KeyObject } | undefined;

/** The bytes Telnyx signs: `timestamp + "|" + body`. */
function signedBytes(timestampHeader: string, rawBody: Buffer | string): Buffer {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return Buffer.concat([Buffer.from(`${timestampHeader}|`, 'utf8'), body]);
}

/**
 * Check a Telnyx webhook. The signature is checked before the timestamp so that
 * `stale_timestamp` is reported only for a genuinely signed but old (replayed) or
 * future-dated request; an unsigned one is `bad_signature` whatever its time.
 *
 * @throws TypeError when `publicKeyBase64` is not a 32-byte key (a configuration error).
 * @example
 * const result = verifyWebhookSignature({ publicKeyBase64, timestampHeader, signatureHeader, rawBody, nowMs: Date.now() });
 * if (!result.ok) console.warn(result.reason, result.message);
 */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): VerifyResult {
  const { publicKeyBase64, rawBody, nowMs, toleranceS = 300 } = options;
  const key = importWebhookPublicKey(publicKeyBase64);
  const timestamp = options.timestampHeader?.trim();
  const signature = options.signatureHeader?.trim();
  if (!timestamp || !signature) {
    const missing = [!timestamp && SIGNATURE_HEADERS.timestamp, !signature && SIGNATURE_HEADERS.signature].filter(Boolean);
    return { ok: false, reason: 'missing_headers', message: `Missing header(s): ${missing.join(', ')}` };
  }
  if (!UNIX_SECONDS.test(timestamp)) {
    return { ok: false, reason: 'malformed', message: `${SIGNATURE_HEADERS.timestamp} is not Unix seconds` };
  }
  const signatureBytes = BASE64.test(signature) ? Buffer.from(signature, 'base64') : Buffer.alloc(0);
  if (signatureBytes.length !== ED25519_SIGNATURE_BYTES) {
    return {
      ok: false,
      reason: 'malformed',
      message: `${SIGNATURE_HEADERS.signature} is not base64 of ${ED25519_SIGNATURE_BYTES} bytes`,
    };
  }
  if (!verify(null, signedBytes(timestamp, rawBody), key, signatureBytes)) {
    return { ok: false, reason: 'bad_signature', message: 'Signature does not verify with the configured public key' };
  }
  const timestampS = Number(timestamp);
  const skewS = Math.abs(nowMs / 1000 - timestampS);
  if (skewS > toleranceS) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `Timestamp is ${Math.round(skewS)} s away from now (tolerance ${toleranceS} s)`,
    };
  }
  return { ok: true, timestampS };
}

/** The two signature headers, keyed by their wire names, ready to send. */
export type WebhookSignatureHeaders = {
  [SIGNATURE_HEADERS.timestamp]: string;
  [SIGNATURE_HEADERS.signature]: string;
};

export interface SignWebhookPayloadOptions {
  /** An Ed25519 private key, e.g. from {@link generateWebhookKeyPair}. */
  privateKey: KeyObject;
  /** Unix seconds to put in `telnyx-timestamp`. */
  timestampS: number;
  /** The exact body that will be sent. A string is taken as UTF-8. */
  rawBody: Buffer | string;
}

/**
 * Sign a webhook the way Telnyx does, for the sandbox and tests.
 * @example
 * const headers = signWebhookPayload({ privateKey, timestampS: 1767625200, rawBody: 'CallSid=v3%3Aabc' });
 */
export function signWebhookPayload(options: SignWebhookPayloadOptions): WebhookSignatureHeaders {
  const timestamp = String(Math.trunc(options.timestampS));
  const signature = sign(null, signedBytes(timestamp, options.rawBody), options.privateKey);
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.signature]: signature.toString('base64'),
  };
}

/** A fresh Ed25519 key pair; the public half in Telnyx's format (32 raw bytes, base64). */
export function generateWebhookKeyPair(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyBase64: der.subarray(ED25519_SPKI_PREFIX.length).toString('base64') };
}
