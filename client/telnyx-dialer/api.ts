/**
 * A small typed client for the dialer server: the REST calls the softphone makes, and the
 * realtime socket (`/api/events`) that carries agent-status pushes one way and the
 * softphone's state plus a 10 s ping the other way.
 *
 * Requests carry the session cookie (`credentials: 'include'`) and, on unsafe methods, the
 * `X-CSRF-Token` the server handed out with `/api/auth/me` or `/api/auth/login`. Failures
 * are thrown as {@link ApiError} with the server's `{error: {code, message, details}}`.
 *
 * @module
 */
import type { Lead } from './campaign-api.ts';
import type { AgentStatus, RegistrationState, SettableAgentStatus, UiCallState } from './state.ts';

export type Role = 'admin' | 'supervisor' | 'agent';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface AgentInfo {
  id: string;
  displayName: string;
  sipUri: string;
  status: AgentStatus;
  statusReason: string | null;
}

export interface SoftphoneSession {
  agent: AgentInfo;
  rtc: { loginToken: string; expiresAt: string; host?: string };
  callerIds: string[];
  wrapUpSeconds: number;
  sandbox: boolean;
}

export interface AgentSummary {
  id: string;
  displayName: string;
  status: AgentStatus;
}

export interface Attempt {
  id: string;
  [key: string]: unknown;
}

/** An error answer from the server, or a network failure (`code: 'network_error'`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** What to tell the agent when signing in failed. */
export function loginErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_credentials') return 'Wrong username or password.';
    if (error.code === 'rate_limited') return 'Too many sign-in attempts. Wait a minute and try again.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface DialerApiOptions {
  /** Base URL of the dialer server; empty means the page's own origin. */
  baseUrl: string;
  fetch: FetchLike;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves `path` (no leading slash) against `base`, keeping any path prefix in `base`. */
export function apiUrl(base: string, path: string): string {
  const origin = base || globalThis.location?.origin || '';
  const withSlash = origin.endsWith('/') ? origin : `${origin}/`;
  return new URL(path, withSlash).toString();
}

/** The realtime socket's URL: `ws(s)://<server>/api/events`. */
export function eventsUrl(base: string): string {
  const url = new URL(apiUrl(base, 'api/events'));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class DialerApi {
  private csrfToken: string | null = null;

  constructor(private readonly options: DialerApiOptions) {}

  /** The signed-in user, or `null` when there is no session (401). */
  async me(): Promise<User | null> {
    try {
      const body = await this.request<{ user: User; csrfToken: string }>('GET', 'api/auth/me');
      this.csrfToken = body.csrfToken;
      return body.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async login(username: string, password: string): Promise<User> {
    const body = await this.request<{ user: User; csrfToken: string }>('POST', 'api/auth/login', { username, password });
    this.csrfToken = body.csrfToken;
    return body.user;
  }

  async logout(): Promise<void> {
    await this.request('POST', 'api/auth/logout');
    this.csrfToken = null;
  }

  softphoneSession(): Promise<SoftphoneSession> {
    return this.request<SoftphoneSession>('GET', 'api/softphone/session');
  }

  async setStatus(status: SettableAgentStatus, reason?: string): Promise<AgentInfo> {
    const body = await this.request<{ agent: AgentInfo }>('PUT', 'api/agents/me/status', reason ? { status, reason } : { status });
    return body.agent;
  }

  /** Click-to-call: the server rings this agent first, then the customer. */
  async placeCall(to: string, callerId?: string): Promise<Attempt> {
    const body = await this.request<{ attempt: Attempt }>('POST', 'api/calls', callerId ? { to, callerId } : { to });
    return body.attempt;
  }

  async availableAgents(): Promise<AgentSummary[]> {
    const body = await this.request<{ agents: AgentSummary[] }>('GET', 'api/agents?status=available');
    return body.agents;
  }

  async transfer(attemptId: string, agentId: string): Promise<void> {
    await this.request('POST', `api/calls/${encodeURIComponent(attemptId)}/transfer`, { agentId });
  }

  async hangupAttempt(attemptId: string): Promise<void> {
    await this.request('POST', `api/calls/${encodeURIComponent(attemptId)}/hangup`);
  }

  /** Ends the agent's wrap-up early (409 `conflict` when not in wrap-up). */
  async wrapUpDone(): Promise<AgentInfo> {
    const body = await this.request<{ agent: AgentInfo }>('POST', 'api/agents/me/wrap-up/done');
    return body.agent;
  }

  /** One request; the parsed body (undefined when empty). Other modules' endpoints use this. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body)).body;
  }

  /** Like {@link request}, with the status and headers (e.g. 204 and `Retry-After`). */
  async send<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: T }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.options.fetch(apiUrl(this.options.baseUrl, path), {
        method,
        headers,
        credentials: 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError('network_error', `Cannot reach the dialer server (${errorText(error)}).`, 0);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = isErrorBody(parsed) ? parsed.error : undefined;
      throw new ApiError(
        error?.code ?? `http_${response.status}`,
        error?.message ?? `The dialer server answered ${response.status}.`,
        response.status,
        error?.details,
      );
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is { error: { code?: string; message?: string; details?: unknown } } {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'object';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------
// Realtime socket

export type ServerMessage =
  | { type: 'agent.status'; agent: { id: string; status: AgentStatus; statusReason: string | null } }
  | { type: 'agents.changed' }
  /** Progressive campaigns: a customer is about to be bridged to this agent. */
  | { type: 'call.offered'; attemptId: string; lead: Lead; script: string };

export type ClientMessage =
  | { type: 'softphone.state'; registration: RegistrationState; callState: UiCallState }
  | { type: 'ping' };

/** The part of `WebSocket` the realtime connection uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** `WebSocket.OPEN`, spelled out so fakes need not define the static. */
const OPEN = 1;

/**
 * The server marks an agent Unavailable when pings stop; 10 s gives it two missed pings
 * inside a 30 s liveness window.
 */
export const PING_INTERVAL_MS = 10_000;
/** Reconnect backoff: 1 s doubling to 30 s, ±20 % jitter so a server restart is not stormed. */
export const RECONNECT_MIN_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

export interface RealtimeOptions {
  url: string;
  socketFactory: SocketFactory;
  onMessage: (message: ServerMessage) => void;
  /** Called on every (re)open: resend whatever the server must know. */
  onOpen?: () => void;
  /** `Math.random` by default; tests pin it. */
  random?: () => number;
}

/** One self-healing connection to `/api/events`. */
export class RealtimeConnection {
  private socket: SocketLike | null = null;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stopped = true;

  constructor(private readonly options: RealtimeOptions) {}

  get open(): boolean {
    return this.socket?.readyState === OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.openSocket();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'client stopped');
    }
  }

  /** Sends `message` if the socket is open; returns whether it went out. */
  send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private openSocket(): void {
    let socket: SocketLike;
    try {
      socket = this.options.socketFactory(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
      this.options.onOpen?.();
    };
    socket.onmessage = (event) => {
      const message = parseServerMessage(event.data);
      if (message) this.options.onMessage(message);
    };
    socket.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.socket === socket) this.socket = null;
      this.scheduleReconnect();
    };
    // An error is always followed by close, which does the reconnecting.
    socket.onerror = () => {};
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts);
    const jitter = 1 + ((this.options.random ?? Math.random)() * 0.4 - 0.2);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => this.openSocket(), Math.round(base * jitter));
  }
}

function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  const value = parseJson(data) as { type?: unknown } | undefined;
  if (!value || typeof value !== 'object') return null;
  if (value.type === 'agents.changed') return { type: 'agents.changed' };
  if (value.type === 'call.offered') {
    const { attemptId, lead, script } = value as { attemptId?: unknown; lead?: { id?: unknown } | null; script?: unknown };
    if (typeof attemptId !== 'string' || !lead || typeof lead !== 'object' || typeof lead.id !== 'string') return null;
    return { type: 'call.offered', attemptId, lead: lead as Lead, script: typeof script === 'string' ? script : '' };
  }
  if (value.type === 'agent.status') {
    const agent = (value as { agent?: { id?: unknown; status?: unknown; statusReason?: unknown } }).agent;
    if (agent && typeof agent.id === 'string' && typeof agent.status === 'string') {
      return {
        type: 'agent.status',
        agent: { id: agent.id, status: agent.status as AgentStatus, statusReason: typeof agent.statusReason === 'string' ? agent.statusReason : null },
      };
    }
  }
  return null;
}
