/**
 * A softphone on the sandbox's own `/rtc` socket, for tests of the call simulator: the
 * fake Verto client and werift media of `test/unit/sandbox-rtc/` log in with a token the
 * sandbox issued through its REST API, as the real softphone does.
 *
 * Sockets and media run in real time while the sandbox runs on a virtual clock: tests
 * wait for socket events with {@link waitFor} (polling, never sleeping a fixed time) and
 * then `advance()` the scheduler so the work the event scheduled runs.
 */

import { ClientMedia } from '../sandbox-rtc/client-media.ts';
import { FakeVertoClient, type Frame } from '../sandbox-rtc/fake-verto-client.ts';
import type { Harness } from './harness.ts';

export { waitFor } from '../sandbox-rtc/wait.ts';

export interface Softphone {
  client: FakeVertoClient;
  sipUsername: string;
  /** `sip:<user>@sip.telnyx.com`, what the simulator dials. */
  sipUri: string;
  /** Wait for the next `telnyx_rtc.invite` not yet answered by this helper. */
  nextInvite(): Promise<Frame>;
  /** Answer an invite with a werift peer, as the browser would; resolves once the sandbox replied. */
  answer(invite: Frame): Promise<Frame>;
  /** A werift peer's offer for a call the softphone places. */
  offer(): Promise<{ media: ClientMedia; sdp: string }>;
  close(): Promise<void>;
}

/** Issue a credential and token through the sandbox's REST API and log in on `/rtc`. */
export async function registerSoftphone(h: Harness): Promise<Softphone> {
  const created = await h.api('POST', '/v2/telephony_credentials', { connection_id: h.sandbox.connectionId });
  const credential = created.body.data as { id: string; sip_username: string };
  const token = (await h.api('POST', `/v2/telephony_credentials/${credential.id}/token`)).text;
  const client = await FakeVertoClient.connect(`${h.sandboxUrl.replace(/^http/, 'ws')}/rtc`);
  const medias: ClientMedia[] = [];
  const seen = new Set<string>();
  await client.loginAndRegister(token);
  return {
    client,
    sipUsername: credential.sip_username,
    sipUri: `sip:${credential.sip_username}@sip.telnyx.com`,
    async nextInvite() {
      const invite = await client.waitForServerRequest('telnyx_rtc.invite', (frame) => !seen.has(frame.params!.callID as string));
      seen.add(invite.params!.callID as string);
      return invite;
    },
    async answer(invite) {
      const media = new ClientMedia();
      medias.push(media);
      return client.answer(invite.params!.callID as string, await media.answer(invite.params!.sdp as string));
    },
    async offer() {
      const media = new ClientMedia();
      medias.push(media);
      return { media, sdp: await media.offer() };
    },
    async close() {
      await Promise.all(medias.map((media) => media.close()));
      await client.close();
    },
  };
}
