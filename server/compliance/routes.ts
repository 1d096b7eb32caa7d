/**
 * `/api/dnc`: the do-not-call lists, for supervisors and admins. Agents add numbers only
 * through a DNC disposition (campaigns), never here.
 *
 * - `POST /api/dnc` `{ phone, scope: internal|campaign, campaignId?, reason? }` → 201
 *   `{ entry, created: true }`, or 200 `{ entry, created: false }` when already listed.
 * - `DELETE /api/dnc/:id` → `{ entry }` with `removedAt`/`removedBy`: a soft delete, kept
 *   (revocations are kept 5 years); 409 for national entries.
 * - `GET /api/dnc?phone=+1…[&campaignId=]` → `{ phone, hits, entries }`, removed ones too.
 * - `POST /api/dnc/registry?country=US&date=YYYY-MM-DD`, body the raw file
 *   (`text/plain`, `text/csv` or `application/octet-stream`, streamed; else 415) → 201
 *   `{ import, invalid }`.
 * - `GET /api/dnc/registry` → `{ registries: [{ country, registryDate, ageDays, maxAgeDays, stale, … }] }`.
 *
 * @module
 */
import type { Request } from 'express';
import { z } from 'zod';
import { principalOf } from '../agents/auth.ts';
import { DialerError } from '../errors.ts';
import { apiRoute, STAFF, type ApiRouter } from '../http/api-route.ts';
import { parseBody } from '../http/validate.ts';
import { addToDnc, dncEntryView, dncHits, E164, listDncEntries, removeFromDnc } from './dnc.ts';
import { REGISTRY_COUNTRIES } from './profiles.ts';
import { importNationalRegistry, registryStatus } from './registry.ts';
import type { RegistryImportRow } from './tables.ts';

const phone = z.string().trim().regex(E164, 'must be an E.164 number such as +13125550123');
const campaignId = z.string().trim().min(1).max(100);

const addRequest = z
  .object({
    phone,
    scope: z.enum(['internal', 'campaign']),
    campaignId: campaignId.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((body) => (body.scope === 'campaign') === (body.campaignId !== undefined), {
    path: ['campaignId'],
    message: 'is required for scope "campaign" and only allowed with it',
  });

/** `?phone=+1…` unencoded arrives as ` 1…` (a query string's `+` is a space): restore it. */
const queryPhone = z.preprocess((value) => (typeof value === 'string' && /^ \d+$/.test(value) ? `+${value.slice(1)}` : value), phone);
const lookupQuery = z.object({ phone: queryPhone, campaignId: campaignId.optional() });
const registryQuery = z.object({ country: z.enum(REGISTRY_COUNTRIES), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be the copy’s date as YYYY-MM-DD') });

/** Content types accepted for a registry file; JSON is refused (the JSON parser would have consumed it). */
const REGISTRY_BODY_TYPES = ['text/plain', 'text/csv', 'application/octet-stream'];

function importView(row: RegistryImportRow) {
  return {
    id: row.id,
    country: row.country,
    registryDate: row.registry_date,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    importedAt: row.imported_at?.toISOString() ?? null,
    rows: row.rows,
    invalidRows: row.invalid_rows,
  };
}

export function registerComplianceRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const now = () => new Date(ctx.scheduler.now());
  const userId = (req: Request) => principalOf(req).user.id;

  apiRoute(api, {
    method: 'post',
    path: '/dnc',
    roles: STAFF,
    handler: async (req, res) => {
      const body = parseBody(addRequest, req.body);
      const { entry, created } = await addToDnc(ctx.db, { ...body, source: 'api', by: userId(req), now: now() });
      ctx.logger.info({ entryId: entry.id, scope: entry.scope, campaignId: entry.campaign_id, by: userId(req), created }, 'number added to do-not-call list');
      res.status(created ? 201 : 200).json({ entry: dncEntryView(entry), created });
    },
  });

  apiRoute(api, {
    method: 'delete',
    path: '/dnc/:id',
    roles: STAFF,
    handler: async (req, res) => {
      const id = String(req.params.id);
      if (!/^\d{1,15}$/.test(id)) throw new DialerError('not_found', { message: `No do-not-call entry ${id}.` });
      const entry = await removeFromDnc(ctx.db, { id: Number(id), by: userId(req), now: now() });
      ctx.logger.info({ entryId: entry.id, scope: entry.scope, by: userId(req) }, 'do-not-call entry removed');
      res.json({ entry: dncEntryView(entry) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/dnc',
    roles: STAFF,
    handler: async (req, res) => {
      const query = parseBody(lookupQuery, req.query);
      const hits = (await dncHits(ctx.db, [query.phone], query.campaignId)).get(query.phone)!;
      const entries = await listDncEntries(ctx.db, query.phone);
      res.json({ phone: query.phone, hits, entries: entries.map(dncEntryView) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/dnc/registry',
    roles: STAFF,
    handler: async (req, res) => {
      const query = parseBody(registryQuery, req.query);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!REGISTRY_BODY_TYPES.includes(type)) {
        throw new DialerError('unsupported_media_type', {
          message: `The registry file must be sent as the raw body with Content-Type ${REGISTRY_BODY_TYPES.join(', ')}.`,
        });
      }
      const result = await importNationalRegistry(ctx.db, { country: query.country, registryDate: query.date, input: req, by: userId(req), now });
      ctx.logger.info({ country: query.country, registryDate: query.date, rows: result.import.rows, invalid: result.invalid.count }, 'national registry copy imported');
      res.status(201).json({ import: importView(result.import), invalid: result.invalid });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/dnc/registry',
    roles: STAFF,
    handler: async (_req, res) => {
      res.json({ registries: await registryStatus(ctx.db, now()) });
    },
  });
}
