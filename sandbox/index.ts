/**
 * The Telnyx sandbox: a local emulator of the TeXML REST API, its callbacks and
 * instruction fetches, telephony-credential tokens, and the WebRTC socket softphones
 * log in on (`/rtc`), so the dialer runs and is tested without a Telnyx account
 * (DESIGN.md "The sandbox"; wire formats: texml-api.md, webrtc-sdk.md).
 *
 * @example
 * const sandbox = createSandbox({ scheduler: new VirtualScheduler(), seed: 1 });
 * const { url, close } = await sandbox.listen(0);
 * // POST `${url}/v2/texml/Accounts/${sandbox.accountSid}/Calls` with `Bearer ${sandbox.apiKey}`,
 * // then drive the scheduler and read `sandbox.control.lines()`.
 *
 * @module
 */

import { randomBytes, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Scheduler } from '../lib/scheduler.ts';
import { apiRouter } from './api/router.ts';
import { acceptClientCall } from './calls/parked-call.ts';
import { createControl, type SandboxControl } from './control/control.ts';
import { controlRouter } from './control/routes.ts';
import type { CredentialStore } from './credentials.ts';
import { createEnv, type CredentialConnectionSettings, type SandboxLogger, type UnregisteredSipMode } from './env.ts';
import { createPrng, DIGIT_ALPHABET, prngUuid, randomSeed } from './prng.ts';
import type { RtcGateway, RtcGatewayOptions } from './rtc/index.ts';
import { createSigner } from './signing.ts';
import { SANDBOX_VERSION } from './version.ts';

export type { SandboxControl, SandboxCallView } from './control/control.ts';
export { SandboxInputError } from './control/control.ts';
export type { ApplicationSettings, CredentialConnectionSettings, SandboxLogger, SandboxSettings, UnregisteredSipMode } from './env.ts';
export type { RtcGateway } from './rtc/index.ts';
export type { FaultInput, FaultSettings, DialRateLimit, ApiFailureFault } from './faults.ts';
export { DEFAULT_FAULTS } from './faults.ts';
export type { ScenarioRule } from './scenarios.ts';
export { DEFAULT_SCENARIOS } from './scenarios.ts';
export type { CallFate, FateRule, FateSpec, MixSpec, Outcome } from './carrier-model.ts';
export type { Leg, TranscriptEntry, TranscriptFilter, TranscriptKind } from './transcript.ts';
export type { TelephonyCredential } from './credentials.ts';
export { SANDBOX_VERSION } from './version.ts';

export interface SandboxOptions {
  /** Every timed step of the simulator runs on it; tests pass a `VirtualScheduler`. */
  scheduler: Scheduler;
  /** @default derived from the seed (UUID-shaped) */
  accountSid?: string;
  /** The API key clients must send as `Authorization: Bearer …`. @default a random `KEY…` */
  apiKey?: string;
  /** The TeXML application id (a connection id). @default `connectionId` */
  applicationSid?: string;
  /** The credential connection of the agents' softphones. @default derived from the seed (19 digits) */
  connectionId?: string;
  /**
   * Seed of every random draw (CallSids, scenario mixes, faults): the same seed and the
   * same requests give the same transcript. @default random, so restarts never reuse CallSids
   */
  seed?: number;
  /** Wall-clock ms before an instruction fetch or callback is abandoned. @default 5000 */
  httpTimeoutMs?: number;
  logger?: SandboxLogger;
  /** Ed25519 private key that signs webhooks and tokens. @default generated at start-up */
  signingKey?: KeyObject;
  /**
   * Where a softphone's own calls get their TeXML (flow 2, parked outbound). Also what
   * `POST /_sandbox/reset` returns to. @default none: such calls are rejected
   */
  credentialConnection?: CredentialConnectionSettings;
  /**
   * A leg to `sip:<user>@sip.telnyx.com` whose user has no softphone registered:
   * `'scenario'` lets the scenario rules answer it (an emulation shortcut, so nothing
   * needs a browser), `'unavailable'` fails it with a 480 as Telnyx would. @default 'scenario'
   */
  unregisteredSip?: UnregisteredSipMode;
  /** The WebRTC socket's ping period (ms), customer audio and extra media host addresses. */
  rtc?: Pick<RtcGatewayOptions, 'pingIntervalMs' | 'audio' | 'mediaHostAddresses'>;
}

export interface Sandbox {
  /** REST API under `/v2`, control API under `/_sandbox`. */
  app: Express;
  apiKey: string;
  accountSid: string;
  applicationSid: string;
  connectionId: string;
  /** The raw 32-byte Ed25519 public key, base64, that verifies every callback. */
  publicKeyBase64: string;
  seed: number;
  control: SandboxControl;
  /** Telephony credentials issued so far, and a check for their login tokens. */
  credentials: Pick<CredentialStore, 'get' | 'verifyToken'>;
  /** The WebRTC socket (`ws://…/rtc` once listening): registrations and softphone calls. */
  rtc: RtcGateway;
  /**
   * Serve `app` on `port` (0 = any free port), with the WebRTC socket at `/rtc`.
   * `close()` also closes every softphone socket. @default host '127.0.0.1'
   */
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

const SILENT: SandboxLogger = { info() {}, warn() {}, error() {} };

export function createSandbox(options: SandboxOptions): Sandbox {
  const seed = options.seed ?? randomSeed();
  const ids = createPrng(seed, 'account');
  const accountSid = options.accountSid ?? prngUuid(ids);
  const connectionId = options.connectionId ?? `1${ids.string(18, DIGIT_ALPHABET)}`;
  const applicationSid = options.applicationSid ?? connectionId;
  const apiKey = options.apiKey ?? `KEY${randomBytes(16).toString('hex').toUpperCase()}_sandbox`;
  const httpTimeoutMs = options.httpTimeoutMs ?? 5000;
  if (!Number.isFinite(httpTimeoutMs) || httpTimeoutMs <= 0) {
    throw new TypeError(`Expected \`httpTimeoutMs\` to be a number of ms above 0, got \`${String(httpTimeoutMs)}\` (${typeof httpTimeoutMs})`);
  }
  const signer = createSigner(options.signingKey);
  const env = createEnv({
    scheduler: options.scheduler,
    accountSid,
    applicationSid,
    connectionId,
    seed,
    httpTimeoutMs,
    signer,
    logger: options.logger ?? SILENT,
    credentialConnection: options.credentialConnection ?? {},
    settings: { unregisteredSip: options.unregisteredSip ?? 'scenario' },
    rtc: options.rtc ?? {},
  });
  const control = createControl(env);
  control.setCredentialConnection(env.credentialConnection);
  control.setSettings(env.settings);
  env.rtc.on('clientCall', (call) => acceptClientCall(env, call));

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Telnyx-Sandbox-Version', SANDBOX_VERSION);
    next();
  });
  app.use('/v2', apiRouter(env, apiKey));
  app.use('/_sandbox', controlRouter(env, control));

  return {
    app,
    apiKey,
    accountSid,
    applicationSid,
    connectionId,
    publicKeyBase64: signer.publicKeyBase64,
    seed,
    control,
    credentials: env.credentials,
    rtc: env.rtc,
    async listen(port, host = '127.0.0.1') {
      const server = createServer(app);
      env.rtc.attach(server, '/rtc');
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port: bound } = server.address() as AddressInfo;
      return {
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        async close() {
          // Upgraded sockets are not the server's connections: they would keep it open.
          await env.rtc.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        },
      };
    },
  };
}
