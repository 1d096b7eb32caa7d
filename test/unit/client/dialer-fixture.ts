/**
 * Mounts `<telnyx-dialer>` against the fakes: an in-memory dialer server (fetch +
 * realtime socket) and a FakeClient per registration. Import `./dialer-fixture.ts` from an
 * element test file; it registers its own cleanup.
 */
import { afterEach } from 'vitest';
import '../../../client/telnyx-dialer/telnyx-dialer.ts';
import type { TelnyxDialer } from '../../../client/telnyx-dialer/telnyx-dialer.ts';
import { FakeClient, createFakeServer, until, type FakeServer, type FakeServerOptions, type FakeSocket } from './fakes.ts';

export interface Mounted {
  el: TelnyxDialer;
  server: FakeServer;
  clients: FakeClient[];
  client: () => FakeClient;
  socket: () => FakeSocket;
  part: <T extends Element = HTMLElement>(name: string) => T;
  parts: <T extends Element = HTMLElement>(name: string) => T[];
}

export const mountedEls: TelnyxDialer[] = [];

/** A `<telnyx-dialer>` wired to a fake server and recording its FakeClients, not yet on the page (removed after the test). */
export function createDialer(options: FakeServerOptions = {}): Pick<Mounted, 'el' | 'server' | 'clients'> {
  const server = createFakeServer(options);
  const clients: FakeClient[] = [];
  const el = document.createElement('telnyx-dialer');
  el.server = 'http://dialer.test';
  el.fetchImpl = server.fetch;
  el.socketFactory = server.socketFactory;
  el.clientFactory = (opts) => {
    const client = new FakeClient(opts);
    clients.push(client);
    return client;
  };
  mountedEls.push(el);
  return { el, server, clients };
}

export async function mount(options: FakeServerOptions = {}, parent: ParentNode = document.body): Promise<Mounted> {
  const { el, server, clients } = createDialer(options);
  parent.append(el);
  const root = () => el.shadowRoot!;
  const m: Mounted = {
    el,
    server,
    clients,
    client: () => clients[0]!,
    socket: () => server.sockets.at(-1)!,
    part: <T extends Element>(name: string) => {
      const found = root().querySelector<T>(`[part~="${name}"]`);
      if (!found) throw new Error(`no [part~="${name}"] in:\n${root().innerHTML}`);
      return found;
    },
    parts: <T extends Element>(name: string) => [...root().querySelectorAll<T>(`[part~="${name}"]`)],
  };
  await until(() => clients.length === 1 || root()?.querySelector('[part~="login-form"]') !== null, 'softphone or login form');
  await el.updateComplete;
  return m;
}

/** Mounted, registered, realtime socket open. */
export async function ready(options: FakeServerOptions = {}, parent?: ParentNode): Promise<Mounted> {
  const m = await mount(options, parent);
  m.socket().serverOpen();
  m.client().emitReady();
  await m.el.updateComplete;
  return m;
}

export async function settle(m: Mounted, check: () => boolean, what: string): Promise<void> {
  await until(check, what);
  await m.el.updateComplete;
}

export function click(el: Element): void {
  (el as HTMLElement).click();
}

export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export function key(target: Element, init: KeyboardEventInit): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init }));
}

export const enabled = (m: Mounted, part: string) => !(m.part<HTMLButtonElement>(part).disabled);

afterEach(async () => {
  for (const el of mountedEls.splice(0)) {
    el.remove();
    await el.softphone.teardown;
  }
  document.body.replaceChildren();
});

