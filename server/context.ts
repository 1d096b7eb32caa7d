/**
 * What every feature is given: built once in `main.ts` (or a test), passed to
 * `createApp()`. Features take what they need from it; nothing reaches for globals.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Scheduler } from '../lib/scheduler.ts';
import type { Presence } from './agents/presence.ts';
import type { Config } from './config.ts';
import type { Tables } from './db/schema.ts';
import type { Logger } from './log.ts';
import type { TelnyxClient } from './telnyx/client.ts';

/** The Telnyx account the server talks to: the real one, or the sandbox's. */
export interface TelnyxAccount {
  /** TeXML application (connection) id sent as `ApplicationSid` on every create. */
  applicationSid: string;
  /** Base64 Ed25519 public key that signs Telnyx's webhooks. */
  webhookPublicKeyBase64: string;
  /** Credential connection that holds the agents' telephony credentials (texml-api.md §8). */
  connectionId: string;
  /** Sandbox mode only: port of the in-process sandbox, whose `/rtc` socket the softphone uses. */
  sandboxPort?: number;
}

export interface AppContext {
  config: Config;
  db: Kysely<Tables>;
  telnyx: TelnyxClient;
  telnyxAccount: TelnyxAccount;
  scheduler: Scheduler;
  logger: Logger;
  /** Agents' status and registration: its only writer (`server/agents/presence.ts`). */
  presence: Presence;
}
