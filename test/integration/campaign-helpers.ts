/**
 * Setting up campaigns for the integration tests: a fresh national registry copy, a
 * campaign through the API, a list with leads through the leads feature's functions, and
 * an agent whose softphone reports `registered`.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { createList, insertLead } from '../../server/campaigns/leads/repository.ts';
import type { LeadRow } from '../../server/campaigns/leads/tables.ts';
import { importNationalRegistry } from '../../server/compliance/registry.ts';
import type { Tables } from '../../server/db/schema.ts';
import type { EventsSocket, TestDialer, UserSession } from '../helpers/dialer.ts';

export const CALLER_ID = '+13125550100';
const DAY_MS = 86_400_000;

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
