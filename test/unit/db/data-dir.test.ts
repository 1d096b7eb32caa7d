import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAttempt, getAttempt } from '../../../server/calls/repository.ts';
import { openDatabase } from '../../../server/db/database.ts';

const root = await mkdtemp(join(tmpdir(), 'dialer-db-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('openDatabase with a data folder (embedded PGlite)', () => {
  it('creates the folder, and keeps the data across a close and reopen', async () => {
    const dataDir = join(root, 'nested', 'data');
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect((await stat(dataDir)).isDirectory()).toBe(true);
    const attempt = await createAttempt(first.db, {
      kind: 'click_to_call',
      agentSip: 'sip:agent1@sip.telnyx.com',
      customerNumber: '+13129457420',
      callerId: '+13125550100',
    });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect(await getAttempt(second.db, attempt.id)).toEqual(attempt);
    } finally {
      await second.close();
    }
  });

  it('refuses to open without a url, a folder or inMemory', async () => {
    await expect(openDatabase({})).rejects.toThrow(/pass url, dataDir or inMemory/);
  });
});
