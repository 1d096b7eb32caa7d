/**
 * Lists, CSV imports and leads through the HTTP API, as a supervisor: the upload streamed
 * as `text/csv`, the 202 and the progress fields, the error report in JSON and as a CSV
 * download with formula injection neutralised, paging leads, single CRM inserts; and the
 * refusals (agents, wrong type, too large, bad mapping).
 */
import { request as httpRequest } from 'node:http';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRunnerOf, spoolRequestBody } from '../../server/campaigns/leads/upload.ts';
import { DialerError } from '../../server/errors.ts';
import type { UserSession } from '../helpers/dialer.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const dialer = useTestDialer({ lifetime: 'file' });
let supervisor: UserSession;
let agent: UserSession;

beforeAll(async () => {
  supervisor = await dialer.login('supervisor', { tokenType: 'bearer' });
  agent = await dialer.login('agent1');
});

/** POST a raw body (the CSV itself) as the supervisor. */
async function upload(path: string, body: string | Buffer, contentType = 'text/csv', session = supervisor) {
  const response = await fetch(`${dialer.running.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${session.token}` },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function newList(name: string, defaultCountry = 'US') {
  const answer = await supervisor.api('POST', '/api/lists', { name, defaultCountry });
  expect(answer.status).toBe(201);
  return answer.body.list as { id: string };
}

const FILE = [
  'Phone,First,Last,Notes,Consent,Consent Date',
  '(202) 555-0101,Ann,Lee,"likes mornings, not evenings",written,2024-01-15',
  "+1 202 555 0102,=cmd|' /C calc'!A0,@SUM(1),\"multi",
  'line note",,',
  "=cmd|' /C calc'!A0,Eve,,,,",
  '202.555.0101,Dup,,,,',
  '+15550001234,Sandbox,,,,',
  '2025550103,Short',
  '',
].join('\r\n');

describe('lists and imports over HTTP', () => {
  it('creates a list, imports a file in the background, and reports progress, counts and errors', async () => {
    const list = await newList('Spring leads');
    expect(list).toMatchObject({ id: expect.any(String), name: 'Spring leads', defaultCountry: 'US', campaignId: null, createdBy: supervisor.user.id });

    const started = await upload(`/api/lists/${list.id}/imports?phone=Phone&firstName=First&lastName=Last&consentType=Consent&consentAt=Consent%20Date`, FILE);
    expect(started.status).toBe(202);
    expect(started.body.import).toMatchObject({ listId: list.id, status: 'running', rowsRead: 0, bytesTotal: Buffer.byteLength(FILE), createdBy: supervisor.user.id });
    expect(started.headers.get('location')).toBe(`/api/imports/${started.body.import.id}`);

    await importRunnerOf(dialer.running.ctx).settled(started.body.import.id);
    const progress = await supervisor.api('GET', `/api/imports/${started.body.import.id}`);
    expect(progress.body.import).toMatchObject({
      status: 'completed',
      rowsRead: 6,
      rowsImported: 3,
      rowsRejected: 2,
      rowsDuplicate: 1,
      bytesRead: Buffer.byteLength(FILE),
      percent: 100,
      error: null,
      mapping: { phone: 'Phone', firstName: 'First', lastName: 'Last', consentType: 'Consent', consentAt: 'Consent Date' },
    });

    const errors = await supervisor.api('GET', `/api/imports/${started.body.import.id}/errors`);
    expect(errors.body).toEqual({
      errors: [
        { line: 5, column: 'Phone', code: 'phone_invalid', reason: 'not a valid phone number for US: not a phone number', value: "=cmd|' /C calc'!A0" },
        { line: 6, column: 'Phone', code: 'duplicate', reason: 'duplicate of line 2', value: '202.555.0101' },
        { line: 8, column: null, code: 'wrong_column_count', reason: 'the row has 2 columns, the header has 6', value: '2025550103,Short' },
      ],
      nextCursor: null,
    });

    const download = await fetch(`${dialer.running.url}/api/imports/${started.body.import.id}/errors?format=csv`, { headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename=import-${started.body.import.id}-errors.csv`);
    // Bytes, not text(): decoding would drop the BOM that tells Excel the file is UTF-8.
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'line,column,code,reason,value\r\n' +
        "5,Phone,phone_invalid,not a valid phone number for US: not a phone number,'=cmd|' /C calc'!A0\r\n" +
        '6,Phone,duplicate,duplicate of line 2,202.555.0101\r\n' +
        '8,,wrong_column_count,"the row has 2 columns, the header has 6","2025550103,Short"\r\n',
    );

    const leads = await supervisor.api('GET', `/api/lists/${list.id}/leads?limit=2`);
    expect(leads.body.leads.map((lead: { phoneE164: string }) => lead.phoneE164)).toEqual(['+12025550101', '+12025550102']);
    expect(leads.body.leads[0]).toMatchObject({
      phoneRaw: '(202) 555-0101',
      firstName: 'Ann',
      fields: { Notes: 'likes mornings, not evenings' },
      consentType: 'written',
      consentAt: '2024-01-15T00:00:00.000Z',
      timeZones: ['America/New_York'],
      timeZoneSource: 'number',
      status: 'new',
      importLine: 2,
    });
    // Formula-looking values are stored exactly as given.
    expect(leads.body.leads[1]).toMatchObject({ firstName: "=cmd|' /C calc'!A0", lastName: '@SUM(1)', fields: { Notes: 'multi\r\nline note' } });
    const rest = await supervisor.api('GET', `/api/lists/${list.id}/leads?limit=2&cursor=${leads.body.nextCursor}`);
    expect([rest.body.leads.map((lead: { phoneE164: string }) => lead.phoneE164), rest.body.nextCursor]).toEqual([['+15550001234'], null]);
    // Sandbox mode: the sandbox's customers are in SANDBOX_CUSTOMER_TIME_ZONE, as the gate assumes.
    expect(rest.body.leads[0]).toMatchObject({ timeZones: ['America/New_York'], timeZoneSource: 'number' });

    const shown = await supervisor.api('GET', `/api/lists/${list.id}`);
    expect(shown.body.list.counts).toEqual({ new: 3, callback: 0, done: 0, dnc: 0, invalid: 0, total: 3 });
    const all = await supervisor.api('GET', '/api/lists');
    expect(all.body.lists.find((l: { id: string }) => l.id === list.id).counts.total).toBe(3);
    const history = await supervisor.api('GET', `/api/lists/${list.id}/imports`);
    expect(history.body.imports.map((i: { id: string }) => i.id)).toEqual([started.body.import.id]);
  });

  it('takes the mapping as one JSON parameter and pages the error report', async () => {
    const list = await newList('JSON mapping');
    const mapping = encodeURIComponent(JSON.stringify({ phone: 'tel' }));
    const started = await upload(`/api/lists/${list.id}/imports?mapping=${mapping}`, 'tel\nx\ny\nz\n2025550109\n', 'text/csv; charset=utf-8');
    expect(started.status).toBe(202);
    await importRunnerOf(dialer.running.ctx).settled(started.body.import.id);
    const page = await supervisor.api('GET', `/api/imports/${started.body.import.id}/errors?limit=2`);
    expect([page.body.errors.map((e: { line: number }) => e.line), typeof page.body.nextCursor]).toEqual([[2, 3], 'string']);
    const next = await supervisor.api('GET', `/api/imports/${started.body.import.id}/errors?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.errors.map((e: { line: number }) => e.line)).toEqual([4]);
  });

  it('refuses a bad mapping, another content type, another charset and a file over 100 MB', async () => {
    const list = await newList('Refusals');
    const missing = await upload(`/api/lists/${list.id}/imports?phone=Mobile`, 'Phone\n2025550101\n');
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([422, 'validation_failed', 'The file has no column for phone → "Mobile". Its columns are: "Phone".']);
    expect((await upload(`/api/lists/${list.id}/imports?phone=Phone&colour=red`, 'Phone\n1\n')).body.error.message).toMatch(/Unknown mapping parameter\(s\) colour/);
    expect((await upload(`/api/lists/${list.id}/imports`, 'Phone\n1\n')).status).toBe(422);
    const json = await upload(`/api/lists/${list.id}/imports?phone=Phone`, '{}', 'application/json');
    expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
    expect((await upload(`/api/lists/${list.id}/imports?phone=Phone`, 'Phone\n1\n', 'text/csv; charset=iso-8859-1')).status).toBe(415);
    expect((await upload('/api/lists/00000000-0000-4000-8000-000000000000/imports?phone=Phone', 'Phone\n')).status).toBe(404);
    expect((await dialer.database.db.selectFrom('imports').select('id').where('list_id', '=', list.id).execute()).length).toBe(0);

    // A Content-Length over the limit is refused before a byte of the body is read.
    const tooLarge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${dialer.running.url}/api/lists/${list.id}/imports?phone=Phone`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', 'content-length': String(101 * 1024 * 1024), authorization: `Bearer ${supervisor.token}` },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode!, body });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write('Phone\n');
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('payload_too_large');
  });

  it('inserts single leads from a CRM with the same checks', async () => {
    const list = await newList('CRM', 'FR');
    const created = await supervisor.api('POST', '/api/leads', { listId: list.id, phone: '06 12 34 56 78', firstName: 'Zoë', consentType: 'express', fields: { crmId: '42', empty: '' } });
    expect(created.status).toBe(201);
    expect(created.body.lead).toMatchObject({ phoneE164: '+33612345678', firstName: 'Zoë', consentType: 'express', fields: { crmId: '42' }, timeZones: ['Europe/Paris'], importId: null });
    expect((await supervisor.api('GET', `/api/leads/${created.body.lead.id}`)).body.lead.id).toBe(created.body.lead.id);

    const again = await supervisor.api('POST', '/api/leads', { listId: list.id, phone: '+33612345678' });
    expect([again.status, again.body.error.code, again.body.error.details]).toEqual([409, 'conflict', { existingLeadId: created.body.lead.id }]);
    const invalid = await supervisor.api('POST', '/api/leads', { listId: list.id, phone: '12' });
    expect([invalid.status, invalid.body.error.details.fields]).toEqual([422, [{ field: 'phone', message: 'not a valid phone number for FR: too short' }]]);
    expect((await supervisor.api('POST', '/api/leads', { listId: 'nope', phone: '0612345678' })).status).toBe(422);
    expect((await supervisor.api('POST', '/api/lists', { name: 'x', defaultCountry: 'XX' })).status).toBe(422);
    expect((await supervisor.api('GET', '/api/leads/nope')).status).toBe(404);
    expect((await supervisor.api('GET', '/api/imports/nope')).status).toBe(404);
  });

  it('answers 403 to agents', async () => {
    const list = await newList('Private');
    expect((await agent.api('GET', '/api/lists')).status).toBe(403);
    expect((await agent.api('POST', '/api/lists', { name: 'mine', defaultCountry: 'US' })).status).toBe(403);
    expect((await agent.api('GET', `/api/lists/${list.id}/leads`)).status).toBe(403);
    expect((await agent.api('POST', '/api/leads', { listId: list.id, phone: '2025550101' })).status).toBe(403);
    const bearerAgent = await dialer.login('agent2', { tokenType: 'bearer' });
    const answer = await upload(`/api/lists/${list.id}/imports?phone=Phone`, 'Phone\n2025550101\n', 'text/csv', bearerAgent);
    expect([answer.status, answer.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('spoolRequestBody', () => {
  it('stops a chunked upload at the limit', async () => {
    const app = express();
    app.post('/', async (req, res) => {
      try {
        const file = await spoolRequestBody(req, 1000);
        await file.remove();
        res.json({ bytes: file.bytes });
      } catch (error) {
        res.status((error as DialerError).status).json({ code: (error as DialerError).code });
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const send = (bytes: number) =>
      fetch(url, { method: 'POST', body: new Blob([Buffer.alloc(bytes, 0x61)]).stream(), duplex: 'half' } as RequestInit).then(async (r) => [r.status, await r.json()]);
    expect(await send(1000)).toEqual([200, { bytes: 1000 }]);
    expect(await send(5000)).toEqual([413, { code: 'payload_too_large' }]);
    server.close();
  });
});
