/**
 * The shape of the validated configuration: one frozen {@link Config} per process, built
 * by `loadConfig` (`server/config.ts`) and injected everywhere else.
 *
 * @module
 */
import type { ProfileId } from '../compliance/profiles.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings that sandbox mode fills with random values when unset (main prints them). */
export type GeneratedSetting = 'DIALER_ADMIN_TOKEN' | 'DIALER_SECRET';

export interface HttpConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute http(s) URL, no trailing slash; the base of every URL Telnyx is given. */
  readonly publicBaseUrl: string;
}

export interface TelnyxLimits {
  /** Base of the REST API in telnyx mode; in sandbox mode main points the client at the sandbox. */
  readonly apiBaseUrl: string;
  readonly dialsPerSecond: number;
  readonly dialsPer5s: number;
  readonly httpTimeoutMs: number;
  readonly maxRetries: number;
  /** Largest accepted |now − telnyx-timestamp|, seconds. */
  readonly webhookToleranceS: number;
}

/** Account credentials: all set in telnyx mode, all null in sandbox mode (the sandbox makes its own). */
export interface TelnyxCredentials {
  readonly apiKey: string;
  /** Ed25519 webhook public key, base64 of 32 bytes. */
  readonly publicKey: string;
  readonly applicationSid: string;
  readonly accountSid: string;
  /** Credential connection on which each agent's telephony credential is created (texml-api.md §8). */
  readonly credentialConnectionId: string;
}
export type NoCredentials = { readonly [K in keyof TelnyxCredentials]: null };

export type TelnyxConfig = TelnyxLimits & (TelnyxCredentials | NoCredentials);

export interface SecretsConfig {
  /** Bearer token for the admin API (≥ 24 chars). */
  readonly adminToken: string;
  /** HMAC key for per-attempt TeXML URL tokens (≥ 32 chars). */
  readonly dialerSecret: string;
}

export interface StorageConfig {
  readonly kind: 'postgres' | 'pglite';
  /** Set exactly when kind is 'postgres'. */
  readonly databaseUrl: string | undefined;
  /** PGlite data folder (used when kind is 'pglite'). */
  readonly dataDir: string;
}

export interface DialingConfig {
  /** E.164 numbers the account owns, usable as caller ID. Never empty. */
  readonly callerIds: readonly string[];
  readonly agentRingTimeoutS: number;
  readonly customerRingTimeoutS: number;
  readonly sipDomain: string;
  /** Wait for any callback of a create with an unknown outcome before asking Telnyx, ms. */
  readonly createReconcileAfterMs: number;
}

/** Agent presence (`server/agents/presence.ts`). */
export interface AgentsConfig {
  /** No message from the softphone's socket for this long (it pings every 10 s) = registration lost, ms. */
  readonly heartbeatTimeoutMs: number;
  /** Wrap-up after a call before the agent is Available again, s; 0 = straight back. */
  readonly wrapUpS: number;
}

/** Compliance (`server/compliance/`). */
export interface ComplianceConfig {
  /** Country profile of manual calls outside campaigns (click-to-call, agent-dialled). */
  readonly defaultProfile: ProfileId;
}

/** Everything but the mode and the Telnyx settings, which depend on it. */
export interface ConfigBase {
  readonly http: HttpConfig;
  readonly logLevel: LogLevel;
  readonly secrets: SecretsConfig;
  /** Port of the local Telnyx emulator; 0 = any free port. Used in sandbox mode only. */
  readonly sandbox: {
    readonly port: number;
    /** IANA zone of the sandbox's fictional +1555… customers, for the calling window (sandbox mode only). */
    readonly customerTimeZone: string;
  };
  readonly storage: StorageConfig;
  readonly dialing: DialingConfig;
  readonly agents: AgentsConfig;
  readonly compliance: ComplianceConfig;
  /** Which settings were generated at load (sandbox mode), so main can print them. */
  readonly generated: readonly GeneratedSetting[];
}

/**
 * Sandbox mode (no `TELNYX_API_KEY`) or telnyx mode. Narrowing on `mode` makes the
 * credentials in `telnyx` non-null.
 */
export type Config =
  | (ConfigBase & { readonly mode: 'sandbox'; readonly telnyx: TelnyxLimits & NoCredentials })
  | (ConfigBase & { readonly mode: 'telnyx'; readonly telnyx: TelnyxLimits & TelnyxCredentials });
