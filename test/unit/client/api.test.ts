// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, DialerApi, PING_INTERVAL_MS, RealtimeConnection, apiUrl, eventsUrl, type ServerMessage } from '../../../client/telnyx-dialer/api.ts';
import { FakeSocket, createFakeServer } from './fakes.ts';

describe('URLs', () => {
  it.each([
    ['https://dialer.example', 'api/auth/me', 'https://dialer.example/api/auth/me'],
    ['https://dialer.example/', 'api/auth/me', 'https://dialer.example/api/auth/me'],
    ['https://example.com/dialer', 'api/calls', 'https://example.com/dialer/api/calls'],
  ])('%s + %s', (base, path, expected) => {
    expect(apiUrl(base, path)).toBe(expected);
  });

  it('turns http(s) into ws(s) for the realtime socket', () => {
    expect(eventsUrl('https://dialer.example')).toBe('wss://dialer.example/api/events');
    expect(eventsUrl('http://localhost:3000/')).toBe('ws://localhost:3000/api/events');
  });
});

describe('DialerApi', () => {
  const base = 'http://dialer.test';

  it('signs in, then sends the CSRF token on unsafe requests', async () => {
    const server = createFakeServer({ authenticated: false, enforceRegistration: false });
    const api = new DialerApi({ baseUrl: base, fetch: server.fetch });
    expect(await api.me()).toBeNull();
    await expect(api.login('ada', 'nope')).rejects.toMatchObject({ code: 'invalid_credentials', status: 401, message: 'Invalid username or password.' });
    await expect(api.login('spam', 'x')).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
    const user = await api.login('ada', 'secret');
    expect(user.role).toBe('agent');
    const agent = await api.setStatus('unavailable', 'Lunch');
    expect(agent).toMatchObject({ status: 'unavailable', statusReason: 'Lunch' });
  });

  it('fails unsafe requests without a token (the server refuses them)', async () => {
    const server = createFakeServer();
    const api = new DialerApi({ baseUrl: base, fetch: server.fetch });
    await expect(api.placeCall('+15550102030')).rejects.toMatchObject({ code: 'csrf_failed', status: 403 });
    await api.me(); // hands out the token
    await expect(api.placeCall('+15550102030')).resolves.toMatchObject({ id: 'att-1' });
  });

  it('maps non-JSON answers and network failures to ApiError', async () => {
    const html = new DialerApi({ baseUrl: base, fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }) });
    await expect(html.softphoneSession()).rejects.toMatchObject({ code: 'http_502', status: 502 });
    const down = new DialerApi({
      baseUrl: base,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const error = await down.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
  });

  it('keeps the details of the server error shape', async () => {
    const api = new DialerApi({
      baseUrl: base,
      fetch: async () => new Response(JSON.stringify({ error: { code: 'bad_request', message: 'to: not a number', details: { field: 'to' } } }), { status: 400 }),
    });
    await expect(api.placeCall('x')).rejects.toMatchObject({ code: 'bad_request', message: 'to: not a number', details: { field: 'to' } });
  });
});

describe('RealtimeConnection', () => {
  let sockets: FakeSocket[];
  let received: ServerMessage[];
  let opens: number;
  let connection: RealtimeConnection;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    received = [];
    opens = 0;
    connection = new RealtimeConnection({
      url: 'ws://dialer.test/api/events',
      socketFactory: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onMessage: (m) => received.push(m),
      onOpen: () => (opens += 1),
      random: () => 0.5, // no jitter
    });
  });

  afterEach(() => {
    connection.stop();
    vi.useRealTimers();
  });

  it('pings every 10 s while open', () => {
    connection.start();
    const socket = sockets[0]!;
    expect(connection.send({ type: 'ping' })).toBe(false); // not open yet
    socket.serverOpen();
    expect(opens).toBe(1);
    vi.advanceTimersByTime(PING_INTERVAL_MS * 3);
    expect(socket.sent).toEqual([{ type: 'ping' }, { type: 'ping' }, { type: 'ping' }]);
  });

  it('parses server messages and ignores junk', () => {
    connection.start();
    const socket = sockets[0]!;
    socket.serverOpen();
    socket.serverSend({ type: 'agents.changed' });
    socket.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    socket.onmessage?.(new MessageEvent('message', { data: JSON.stringify({ type: 'agent.status', agent: { id: 7 } }) }));
    socket.serverSend({ type: 'agent.status', agent: { id: 'a-1', status: 'busy', statusReason: null } });
    expect(received).toEqual([{ type: 'agents.changed' }, { type: 'agent.status', agent: { id: 'a-1', status: 'busy', statusReason: null } }]);
  });

  it('reconnects with backoff 1 s, 2 s, 4 s… and resets it after a successful open', () => {
    connection.start();
    sockets[0]!.serverClose();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.serverClose();
    vi.advanceTimersByTime(1_999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.serverOpen();
    expect(opens).toBe(1);
    sockets[2]!.serverClose();
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(4);
  });

  it('stops pinging and reconnecting once stopped', () => {
    connection.start();
    sockets[0]!.serverOpen();
    connection.stop();
    expect(sockets[0]!.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets[0]!.sent).toEqual([]);
    expect(sockets).toHaveLength(1);
  });
});
