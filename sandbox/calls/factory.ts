/**
 * Making a new call record: ids from the seeded streams, so runs repeat.
 *
 * @module
 */

import { decideFate, type CallFate } from '../carrier-model.ts';
import type { SandboxEnv } from '../env.ts';
import { prngUuid, URL_SAFE_ALPHABET } from '../prng.ts';
import { matchScenario } from '../scenarios.ts';
import type { CustomHeader } from '../rtc/index.ts';
import type { Leg } from '../transcript.ts';
import type { AmdSettings, Instructions, LegHooks, SimCall, StatusSubscription } from './call.ts';

export interface NewCall {
  leg: Leg;
  parent?: SimCall;
  connectionId: string;
  from: string;
  to: string;
  callerIdName?: string;
  /** ms. */
  ringTimeoutMs: number;
  /** ms. */
  timeLimitMs?: number;
  statusCallback?: StatusSubscription;
  amd?: AmdSettings;
  instructions?: Instructions;
  customHeaders?: readonly CustomHeader[];
  /** A fate decided by the caller (a parked softphone call); otherwise drawn from the scenarios. */
  fate?: CallFate;
  hooks: LegHooks;
}

/** `v3:` + 54 URL-safe characters, like Telnyx's Call Control ids (texml-api.md §11.2). */
export function newCallSid(env: SandboxEnv): string {
  return `v3:${env.prng.sids.string(54, URL_SAFE_ALPHABET)}`;
}

/** Create and store a call in `queued`; unless given, its fate is drawn now from the scenario for `to`. */
export function newCall(env: SandboxEnv, spec: NewCall): SimCall {
  const fate = spec.fate ?? decideFate(matchScenario(env.scenarios, spec.to), () => env.prng.fates.next());
  const call: SimCall = {
    ...spec,
    sid: newCallSid(env),
    accountSid: env.accountSid,
    callLegId: prngUuid(env.prng.ids),
    callSessionId: spec.parent?.callSessionId ?? prngUuid(env.prng.ids),
    createdAt: env.scheduler.now(),
    status: 'queued',
    fate,
    sequence: 0,
    timers: new Set(),
    execution: null,
    dial: null,
    gathers: 0,
  };
  env.calls.add(call);
  return call;
}
