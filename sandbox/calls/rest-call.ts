/**
 * A call created through `POST /texml/Accounts/{sid}/Calls`: validated parameters in,
 * a ringing-soon A-leg out (texml-api.md §1.1, §11.2).
 *
 * @module
 */

import type { CREATE_CALL_FIELDS } from '../../lib/telnyx-wire.ts';
import type { FieldValues } from '../../lib/wire-validation.ts';
import type { SandboxEnv } from '../env.ts';
import { startInstructions } from '../texml/start.ts';
import type { AmdSettings, SimCall, StatusSubscription } from './call.ts';
import { newCall } from './factory.ts';
import { startLeg } from './lifecycle.ts';

export type CreateCallValues = FieldValues<typeof CREATE_CALL_FIELDS>;

/** Defaults of the create endpoint (texml-api.md §1.1). */
export const CREATE_DEFAULTS = {
  /** s */
  timeout: 30,
  /** s */
  timeLimit: 14_400,
  /** ms */
  machineDetectionTimeout: 30_000,
} as const;

export function createRestCall(env: SandboxEnv, values: CreateCallValues): SimCall {
  const call = newCall(env, {
    leg: 'A',
    connectionId: values.ApplicationSid,
    from: values.From,
    to: values.To,
    ...(values.CallerId === undefined ? {} : { callerIdName: values.CallerId }),
    ringTimeoutMs: (values.Timeout ?? CREATE_DEFAULTS.timeout) * 1000,
    timeLimitMs: (values.TimeLimit ?? CREATE_DEFAULTS.timeLimit) * 1000,
    ...subscription(env, values),
    ...amdSettings(values),
    instructions: {
      method: values.UrlMethod ?? 'POST',
      ...(values.Url === undefined ? {} : { url: values.Url }),
      ...(values.FallbackUrl === undefined ? {} : { fallbackUrl: values.FallbackUrl }),
      ...(values.Texml === undefined ? {} : { texml: values.Texml }),
    },
    ...(values.CustomHeaders === undefined ? {} : { customHeaders: values.CustomHeaders }),
    hooks: { answered: (call) => startInstructions(env, call), ended: async () => {} },
  });
  startLeg(env, call);
  return call;
}

/** `StatusCallback`, else the application's; events default to `completed` only. */
function subscription(env: SandboxEnv, values: CreateCallValues): { statusCallback?: StatusSubscription } {
  const url = values.StatusCallback ?? env.application.statusCallback;
  if (url === undefined) return {};
  const events = values.StatusCallbackEvent && values.StatusCallbackEvent.length > 0 ? values.StatusCallbackEvent : ['completed'];
  return {
    statusCallback: {
      url,
      method: values.StatusCallbackMethod ?? env.application.statusCallbackMethod ?? 'POST',
      events: new Set(events),
    },
  };
}

function amdSettings(values: CreateCallValues): { amd?: AmdSettings } {
  const mode = values.MachineDetection;
  if (mode === undefined || mode === 'Disable') return {};
  return {
    amd: {
      mode,
      async: values.AsyncAmd ?? false,
      ...(values.AsyncAmdStatusCallback === undefined
        ? {}
        : { callback: { url: values.AsyncAmdStatusCallback, method: values.AsyncAmdStatusCallbackMethod ?? 'POST' } }),
      timeoutMs: values.MachineDetectionTimeout ?? CREATE_DEFAULTS.machineDetectionTimeout,
    },
  };
}
