/**
 * Setting up power and predictive campaigns for the integration tests (on the fixture of
 * `useCampaignDialer()`): a running paced campaign with its agents Available in it.
 */
import { expect } from 'vitest';
import type { EventsSocket, UserSession } from '../helpers/dialer.ts';
import { addList, attemptsOf, CALLER_ID, createCampaign, readyAgent, startCampaign, type CampaignDialer, type LeadSeed } from './campaign-helpers.ts';

export const SAFE_HARBOR = { companyName: 'Acme', callbackNumber: CALLER_ID, optOutDigit: '9' };
export const SYNC_AMD = { enabled: true, mode: 'sync', detection: 'Enable' };
export const ASYNC_AMD = { enabled: true, mode: 'async', detection: 'Enable' };

/** Numbers by the sandbox's default scenarios. */
export const HUMAN_PREFIX = '+1555000';
export const NO_ANSWER_PREFIX = '+1555002';
export const MACHINE_PREFIX = '+1555003';

/** `count` leads whose numbers start with `prefix` (the sandbox's scenario by number). */
export function leadsWith(prefix: string, count: number, from = 0): LeadSeed[] {
  return Array.from({ length: count }, (_, index) => ({ phone: `${prefix}${String(from + index).padStart(4, '0')}`, firstName: `Lead${from + index}` }));
}

export interface RunningPacedCampaign {
  campaign: any;
  agents: UserSession[];
  sockets: EventsSocket[];
}

/**
 * A customer-first campaign (sync AMD, a safe-harbor message, no wrap-up unless told) with these
 * leads, started, and these demo agents Available in it. The first pass runs 1 s after
 * the start, so every agent is in by then.
 */
export async function runPacedCampaign(
  fixture: CampaignDialer,
  options: { mode: 'progressive' | 'power' | 'predictive'; leads: readonly LeadSeed[]; agents: readonly string[]; settings?: Record<string, unknown> },
): Promise<RunningPacedCampaign> {
  const { dialer } = fixture;
  const campaign = await createCampaign(dialer, {
    mode: options.mode,
    amd: SYNC_AMD,
    safeHarbor: SAFE_HARBOR,
    script: 'Hello {{lead.firstName}}.',
    wrapUpS: 0,
    ...options.settings,
  });
  await addList(dialer.database.db, campaign.id, options.leads, fixture.now());
  await startCampaign(dialer, campaign.id);
  const agents: UserSession[] = [];
  const sockets: EventsSocket[] = [];
  for (const username of options.agents) {
    const { session, socket } = await readyAgent(dialer, username, campaign.id);
    agents.push(session);
    sockets.push(socket);
    fixture.sockets.push(socket);
  }
  return { campaign, agents, sockets };
}

/** The campaign's attempts that are not over. */
export async function liveAttempts(fixture: CampaignDialer, campaignId: string) {
  return (await attemptsOf(fixture.dialer.database.db, campaignId)).filter((attempt) => attempt.status !== 'completed' && attempt.status !== 'failed');
}

/** `GET /api/campaigns/:id/pacing` as the admin. */
export async function pacing(fixture: CampaignDialer, campaignId: string): Promise<any> {
  const answer = await fixture.dialer.api('GET', `/api/campaigns/${campaignId}/pacing`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}
