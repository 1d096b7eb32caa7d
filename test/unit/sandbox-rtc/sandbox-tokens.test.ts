/**
 * Wiring with the real sandbox: tokens issued by `POST /v2/telephony_credentials/{id}/token`
 * log in through `sandbox.credentials.verifyToken`, as `sandbox/index.ts` should wire it.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { createSandbox } from '../../../sandbox/index.ts';
import { createRtcGateway } from '../../../sandbox/rtc/index.ts';
import { FakeVertoClient } from './fake-verto-client.ts';

it('accepts sandbox-issued JWTs for their credential and refuses them once expired', async () => {
  const scheduler = new VirtualScheduler();
  const sandbox = createSandbox({ scheduler, seed: 7, apiKey: 'KEYrtc_sandbox' });
  const gateway = createRtcGateway({
    scheduler,
    verifyLoginToken: (token) => {
      const credential = sandbox.credentials.verifyToken(token);
      return credential ? { sipUsername: credential.sip_username } : null;
    },
  });
  const server = createServer(sandbox.app);
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    expect(gateway.isRegistered(credential.sip_username)).toBe(true);

    await scheduler.advance(24 * 3600_000);
    const late = await FakeVertoClient.connect(`ws://${base}/rtc`);
    clients.push(late);
    expect((await late.login(token)).error?.code).toBe(-32001);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await gateway.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
