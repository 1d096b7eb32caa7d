/**
 * Telephony credentials and their WebRTC login tokens (texml-api.md §8), enough for the
 * softphone: create a credential on a connection, issue a 24 h JWT for it, and later
 * check a token presented by a client.
 *
 * @module
 */

import type { Clock } from '../lib/scheduler.ts';
import { ALPHANUMERIC_ALPHABET, HEX_ALPHABET, prngUuid, type Prng } from './prng.ts';
import type { Signer } from './signing.ts';

/** The `data` object of `POST /v2/telephony_credentials` (201). */
export interface TelephonyCredential {
  id: string;
  record_type: 'credential';
  name: string | null;
  tag: string | null;
  /** `connection:<connection id>`. */
  resource_id: string;
  /** Always starts with `gencred`; clients register (and are dialled) under it. */
  sip_username: string;
  sip_password: string;
  expired: boolean;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  user_id: string;
}

export interface CredentialInput {
  connection_id: string;
  name?: string;
  tag?: string;
  expires_at?: string;
}

/** Tokens live 24 h, or until the credential expires if that is sooner (docs, §8). */
export const TOKEN_LIFETIME_MS = 24 * 3600_000;

export class CredentialStore {
  #credentials = new Map<string, TelephonyCredential>();

  constructor(
    private readonly clock: Clock,
    private readonly signer: Signer,
    private readonly userId: string,
    private prng: Prng,
  ) {}

  create(input: CredentialInput): TelephonyCredential {
    const now = new Date(this.clock.now()).toISOString();
    const credential: TelephonyCredential = {
      id: prngUuid(this.prng),
      record_type: 'credential',
      name: input.name ?? null,
      tag: input.tag ?? null,
      resource_id: `connection:${input.connection_id}`,
      sip_username: `gencred${this.prng.string(22, ALPHANUMERIC_ALPHABET)}`,
      sip_password: this.prng.string(32, HEX_ALPHABET),
      expired: false,
      expires_at: input.expires_at ?? null,
      created_at: now,
      updated_at: now,
      user_id: this.userId,
    };
    this.#credentials.set(credential.id, credential);
    return credential;
  }

  get(id: string): TelephonyCredential | undefined {
    return this.#credentials.get(id);
  }

  /** A signed JWT for credential `id` with the claims Telnyx's example tokens carry. */
  issueToken(id: string): string | undefined {
    const credential = this.#credentials.get(id);
    if (!credential) return undefined;
    const nowMs = this.clock.now();
    const expiresAtMs = credential.expires_at ? Date.parse(credential.expires_at) : Number.POSITIVE_INFINITY;
    const iat = Math.floor(nowMs / 1000);
    return this.signer.signJwt({
      aud: 'telnyx_telephony',
      iss: 'telnyx_telephony',
      typ: 'access',
      sub: credential.id,
      tel_token: this.prng.string(32, ALPHANUMERIC_ALPHABET),
      jti: prngUuid(this.prng),
      iat,
      nbf: iat,
      exp: Math.floor(Math.min(nowMs + TOKEN_LIFETIME_MS, expiresAtMs) / 1000),
    });
  }

  /** The credential a token was issued for, if the token is ours and still valid now. */
  verifyToken(token: string): TelephonyCredential | undefined {
    const claims = this.signer.verifyJwt(token);
    if (!claims || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (claims.exp * 1000 <= this.clock.now()) return undefined;
    return this.#credentials.get(claims.sub);
  }

  reset(prng: Prng): void {
    this.#credentials.clear();
    this.prng = prng;
  }
}
