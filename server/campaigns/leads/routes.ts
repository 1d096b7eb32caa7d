/**
 * `/api/lists`, `/api/imports`, `/api/leads`: lists, CSV imports and their error reports,
 * and single leads from a CRM. Supervisors and admins only.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { principalOf } from '../../agents/auth.ts';
import { DialerError } from '../../errors.ts';
import { apiRoute, STAFF, type ApiRouter } from '../../http/api-route.ts';
import { requireRow } from '../../http/require-row.ts';
import { parseBody } from '../../http/validate.ts';
import { csvRow } from '../../reports/csv.ts';
import { startImport } from './import.ts';
import { parseMapping } from './mapping.ts';
import { checkLead, normalizeCountry } from './normalize.ts';
import { countLeadsByStatus, createList, getImport, getLead, getList, insertLead, listImportErrors, listImports, listLeads, listLists } from './repository.ts';
import { importJson, importErrorJson, leadJson, listJson } from './json.ts';
import { LEAD_STATUSES, MAPPING_KEYS } from './tables.ts';
import { loadNumberTimeZones } from './time-zones.ts';
import { importRunnerOf, spoolRequestBody } from './upload.ts';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

const createListRequest = z.object({
  name: z.string().trim().min(1).max(200),
  defaultCountry: z.string().refine((value) => normalizeCountry(value) !== null, 'must be an ISO 3166 two-letter country code (e.g. "US")'),
  campaignId: z.string().trim().min(1).max(100).nullish(),
});

const text = (max: number) => z.string().max(max).optional();
const createLeadRequest = z.object({
  listId: z.string().min(1).max(100),
  phone: z.string().max(64),
  firstName: text(200),
  lastName: text(200),
  timeZone: text(200),
  consentType: text(20),
  consentAt: text(50),
  consentSource: text(1000),
  country: text(10),
  fields: z
    .record(z.string().min(1).max(200), z.string().max(10_000))
    .refine((fields) => Object.keys(fields).length <= 200, 'at most 200 fields')
    .optional(),
});

const leadsQuery = z.object({
  status: z.enum(LEAD_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

const errorsQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  cursor: z.coerce.number().int().min(0).optional(),
});

export function registerLeadsRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const now = () => new Date(ctx.scheduler.now());
  const runner = importRunnerOf(ctx);
  /** Sandbox mode: the sandbox's +1 555 customers are accepted, in this zone. */
  const sandboxZone = () => (ctx.config.mode === 'sandbox' ? ctx.config.sandbox.customerTimeZone : undefined);
  const requireList = (req: Request) => requireRow(req, 'listId', 'list', (id) => getList(ctx.db, id));
  const requireImport = (req: Request) => requireRow(req, 'importId', 'import', (id) => getImport(ctx.db, id));

  apiRoute(api, {
    method: 'post',
    path: '/lists',
    roles: STAFF,
    handler: async (req, res) => {
      const body = parseBody(createListRequest, req.body);
      try {
        const list = await createList(ctx.db, {
          name: body.name,
          defaultCountry: normalizeCountry(body.defaultCountry)!,
          campaignId: body.campaignId ?? null,
          createdBy: principalOf(req).user.id,
          now: now(),
        });
        res.status(201).json({ list: listJson(list) });
      } catch (error) {
        // Once campaigns exist, lists.campaign_id references them (23503: foreign key violation).
        if ((error as { code?: unknown }).code === '23503') throw new DialerError('validation_failed', { message: `No campaign ${body.campaignId}.` });
        throw error;
      }
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/lists',
    roles: STAFF,
    handler: async (_req, res) => {
      const lists = await listLists(ctx.db);
      const counts = await countLeadsByStatus(ctx.db, lists.map((list) => list.id));
      res.json({ lists: lists.map((list) => listJson(list, counts.get(list.id))) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/lists/:listId',
    roles: STAFF,
    handler: async (req, res) => {
      const list = await requireList(req);
      const counts = await countLeadsByStatus(ctx.db, [list.id]);
      res.json({ list: listJson(list, counts.get(list.id)) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/lists/:listId/leads',
    roles: STAFF,
    handler: async (req, res) => {
      const list = await requireList(req);
      const query = parseBody(leadsQuery, req.query);
      const afterPhone = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
      const page = await listLeads(ctx.db, { listId: list.id, status: query.status, limit: query.limit, afterPhone });
      res.json({ leads: page.leads.map(leadJson), nextCursor: page.nextAfterPhone === null ? null : Buffer.from(page.nextAfterPhone).toString('base64url') });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/lists/:listId/imports',
    roles: STAFF,
    handler: async (req, res) => {
      const list = await requireList(req);
      res.json({ imports: (await listImports(ctx.db, list.id)).map(importJson) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/lists/:listId/imports',
    roles: STAFF,
    handler: async (req, res) => {
      const list = await requireList(req);
      const mapping = mappingFromQuery(req.query);
      if (!req.is(CSV_TYPES)) {
        throw new DialerError('unsupported_media_type', { message: 'Send the CSV file itself as the body, with Content-Type: text/csv.' });
      }
      const charset = /charset=([^;\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        throw new DialerError('unsupported_media_type', { message: `The file must be UTF-8, not ${charset}; convert it first.` });
      }
      if ((req.get('content-encoding') ?? 'identity') !== 'identity') {
        throw new DialerError('unsupported_media_type', { message: 'Compressed uploads are not supported; send the CSV as is.' });
      }
      const file = await spoolRequestBody(req);
      const abort = new AbortController();
      let started;
      try {
        started = await startImport(ctx.db, {
          listId: list.id,
          input: createReadStream(file.path),
          mapping,
          bytesTotal: file.bytes,
          createdBy: principalOf(req).user.id,
          now,
          sandboxCustomerTimeZone: sandboxZone(),
          signal: abort.signal,
        });
      } catch (error) {
        await file.remove();
        throw error;
      }
      const onError = (error: unknown) => ctx.logger.warn({ err: error, importId: started.import.id }, 'lead import failed');
      runner.track(started.import.id, started.done, abort, file.remove, onError);
      res.status(202).location(`/api/imports/${started.import.id}`).json({ import: importJson(started.import) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/imports/:importId',
    roles: STAFF,
    handler: async (req, res) => {
      res.json({ import: importJson(await requireImport(req)) });
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/imports/:importId/errors',
    roles: STAFF,
    handler: async (req, res) => {
      const row = await requireImport(req);
      const query = parseBody(errorsQuery, req.query);
      if (query.format === 'json') {
        const errors = await listImportErrors(ctx.db, row.id, { limit: query.limit, afterId: query.cursor });
        const last = errors.length === query.limit ? errors[errors.length - 1]!.id : null;
        res.json({ errors: errors.map(importErrorJson), nextCursor: last === null ? null : String(last) });
        return;
      }
      await sendErrorsCsv(res, row.id);
    },
  });

  apiRoute(api, {
    method: 'get',
    path: '/leads/:leadId',
    roles: STAFF,
    handler: async (req, res) => {
      const lead = await requireRow(req, 'leadId', 'lead', (id) => getLead(ctx.db, id));
      res.json({ lead: leadJson(lead) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/leads',
    roles: STAFF,
    handler: async (req, res) => {
      const body = parseBody(createLeadRequest, req.body);
      const list = await getList(ctx.db, body.listId);
      if (!list) throw new DialerError('validation_failed', { message: `No list ${body.listId}.`, details: { fields: [{ field: 'listId', message: 'no such list' }] } });
      const { listId: _listId, fields, ...values } = body;
      const checked = checkLead(
        { ...values, fields: Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => value !== '')) },
        { listCountry: list.default_country, timeZones: await loadNumberTimeZones(), now: now(), sandboxCustomerTimeZone: sandboxZone() },
      );
      if (!checked.ok) {
        throw new DialerError('validation_failed', {
          message: `Invalid request: ${checked.field}: ${checked.reason}`,
          details: { fields: [{ field: checked.field, message: checked.reason }], code: checked.code },
        });
      }
      res.status(201).json({ lead: leadJson(await insertLead(ctx.db, list, checked.lead, now())) });
    },
  });

  /** The whole report as CSV, read page by page so a report of a million rows streams too. */
  async function sendErrorsCsv(res: Response, importId: string): Promise<void> {
    res.status(200).type('text/csv; charset=utf-8').attachment(`import-${importId}-errors.csv`);
    // The BOM makes Excel read the file as UTF-8 (values may hold any character).
    res.write(`\uFEFF${csvRow(['line', 'column', 'code', 'reason', 'value'])}`);
    try {
      let afterId: number | undefined;
      for (;;) {
        const page = await listImportErrors(ctx.db, importId, { limit: 1000, afterId });
        for (const error of page) res.write(csvRow([error.line, error.column_name, error.code, error.reason, error.value]));
        if (page.length < 1000) break;
        afterId = page[page.length - 1]!.id;
      }
      res.end();
    } catch (error) {
      // Headers are out: a cut connection is the only honest way to say the file is incomplete.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** `?phone=Phone&firstName=First%20name…`, or `?mapping={"phone":"Phone",…}`. */
function mappingFromQuery(query: Request['query']): ReturnType<typeof parseMapping> {
  const { mapping, ...rest } = query as Record<string, unknown>;
  if (mapping !== undefined) {
    if (typeof mapping !== 'string' || Object.keys(rest).length > 0) {
      throw new DialerError('validation_failed', { message: 'Give the mapping either as one JSON "mapping" parameter or as one parameter per attribute, not both.' });
    }
    try {
      return parseMapping(JSON.parse(mapping));
    } catch (error) {
      if (error instanceof DialerError) throw error;
      throw new DialerError('validation_failed', { message: 'The "mapping" parameter is not JSON.' });
    }
  }
  const unknown = Object.keys(rest).filter((key) => !(MAPPING_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new DialerError('validation_failed', { message: `Unknown mapping parameter(s) ${unknown.join(', ')}; known: ${MAPPING_KEYS.join(', ')}.` });
  }
  return parseMapping(rest);
}
