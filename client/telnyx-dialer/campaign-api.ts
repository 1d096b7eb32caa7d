/**
 * Campaign work over the dialer server's API: the agent's campaign (join, leave, the
 * picker's list), preview leads (next, dial, skip) and dispositions. Requests go through
 * {@link DialerApi}, so they carry the session cookie and the CSRF token like every other
 * call, and fail as {@link ApiError}.
 *
 * @module
 */
import type { Attempt, DialerApi } from './api.ts';

export type CampaignMode = 'manual' | 'preview' | 'progressive';
export type DispositionKind = 'final' | 'retry' | 'callback' | 'dnc';

export interface Disposition {
  code: string;
  label: string;
  kind: DispositionKind;
}

/** The campaign the agent works in (`GET /api/agents/me/campaign`). */
export interface Campaign {
  id: string;
  name: string;
  mode: CampaignMode;
  dispositions: Disposition[];
  wrapUpSeconds: number;
  /** Preview: seconds before the lead is dialled on its own; `null` waits for the agent. */
  previewTimeoutS: number | null;
}

/** One entry of the picker (`GET /api/campaigns?status=running`). */
export interface CampaignSummary {
  id: string;
  name: string;
  mode: CampaignMode;
  status: string;
}

export type LeadFieldValue = string | number | boolean | null;

export interface Lead {
  id: string;
  phone: string;
  firstName: string;
  lastName: string;
  fields: Record<string, LeadFieldValue>;
  /** IANA zones of the number, most likely first (empty when unknown). */
  timeZones: string[];
  /** ISO 8601 with the lead's offset. */
  localTime: string;
  attempts: number;
  lastOutcome: string | null;
}

/** A preview lead, claimed for this agent until `claimExpiresAt`. */
export interface PreviewOffer {
  lead: Lead;
  /** Server-rendered text with the lead's data filled in: show as text, never as HTML. */
  script: string;
  claimExpiresAt: string;
}

/** `offer: null` is 204: nothing eligible now, perhaps with a `Retry-After`. */
export type PreviewNext = { offer: PreviewOffer } | { offer: null; retryAfterS: number | null };

export type CallbackScope = 'agent' | 'anyone';

export interface DispositionRequest {
  code: string;
  notes?: string;
  /** ISO 8601 (UTC). */
  callbackAt?: string;
  callbackScope?: CallbackScope;
}

export class CampaignApi {
  constructor(private readonly api: DialerApi) {}

  /** The agent's campaign, or `null` when in none. */
  async mine(): Promise<Campaign | null> {
    const body = await this.api.request<{ campaign: Campaign | null }>('GET', 'api/agents/me/campaign');
    return body?.campaign ?? null;
  }

  async running(): Promise<CampaignSummary[]> {
    const body = await this.api.request<{ campaigns: CampaignSummary[] }>('GET', 'api/campaigns?status=running');
    return body?.campaigns ?? [];
  }

  async join(campaignId: string): Promise<Campaign> {
    const body = await this.api.request<{ campaign: Campaign }>('PUT', 'api/agents/me/campaign', { campaignId });
    return body.campaign;
  }

  async leave(): Promise<void> {
    await this.api.request('DELETE', 'api/agents/me/campaign');
  }

  /** Claims the next preview lead for this agent. */
  async previewNext(campaignId: string, now: number = Date.now()): Promise<PreviewNext> {
    const answer = await this.api.send<PreviewOffer | undefined>('POST', `api/campaigns/${encodeURIComponent(campaignId)}/preview/next`);
    if (answer.status === 204 || !answer.body) return { offer: null, retryAfterS: parseRetryAfter(answer.headers.get('Retry-After'), now) };
    return { offer: answer.body };
  }

  /** Has the server call the lead (flow 1: this softphone rings first, auto-answered). */
  async dial(leadId: string): Promise<Attempt> {
    const body = await this.api.request<{ attempt: Attempt }>('POST', `api/leads/${encodeURIComponent(leadId)}/dial`);
    return body.attempt;
  }

  async skip(leadId: string, reason?: string): Promise<void> {
    await this.api.request('POST', `api/leads/${encodeURIComponent(leadId)}/skip`, reason ? { reason } : {});
  }

  async dispose(attemptId: string, request: DispositionRequest): Promise<{ attempt: Attempt; lead: Lead }> {
    return this.api.request('POST', `api/attempts/${encodeURIComponent(attemptId)}/disposition`, request);
  }
}

/** `Retry-After` as whole seconds from `now`: delta-seconds or an HTTP date; `null` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
