/**
 * What each environment variable means and its default, as the README's configuration
 * table shows them (a unit test keeps the two in step).
 *
 * @module
 */
import { ENV_SCHEMA, type EnvName } from './env-schema.ts';

export interface SettingDoc {
  readonly name: EnvName;
  /** The default as the README shows it. */
  readonly default: string;
  readonly description: string;
}

const DOCS: Record<EnvName, Omit<SettingDoc, 'name'>> = {
  PORT: { default: '3000', description: 'HTTP port of the dialer; 0 = any free port (tests).' },
  HOST: { default: '0.0.0.0', description: 'Interface the HTTP server binds to.' },
  PUBLIC_BASE_URL: {
    default: 'sandbox: http://localhost:${PORT}; telnyx: required',
    description: 'Absolute http(s) URL at which Telnyx reaches this server (no trailing slash). Must not be localhost in telnyx mode.',
  },
  LOG_LEVEL: { default: 'info', description: 'debug, info, warn, error or silent.' },
  TELNYX_API_KEY: { default: '(unset: sandbox mode)', description: 'Telnyx API key. Setting it switches to telnyx mode and turns the sandbox off.' },
  TELNYX_PUBLIC_KEY: { default: 'telnyx: required', description: 'Ed25519 webhook public key, base64 of 32 bytes, to verify callbacks.' },
  TELNYX_APPLICATION_SID: { default: 'telnyx: required', description: 'TeXML application id used as ApplicationSid when creating calls.' },
  TELNYX_ACCOUNT_SID: { default: 'telnyx: required', description: 'Account SID in the TeXML REST paths (/texml/Accounts/{sid}/Calls).' },
  TELNYX_API_BASE_URL: { default: 'https://api.telnyx.com/v2', description: 'Base URL of the Telnyx REST API.' },
  DIALER_ADMIN_TOKEN: { default: 'sandbox: random; telnyx: required', description: 'Admin API bearer token, at least 24 characters.' },
  DIALER_SECRET: { default: 'sandbox: random; telnyx: required', description: 'HMAC key (at least 32 characters) for the per-attempt tokens in TeXML URLs.' },
  SANDBOX_PORT: { default: '3001', description: 'Port of the local Telnyx emulator in sandbox mode; 0 = any free port.' },
  DATABASE_URL: { default: '(unset: embedded PGlite)', description: 'postgres:// or postgresql:// URL; several servers can share one database.' },
  DIALER_DATA_DIR: { default: './data', description: 'Folder of the embedded PGlite database when DATABASE_URL is unset.' },
  DIALER_CALLER_IDS: { default: 'sandbox: +13125550100; telnyx: required', description: 'Comma-separated E.164 numbers the account owns, used as caller ID.' },
  TELNYX_DIALS_PER_SECOND: { default: '30', description: 'Most call creates per second (Telnyx limit).' },
  TELNYX_DIALS_PER_5S: { default: '150', description: 'Most call creates per 5 seconds (Telnyx limit).' },
  TELNYX_HTTP_TIMEOUT_MS: { default: '10000', description: 'Timeout of one Telnyx REST request, ms (100–120000).' },
  TELNYX_MAX_RETRIES: { default: '3', description: 'Retries of a Telnyx request that may be retried safely (0–10).' },
  WEBHOOK_TOLERANCE_S: { default: '300', description: 'Largest accepted age of a signed webhook, seconds (1–3600).' },
  CREATE_RECONCILE_AFTER_MS: {
    default: '60000',
    description: 'How long to wait for any callback of a create whose outcome is unknown before asking Telnyx, ms.',
  },
  AGENT_RING_TIMEOUT_S: { default: '20', description: "How long the agent's softphone rings, seconds (5–120)." },
  CUSTOMER_RING_TIMEOUT_S: { default: '30', description: 'How long the customer rings, seconds (15–120; under 15 s is refused for compliance).' },
  SIP_DOMAIN: { default: 'sip.telnyx.com', description: 'SIP domain of agent addresses (sip:<user>@domain).' },
  TELNYX_CREDENTIAL_CONNECTION_ID: { default: 'telnyx: required', description: "Credential connection id on which each agent's telephony credential (WebRTC login) is created." },
  AGENT_HEARTBEAT_TIMEOUT_MS: { default: '25000', description: "Silence on a softphone's socket after which its registration counts as lost and the agent Unavailable, ms (5000–3600000)." },
  AGENT_WRAP_UP_S: { default: '30', description: 'Wrap-up after each call before the agent is Available again, seconds (0–3600; 0 = none).' },
  DIALER_DEFAULT_PROFILE: { default: 'US', description: 'Compliance profile (US, CA or UK: calling hours, registry, locks) of manual calls outside campaigns.' },
  SANDBOX_CUSTOMER_TIME_ZONE: {
    default: 'America/New_York',
    description: "Sandbox mode only: the IANA time zone of the sandbox's fictional +1555… customers, whose calling window the compliance gate checks.",
  },
};

/** Every variable with its default and meaning, in schema order (for the README table). */
export function describeConfig(): readonly SettingDoc[] {
  return (Object.keys(ENV_SCHEMA) as EnvName[]).map((name) => ({ name, ...DOCS[name] }));
}
