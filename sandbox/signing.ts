/**
 * The sandbox's Ed25519 key pair: it signs every webhook the way Telnyx does
 * (`telnyx-timestamp` + `telnyx-signature-ed25519` over `timestamp|rawBody`,
 * texml-api.md §5) and the WebRTC login tokens it issues. The public half is published
 * as 32 raw bytes in base64, the format Telnyx's portal shows.
 *
 * @module
 */

import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { SIGNATURE_HEADERS } from '../lib/telnyx-wire.ts';

export interface Signer {
  /** The raw 32-byte Ed25519 public key, base64: what the dialer verifies with. */
  readonly publicKeyBase64: string;
  /** Headers for a webhook with this body, timestamped `timestampS` (Unix seconds). */
  webhookHeaders(timestampS: number, rawBody: string): Record<string, string>;
  /** A compact JWS (`EdDSA`) over `claims`. */
  signJwt(claims: Record<string, unknown>): string;
  /** The claims of a token this signer issued, or null when the signature does not match. */
  verifyJwt(token: string): Record<string, unknown> | null;
}

/**
 * A fresh key pair, generated at start-up so tokens and signatures never outlive the
 * process; or the given Ed25519 private key (tests that must forge or replay a genuine
 * signature).
 */
export function createSigner(privateKey?: KeyObject): Signer {
  if (privateKey) return signerFor(privateKey, createPublicKey(privateKey));
  const pair = generateKeyPairSync('ed25519');
  return signerFor(pair.privateKey, pair.publicKey);
}

function signerFor(privateKey: KeyObject, publicKey: KeyObject): Signer {
  const jwk = publicKey.export({ format: 'jwk' });
  const publicKeyBase64 = Buffer.from(String(jwk.x), 'base64url').toString('base64');
  return {
    publicKeyBase64,
    webhookHeaders(timestampS, rawBody) {
      const timestamp = String(Math.trunc(timestampS));
      const signature = sign(null, Buffer.from(`${timestamp}|${rawBody}`, 'utf8'), privateKey);
      return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.signature]: signature.toString('base64') };
    },
    signJwt(claims) {
      const header = base64urlJson({ alg: 'EdDSA', typ: 'JWT' });
      const payload = base64urlJson(claims);
      const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
      return `${header}.${payload}.${signature}`;
    },
    verifyJwt(token) {
      const [header, payload, signature] = token.split('.');
      if (!header || !payload || !signature) return null;
      const valid = verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
      if (!valid) return null;
      try {
        return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return null;
      }
    },
  };
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
