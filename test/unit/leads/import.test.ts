/**
 * Import behaviour beyond single rows: duplicates across the lists of a campaign, progress
 * after each batch, files refused as a whole, imports that fail half-way, and the
 * repository functions the campaigns feature uses.
 */
import { PassThrough, Readable } from 'node:stream';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { importLeads, startImport, type ImportProgress } from '../../../server/campaigns/leads/import.ts';
import { checkLead } from '../../../server/campaigns/leads/normalize.ts';
import {
  countLeadsByStatus,
  createList,
  failInterruptedImports,
  getImport,
  insertLead,
  listLeads,
  setLeadStatus,
  setListCampaign,
  updateLeadAfterAttempt,
} from '../../../server/campaigns/leads/repository.ts';
import { loadNumberTimeZones } from '../../../server/campaigns/leads/time-zones.ts';
import { isDialerError } from '../../../server/errors.ts';
import { useTestDatabase } from '../../helpers/database.ts';

const database = useTestDatabase({ emptyBeforeEachTest: true });
beforeAll(async () => {
  // Campaign rows belong to the campaigns feature; these tests only need lists that share
  // a campaign id, so the foreign key a later migration adds is dropped in this private database.
  const { rows } = await sql<{ name: string }>`
    select conname as name from pg_constraint
    where conrelid = 'lists'::regclass and contype = 'f'`.execute(database.db);
  for (const row of rows) await sql`alter table lists drop constraint ${sql.id(row.name)}`.execute(database.db);
});

const NOW = new Date('2025-06-01T12:00:00Z');
const db = () => database.db;
const csv = (text: string) => Readable.from([Buffer.from(text)]);
const list = (name: string, campaignId: string | null = null, defaultCountry = 'US') => createList(db(), { name, defaultCountry, campaignId, now: NOW });
const run = (listId: string, text: string, extra: Partial<Parameters<typeof importLeads>[1]> = {}) =>
  importLeads(db(), { listId, input: csv(text), mapping: { phone: 'phone' }, now: () => NOW, ...extra });
const errorsOf = async (importId: string) =>
  (await db().selectFrom('import_errors').select(['line', 'code', 'reason']).where('import_id', '=', importId).orderBy('id').execute()).map((row) => `${row.line} ${row.code}: ${row.reason}`);

describe('duplicates across lists', () => {
  it('skips numbers already in another list of the same campaign, but not of another campaign or none', async () => {
    const a = await list('Spring', 'campaign-1');
    const b = await list('Summer', 'campaign-1');
    const other = await list('Other', 'campaign-2');
    const loose = await list('No campaign');
    expect(await run(a.id, 'phone\n2025550101\n2025550102\n')).toMatchObject({ rows_imported: 2 });

    const intoB = await run(b.id, 'phone\n+1 202 555 0102\n2025550103\n(202) 555-0101\n');
    expect(intoB).toMatchObject({ rows_read: 3, rows_imported: 1, rows_duplicate: 2 });
    expect(await errorsOf(intoB.id)).toEqual([
      `2 duplicate: already in list "Spring" (${a.id}) of the same campaign`,
      `4 duplicate: already in list "Spring" (${a.id}) of the same campaign`,
    ]);
    expect(await run(other.id, 'phone\n2025550101\n2025550103\n')).toMatchObject({ rows_imported: 2, rows_duplicate: 0 });
    expect(await run(loose.id, 'phone\n2025550101\n')).toMatchObject({ rows_imported: 1 });

    const again = await run(a.id, 'phone\n2025550102\n2025550102\n');
    expect(await errorsOf(again.id)).toEqual(['2 duplicate: already in list "Spring"', '3 duplicate: already in list "Spring"']);
    const campaignLeads = await db().selectFrom('leads').select('phone_e164').where('campaign_id', '=', 'campaign-1').orderBy('phone_e164').execute();
    expect(campaignLeads.map((lead) => lead.phone_e164)).toEqual(['+12025550101', '+12025550102', '+12025550103']);
  });

  it('refuses a single insert of a number the campaign has, naming the existing lead', async () => {
    const a = await list('Spring', 'campaign-1');
    const b = await list('Summer', 'campaign-1');
    const context = { listCountry: 'US', timeZones: await loadNumberTimeZones(), now: NOW };
    const checked = checkLead({ phone: '2025550101', fields: {} }, context);
    if (!checked.ok) throw new Error('fixture');
    const lead = await insertLead(db(), a, checked.lead, NOW);
    const error = await insertLead(db(), b, checked.lead, NOW).catch((caught: unknown) => caught);
    expect(isDialerError(error, 'conflict')).toBe(true);
    expect(error).toMatchObject({ message: `This number is already in list "Spring" (${a.id}) of the same campaign.`, details: { existingLeadId: lead.id } });
  });
});

describe('progress', () => {
  it('updates the import row and calls onProgress after each batch, while the file is still arriving', async () => {
    const l = await list('Progress');
    const input = new PassThrough();
    const seen: ImportProgress[] = [];
    let notify: () => void = () => undefined;
    const firstBatches = new Promise<void>((resolve) => (notify = resolve));
    // The header must be there before startImport answers (it checks the mapping against it).
    input.write('phone\n');
    const started = await startImport(db(), {
      listId: l.id,
      input,
      mapping: { phone: 'phone' },
      batchSize: 5,
      now: () => NOW,
      bytesTotal: 1000,
      onProgress: (progress) => {
        seen.push(progress);
        if (seen.length === 2) notify();
      },
    });
    expect(started.import).toMatchObject({ status: 'running', rows_read: 0, bytes_total: 1000 });
    for (let i = 0; i < 10; i++) input.write(`20255501${String(i).padStart(2, '0')}\n`);
    input.write('not a number\n');
    await firstBatches;
    expect(await getImport(db(), started.import.id)).toMatchObject({ status: 'running', rows_read: 10, rows_imported: 10, rows_rejected: 0 });
    input.end('2025550101\n');
    const done = await started.done;
    expect(done).toMatchObject({ status: 'completed', rows_read: 12, rows_imported: 10, rows_rejected: 1, rows_duplicate: 1 });
    expect(seen.map((p) => [p.rowsRead, p.rowsImported, p.rowsRejected, p.rowsDuplicate])).toEqual([
      [5, 5, 0, 0],
      [10, 10, 0, 0],
      [12, 10, 1, 1],
    ]);
  });
});

describe('files refused as a whole', () => {
  const refusal = async (input: Buffer | string, mapping: Record<string, string> = { phone: 'phone' }) => {
    const l = await list('Refused');
    const error = await importLeads(db(), { listId: l.id, input: Readable.from([Buffer.from(input)]), mapping: mapping as { phone: string } }).catch((caught: unknown) => caught);
    expect(isDialerError(error, 'validation_failed')).toBe(true);
    expect(await db().selectFrom('imports').select('id').execute()).toEqual([]);
    return (error as Error).message;
  };

  it('explains what is wrong and writes no import', async () => {
    expect(await refusal('')).toBe('The file is empty: it needs a header row and at least one row.');
    expect(await refusal('\n\n')).toBe('The file is empty: it needs a header row and at least one row.');
    expect(await refusal(Buffer.from('\xff\xfep\0h\0', 'latin1'))).toMatch(/UTF-16/);
    expect(await refusal(Buffer.from('t\xe9l\xe9phone\n1\n', 'latin1'))).toMatch(/header row is not UTF-8.*Latin-1/);
    expect(await refusal('Phone,Name\n1,a\n', { phone: 'Phone', firstName: 'First' })).toBe('The file has no column for firstName → "First". Its columns are: "Phone", "Name".');
    expect(await refusal('phone,phone\n1,2\n')).toBe('The header names the column "phone" twice; rename one.');
    expect(await refusal('phone,x\n1,2\n', { phone: 'phone', firstName: 'PHONE' })).toBe('The mapping gives the column "phone" to both phone and firstName.');
    await expect(importLeads(db(), { listId: 'nope', input: csv('phone\n'), mapping: { phone: 'phone' } })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('matches mapped columns ignoring case and names unnamed columns column_<n>', async () => {
    const l = await list('Loose');
    const result = await run(l.id, ' PHONE ,,Plan\n2025550101,x,gold\n', { mapping: { phone: 'phone' } });
    expect(result).toMatchObject({ status: 'completed', rows_imported: 1 });
    const lead = await db().selectFrom('leads').selectAll().executeTakeFirstOrThrow();
    expect(lead.fields).toEqual({ column_2: 'x', Plan: 'gold' });
  });

  it('completes a file with a header and no rows as an import of nothing', async () => {
    const l = await list('Header only');
    expect(await run(l.id, 'phone\n')).toMatchObject({ status: 'completed', rows_read: 0, rows_imported: 0 });
  });
});

describe('imports that stop half-way', () => {
  it('reports an unclosed quote on its line and keeps the rows before it', async () => {
    const l = await list('Quote');
    const result = await run(l.id, 'phone,note\n2025550101,ok\n2025550102,"open\n2025550103,lost\n');
    expect(result).toMatchObject({ status: 'completed', rows_read: 2, rows_imported: 1, rows_rejected: 1 });
    expect(await errorsOf(result.id)).toEqual(['3 malformed_csv: a quote opened on line 3 is never closed, so lines 3–5 could not be read as rows']);
  });

  it('marks the import failed when the input breaks, keeping the batches already written', async () => {
    const l = await list('Broken');
    async function* broken() {
      yield Buffer.from('phone\n2025550101\n2025550102\n');
      throw new Error('connection reset');
    }
    const started = await startImport(db(), { listId: l.id, input: broken(), mapping: { phone: 'phone' }, batchSize: 1, now: () => NOW });
    await expect(started.done).rejects.toThrow('connection reset');
    expect(await getImport(db(), started.import.id)).toMatchObject({ status: 'failed', rows_imported: 2, error: 'The import stopped: connection reset', finished_at: NOW });
  });

  it('stops between batches when aborted', async () => {
    const l = await list('Aborted');
    const abort = new AbortController();
    const rows = Array.from({ length: 20 }, (_, i) => `20255501${String(i).padStart(2, '0')}`).join('\n');
    const result = importLeads(db(), { listId: l.id, input: csv(`phone\n${rows}\n`), mapping: { phone: 'phone' }, batchSize: 5, onProgress: () => abort.abort(), signal: abort.signal });
    await expect(result).rejects.toThrow(/cancelled/);
    expect(await db().selectFrom('imports').select(['status', 'rows_imported']).executeTakeFirst()).toEqual({ status: 'failed', rows_imported: 5 });
  });

  it('fails imports left running by a stopped server', async () => {
    const l = await list('Interrupted');
    const row = (id: string, updatedAt: Date) => ({ id, list_id: l.id, status: 'running' as const, mapping: '{"phone":"phone"}', started_at: NOW, updated_at: updatedAt, finished_at: null, error: null, bytes_total: null, created_by: null });
    await db().insertInto('imports').values([row('stale', NOW), row('live', new Date(NOW.getTime() + 9 * 60_000))]).execute();
    expect(await failInterruptedImports(db(), new Date(NOW.getTime() + 10 * 60_000))).toBe(1);
    expect(await getImport(db(), 'live')).toMatchObject({ status: 'running' });
    expect(await getImport(db(), 'stale')).toMatchObject({ status: 'failed', error: expect.stringContaining('server stopped') });
  });
});

describe('the repository the campaigns feature uses', () => {
  it('pages leads by number, filters by status, counts by status, and records attempts', async () => {
    const l = await list('Repo', 'campaign-1');
    await run(l.id, `phone\n${['2025550103', '2025550101', '2025550104', '2025550102'].join('\n')}\n`);
    const first = await listLeads(db(), { listId: l.id, limit: 3 });
    expect(first.leads.map((lead) => lead.phone_e164)).toEqual(['+12025550101', '+12025550102', '+12025550103']);
    const second = await listLeads(db(), { listId: l.id, limit: 3, afterPhone: first.nextAfterPhone! });
    expect([second.leads.map((lead) => lead.phone_e164), second.nextAfterPhone]).toEqual([['+12025550104'], null]);

    const lead = first.leads[0]!;
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(await updateLeadAfterAttempt(db(), lead.id, { outcome: 'no-answer', at: NOW, status: 'callback', nextAttemptAt: later, machine: true })).toMatchObject({
      attempts: 1, last_outcome: 'no-answer', last_attempt_at: NOW, next_attempt_at: later, last_machine_at: NOW, last_abandon_at: null, status: 'callback', claimed_by: null,
    });
    await setLeadStatus(db(), first.leads[1]!.id, 'dnc');
    expect((await listLeads(db(), { listId: l.id, limit: 10, status: 'callback' })).leads.map((x) => x.id)).toEqual([lead.id]);
    expect((await countLeadsByStatus(db(), [l.id])).get(l.id)).toEqual({ new: 2, callback: 1, done: 0, dnc: 1, invalid: 0, total: 4 });
    expect(await updateLeadAfterAttempt(db(), 'missing', { outcome: 'x', at: NOW, status: 'done' })).toBeUndefined();
  });

  it('moves a list and its leads to a campaign and counts the numbers that overlap', async () => {
    const a = await list('A', 'campaign-1');
    const b = await list('B');
    await run(a.id, 'phone\n2025550101\n');
    await run(b.id, 'phone\n2025550101\n2025550102\n');
    const moved = await setListCampaign(db(), b.id, 'campaign-1');
    expect(moved).toMatchObject({ list: { campaign_id: 'campaign-1' }, overlapping: 1 });
    expect((await db().selectFrom('leads').select('campaign_id').where('list_id', '=', b.id).execute()).map((x) => x.campaign_id)).toEqual(['campaign-1', 'campaign-1']);
    expect(await setListCampaign(db(), 'missing', null)).toBeUndefined();
  });
});
