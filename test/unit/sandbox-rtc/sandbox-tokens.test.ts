/**
 * Wiring with the real sandbox: `sandbox.listen()` serves the gateway at `/rtc`, and
 * tokens issued by `POST /v2/telephony_credentials/{id}/token` log in through
 * `sandbox.credentials.verifyToken`; `close()` ends the softphone sockets too.
 */

import { expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { createSandbox } from '../../../sandbox/index.ts';
import { FakeVertoClient } from './fake-verto-client.ts';
import { waitFor } from './wait.ts';

it('accepts sandbox-issued JWTs for their credential and refuses them once expired', async () => {
  const scheduler = new VirtualScheduler();
  const sandbox = createSandbox({ scheduler, seed: 7, apiKey: 'KEYrtc_sandbox' });
  const { url, close } = await sandbox.listen(0);
  const base = url.replace(/^http:\/\//, '');
  const clients: FakeVertoClient[] = [];
  try {
    const headers = { authorization: 'Bearer KEYrtc_sandbox', 'content-type': 'application/json' };
    const created = await fetch(`http://${base}/v2/telephony_credentials`, { method: 'POST', headers, body: JSON.stringify({ connection_id: sandbox.connectionId }) });
    expect(created.status).toBe(201);
    const credential = ((await created.json()) as { data: { id: string; sip_username: string } }).data;
    const issued = await fetch(`http://${base}/v2/telephony_credentials/${credential.id}/token`, { method: 'POST', headers });
    const token = await issued.text();

    const client = await FakeVertoClient.connect(`ws://${base}/rtc`);
    clients.push(client);
    expect((await client.loginAndRegister(token)).result?.params).toEqual({ state: 'REGED' });
    expect(sandbox.rtc.isRegistered(credential.sip_username)).toBe(true);
    expect(sandbox.control.lines({ kind: 'rtc' })).toEqual([`rtc login agent=${credential.sip_username} → ok`, `rtc registered ${credential.sip_username}`]);

    await scheduler.advance(24 * 3600_000);
    const late = await FakeVertoClient.connect(`ws://${base}/rtc`);
    clients.push(late);
    expect((await late.login(token)).error?.code).toBe(-32001);
  } finally {
    await close();
    await waitFor(() => clients.every((client) => client.ws.readyState === client.ws.CLOSED), 2000, 'sockets closed by the sandbox');
  }
  expect(sandbox.rtc.registrations()).toEqual([]);
});
