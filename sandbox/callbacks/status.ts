/**
 * Status callbacks: sent only for the events the call subscribed to
 * (`StatusCallbackEvent`, default `completed`), each numbered by `SequenceNumber`.
 *
 * @module
 */

import type { SimCall } from '../calls/call.ts';
import type { SandboxEnv } from '../env.ts';
import { amdFields, statusFields, type StatusEvent } from './fields.ts';

/** Send `event` for `call` if subscribed. The sequence number is used even if a fault drops it. */
export async function emitStatus(env: SandboxEnv, call: SimCall, event: StatusEvent): Promise<void> {
  const subscription = call.statusCallback;
  if (!subscription || !subscription.events.has(event)) return;
  const sequence = call.sequence++;
  const fields = statusFields(call, event, sequence);
  await env.callbacks.dispatch({ call, label: `${fields.CallStatus}#${sequence}`, target: subscription, fields });
}

/** Send the AMD result to the call's AMD callback, if it has one. */
export async function emitAmd(env: SandboxEnv, call: SimCall, answeredBy: string, durationMs: number): Promise<void> {
  const target = call.amd?.callback;
  if (!target) return;
  await env.callbacks.dispatch({ call, label: `amd AnsweredBy=${answeredBy}`, target, fields: amdFields(call, answeredBy, durationMs) });
}
