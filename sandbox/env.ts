/**
 * Everything a sandbox instance shares between its REST API, call simulator, TeXML
 * interpreter and control API. Built once by `createSandbox`; passed explicitly, never
 * imported as a global, so two sandboxes in one process do not interfere.
 *
 * @module
 */

import type { Scheduler } from '../lib/scheduler.ts';
import type { HttpMethod } from '../lib/telnyx-wire.ts';
import { CallbackDelivery } from './callbacks/delivery.ts';
import { CallStore } from './calls/store.ts';
import { CredentialStore } from './credentials.ts';
import { DialRateWindow } from './dial-rate.ts';
import { DEFAULT_FAULTS, FaultState } from './faults.ts';
import { createHttpSender, type HttpSender } from './http/outbound.ts';
import { createPrng, type Prng } from './prng.ts';
import { createRtcGateway, type RtcGateway, type RtcGatewayOptions } from './rtc/index.ts';
import { DEFAULT_SCENARIOS, type ScenarioRule } from './scenarios.ts';
import type { Signer } from './signing.ts';
import { Transcript } from './transcript.ts';

/** The subset of a pino logger the sandbox uses. */
export interface SandboxLogger {
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

/**
 * The TeXML application's own settings (texml-api.md §3): used when a create names
 * neither `Url` nor `Texml`, or sends no `StatusCallback`.
 */
export interface ApplicationSettings {
  voiceUrl?: string;
  /** @default 'POST' */
  voiceMethod?: HttpMethod;
  voiceFallbackUrl?: string;
  statusCallback?: string;
  /** @default 'POST' */
  statusCallbackMethod?: HttpMethod;
}

/**
 * The credential connection the softphones log in on, with "Park Outbound Calls = TeXML"
 * (texml-api.md §8): a call a softphone places is parked and `voiceUrl` is fetched for
 * it. Which connection field Telnyx fetches is UNCONFIRMED (§8 infers `webhook_event_url`).
 */
export interface CredentialConnectionSettings {
  /** TeXML fetched for each parked call; unset: softphone calls are rejected. */
  voiceUrl?: string;
  /** @default 'POST' */
  voiceMethod?: HttpMethod;
  /** Progress callbacks of the parked leg. */
  statusCallback?: string;
  /** @default 'POST' */
  statusCallbackMethod?: HttpMethod;
}

/**
 * What a leg to `sip:<user>@sip.telnyx.com` does when `<user>` has no softphone
 * registered on the sandbox's RTC socket:
 * - `scenario`: the scenario rules decide (`sip:*` answers as a person after 1 s). An
 *   emulation shortcut, so the product and its tests run without a browser.
 * - `unavailable`: the leg fails as Telnyx would fail it (SIP 480, see `end-reasons.ts`).
 */
export type UnregisteredSipMode = 'scenario' | 'unavailable';

/** Sandbox-wide switches (control API `PUT /_sandbox/settings`). */
export interface SandboxSettings {
  unregisteredSip: UnregisteredSipMode;
}

/** Independent seeded streams, so one concern's draws never shift another's. */
export interface PrngStreams {
  sids: Prng;
  ids: Prng;
  fates: Prng;
  faults: Prng;
  credentials: Prng;
}

export interface SandboxEnv {
  readonly scheduler: Scheduler;
  readonly accountSid: string;
  readonly applicationSid: string;
  readonly connectionId: string;
  readonly seed: number;
  /** Wall-clock ms before a fetch or callback is abandoned. */
  readonly httpTimeoutMs: number;
  prng: PrngStreams;
  scenarios: ScenarioRule[];
  application: ApplicationSettings;
  credentialConnection: CredentialConnectionSettings;
  settings: SandboxSettings;
  /** What `resetEnv` returns the two fields above to: the values given at start-up. */
  readonly startup: { readonly credentialConnection: CredentialConnectionSettings; readonly settings: SandboxSettings };
  readonly transcript: Transcript;
  readonly calls: CallStore;
  readonly faults: FaultState;
  readonly dialRate: DialRateWindow;
  readonly http: HttpSender;
  readonly signer: Signer;
  readonly callbacks: CallbackDelivery;
  readonly credentials: CredentialStore;
  /** The WebRTC socket: softphones register on it and are rung through it. */
  readonly rtc: RtcGateway;
  readonly logger: SandboxLogger;
}

export interface EnvSettings {
  scheduler: Scheduler;
  accountSid: string;
  applicationSid: string;
  connectionId: string;
  seed: number;
  httpTimeoutMs: number;
  signer: Signer;
  logger: SandboxLogger;
  credentialConnection: CredentialConnectionSettings;
  settings: SandboxSettings;
  rtc: Pick<RtcGatewayOptions, 'pingIntervalMs' | 'audio' | 'mediaHostAddresses'>;
}

export function createPrngStreams(seed: number): PrngStreams {
  return {
    sids: createPrng(seed, 'sids'),
    ids: createPrng(seed, 'ids'),
    fates: createPrng(seed, 'fates'),
    faults: createPrng(seed, 'faults'),
    credentials: createPrng(seed, 'credentials'),
  };
}

export function createEnv(settings: EnvSettings): SandboxEnv {
  const { scheduler, signer, seed, logger, rtc: rtcOptions, credentialConnection, settings: switches, ...rest } = settings;
  const prng = createPrngStreams(seed);
  const transcript = new Transcript(scheduler);
  const faults = new FaultState(prng.faults);
  const http = createHttpSender(signer, scheduler, settings.httpTimeoutMs);
  const credentials = new CredentialStore(scheduler, signer, settings.accountSid, prng.credentials);
  const rtc = createRtcGateway({
    ...rtcOptions,
    scheduler,
    transcript,
    logger,
    verifyLoginToken: (token) => {
      const credential = credentials.verifyToken(token);
      return credential ? { sipUsername: credential.sip_username } : null;
    },
  });
  return {
    ...rest,
    scheduler,
    signer,
    seed,
    logger,
    prng,
    scenarios: [...DEFAULT_SCENARIOS],
    application: {},
    credentialConnection: { ...credentialConnection },
    settings: { ...switches },
    startup: { credentialConnection: { ...credentialConnection }, settings: { ...switches } },
    transcript,
    calls: new CallStore(),
    faults,
    dialRate: new DialRateWindow(scheduler, () => faults.settings.rateLimit),
    http,
    callbacks: new CallbackDelivery(scheduler, faults, http, transcript),
    credentials,
    rtc,
  };
}

/**
 * Back to the state right after start-up: no calls, empty transcript, default scenarios
 * and faults, the start-up settings, and every random stream reseeded, so a reset run
 * repeats a fresh one. Pending call timers are cancelled; calls vanish without callbacks,
 * but a softphone still carrying one gets a bye. Registered softphones stay registered.
 */
export function resetEnv(env: SandboxEnv): void {
  for (const call of env.calls.all()) {
    for (const handle of call.timers) env.scheduler.clearTimeout(handle);
    call.timers.clear();
    // Work already in flight (an awaited fetch) sees the call as ended and stops.
    call.endedAt ??= env.scheduler.now();
    call.execution = null;
    call.dial = null;
    call.softphone?.handle.hangup();
  }
  env.calls.clear();
  env.transcript.clear();
  env.callbacks.reset();
  env.dialRate.reset();
  env.prng = createPrngStreams(env.seed);
  env.faults.replace(DEFAULT_FAULTS, env.prng.faults);
  env.credentials.reset(env.prng.credentials);
  env.scenarios = [...DEFAULT_SCENARIOS];
  env.application = {};
  env.credentialConnection = { ...env.startup.credentialConnection };
  env.settings = { ...env.startup.settings };
}
