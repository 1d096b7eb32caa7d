/**
 * The campaign half of the in-memory dialer server (issue #4's agent contract): the agent's
 * campaign, the picker, preview leads, dispositions and wrap-up done. State is plain data a
 * test reads back or changes (queue leads, refuse the next request).
 */
import type { Campaign, CampaignSummary, Disposition, Lead } from '../../../client/telnyx-dialer/campaign-api.ts';

export const DISPOSITIONS: Disposition[] = [
  { code: 'sale', label: 'Sale', kind: 'final' },
  { code: 'not_interested', label: 'Not interested', kind: 'final' },
  { code: 'callback', label: 'Call back', kind: 'callback' },
  { code: 'no_answer', label: 'No answer', kind: 'retry' },
  { code: 'do_not_call', label: 'Do not call', kind: 'dnc' },
];

export function campaignFixture(id: string, mode: Campaign['mode'], previewTimeoutS: number | null = null): Campaign {
  return { id, name: `${mode[0]!.toUpperCase()}${mode.slice(1)} spring`, mode, dispositions: DISPOSITIONS, wrapUpSeconds: 45, previewTimeoutS };
}

let leadSeq = 0;

export function leadFixture(overrides: Partial<Lead> = {}): Lead {
  leadSeq += 1;
  return {
    id: `lead-${leadSeq}`,
    phone: `+1312555${String(1000 + leadSeq).slice(-4)}`,
    firstName: 'Jane',
    lastName: 'Doe',
    fields: { company: 'Acme', plan: 'Gold', vip: true },
    timeZones: ['America/Chicago'],
    localTime: '2030-01-07T14:05:00-06:00',
    attempts: 1,
    lastOutcome: 'no_answer',
    ...overrides,
  };
}

export interface FakeRefusal {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export interface FakeCampaignState {
  /** 404 on every campaign route: a server without campaigns. */
  unsupported: boolean;
  campaigns: Array<{ campaign: Campaign; status: string }>;
  joined: string | null;
  /** The preview queue, served in order. */
  leads: Lead[];
  script: string;
  /** `Retry-After` on the 204 answered when the queue is empty. */
  retryAfter: string | null;
  claimed: string[];
  dials: Array<{ leadId: string; attemptId: string }>;
  skips: Array<{ leadId: string; body: Record<string, unknown> }>;
  dispositions: Array<{ attemptId: string; body: Record<string, unknown> }>;
  wrapUpDone: number;
  /** One-shot refusals of the next matching request. */
  refuse: { next?: FakeRefusal; dial?: FakeRefusal; skip?: FakeRefusal; leave?: FakeRefusal; disposition?: FakeRefusal };
  /** Every campaign request, as `METHOD /path`, in order. */
  log: string[];
}

export function createCampaignState(): FakeCampaignState {
  return {
    unsupported: false,
    campaigns: [
      { campaign: campaignFixture('c-preview', 'preview'), status: 'running' },
      { campaign: campaignFixture('c-auto', 'preview', 10), status: 'running' },
      { campaign: campaignFixture('c-progressive', 'progressive'), status: 'running' },
      { campaign: campaignFixture('c-manual', 'manual'), status: 'running' },
      { campaign: campaignFixture('c-paused', 'preview'), status: 'paused' },
    ],
    joined: null,
    leads: [],
    script: 'Hi, this is Ada from Acme.',
    retryAfter: null,
    claimed: [],
    dials: [],
    skips: [],
    dispositions: [],
    wrapUpDone: 0,
    refuse: {},
    log: [],
  };
}

type Json = (status: number, body?: unknown, headers?: Record<string, string>) => Response;
type ErrorAnswer = (status: number, code: string, message?: string, details?: unknown) => Response;

/** Answers a campaign route, or `null` when `route` is not one. */
export function campaignRoute(
  state: FakeCampaignState,
  agent: { status: string; statusReason: string | null },
  route: string,
  url: URL,
  body: Record<string, unknown>,
  json: Json,
  error: ErrorAnswer,
): Response | null {
  const isCampaignRoute = /^(GET|PUT|DELETE) \/api\/agents\/me\/campaign$|^GET \/api\/campaigns$|^POST \/api\/(campaigns|leads|attempts)\//.test(route);
  if (!isCampaignRoute && route !== 'POST /api/agents/me/wrap-up/done') return null;
  state.log.push(route);
  if (route === 'POST /api/agents/me/wrap-up/done') {
    if (agent.status !== 'wrap_up') return error(409, 'conflict', 'You are not in wrap-up.');
    Object.assign(agent, { status: 'available', statusReason: null });
    state.wrapUpDone += 1;
    return json(200, { agent });
  }
  if (state.unsupported) return error(404, 'not_found', `No route for ${route}`);
  const joined = state.campaigns.find((c) => c.campaign.id === state.joined)?.campaign ?? null;
  const refusal = (which: keyof FakeCampaignState['refuse']) => {
    const r = state.refuse[which];
    if (!r) return null;
    delete state.refuse[which];
    return error(r.status, r.code, r.message, r.details);
  };

  switch (route) {
    case 'GET /api/agents/me/campaign':
      return json(200, { campaign: joined });
    case 'GET /api/campaigns': {
      const status = url.searchParams.get('status');
      const list: CampaignSummary[] = state.campaigns
        .filter((c) => status === null || c.status === status)
        .map(({ campaign: { id, name, mode }, status: s }) => ({ id, name, mode, status: s }));
      return json(200, { campaigns: list });
    }
    case 'PUT /api/agents/me/campaign': {
      const found = state.campaigns.find((c) => c.campaign.id === body.campaignId && c.status === 'running');
      if (!found) return error(404, 'not_found', 'No such running campaign.');
      state.joined = found.campaign.id;
      return json(200, { campaign: found.campaign });
    }
    case 'DELETE /api/agents/me/campaign': {
      const refused = refusal('leave');
      if (refused) return refused;
      state.joined = null;
      return json(204);
    }
  }

  const next = /^POST \/api\/campaigns\/([^/]+)\/preview\/next$/.exec(route);
  if (next) {
    const refused = refusal('next');
    if (refused) return refused;
    if (decodeURIComponent(next[1]!) !== state.joined) return error(409, 'conflict', 'You are not in this campaign.');
    const lead = state.leads.shift();
    if (!lead) return json(204, undefined, state.retryAfter ? { 'Retry-After': state.retryAfter } : {});
    state.claimed.push(lead.id);
    return json(200, { lead, script: state.script, claimExpiresAt: '2030-01-07T20:10:00Z' });
  }
  const dial = /^POST \/api\/leads\/([^/]+)\/dial$/.exec(route);
  if (dial) {
    const refused = refusal('dial');
    if (refused) return refused;
    const leadId = decodeURIComponent(dial[1]!);
    if (!state.claimed.includes(leadId)) return error(409, 'conflict', 'This lead is not claimed by you.');
    const attemptId = `lead-att-${state.dials.length + 1}`;
    state.dials.push({ leadId, attemptId });
    return json(201, { attempt: { id: attemptId, leadId, state: 'queued' } });
  }
  const skip = /^POST \/api\/leads\/([^/]+)\/skip$/.exec(route);
  if (skip) {
    const refused = refusal('skip');
    if (refused) return refused;
    const leadId = decodeURIComponent(skip[1]!);
    state.skips.push({ leadId, body });
    state.claimed = state.claimed.filter((id) => id !== leadId);
    return json(204);
  }
  const disposition = /^POST \/api\/attempts\/([^/]+)\/disposition$/.exec(route);
  if (disposition) {
    const attemptId = decodeURIComponent(disposition[1]!);
    const refused = refusal('disposition');
    if (refused) return refused;
    const chosen = (joined?.dispositions ?? DISPOSITIONS).find((d) => d.code === body.code);
    if (!chosen) return error(422, 'validation_failed', 'Invalid request: code: unknown disposition', { fields: [{ field: 'code', message: 'unknown disposition' }] });
    if (chosen.kind === 'callback' && typeof body.callbackAt !== 'string') {
      return error(422, 'validation_failed', 'Invalid request: callbackAt: Required', { fields: [{ field: 'callbackAt', message: 'Required' }] });
    }
    state.dispositions.push({ attemptId, body });
    const leadId = state.dials.find((d) => d.attemptId === attemptId)?.leadId ?? `lead-of-${attemptId}`;
    return json(200, { attempt: { id: attemptId, disposition: body.code }, lead: { ...leadFixture({ id: leadId }), lastOutcome: String(body.code) } });
  }
  return error(404, 'not_found', `No route for ${route}`);
}
