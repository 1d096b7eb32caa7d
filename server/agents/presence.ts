/**
 * Agent presence: the one writer of agents' status and registration. It applies the
 * pure rules of `status.ts` under the agent row's lock, keeps the timers (wrap-up, lost
 * heartbeats) on the injected scheduler, and announces every change over the realtime
 * hub: `agent.status` to the agent and to supervisors and admins, `agents.changed` to
 * everyone (transfer lists refresh on it).
 *
 * Registration comes from the softphone's own socket (`/api/events`): the agent counts as
 * registered while at least one of their sockets last reported `registered`. It is lost
 * when every such socket reports something else, closes, or stays silent for
 * AGENT_HEARTBEAT_TIMEOUT_MS (the softphone pings every 10 s).
 *
 * Sockets and timers live in this process. With several server processes on one
 * database, an agent's sockets must all reach the same process (sticky sessions);
 * `resume()` re-arms the timers of a restarted process from the rows.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Scheduler, TimerHandle } from '../../lib/scheduler.ts';
import type { Config } from '../config.ts';
import { inTransaction } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError, isDialerError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { getAgentView, listAgentsToResume, lockAgentRow, publicAgent, updateAgentRow, type AgentPatch, type AgentView } from './agent-rows.ts';
import { decide, type AgentEvent } from './status.ts';
import type { AgentRow, AgentStatus, Role } from './tables.ts';

export type ServerMessage =
  | { type: 'agent.status'; agent: { id: string; status: AgentStatus; statusReason: string | null; registered: boolean } }
  | { type: 'agents.changed' }
  | { type: 'pong' }
  /** Progressive mode: a customer who answered is being connected to this agent. */
  | { type: 'call.offered'; attemptId: string; lead: Record<string, unknown>; script: string };

/** Where presence announces changes (the realtime hub). */
export interface RealtimePublisher {
  toUser(userId: string, message: ServerMessage): void;
  toRoles(roles: readonly Role[], message: ServerMessage): void;
  toAll(message: ServerMessage): void;
}

/** One agent's open `/api/events` socket, as presence sees it. */
export interface SoftphoneSocket {
  readonly agentId: string;
  /** The last `registration` its softphone reported was `registered`. */
  registered: boolean;
  heartbeat?: TimerHandle | undefined;
  /** Close the socket from the server side (it went silent). */
  terminate(reason: string): void;
}

export interface PresenceDeps {
  db: Kysely<Tables>;
  scheduler: Scheduler;
  config: Pick<Config, 'agents'>;
  logger: Logger;
}

const STAFF: readonly Role[] = ['supervisor', 'admin'];

export class Presence {
  readonly #sockets = new Map<string, Set<SoftphoneSocket>>();
  readonly #wrapUpTimers = new Map<string, TimerHandle>();
  readonly #watchTimers = new Map<string, TimerHandle>();
  /** Per-agent queue: one agent's changes apply in the order they arrived. */
  readonly #queues = new Map<string, Promise<unknown>>();
  #wrapUpSource: ((agentId: string) => Promise<number | undefined>) | undefined;

  constructor(
    private readonly deps: PresenceDeps,
    private readonly publisher: RealtimePublisher,
  ) {}

  /**
   * Apply `event` to the agent and announce the result.
   *
   * @throws DialerError `not_found` (no such enabled agent), `agent_not_registered` or
   *   `conflict` when the rules refuse the move.
   */
  apply(agentId: string, event: AgentEvent): Promise<AgentView> {
    return this.#serial(agentId, async () => {
      const wrapUpS = await this.#wrapUpSecondsOf(agentId);
      return this.#change(
        agentId,
        (row) => {
          const decision = decide({ status: row.status, reason: row.status_reason, registered: row.registered }, event, wrapUpS);
          if (!decision.ok) throw new DialerError(decision.code, { message: decision.message });
          return { status: decision.status, status_reason: decision.reason };
        },
        wrapUpS,
      );
    });
  }

  /**
   * Where an agent's wrap-up length comes from when it is not AGENT_WRAP_UP_S: the
   * campaigns feature answers with the wrap-up of the agent's campaign (seconds), or
   * undefined for an agent in none.
   */
  setWrapUpSource(source: (agentId: string) => Promise<number | undefined>): void {
    this.#wrapUpSource = source;
  }

  async #wrapUpSecondsOf(agentId: string): Promise<number> {
    try {
      return (await this.#wrapUpSource?.(agentId)) ?? this.deps.config.agents.wrapUpS;
    } catch (error) {
      this.deps.logger.warn({ err: error, agentId }, "agent's campaign wrap-up not read; using AGENT_WRAP_UP_S");
      return this.deps.config.agents.wrapUpS;
    }
  }

  /** Send one message to one user's sockets (e.g. `call.offered`). */
  notify(userId: string, message: ServerMessage): void {
    this.publisher.toUser(userId, message);
  }

  /** Apply, but only log a refusal: for events that nobody waits on (calls, timers). */
  async applyQuietly(agentId: string, event: AgentEvent): Promise<void> {
    try {
      await this.apply(agentId, event);
    } catch (error) {
      if (!isDialerError(error)) throw error;
      this.deps.logger.debug({ agentId, event: event.type, code: error.code }, 'agent event changed nothing');
    }
  }

  socketOpened(socket: SoftphoneSocket): void {
    const sockets = this.#sockets.get(socket.agentId) ?? new Set();
    sockets.add(socket);
    this.#sockets.set(socket.agentId, sockets);
    this.#armHeartbeat(socket);
  }

  /** Any message from the socket proves it alive; `registration` is its softphone's state. */
  socketMessage(socket: SoftphoneSocket, registration?: string): Promise<void> {
    if (!this.#sockets.get(socket.agentId)?.has(socket)) return Promise.resolve();
    this.#armHeartbeat(socket);
    return this.#serial(socket.agentId, async () => {
      const now = new Date(this.deps.scheduler.now());
      if (registration === undefined) {
        await updateAgentRow(this.deps.db, socket.agentId, { last_heartbeat_at: now });
        return;
      }
      socket.registered = registration === 'registered';
      await this.#syncRegistration(socket.agentId, { last_heartbeat_at: now });
    });
  }

  /** The socket closed or went silent. Idempotent. */
  socketClosed(socket: SoftphoneSocket): Promise<void> {
    const sockets = this.#sockets.get(socket.agentId);
    if (!sockets?.delete(socket)) return Promise.resolve();
    if (sockets.size === 0) this.#sockets.delete(socket.agentId);
    if (socket.heartbeat) this.deps.scheduler.clearTimeout(socket.heartbeat);
    socket.heartbeat = undefined;
    return this.#serial(socket.agentId, () => this.#syncRegistration(socket.agentId, {}));
  }

  /** After a restart: wrap-ups still to end, registrations whose sockets must come back. */
  async resume(): Promise<void> {
    const now = this.deps.scheduler.now();
    const { heartbeatTimeoutMs } = this.deps.config.agents;
    for (const agent of await listAgentsToResume(this.deps.db)) {
      if (agent.status === 'wrap_up') this.#armWrapUp(agent.id, agent.statusSince.getTime() + (await this.#wrapUpSecondsOf(agent.id)) * 1000 - now);
      if (agent.registered) {
        const lastSeen = agent.lastHeartbeatAt?.getTime() ?? 0;
        const handle = this.deps.scheduler.setTimeout(() => {
          this.#watchTimers.delete(agent.id);
          // A socket that came back meanwhile decides instead.
          if (this.#sockets.has(agent.id)) return undefined;
          return this.#serial(agent.id, () => this.#syncRegistration(agent.id, {}));
        }, Math.max(0, lastSeen + heartbeatTimeoutMs - now));
        this.#watchTimers.set(agent.id, handle);
      }
    }
  }

  /**
   * Server shutdown: stop every timer and forget the sockets (the hub closes them; their
   * close events then change nothing), and wait for the status writes already under way.
   */
  async close(): Promise<void> {
    for (const sockets of this.#sockets.values()) {
      for (const socket of sockets) if (socket.heartbeat) this.deps.scheduler.clearTimeout(socket.heartbeat);
    }
    this.#sockets.clear();
    for (const handle of [...this.#wrapUpTimers.values(), ...this.#watchTimers.values()]) this.deps.scheduler.clearTimeout(handle);
    this.#wrapUpTimers.clear();
    this.#watchTimers.clear();
    await Promise.all(this.#queues.values());
  }

  #armHeartbeat(socket: SoftphoneSocket): void {
    if (socket.heartbeat) this.deps.scheduler.clearTimeout(socket.heartbeat);
    socket.heartbeat = this.deps.scheduler.setTimeout(async () => {
      socket.heartbeat = undefined;
      this.deps.logger.info({ agentId: socket.agentId }, 'softphone socket went silent; closing it');
      socket.terminate('heartbeat timeout');
      await this.socketClosed(socket);
    }, this.deps.config.agents.heartbeatTimeoutMs);
  }

  /** Make `registered` agree with this process's sockets; losing it is `softphone_lost`. */
  async #syncRegistration(agentId: string, extra: AgentPatch): Promise<void> {
    const registered = [...(this.#sockets.get(agentId) ?? [])].some((socket) => socket.registered);
    await this.#change(agentId, (row) => {
      if (registered || !row.registered) return { ...extra, registered };
      const decision = decide({ status: row.status, reason: row.status_reason, registered: false }, { type: 'softphone_lost' }, this.deps.config.agents.wrapUpS);
      return decision.ok ? { ...extra, registered: false, status: decision.status, status_reason: decision.reason } : { ...extra, registered: false };
    });
  }

  /** Lock the row, compute the patch, write it, and announce what changed; a new Wrap-up lasts `wrapUpS` seconds. */
  async #change(agentId: string, compute: (row: AgentRow) => AgentPatch, wrapUpS: number = this.deps.config.agents.wrapUpS): Promise<AgentView> {
    const now = new Date(this.deps.scheduler.now());
    const { before, after } = await inTransaction(this.deps.db, async (trx) => {
      const row = await lockAgentRow(trx, agentId);
      const view = row && (await getAgentView(trx, agentId));
      if (!row || !view) throw new DialerError('not_found', { message: `No agent ${agentId}.` });
      const patch = compute(row);
      if (patch.status !== undefined && patch.status !== row.status) patch.status_since = now;
      await updateAgentRow(trx, agentId, patch);
      return { before: view, after: { ...view, ...viewPatch(patch) } };
    });
    const changed = before.status !== after.status || before.statusReason !== after.statusReason || before.registered !== after.registered;
    if (after.status !== 'wrap_up') this.#clearWrapUp(agentId);
    else if (before.status !== 'wrap_up') this.#armWrapUp(agentId, wrapUpS * 1000);
    if (changed) this.#announce(after);
    return after;
  }

  #announce(agent: AgentView): void {
    const { id, status, statusReason, registered } = publicAgent(agent);
    const message: ServerMessage = { type: 'agent.status', agent: { id, status, statusReason, registered } };
    this.publisher.toUser(agent.id, message);
    this.publisher.toRoles(STAFF, message);
    this.publisher.toAll({ type: 'agents.changed' });
  }

  #armWrapUp(agentId: string, delayMs: number): void {
    this.#clearWrapUp(agentId);
    const handle = this.deps.scheduler.setTimeout(() => {
      this.#wrapUpTimers.delete(agentId);
      return this.applyQuietly(agentId, { type: 'wrap_up_done' });
    }, Math.max(0, delayMs));
    this.#wrapUpTimers.set(agentId, handle);
  }

  #clearWrapUp(agentId: string): void {
    const handle = this.#wrapUpTimers.get(agentId);
    if (handle) this.deps.scheduler.clearTimeout(handle);
    this.#wrapUpTimers.delete(agentId);
  }

  #serial<T>(agentId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(agentId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(agentId, settled);
    void settled.then(() => {
      if (this.#queues.get(agentId) === settled) this.#queues.delete(agentId);
    });
    return next;
  }
}

function viewPatch(patch: AgentPatch): Partial<AgentView> {
  const view: Partial<AgentView> = {};
  if (patch.status !== undefined) view.status = patch.status;
  if (patch.status_reason !== undefined) view.statusReason = patch.status_reason;
  if (patch.status_since !== undefined) view.statusSince = patch.status_since;
  if (patch.registered !== undefined) view.registered = patch.registered;
  if (patch.last_heartbeat_at !== undefined) view.lastHeartbeatAt = patch.last_heartbeat_at;
  return view;
}
