/**
 * Lists, leads and imports: the small API other features use instead of the tables.
 *
 * Writing leads ({@link writeLeads}) is where duplicates are decided, for the CSV import
 * and the single-lead API alike: a number is written once per list (unique index) and
 * once per campaign (checked under a per-campaign advisory lock, so two imports into two
 * lists of one campaign cannot both write the same number).
 *
 * Claiming leads for dialling belongs to the campaigns feature; it gets
 * {@link getLead}, {@link updateLeadAfterAttempt} and {@link setLeadStatus} here.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { Tables } from '../../db/schema.ts';
import { DialerError } from '../../errors.ts';
import type { ValidLead } from './normalize.ts';
import type { ImportErrorRow, ImportMapping, ImportRow, LeadRow, LeadStatus, ListRow } from './tables.ts';
import { LEAD_STATUSES } from './tables.ts';

export type Db = Kysely<Tables>;

/** First key of `pg_advisory_xact_lock(int, int)`: "lead writes of one campaign" (the second is the campaign's hash). */
const CAMPAIGN_LEADS_LOCK = 40_400;

// --- lists ---------------------------------------------------------------------------------

export interface CreateListInput {
  name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  defaultCountry: string;
  campaignId?: string | null;
  createdBy?: string | null;
  now: Date;
}

export async function createList(db: Db, input: CreateListInput): Promise<ListRow> {
  return db
    .insertInto('lists')
    .values({
      id: randomUUID(),
      name: input.name,
      default_country: input.defaultCountry,
      campaign_id: input.campaignId ?? null,
      created_at: input.now,
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getList(db: Db, id: string): Promise<ListRow | undefined> {
  return db.selectFrom('lists').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every list, newest first. */
export async function listLists(db: Db): Promise<ListRow[]> {
  return db.selectFrom('lists').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/**
 * Attach a list to a campaign (or detach it: null), its leads included, in one
 * transaction. Numbers already in another list of that campaign are not removed: the
 * answer says how many overlap, so the caller can refuse or warn.
 */
export async function setListCampaign(db: Db, listId: string, campaignId: string | null): Promise<{ list: ListRow; overlapping: number } | undefined> {
  return inTransaction(db, async (trx) => {
    const list = await trx.updateTable('lists').set({ campaign_id: campaignId }).where('id', '=', listId).returningAll().executeTakeFirst();
    if (!list) return undefined;
    await trx.updateTable('leads').set({ campaign_id: campaignId }).where('list_id', '=', listId).execute();
    if (campaignId === null) return { list, overlapping: 0 };
    const row = await trx
      .selectFrom('leads as mine')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('mine.list_id', '=', listId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('leads as other')
            .select('other.id')
            .whereRef('other.phone_e164', '=', 'mine.phone_e164')
            .where('other.campaign_id', '=', campaignId)
            .where('other.list_id', '!=', listId),
        ),
      )
      .executeTakeFirstOrThrow();
    return { list, overlapping: Number(row.count) };
  });
}

export type StatusCounts = Record<LeadStatus, number> & { total: number };

/** Leads per status of each list (every status present, 0 when none). */
export async function countLeadsByStatus(db: Db, listIds: readonly string[]): Promise<Map<string, StatusCounts>> {
  const counts = new Map<string, StatusCounts>();
  for (const id of listIds) counts.set(id, emptyCounts());
  if (listIds.length === 0) return counts;
  const rows = await db
    .selectFrom('leads')
    .select(['list_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('list_id', 'in', listIds)
    .groupBy(['list_id', 'status'])
    .execute();
  for (const row of rows) {
    const entry = counts.get(row.list_id)!;
    entry[row.status] = Number(row.count);
    entry.total += Number(row.count);
  }
  return counts;
}

function emptyCounts(): StatusCounts {
  return { ...(Object.fromEntries(LEAD_STATUSES.map((status) => [status, 0])) as Record<LeadStatus, number>), total: 0 };
}

// --- leads ---------------------------------------------------------------------------------

export async function getLead(db: Db, id: string): Promise<LeadRow | undefined> {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ListLeadsQuery {
  listId: string;
  status?: LeadStatus | undefined;
  /** At most this many (1–1000). */
  limit: number;
  /** Leads come in `phone_e164` order (the unique index); start after this number. */
  afterPhone?: string | undefined;
}

/** One page of a list's leads, and the number to pass as `afterPhone` for the next (null: last page). */
export async function listLeads(db: Db, query: ListLeadsQuery): Promise<{ leads: LeadRow[]; nextAfterPhone: string | null }> {
  let select = db.selectFrom('leads').selectAll().where('list_id', '=', query.listId);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.afterPhone !== undefined) select = select.where('phone_e164', '>', query.afterPhone);
  const rows = await select.orderBy('phone_e164').limit(query.limit + 1).execute();
  const more = rows.length > query.limit;
  const leads = more ? rows.slice(0, query.limit) : rows;
  return { leads, nextAfterPhone: more ? leads[leads.length - 1]!.phone_e164 : null };
}

/** A lead to write, and the file line it came from (for the report and `import_line`). */
export interface PendingLead {
  line: number;
  lead: ValidLead;
}

export interface DuplicateLead {
  line: number;
  phoneRaw: string;
  /** `duplicate of line N` or `already in list "name"`. */
  reason: string;
  /** The lead that already has this number (null: an earlier row of the same batch). */
  existingLeadId: string | null;
}

export interface WriteLeadsResult {
  /** The leads written (id and number only: a 500-row batch need not come back whole). */
  inserted: Array<{ id: string; phone_e164: string }>;
  duplicates: DuplicateLead[];
}

/**
 * Write leads into `list` inside the caller's transaction, first one wins: a number
 * already in the list, in another list of the same campaign, or earlier in `pending`
 * comes back as a duplicate with the reason, and is not written.
 */
export async function writeLeads(trx: Transaction<Tables>, list: ListRow, pending: readonly PendingLead[], importId: string | null, now: Date): Promise<WriteLeadsResult> {
  const duplicates: DuplicateLead[] = [];
  if (pending.length === 0) return { inserted: [], duplicates };
  if (list.campaign_id !== null) {
    await sql`select pg_advisory_xact_lock(${CAMPAIGN_LEADS_LOCK}, hashtext(${list.campaign_id}))`.execute(trx);
  }

  // A number already written wins over its first row in this batch: a later repeat is then
  // a duplicate of that lead (its line), not of a row that was itself a duplicate.
  const existing = await findExisting(trx, list, [...new Set(pending.map((row) => row.lead.phoneE164))]);
  const firstLine = new Map<string, number>();
  const toInsert: PendingLead[] = [];
  for (const row of pending) {
    const found = existing.get(row.lead.phoneE164);
    const earlier = firstLine.get(row.lead.phoneE164);
    if (found) duplicates.push({ line: row.line, phoneRaw: row.lead.phoneRaw, reason: duplicateReason(found, importId), existingLeadId: found.id });
    else if (earlier !== undefined) duplicates.push({ line: row.line, phoneRaw: row.lead.phoneRaw, reason: `duplicate of line ${earlier}`, existingLeadId: null });
    else {
      firstLine.set(row.lead.phoneE164, row.line);
      toInsert.push(row);
    }
  }
  if (toInsert.length === 0) return { inserted: [], duplicates };

  const inserted = await trx
    .insertInto('leads')
    .values(
      toInsert.map(({ line, lead }) => ({
        id: randomUUID(),
        list_id: list.id,
        campaign_id: list.campaign_id,
        phone_e164: lead.phoneE164,
        phone_raw: lead.phoneRaw,
        first_name: lead.firstName,
        last_name: lead.lastName,
        fields: JSON.stringify(lead.fields),
        time_zones: lead.timeZones,
        time_zone_source: lead.timeZoneSource,
        consent_type: lead.consentType,
        consent_at: lead.consentAt,
        consent_source: lead.consentSource,
        import_id: importId,
        import_line: importId === null ? null : line,
        created_at: now,
      })),
    )
    // Only a writer outside the campaign lock (a list without campaign) can get here first.
    .onConflict((conflict) => conflict.columns(['list_id', 'phone_e164']).doNothing())
    .returning(['id', 'phone_e164'])
    .execute();
  if (inserted.length < toInsert.length) {
    const written = new Set(inserted.map((lead) => lead.phone_e164));
    const raced = toInsert.filter((row) => !written.has(row.lead.phoneE164));
    const again = await findExisting(trx, list, raced.map((row) => row.lead.phoneE164));
    for (const row of raced) {
      const found = again.get(row.lead.phoneE164);
      duplicates.push({ line: row.line, phoneRaw: row.lead.phoneRaw, reason: found ? duplicateReason(found, importId) : `already in list "${list.name}"`, existingLeadId: found?.id ?? null });
    }
  }
  return { inserted, duplicates };
}

interface ExistingLead {
  id: string;
  list_id: string;
  list_name: string;
  import_id: string | null;
  import_line: number | null;
  same_list: boolean;
}

/** Leads holding these numbers in `list` or in another list of its campaign (a same-list match wins). */
async function findExisting(trx: Transaction<Tables>, list: ListRow, phones: readonly string[]): Promise<Map<string, ExistingLead>> {
  const found = new Map<string, ExistingLead>();
  if (phones.length === 0) return found;
  const rows = await trx
    .selectFrom('leads')
    .innerJoin('lists', 'lists.id', 'leads.list_id')
    .select(['leads.id', 'leads.list_id', 'lists.name as list_name', 'leads.import_id', 'leads.import_line', 'leads.phone_e164'])
    .where('leads.phone_e164', 'in', phones)
    .where((eb) => (list.campaign_id === null ? eb('leads.list_id', '=', list.id) : eb.or([eb('leads.list_id', '=', list.id), eb('leads.campaign_id', '=', list.campaign_id)])))
    .execute();
  for (const row of rows) {
    const candidate = { ...row, same_list: row.list_id === list.id };
    const current = found.get(row.phone_e164);
    if (!current || (candidate.same_list && !current.same_list)) found.set(row.phone_e164, candidate);
  }
  return found;
}

function duplicateReason(found: ExistingLead, importId: string | null): string {
  if (importId !== null && found.import_id === importId && found.import_line !== null) return `duplicate of line ${found.import_line}`;
  return found.same_list ? `already in list "${found.list_name}"` : `already in list "${found.list_name}" (${found.list_id}) of the same campaign`;
}

/**
 * Write one lead (`POST /api/leads`, CRM inserts).
 *
 * @throws DialerError `conflict` (details: `existingLeadId`) when the number is already in
 *   the list or in another list of its campaign.
 */
export async function insertLead(db: Db, list: ListRow, lead: ValidLead, now: Date): Promise<LeadRow> {
  return inTransaction(db, async (trx) => {
    const result = await writeLeads(trx, list, [{ line: 0, lead }], null, now);
    const duplicate = result.duplicates[0];
    if (duplicate) throw new DialerError('conflict', { message: `This number is ${duplicate.reason}.`, details: { existingLeadId: duplicate.existingLeadId } });
    return trx.selectFrom('leads').selectAll().where('id', '=', result.inserted[0]!.id).executeTakeFirstOrThrow();
  });
}

export interface AttemptResult {
  /** What the attempt ended as (`busy`, `no-answer`, `machine`, a disposition…), kept as given. */
  outcome: string;
  /** When the attempt was made. */
  at: Date;
  /** The lead's status afterwards (`callback` to dial again, `done`, `dnc`, `invalid`). */
  status: LeadStatus;
  /** When it may be dialled again (with status `callback`); null: not planned. */
  nextAttemptAt?: Date | null;
  /** The call was abandoned (no agent within 2 s): sets `last_abandon_at`. */
  abandoned?: boolean;
  /** A machine answered: sets `last_machine_at`. */
  machine?: boolean;
}

/**
 * Record an attempt on the lead: one more attempt, its time and outcome, the new status,
 * and the claim released. Returns the updated lead (undefined when there is none).
 */
export async function updateLeadAfterAttempt(db: Db, leadId: string, result: AttemptResult): Promise<LeadRow | undefined> {
  return db
    .updateTable('leads')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_attempt_at: result.at,
      last_outcome: result.outcome,
      status: result.status,
      next_attempt_at: result.nextAttemptAt ?? null,
      claimed_by: null,
      claimed_at: null,
      ...(result.abandoned ? { last_abandon_at: result.at } : {}),
      ...(result.machine ? { last_machine_at: result.at } : {}),
    }))
    .where('id', '=', leadId)
    .returningAll()
    .executeTakeFirst();
}

/** Set a lead's status by hand (a DNC request, a number found dead). */
export async function setLeadStatus(db: Db, leadId: string, status: LeadStatus): Promise<LeadRow | undefined> {
  return db.updateTable('leads').set({ status }).where('id', '=', leadId).returningAll().executeTakeFirst();
}

// --- imports -------------------------------------------------------------------------------

export interface CreateImportInput {
  listId: string;
  mapping: ImportMapping;
  bytesTotal?: number | null;
  createdBy?: string | null;
  now: Date;
}

export async function createImport(db: Db, input: CreateImportInput): Promise<ImportRow> {
  return db
    .insertInto('imports')
    .values({
      id: randomUUID(),
      list_id: input.listId,
      status: 'running',
      mapping: JSON.stringify(input.mapping),
      bytes_total: input.bytesTotal ?? null,
      started_at: input.now,
      updated_at: input.now,
      finished_at: null,
      error: null,
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getImport(db: Db, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The imports of a list, newest first. */
export async function listImports(db: Db, listId: string): Promise<ImportRow[]> {
  return db.selectFrom('imports').selectAll().where('list_id', '=', listId).orderBy('started_at', 'desc').orderBy('id').execute();
}

/** One page of an import's error report, in file order; `afterId` is the last row's `id`. */
export async function listImportErrors(db: Db, importId: string, page: { limit: number; afterId?: number | undefined }): Promise<ImportErrorRow[]> {
  let select = db.selectFrom('import_errors').selectAll().where('import_id', '=', importId);
  if (page.afterId !== undefined) select = select.where('id', '>', page.afterId);
  // Errors are written batch by batch in file order, so `id` order is line order.
  return select.orderBy('id').limit(page.limit).execute();
}

/**
 * Imports left `running` by a server that stopped during them become `failed`: those whose
 * last batch is older than `staleAfterMs` (default 10 minutes; a batch takes well under a
 * second), so that with several servers on one database a start-up does not fail another
 * server's live import. Call at start-up (and now and then).
 */
export async function failInterruptedImports(db: Db, now: Date, staleAfterMs = 10 * 60_000): Promise<number> {
  const rows = await db
    .updateTable('imports')
    .set({ status: 'failed', finished_at: now, updated_at: now, error: 'The server stopped during the import; the rows counted were kept. Import the rest again (duplicates are skipped).' })
    .where('status', '=', 'running')
    .where('updated_at', '<=', new Date(now.getTime() - staleAfterMs))
    .returning('id')
    .execute();
  return rows.length;
}
