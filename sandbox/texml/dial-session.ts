/**
 * A running `<Dial>` on an A-leg: its B-legs ring at once and the first to answer is
 * bridged (the others are cancelled). The bridge lasts until one side hangs up, the
 * `timeLimit` passes, or a REST update takes a leg away. Then, with `action`, the A-leg
 * fetches it with `DialCallStatus`/`DialCallDuration` and runs what comes back; without,
 * it continues with the next verb (UNCONFIRMED for Telnyx, TwiML behaviour).
 *
 * If the A-leg itself hangs up, its legs end with it and no `action` is fetched
 * (UNCONFIRMED: TwiML would still request it, and ignore the answer).
 *
 * A parked softphone call is not answered yet when its `<Dial>` starts; the bridge
 * answers it (`hooks.bridged`, see `calls/parked-call.ts`).
 *
 * @module
 */

import type { DialNode, NumberNode, SipNode } from '../../texml-templates/types.ts';
import { callDurationS, dialActionFields } from '../callbacks/fields.ts';
import type { DialSession, LegHooks, SimCall, StatusSubscription } from '../calls/call.ts';
import { CANCELED, DIAL_RATE_EXCEEDED, hungUpBy, TIME_LIMIT } from '../calls/end-reasons.ts';
import { newCall } from '../calls/factory.ts';
import { endCall } from '../calls/hangup.ts';
import { startLeg } from '../calls/lifecycle.ts';
import { callTimer, cancelTimer, execTimer } from '../calls/timers.ts';
import type { SandboxEnv } from '../env.ts';
import type { VerbContext } from './context.ts';

/** `<Dial timeout>` default, s. */
const DEFAULT_RING_TIMEOUT_S = 30;
/** `<Dial timeLimit>` default, s. */
const DEFAULT_TIME_LIMIT_S = 14_400;
/** Noun `machineDetectionTimeout` default, ms (Dial page; REST's default is 30000). */
const DEFAULT_NOUN_AMD_TIMEOUT_MS = 3500;

type LegNoun = NumberNode | SipNode;

/** Start ringing every noun of `node` for the A-leg running `ctx`. */
export function openDialSession(ctx: VerbContext, node: DialNode, nouns: readonly LegNoun[]): void {
  const { env, call: a } = ctx;
  const { action, method } = node.attributes;
  const actionTarget = action === undefined ? undefined : { url: ctx.resolve(action) ?? action, method: method ?? 'POST', label: 'action' };
  const session: DialSession = {
    node,
    exec: ctx.exec,
    legs: [],
    resume: () => ctx.resume(),
    ...(actionTarget === undefined
      ? {}
      : {
          runAction: (fields: Record<string, string>, dialCallStatus: string) =>
            ctx.runDocument({ kind: 'fetch', targets: [actionTarget], fields, note: ` DialCallStatus=${dialCallStatus}` }),
        }),
  };
  a.dial = session;
  const hooks: LegHooks = { answered: (b) => onLegAnswered(env, b), ended: (b) => onLegEnded(env, b) };
  for (const noun of nouns) {
    const b = newCall(env, {
      leg: 'B',
      parent: a,
      connectionId: a.connectionId,
      // UNCONFIRMED default: the A-leg's To when no callerId is given.
      from: node.attributes.callerId ?? a.to,
      to: noun.text,
      ...(node.attributes.fromDisplayName === undefined ? {} : { callerIdName: node.attributes.fromDisplayName }),
      ringTimeoutMs: (node.attributes.timeout ?? DEFAULT_RING_TIMEOUT_S) * 1000,
      ...legSubscription(ctx, noun),
      ...legAmd(ctx, noun),
      hooks,
    });
    session.legs.push(b);
    if (env.dialRate.tryAcquire()) startLeg(env, b);
    else callTimer(env, b, 0, () => endCall(env, b, DIAL_RATE_EXCEEDED));
  }
}

function legSubscription(ctx: VerbContext, noun: LegNoun): { statusCallback?: StatusSubscription } {
  const url = noun.attributes.statusCallback;
  if (url === undefined) return {};
  return {
    statusCallback: {
      url: ctx.resolve(url) ?? url,
      method: noun.attributes.statusCallbackMethod ?? 'POST',
      events: new Set(noun.attributes.statusCallbackEvent ?? ['completed']),
    },
  };
}

/** Noun AMD runs alongside the bridge; its result goes to `statusCallback` when `amd` is subscribed. */
function legAmd(ctx: VerbContext, noun: LegNoun): Partial<Pick<SimCall, 'amd'>> {
  const mode = noun.attributes.machineDetection;
  if (mode === undefined || mode === 'Disable') return {};
  const subscription = legSubscription(ctx, noun).statusCallback;
  return {
    amd: {
      mode,
      async: true,
      ...(subscription?.events.has('amd') ? { callback: { url: subscription.url, method: subscription.method } } : {}),
      timeoutMs: noun.attributes.machineDetectionTimeout ?? DEFAULT_NOUN_AMD_TIMEOUT_MS,
    },
  };
}

async function onLegAnswered(env: SandboxEnv, b: SimCall): Promise<void> {
  const a = b.parent;
  const session = a?.dial;
  if (!a || !session || !session.legs.includes(b) || session.winner) return;
  session.winner = b;
  env.transcript.add({ kind: 'call', callSid: b.sid, leg: b.leg, line: `call ${b.leg} bridged` });
  for (const other of session.legs) if (other !== b) endCall(env, other, CANCELED);
  const limitMs = (session.node.attributes.timeLimit ?? DEFAULT_TIME_LIMIT_S) * 1000;
  session.limitTimer = execTimer(env, a, session.exec, limitMs, () => endCall(env, b, TIME_LIMIT));
  await a.hooks.bridged?.(a);
}

async function onLegEnded(env: SandboxEnv, b: SimCall): Promise<void> {
  const a = b.parent;
  const session = a?.dial;
  if (!a || !session || !session.legs.includes(b)) return;
  if (session.winner && session.winner !== b) return;
  if (!session.winner && session.legs.some((leg) => leg.endedAt === undefined)) return;
  await finishDial(env, a, session, b, b.end?.status ?? 'completed', callDurationS(b));
}

async function finishDial(env: SandboxEnv, a: SimCall, session: DialSession, b: SimCall, status: string, durationS: number): Promise<void> {
  if (a.dial === session) a.dial = null;
  cancelTimer(env, a, session.limitTimer);
  if (session.runAction) await session.runAction(dialActionFields(a, b, status, durationS, env.scheduler.now()), status);
  else await session.resume();
}

/**
 * `b` is taken out of its parent's bridge by a REST redirect (a transfer): the parent's
 * `<Dial>` ends as completed, counting the bridge up to now.
 */
export function detachFromDial(env: SandboxEnv, b: SimCall): void {
  const a = b.parent;
  const session = a?.dial;
  if (!a || !session || session.winner !== b) return;
  a.dial = null;
  const durationS = callDurationS(b, env.scheduler.now());
  callTimer(env, a, 0, () => finishDial(env, a, session, b, 'completed', durationS));
}

/** The A-leg's `<Dial>` is interrupted by a REST redirect: its legs hang up, no `action`. */
export function abandonDial(env: SandboxEnv, a: SimCall): void {
  const session = a.dial;
  if (!session) return;
  a.dial = null;
  cancelTimer(env, a, session.limitTimer);
  for (const leg of session.legs) endCall(env, leg, leg.answeredAt === undefined ? CANCELED : hungUpBy('caller'));
}
