/**
 * The realtime socket, `GET /api/events` (WebSocket), attached to the dialer's HTTP
 * server in `start.ts`.
 *
 * Authentication: the `dialer_session` cookie, or `?token=<bearer session token>` (or an
 * `Authorization` header, for non-browser clients). A cookie is sent by the browser
 * whichever page opens the socket, so with a cookie the `Origin` must be ours (the
 * origin of PUBLIC_BASE_URL, or the host the request came to): that stops cross-site
 * WebSocket hijacking. Tokens are not sent implicitly and need no such check.
 *
 * Server → client: `{type:'agent.status', agent}` to the agent and to supervisors and
 * admins, `{type:'agents.changed'}` to everyone, `{type:'pong'}`.
 * Client → server: `{type:'softphone.state', registration, callState?}` (agents' softphones
 * report their registration; see `server/agents/presence.ts`) and `{type:'ping'}`.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { Credentials, Principal } from '../agents/auth.ts';
import type { Presence, RealtimePublisher, ServerMessage, SoftphoneSocket } from '../agents/presence.ts';
import type { Role } from '../agents/tables.ts';
import { isDialerError } from '../errors.ts';
import type { Logger } from '../log.ts';

export const EVENTS_PATH = '/api/events';

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({
    type: z.literal('softphone.state'),
    registration: z.enum(['registered', 'connecting', 'reconnecting', 'offline', 'failed']),
    callState: z.string().max(50).optional(),
  }),
]);

export interface RealtimeHubOptions {
  resolvePrincipal(credentials: Credentials): Promise<Principal | null>;
  /** Its origin is the one browsers may open the socket from. */
  publicBaseUrl: string;
  logger: Logger;
}

interface Client {
  socket: WebSocket;
  principal: Principal;
  softphone?: SoftphoneSocket;
}

export class RealtimeHub implements RealtimePublisher {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  readonly #clients = new Set<Client>();
  readonly #publicOrigin: string;
  #presence: Presence | undefined;

  constructor(private readonly options: RealtimeHubOptions) {
    this.#publicOrigin = new URL(options.publicBaseUrl).origin;
  }

  /** Softphone reports go to presence (set once both exist). */
  attach(presence: Presence): void {
    this.#presence = presence;
  }

  /** Is this upgrade request for the events socket? */
  handles(req: IncomingMessage): boolean {
    return (req.url ?? '').split('?')[0] === EVENTS_PATH;
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'events socket error before upgrade'));
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
    let principal: Principal | null = null;
    try {
      principal = await this.options.resolvePrincipal(
        token !== undefined ? { token } : { authorization: req.headers.authorization, cookie: req.headers.cookie },
      );
    } catch {
      principal = null;
    }
    if (!principal) return refuse(socket, 401, 'Unauthorized');
    if (principal.via === 'cookie' && !this.#originAllowed(req)) {
      this.options.logger.warn({ origin: req.headers.origin }, 'events socket refused: cross-site origin');
      return refuse(socket, 403, 'Forbidden');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connected(ws, principal));
  }

  toUser(userId: string, message: ServerMessage): void {
    this.#send((client) => client.principal.user.id === userId, message);
  }

  toRoles(roles: readonly Role[], message: ServerMessage): void {
    this.#send((client) => roles.includes(client.principal.user.role), message);
  }

  toAll(message: ServerMessage): void {
    this.#send(() => true, message);
  }

  /** Close every socket with 1001 (going away) and wait until they are closed. */
  async close(): Promise<void> {
    const closing = [...this.#clients].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1001, 'server shutting down');
          // A peer that never answers the close frame is cut off. A real timer on purpose:
          // shutdown must finish even on a virtual clock that nobody advances.
          setTimeout(() => socket.terminate(), 2000).unref();
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Browsers always send Origin on a WebSocket; without one the client is not a browser.
    if (origin === undefined) return true;
    if (origin === this.#publicOrigin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  #connected(socket: WebSocket, principal: Principal): void {
    const client: Client = { socket, principal };
    this.#clients.add(client);
    const presence = this.#presence;
    if (presence && principal.user.role === 'agent') {
      client.softphone = {
        agentId: principal.user.id,
        registered: false,
        terminate: (reason) => socket.close(4000, reason),
      };
      presence.socketOpened(client.softphone);
    }
    socket.on('message', (data, isBinary) => this.#received(client, data, isBinary));
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'events socket error'));
    socket.on('close', () => {
      this.#clients.delete(client);
      if (presence && client.softphone) this.#guard(presence.socketClosed(client.softphone));
    });
  }

  #received(client: Client, data: RawData, isBinary: boolean): void {
    let parsed: z.infer<typeof clientMessage>;
    try {
      if (isBinary) throw new Error('binary');
      parsed = clientMessage.parse(JSON.parse(data.toString()));
    } catch {
      this.options.logger.debug({ userId: client.principal.user.id }, 'events socket: message ignored (not JSON of a known type)');
      return;
    }
    if (parsed.type === 'ping') send(client.socket, { type: 'pong' });
    const { softphone } = client;
    if (this.#presence && softphone) {
      this.#guard(this.#presence.socketMessage(softphone, parsed.type === 'softphone.state' ? parsed.registration : undefined));
    }
  }

  #send(to: (client: Client) => boolean, message: ServerMessage): void {
    for (const client of this.#clients) if (to(client)) send(client.socket, message);
  }

  #guard(work: Promise<void>): void {
    work.catch((error: unknown) => {
      // The user stopped being an agent (disabled, new role) while connected: nothing to update.
      if (isDialerError(error, 'not_found')) this.options.logger.debug({ err: error }, 'socket of a user who is no longer an agent');
      else this.options.logger.error({ err: error }, 'agent presence update failed');
    });
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
