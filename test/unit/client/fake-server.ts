/**
 * The dialer server as an in-memory `fetch` routed by method and path (the API contract the
 * element codes against), plus the realtime socket. State is plain data a test can read
 * back or change: e.g. another agent going Busy between list and click.
 */
import type { ClientMessage, FetchLike, ServerMessage, SocketLike } from '../../../client/telnyx-dialer/api.ts';
import { campaignRoute, createCampaignState, type FakeCampaignState } from './fake-campaign.ts';

export interface FakeAgent {
  id: string;
  displayName: string;
  sipUri: string;
  status: 'offline' | 'available' | 'busy' | 'wrap_up' | 'unavailable';
  statusReason: string | null;
}

export interface FakeServerOptions {
  authenticated?: boolean;
  sandbox?: boolean;
  host?: string;
  /** Refuse Available unless the softphone reported `registered` (the real rule). Default true. */
  enforceRegistration?: boolean;
  agentStatus?: FakeAgent['status'];
  wrapUpSeconds?: number;
  /** The campaign the agent is already in (see `fake-campaign.ts`). */
  campaignId?: string;
}

export interface FakeServer {
  fetch: FetchLike;
  socketFactory: (url: string) => FakeSocket;
  sockets: FakeSocket[];
  state: {
    authenticated: boolean;
    csrfToken: string;
    agent: FakeAgent;
    others: FakeAgent[];
    registration: string;
    tokensIssued: number;
    attempts: Array<{ id: string; to: string; callerId?: string; hungUp: boolean }>;
    transfers: Array<{ attemptId: string; agentId: string }>;
    campaign: FakeCampaignState;
  };
  /** Pushes a message to every open socket. */
  push(message: ServerMessage): void;
}

export function createFakeServer(options: FakeServerOptions = {}): FakeServer {
  const state: FakeServer['state'] = {
    authenticated: options.authenticated ?? true,
    csrfToken: 'csrf-token-1',
    agent: { id: 'a-1', displayName: 'Ada Agent', sipUri: 'sip:agent1@sip.telnyx.com', status: options.agentStatus ?? 'unavailable', statusReason: null },
    others: [
      { id: 'a-2', displayName: 'Bob Busy', sipUri: 'sip:agent2@sip.telnyx.com', status: 'busy', statusReason: null },
      { id: 'a-3', displayName: 'Cleo Free', sipUri: 'sip:agent3@sip.telnyx.com', status: 'available', statusReason: null },
    ],
    registration: 'offline',
    tokensIssued: 0,
    attempts: [],
    transfers: [],
    campaign: createCampaignState(),
  };
  state.campaign.joined = options.campaignId ?? null;
  const enforce = options.enforceRegistration ?? true;
  const user = { id: 'u-1', username: 'ada', displayName: 'Ada Agent', role: 'agent' as const };
  const sockets: FakeSocket[] = [];

  const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const error = (status: number, code: string, message = code, details: unknown = null) => json(status, { error: { code, message, details } });

  const fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    // Without credentials: 'include' the browser would not send the cookie.
    const signedIn = state.authenticated && init.credentials === 'include';
    const route = `${method} ${url.pathname}`;

    if (route === 'POST /api/auth/login') {
      if (body.username === 'ada' && body.password === 'secret') {
        state.authenticated = true;
        return json(200, { user, csrfToken: state.csrfToken });
      }
      if (body.username === 'spam') return error(429, 'rate_limited');
      return error(401, 'invalid_credentials', 'Invalid username or password.');
    }
    if (!signedIn) return error(401, 'unauthenticated');
    if (method !== 'GET' && headers.get('X-CSRF-Token') !== state.csrfToken) return error(403, 'csrf_failed', 'Missing CSRF token.');

    switch (route) {
      case 'GET /api/auth/me':
        return json(200, { user, csrfToken: state.csrfToken });
      case 'POST /api/auth/logout':
        state.authenticated = false;
        return json(204);
      case 'GET /api/softphone/session':
        state.tokensIssued += 1;
        return json(200, {
          agent: state.agent,
          rtc: { loginToken: `jwt-${state.tokensIssued}`, expiresAt: '2030-01-01T00:00:00Z', ...(options.host ? { host: options.host } : {}) },
          callerIds: ['+15550100001', '+15550100002'],
          wrapUpSeconds: options.wrapUpSeconds ?? 30,
          sandbox: options.sandbox ?? false,
        });
      case 'PUT /api/agents/me/status': {
        const status = body.status as FakeAgent['status'];
        if (status === 'available' && enforce && state.registration !== 'registered') {
          return error(409, 'agent_not_registered', 'The softphone is not registered.');
        }
        state.agent = { ...state.agent, status, statusReason: typeof body.reason === 'string' ? body.reason : null };
        return json(200, { agent: state.agent });
      }
      case 'POST /api/calls': {
        const attempt = { id: `att-${state.attempts.length + 1}`, to: String(body.to), hungUp: false, ...(body.callerId ? { callerId: String(body.callerId) } : {}) };
        state.attempts.push(attempt);
        return json(201, { attempt: { id: attempt.id, to: attempt.to, state: 'queued' } });
      }
      case 'GET /api/agents':
        return json(200, {
          agents: [state.agent, ...state.others]
            .filter((a) => url.searchParams.get('status') === null || a.status === url.searchParams.get('status'))
            .map(({ id, displayName, status }) => ({ id, displayName, status })),
        });
    }
    const campaignAnswer = campaignRoute(state.campaign, state.agent, route, url, body, json, error);
    if (campaignAnswer) return campaignAnswer;
    const transfer = /^POST \/api\/calls\/([^/]+)\/transfer$/.exec(route);
    if (transfer) {
      const target = state.others.find((a) => a.id === body.agentId);
      if (!target || target.status !== 'available') return error(409, 'agent_not_available', 'That agent is no longer available.');
      state.transfers.push({ attemptId: decodeURIComponent(transfer[1]!), agentId: target.id });
      return json(202, {});
    }
    const hangup = /^POST \/api\/calls\/([^/]+)\/hangup$/.exec(route);
    if (hangup) {
      const attempt = state.attempts.find((a) => a.id === decodeURIComponent(hangup[1]!));
      if (!attempt) return error(404, 'not_found');
      attempt.hungUp = true;
      return json(202, {});
    }
    return error(404, 'not_found', `No route for ${route}`);
  };

  const server: FakeServer = {
    fetch,
    sockets,
    state,
    socketFactory: (url) => {
      const socket = new FakeSocket(url, (message) => {
        if (message.type === 'softphone.state') state.registration = message.registration;
      });
      sockets.push(socket);
      return socket;
    },
    push: (message) => {
      for (const socket of sockets) if (socket.readyState === 1) socket.serverSend(message);
    },
  };
  return server;
}

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    private readonly receive: (message: ClientMessage) => void = () => {},
  ) {}

  send(data: string): void {
    const message = JSON.parse(data) as ClientMessage;
    this.sent.push(message);
    this.receive(message);
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  serverSend(message: ServerMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  serverClose(): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code: 1006 }));
  }
}

