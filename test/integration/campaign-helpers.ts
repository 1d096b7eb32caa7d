/**
 * Setting up campaigns for the integration tests: a fresh national registry copy, a
 * campaign through the API, a list with leads through the leads feature's functions, and
 * an agent whose softphone reports `registered`.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, expect } from 'vitest';
import { createList, insertLead } from '../../server/campaigns/leads/repository.ts';
import type { LeadRow } from '../../server/campaigns/leads/tables.ts';
import { importNationalRegistry } from '../../server/compliance/registry.ts';
import type { Tables } from '../../server/db/schema.ts';
import type { EventsSocket, TestDialer, UserSession } from '../helpers/dialer.ts';
import { useTestDialer, type TestDialerFixture } from '../helpers/use-test-dialer.ts';

export const CALLER_ID = '+13125550100';
const DAY_MS = 86_400_000;

export interface CampaignDialer {
  dialer: TestDialerFixture;
  /** Sockets to close after the test, before the dialer stops (emptied after each test). */
  sockets: EventsSocket[];
  now(): Date;
}

/**
 * Registers the hooks of a campaign test file (call at the top level): the shared test
 * dialer with long heartbeats (sockets cannot ping in virtual time) plus `env`, a fresh
 * registry copy before each test unless `registry: false`, and the test's sockets closed
 * before the dialer stops.
 */
export function useCampaignDialer(options: { env?: Record<string, string>; registry?: boolean } = {}): CampaignDialer {
  const dialer = useTestDialer({ env: { AGENT_HEARTBEAT_TIMEOUT_MS: '3600000', ...options.env } });
  const fixture: CampaignDialer = { dialer, sockets: [], now: () => new Date(dialer.scheduler.now()) };
  beforeEach(async () => {
    if (options.registry !== false) await seedRegistry(dialer.database.db, fixture.now());
  });
  afterEach(async () => {
    const sockets = fixture.sockets.splice(0);
    for (const socket of sockets) await socket.close();
  });
  return fixture;
}

/** A US registry copy `ageDays` old (with one number nobody calls), made the active one. */
export async function seedRegistry(db: Kysely<Tables>, now: Date, ageDays = 1, country: 'US' | 'UK' | 'CA' = 'US'): Promise<void> {
  const date = new Date(now.getTime() - ageDays * DAY_MS).toISOString().slice(0, 10);
  const number = country === 'UK' ? '+447700900999' : '+15559990000';
  await importNationalRegistry(db, { country, registryDate: date, input: Readable.from([`${number}\n`]), now: () => now });
}

export async function createCampaign(dialer: TestDialer, body: Record<string, unknown> = {}): Promise<any> {
  const created = await dialer.api('POST', '/api/campaigns', { name: 'Spring renewals', callerId: CALLER_ID, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.campaign;
}

export interface LeadSeed {
  phone: string;
  firstName?: string;
  lastName?: string;
  zones?: string[];
  fields?: Record<string, string>;
}

/** A list of the campaign with these leads (zones default to New York). */
export async function addList(db: Kysely<Tables>, campaignId: string | null, leads: readonly LeadSeed[], now: Date): Promise<LeadRow[]> {
  const list = await createList(db, { name: `list ${Math.random()}`, defaultCountry: 'US', campaignId, now });
  const rows: LeadRow[] = [];
  for (const lead of leads) {
    rows.push(
      await insertLead(
        db,
        list,
        {
          phoneE164: lead.phone,
          phoneRaw: lead.phone,
          firstName: lead.firstName ?? null,
          lastName: lead.lastName ?? null,
          fields: lead.fields ?? {},
          timeZones: lead.zones ?? ['America/New_York'],
          timeZoneSource: 'column',
          consentType: null,
          consentAt: null,
          consentSource: null,
        },
        now,
      ),
    );
  }
  return rows;
}

/** An agent logged in, with a softphone that reported `registered`, Available, in `campaignId` when given. */
export async function readyAgent(dialer: TestDialer, username: string, campaignId?: string): Promise<{ session: UserSession; socket: EventsSocket }> {
  const session = await dialer.login(username);
  expect((await session.api('GET', '/api/softphone/session')).status).toBe(200);
  const socket = await session.events();
  await socket.register();
  expect((await session.api('PUT', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
  if (campaignId !== undefined) expect((await session.api('PUT', '/api/agents/me/campaign', { campaignId })).status).toBe(200);
  return { session, socket };
}

export async function leadRow(db: Kysely<Tables>, id: string): Promise<LeadRow> {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A progressive campaign with a safe-harbor message, no wrap-up, AMD as given (sync unless told). */
export async function createProgressiveCampaign(dialer: TestDialer, body: Record<string, unknown> = {}): Promise<any> {
  return createCampaign(dialer, {
    mode: 'progressive',
    amd: { enabled: true, mode: 'sync', detection: 'Enable' },
    safeHarbor: { companyName: 'Acme', callbackNumber: CALLER_ID, optOutDigit: '9' },
    script: 'Hello {{lead.firstName}}.',
    wrapUpS: 0,
    ...body,
  });
}

export async function startCampaign(dialer: TestDialer, campaignId: string): Promise<void> {
  const started = await dialer.api('POST', `/api/campaigns/${campaignId}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
}

/** The campaign's attempts, oldest first. */
export async function attemptsOf(db: Kysely<Tables>, campaignId: string) {
  return db.selectFrom('attempts').selectAll().where('campaign_id', '=', campaignId).orderBy('created_at').execute();
}

/** The bodies of the create-call requests the sandbox received, in order. */
export function createRequests(dialer: TestDialer): Record<string, unknown>[] {
  return dialer.sandbox.control
    .transcript({ kind: 'api' })
    .map((entry) => (entry.detail as { request?: Record<string, unknown> } | undefined)?.request)
    .filter((request): request is Record<string, unknown> => request !== undefined && typeof request.To === 'string');
}

/** Record written consent on the lead (voicemail messages need it). */
export async function giveWrittenConsent(db: Kysely<Tables>, leadId: string, at: Date): Promise<void> {
  await db.updateTable('leads').set({ consent_type: 'written', consent_at: at, consent_source: 'test' }).where('id', '=', leadId).execute();
}

/** The agent's status as the API reports it. */
export async function agentStatus(dialer: TestDialer, agentId: string): Promise<string> {
  const agents = (await dialer.api('GET', '/api/agents')).body.agents as Array<{ id: string; status: string }>;
  return agents.find((agent) => agent.id === agentId)!.status;
}
