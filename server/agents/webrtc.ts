/**
 * The softphone's WebRTC login (texml-api.md §8). Each agent gets one telephony
 * credential on the credential connection, created the first time it is needed; its id
 * and `gencred…` SIP user are stored, its SIP password never is. Every
 * `GET /api/softphone/session` mints a fresh login JWT for it (valid 24 h), which is
 * handed to the browser and not kept: the browser never sees an API key or a SIP
 * password, and a leaked token dies on its own.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { DialerError, isDialerError } from '../errors.ts';
import { forgetCredential, storeCredential, type AgentView } from './agent-rows.ts';
import type { AgentStatus } from './tables.ts';

/** Login JWT lifetime when the token does not say (Telnyx documents 24 h), ms. */
const TOKEN_LIFETIME_MS = 24 * 3600_000;

export interface AgentCredential {
  id: string;
  sipUsername: string;
}

/** Concurrent first requests of one agent share one create. */
const pending = new WeakMap<AppContext, Map<string, Promise<AgentCredential>>>();

/** The agent's telephony credential, created on first use. */
export async function ensureAgentCredential(ctx: AppContext, agent: AgentView): Promise<AgentCredential> {
  if (agent.telephonyCredentialId && agent.sipUsername) return { id: agent.telephonyCredentialId, sipUsername: agent.sipUsername };
  let inFlight = pending.get(ctx);
  if (!inFlight) pending.set(ctx, (inFlight = new Map()));
  const existing = inFlight.get(agent.id);
  if (existing) return existing;
  const creating = (async () => {
    const credential = await ctx.telnyx.createTelephonyCredential({
      connection_id: ctx.telnyxAccount.connectionId,
      name: `agent-${agent.username}`,
      tag: 'dialer',
    });
    // `credential.sip_password` is dropped here on purpose.
    const stored = await storeCredential(ctx.db, agent.id, { id: credential.id, sipUsername: credential.sip_username });
    if (!stored) throw new DialerError('not_found', { message: `No agent ${agent.id}.` });
    if (stored.id !== credential.id) ctx.logger.warn({ agentId: agent.id }, 'two credentials were created for one agent; the first stored is kept');
    return stored;
  })();
  inFlight.set(agent.id, creating);
  try {
    return await creating;
  } finally {
    inFlight.delete(agent.id);
  }
}

export function sipUriOf(ctx: AppContext, sipUsername: string): string {
  return `sip:${sipUsername}@${ctx.config.dialing.sipDomain}`;
}

export interface SoftphoneSession {
  agent: { id: string; displayName: string; sipUri: string; status: AgentStatus; statusReason: string | null };
  rtc: {
    loginToken: string;
    /** ISO 8601. */
    expiresAt: string;
    /** Sandbox mode only: the sandbox's signalling socket, for `TelnyxRTC`'s `host` option. */
    host?: string;
  };
  callerIds: readonly string[];
  wrapUpSeconds: number;
  sandbox: boolean;
}

/**
 * Everything the softphone needs to register. `requestHostname` is the host name the
 * browser used to reach us (no port): in sandbox mode the RTC socket is on that host at
 * the sandbox's port, so the page works from another machine as well as from localhost.
 */
export async function softphoneSession(ctx: AppContext, agent: AgentView, requestHostname: string): Promise<SoftphoneSession> {
  let credential = await ensureAgentCredential(ctx, agent);
  let loginToken: string;
  try {
    loginToken = await ctx.telnyx.createCredentialToken(credential.id);
  } catch (error) {
    // Deleted in Mission Control, or a sandbox restarted (its credentials live in memory):
    // make a new one, once. The agent's SIP address changes with it.
    if (!isDialerError(error, 'not_found')) throw error;
    ctx.logger.warn({ agentId: agent.id, credentialId: credential.id }, 'telephony credential unknown to Telnyx; creating a new one');
    await forgetCredential(ctx.db, agent.id, credential.id);
    credential = await ensureAgentCredential(ctx, { ...agent, telephonyCredentialId: null, sipUsername: null });
    loginToken = await ctx.telnyx.createCredentialToken(credential.id);
  }
  const sandboxPort = ctx.config.mode === 'sandbox' ? ctx.telnyxAccount.sandboxPort : undefined;
  return {
    agent: {
      id: agent.id,
      displayName: agent.displayName,
      sipUri: sipUriOf(ctx, credential.sipUsername),
      status: agent.status,
      statusReason: agent.statusReason,
    },
    rtc: {
      loginToken,
      expiresAt: tokenExpiry(loginToken, ctx.scheduler.now()).toISOString(),
      ...(sandboxPort === undefined ? {} : { host: `ws://${safeHostname(requestHostname)}:${sandboxPort}/rtc` }),
    },
    callerIds: ctx.config.dialing.callerIds,
    wrapUpSeconds: ctx.config.agents.wrapUpS,
    sandbox: ctx.config.mode === 'sandbox',
  };
}

/** The JWT's `exp`, or 24 h from now when it cannot be read. */
export function tokenExpiry(jwt: string, nowMs: number): Date {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) return new Date(payload.exp * 1000);
  } catch {
    // Not a JWT we can read: fall through.
  }
  return new Date(nowMs + TOKEN_LIFETIME_MS);
}

/** A host name or IP literal as it may appear in a URL; anything else becomes localhost. */
function safeHostname(hostname: string): string {
  return /^[A-Za-z0-9.-]{1,253}$/.test(hostname) || /^\[[0-9A-Fa-f:.]+\]$/.test(hostname) ? hostname : 'localhost';
}
