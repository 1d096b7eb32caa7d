/**
 * A gateway on a plain HTTP server at 127.0.0.1:<free port>, a virtual clock (only the
 * server pings and the self-test answer use it), the sandbox's real `Transcript`, and a
 * token table standing in for the CredentialStore.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { createRtcGateway, type RtcGateway, type RtcGatewayOptions } from '../../../sandbox/rtc/index.ts';
import { Transcript } from '../../../sandbox/transcript.ts';
import { FakeVertoClient } from './fake-verto-client.ts';

export interface Rig {
  gateway: RtcGateway;
  server: Server;
  scheduler: VirtualScheduler;
  transcript: Transcript;
  /** `ws://127.0.0.1:<port>` (no path). */
  origin: string;
  /** token → SIP username accepted by `verifyLoginToken`. */
  tokens: Map<string, string>;
  lines(): string[];
  /** Connect to `/rtc` (plus `suffix`, e.g. a query) and log in with the token of `user`. */
  agent(user: string, suffix?: string): Promise<FakeVertoClient>;
  close(): Promise<void>;
}

export async function startRig(overrides: Partial<RtcGatewayOptions> = {}): Promise<Rig> {
  const scheduler = new VirtualScheduler();
  const transcript = new Transcript(scheduler);
  const tokens = new Map<string, string>([
    ['token-alice', 'gencredalice'],
    ['token-bob', 'gencredbob'],
  ]);
  const gateway = createRtcGateway({
    scheduler,
    transcript,
    verifyLoginToken: (token) => {
      const sipUsername = tokens.get(token);
      return sipUsername ? { sipUsername } : null;
    },
    ...overrides,
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: FakeVertoClient[] = [];
  return {
    gateway,
    server,
    scheduler,
    transcript,
    origin,
    tokens,
    lines: () => transcript.lines(),
    async agent(user, suffix = '') {
      const client = await FakeVertoClient.connect(`${origin}/rtc${suffix}`);
      clients.push(client);
      const token = [...tokens].find(([, name]) => name === user)?.[0] ?? `token-${user}`;
      const reply = await client.loginAndRegister(token);
      if (reply.result?.params?.state !== 'REGED') throw new Error(`expected REGED, got ${JSON.stringify(reply)}`);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await gateway.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
