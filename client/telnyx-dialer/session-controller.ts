/**
 * `SessionController`: everything the softphone learns from, and tells, the dialer server.
 *
 * - sign-in (`/api/auth/*`) and the softphone session (token, caller IDs, agent);
 * - the agent's status, with the local rule that Available needs a registered softphone;
 * - click-to-call (`POST /api/calls`) while the server rings this softphone first;
 * - the transfer list (Available agents only) and transfers;
 * - the realtime socket: status pushes in, `softphone.state` on every change and a ping out.
 *
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, DialerApi, RealtimeConnection, eventsUrl, loginErrorText, type AgentInfo, type AgentSummary, type ServerMessage, type SocketFactory, type User } from './api.ts';
import { emit } from './events.ts';
import { UNAVAILABLE_REASONS, canSetStatus, type RegistrationState, type SettableAgentStatus, type UiCallState } from './state.ts';
import type { SoftphoneCredentials } from './softphone-controller.ts';

export type SessionView = 'loading' | 'login' | 'ready' | 'error';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export interface TransferPanel {
  open: boolean;
  loading: boolean;
  agents: AgentSummary[];
  /** The agent a transfer is being asked for. */
  pendingAgentId: string | null;
}

export interface Placing {
  to: string;
  attemptId?: string;
}

export interface SessionDeps {
  api: () => DialerApi;
  server: () => string;
  socketFactory: () => SocketFactory;
  registration: () => RegistrationState;
  callState: () => UiCallState;
  /** The attempt id of the call the toolbar acts on (transfer needs one). */
  currentAttemptId: () => string | undefined;
  /** Whether a call with this attempt id has reached the softphone. */
  hasCallForAttempt: (attemptId: string) => boolean;
  /** Every realtime message, after the session has taken its own (campaign offers). */
  onMessage?: (message: ServerMessage) => void;
  /** The wrap-up length in force, when something (a campaign) overrides the session's. */
  wrapUpSeconds?: () => number | undefined;
  now?: () => number;
}

/**
 * How long to wait for the server's call to reach this softphone after click-to-call.
 * The server's agent ring timeout tops out at 120 s; past that nothing will arrive.
 */
export const PLACING_TIMEOUT_MS = 130_000;

export class SessionController implements ReactiveController {
  view: SessionView = 'loading';
  user: User | null = null;
  agent: AgentInfo | null = null;
  callerIds: string[] = [];
  wrapUpSeconds = 0;
  /** When the current wrap-up ends (ms since epoch), while the agent is in Wrap-up. */
  wrapUpUntil: number | undefined;
  notice: Notice | null = null;
  loginPending = false;
  statusPending = false;
  placing: Placing | null = null;
  transfer: TransferPanel = { open: false, loading: false, agents: [], pendingAgentId: null };

  private realtime: RealtimeConnection | null = null;
  private lastSent = '';
  private placingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Numbers the agent asked the server to call, by attempt id. */
  private readonly attemptNumbers = new Map<string, string>();
  private readonly now: () => number;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly deps: SessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    host.addController(this);
  }

  hostDisconnected(): void {
    void Promise.resolve().then(() => {
      if (this.host.isConnected) return;
      this.realtime?.send({ type: 'softphone.state', registration: 'offline', callState: 'idle' });
      this.stopRealtime();
      this.clearPlacing();
    });
  }

  /**
   * Before each render: drop a finished click-to-call or a transfer list whose call is
   * gone, and tell the server about any registration or call-state change.
   */
  hostUpdate(): void {
    const placing = this.placing;
    if (placing?.attemptId && this.deps.hasCallForAttempt(placing.attemptId)) this.clearPlacing();
    if (this.transfer.open && !this.deps.currentAttemptId()) this.transfer = { open: false, loading: false, agents: [], pendingAgentId: null };
    this.reportSoftphoneState();
  }

  numberForAttempt(attemptId: string): string | undefined {
    return this.attemptNumbers.get(attemptId);
  }

  /**
   * For the softphone controller: the signed-in agent's registration credentials, or
   * `null` (and the login form) when nobody is signed in.
   */
  async loadCredentials(): Promise<SoftphoneCredentials | null> {
    this.view = 'loading';
    this.host.requestUpdate();
    try {
      const user = this.user ?? (await this.deps.api().me());
      if (!user) {
        this.view = 'login';
        return null;
      }
      this.user = user;
      const session = await this.deps.api().softphoneSession();
      this.callerIds = session.callerIds;
      this.wrapUpSeconds = session.wrapUpSeconds;
      this.setAgent(session.agent, { announce: false });
      this.view = 'ready';
      this.startRealtime();
      return { loginToken: session.rtc.loginToken, sandbox: session.sandbox, ...(session.rtc.host ? { host: session.rtc.host } : {}) };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // The session cookie expired between `me` and `session`: sign in again.
        this.user = null;
        this.view = 'login';
        return null;
      }
      this.view = 'error';
      this.fail(error);
      return null;
    } finally {
      this.host.requestUpdate();
    }
  }

  async refreshToken(): Promise<string> {
    const session = await this.deps.api().softphoneSession();
    return session.rtc.loginToken;
  }

  /** Signs in; returns whether it worked (the caller then connects the softphone). */
  async login(username: string, password: string): Promise<boolean> {
    this.loginPending = true;
    this.notice = null;
    this.host.requestUpdate();
    try {
      this.user = await this.deps.api().login(username, password);
      return true;
    } catch (error) {
      this.notice = { kind: 'error', text: loginErrorText(error) };
      return false;
    } finally {
      this.loginPending = false;
      this.host.requestUpdate();
    }
  }

  async logout(): Promise<void> {
    this.stopRealtime();
    try {
      await this.deps.api().logout();
    } catch (error) {
      this.fail(error);
    }
    this.user = null;
    this.agent = null;
    this.view = 'login';
    this.host.requestUpdate();
  }

  /**
   * Asks the server for a status. Available is refused here, without a request, while the
   * softphone is not registered: the server would refuse it too (409), and saying why
   * right away is kinder.
   */
  async setStatus(status: SettableAgentStatus, reason?: string): Promise<boolean> {
    const check = canSetStatus(status, this.deps.registration());
    if (!check.ok) {
      this.notice = { kind: 'error', text: check.reason };
      this.host.requestUpdate();
      return false;
    }
    this.statusPending = true;
    this.notice = null;
    this.host.requestUpdate();
    try {
      const agent = await this.deps.api().setStatus(status, status === 'unavailable' ? (reason ?? UNAVAILABLE_REASONS[0]) : undefined);
      this.setAgent(agent, { announce: true });
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    } finally {
      this.statusPending = false;
      this.host.requestUpdate();
    }
  }

  /** Click-to-call: the server places the call and rings this softphone first (auto-answered). */
  async placeCall(to: string, callerId?: string): Promise<boolean> {
    return (await this.placeVia(to, () => this.deps.api().placeCall(to, callerId || undefined))) !== null;
  }

  /**
   * Any request after which the server rings this softphone for a call to `to` (click-to-call,
   * a preview lead's dial): shows progress until the call arrives, and lets Hang up cancel
   * it, even before the server answered. Returns the attempt id, or `null` (failure shown).
   */
  async placeVia(to: string, request: () => Promise<{ id: string }>): Promise<string | null> {
    if (this.placing) return null;
    const placing: Placing = { to };
    this.placing = placing;
    this.notice = null;
    this.host.requestUpdate();
    try {
      const attempt = await request();
      this.attemptNumbers.set(attempt.id, to);
      if (this.placing !== placing) {
        // Hang up was pressed while the server was still placing the call.
        await this.deps.api().hangupAttempt(attempt.id).catch((error: unknown) => this.fail(error));
        return null;
      }
      this.placing = { to, attemptId: attempt.id };
      clearTimeout(this.placingTimer);
      this.placingTimer = setTimeout(() => {
        this.clearPlacing();
        this.notice = { kind: 'error', text: `The call to ${to} did not reach this softphone.` };
        this.host.requestUpdate();
      }, PLACING_TIMEOUT_MS);
      return attempt.id;
    } catch (error) {
      if (this.placing === placing) this.placing = null;
      this.fail(error);
      return null;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Ends the wrap-up now (after a disposition); quiet when the agent is no longer in wrap-up. */
  async finishWrapUp(): Promise<void> {
    try {
      this.setAgent(await this.deps.api().wrapUpDone(), { announce: true });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'conflict')) this.fail(error);
    }
  }

  /** Cancels a click-to-call before it reached the softphone. */
  async cancelPlacing(): Promise<void> {
    const attemptId = this.placing?.attemptId;
    this.clearPlacing();
    this.host.requestUpdate();
    if (!attemptId) return;
    try {
      await this.deps.api().hangupAttempt(attemptId);
    } catch (error) {
      this.fail(error);
    }
  }

  async openTransfer(): Promise<void> {
    this.transfer = { ...this.transfer, open: true };
    await this.loadTransferAgents();
  }

  closeTransfer(): void {
    this.transfer = { open: false, loading: false, agents: [], pendingAgentId: null };
    this.host.requestUpdate();
  }

  async transferTo(agentId: string): Promise<boolean> {
    const attemptId = this.deps.currentAttemptId();
    if (!attemptId) {
      this.notice = { kind: 'error', text: 'Only calls placed by the dialer server can be transferred.' };
      this.host.requestUpdate();
      return false;
    }
    const target = this.transfer.agents.find((a) => a.id === agentId);
    this.transfer = { ...this.transfer, pendingAgentId: agentId };
    this.host.requestUpdate();
    try {
      await this.deps.api().transfer(attemptId, agentId);
      this.closeTransfer();
      this.notice = { kind: 'info', text: `Transferring to ${target?.displayName ?? 'the selected agent'}…` };
      return true;
    } catch (error) {
      this.fail(error);
      this.transfer = { ...this.transfer, pendingAgentId: null };
      if (error instanceof ApiError && error.code === 'agent_not_available') await this.loadTransferAgents();
      return false;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Shows a server failure and emits `dialer-error` (`source: 'server'`). */
  fail(error: unknown): void {
    const code = error instanceof ApiError ? error.code : 'client_error';
    const message = error instanceof Error ? error.message : String(error);
    this.notice = { kind: 'error', text: message };
    emit(this.host, 'dialer-error', { code, message, fatal: code === 'unauthenticated', source: 'server' });
    this.host.requestUpdate();
  }

  clearNotice(): void {
    this.notice = null;
    this.host.requestUpdate();
  }

  // -------------------------------------------------------------------------------------

  private async loadTransferAgents(): Promise<void> {
    this.transfer = { ...this.transfer, loading: true };
    this.host.requestUpdate();
    try {
      const agents = await this.deps.api().availableAgents();
      if (!this.transfer.open) return;
      const self = this.agent?.id;
      this.transfer = { ...this.transfer, agents: agents.filter((a) => a.status === 'available' && a.id !== self) };
    } catch (error) {
      this.fail(error);
    } finally {
      this.transfer = { ...this.transfer, loading: false };
      this.host.requestUpdate();
    }
  }

  private setAgent(agent: AgentInfo, { announce }: { announce: boolean }): void {
    const previous = this.agent?.status;
    this.agent = agent;
    const wrapUpS = this.deps.wrapUpSeconds?.() ?? this.wrapUpSeconds;
    if (agent.status === 'wrap_up' && previous !== 'wrap_up') this.wrapUpUntil = this.now() + wrapUpS * 1000;
    if (agent.status !== 'wrap_up') this.wrapUpUntil = undefined;
    if (announce && previous && previous !== agent.status) {
      emit(this.host, 'dialer-status-change', { status: agent.status, previous, reason: agent.statusReason });
    }
    this.host.requestUpdate();
  }

  private readonly onServerMessage = (message: ServerMessage): void => {
    if (message.type === 'agent.status') {
      if (this.agent && message.agent.id === this.agent.id) {
        this.setAgent({ ...this.agent, status: message.agent.status, statusReason: message.agent.statusReason }, { announce: true });
      }
    } else if (message.type === 'agents.changed' && this.transfer.open) {
      void this.loadTransferAgents();
    }
    this.deps.onMessage?.(message);
  };

  private startRealtime(): void {
    if (this.realtime) return;
    this.realtime = new RealtimeConnection({
      url: eventsUrl(this.deps.server()),
      socketFactory: this.deps.socketFactory(),
      onMessage: this.onServerMessage,
      onOpen: () => {
        this.lastSent = '';
        this.reportSoftphoneState();
      },
    });
    this.realtime.start();
  }

  private stopRealtime(): void {
    this.realtime?.stop();
    this.realtime = null;
    this.lastSent = '';
  }

  private reportSoftphoneState(): void {
    if (!this.realtime) return;
    const registration = this.deps.registration();
    const callState = this.deps.callState();
    const key = `${registration}|${callState}`;
    if (key === this.lastSent) return;
    if (this.realtime.send({ type: 'softphone.state', registration, callState })) this.lastSent = key;
  }

  private clearPlacing(): void {
    clearTimeout(this.placingTimer);
    this.placingTimer = undefined;
    this.placing = null;
  }
}
