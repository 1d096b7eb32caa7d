/**
 * `<telnyx-dialer>`: the element class, its public API (properties, methods, events) and
 * the wiring of its three controllers (softphone, session, campaign). What it shows once
 * signed in is `phone-view.ts`; registration is in `telnyx-dialer.ts`.
 *
 * @module
 */
import { LitElement, html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { DialerApi, type FetchLike, type SocketFactory } from './api.ts';
import { CampaignController } from './campaign-controller.ts';
import campaignStyles from './campaign.styles.ts';
import { emit } from './events.ts';
import { keyAction } from './keyboard.ts';
import { SessionController } from './session-controller.ts';
import { createRemoteAudio, createTelnyxClient, type ClientFactory } from './softphone-client.ts';
import { phoneTemplate } from './phone-view.ts';
import { SoftphoneController } from './softphone-controller.ts';
import { isConnected, isLiveCall, normalizeDialString, type AgentStatus, type RegistrationState, type SettableAgentStatus, type UiCallState } from './state.ts';
import styles from './telnyx-dialer.styles.ts';
import { loginTemplate, noticeTemplate } from './templates.ts';

export type DialMode = 'server' | 'direct';

/** `auto-connect` is on unless written `auto-connect="false"`. */
const autoConnectConverter = {
  fromAttribute: (value: string | null) => value !== 'false',
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};

/**
 * @summary The agent's softphone for the Telnyx dialer: registration, agent status and the call toolbar.
 *
 * @fires {CustomEvent<DialerStatusChangeDetail>} dialer-status-change - `{status, previous, reason?}`: the agent's status changed (by the agent or by the server).
 * @fires {CustomEvent<DialerRegistrationChangeDetail>} dialer-registration-change - `{state, error?: {code, message}}`: offline, connecting, registered, reconnecting or failed.
 * @fires {CustomEvent<DialerCallStateDetail>} dialer-call-state - `{callId, state, previous, direction, remoteNumber, attemptId?}`: a call changed UI state.
 * @fires {CustomEvent<DialerCallEndDetail>} dialer-call-end - `{callId, cause, causeCode?, sipCode?, durationS, attemptId?}`: a call was released.
 * @fires {CustomEvent<DialerErrorDetail>} dialer-error - `{code, message, fatal, source: 'sdk' | 'server'}`.
 * @fires {CustomEvent<DialerRequestHangupDetail>} dialer-request-hangup - `{callId, attemptId?, source}`, cancelable: call `preventDefault()` to keep the call up.
 * @fires {CustomEvent<DialerLeadDetail>} dialer-lead - `{lead, attemptId?, source: 'preview' | 'offered'}`: a campaign lead is on screen (again, with `attemptId`, once a preview lead is dialled).
 * @fires {CustomEvent<DialerDispositionDetail>} dialer-disposition - `{attemptId, code, leadId}`: the server saved a campaign call's disposition.
 *
 * @csspart base - The wrapper of everything.
 * @csspart registration - The registration chip (`data-state` holds the state).
 * @csspart status - The agent status `<select>`.
 * @csspart status-reason - The Unavailable reason `<select>`.
 * @csspart status-hint - Why Available cannot be picked now.
 * @csspart logout-button - Sign out.
 * @csspart notice - The message line (errors are `role="alert"`).
 * @csspart call-info - Call state and remote party.
 * @csspart timer - The call timer.
 * @csspart number-input - The number to call.
 * @csspart caller-id - The caller-ID `<select>`.
 * @csspart dialpad - The keypad.
 * @csspart dialpad-key - Each key of the keypad (`data-key` holds the digit).
 * @csspart toolbar - The group of call buttons.
 * @csspart call-button - Call.
 * @csspart answer-button - Answer.
 * @csspart hangup-button - Hang up, or Decline while ringing.
 * @csspart mute-button - Mute toggle (`aria-pressed`).
 * @csspart hold-button - Hold toggle (`aria-pressed`, `aria-busy` while the server answers).
 * @csspart keypad-button - Shows or hides the keypad.
 * @csspart transfer-button - Opens the list of Available agents.
 * @csspart transfer-panel - That list.
 * @csspart transfer-agent - Each agent in it (`data-agent-id`).
 * @csspart devices - Audio device settings.
 * @csspart microphone-select - The microphone `<select>`.
 * @csspart speaker-select - The speaker `<select>`.
 * @csspart login-form - The sign-in form.
 * @csspart login-button - Its submit button.
 * @csspart retry-button - Shown when the session could not be loaded.
 * @csspart campaign - The campaign bar (`data-mode` in a campaign); `campaign-join-button`, `campaign-leave-button`, `campaign-refresh-button` inside.
 * @csspart campaign-select - The running-campaign picker.
 * @csspart lead-panel - The lead on screen (`data-source`: preview or offered); `preview-next-button` asks for one.
 * @csspart lead-field - Each custom field (`data-field`), inside `lead-fields` (a `<dl>`).
 * @csspart script - The call script (text).
 * @csspart preview-dial-button - Dial the preview lead.
 * @csspart preview-skip-button - Skip it.
 * @csspart preview-countdown - Seconds before it is dialled on its own.
 * @csspart disposition-form - The form after a campaign call (`disposition-callback-at`, `disposition-callback-scope`, `disposition-dnc-confirm`, `disposition-notes`, `disposition-error`, `disposition-discard` inside).
 * @csspart disposition-option - Each disposition (`data-code`, `data-kind`).
 * @csspart disposition-submit - Save the disposition.
 *
 * @cssproperty --dialer-font-family - Font stack.
 * @cssproperty --dialer-font-size - Base font size (14px).
 * @cssproperty --dialer-color-text - Text colour.
 * @cssproperty --dialer-color-muted - Secondary text.
 * @cssproperty --dialer-color-background - Background.
 * @cssproperty --dialer-color-surface - Chips, buttons, notices.
 * @cssproperty --dialer-color-border - Borders.
 * @cssproperty --dialer-color-primary - Call/Answer and the registered dot.
 * @cssproperty --dialer-color-primary-text - Text on primary and danger buttons.
 * @cssproperty --dialer-color-danger - Hang up, failures.
 * @cssproperty --dialer-color-warning - Connecting/reconnecting dot.
 * @cssproperty --dialer-color-focus - Focus ring.
 * @cssproperty --dialer-radius - Corner radius (8px).
 * @cssproperty --dialer-spacing - Gap unit (8px).
 * @cssproperty --dialer-key-size - Keypad key size (48px).
 *
 * @attr server - Base URL of the dialer server (default: this page's origin).
 * @attr auto-connect - Sign in check and registration on connect (default on; `auto-connect="false"` to call `connect()` yourself).
 * @attr dial-mode - `server` (default: the server places the call and rings this softphone first) or `direct` (the softphone dials).
 * @attr ringtone-url - Audio file the SDK loops for incoming calls that are not auto-answered.
 */
export default class TelnyxDialer extends LitElement {
  static override styles = [styles, campaignStyles];

  static override properties: PropertyDeclarations = {
    server: { type: String },
    autoConnect: { attribute: 'auto-connect', converter: autoConnectConverter },
    dialMode: { attribute: 'dial-mode' },
    ringtoneUrl: { attribute: 'ringtone-url' },
    number: { state: true },
    callerId: { state: true },
    keypadOpen: { state: true },
  };

  /** Base URL of the dialer server; empty means this page's origin. */
  declare server: string;
  /** Connect when added to the page (attribute `auto-connect`, default true). */
  declare autoConnect: boolean;
  /** How the Call button dials (attribute `dial-mode`). */
  declare dialMode: DialMode;
  /** Ringtone for calls that ring (attribute `ringtone-url`). */
  declare ringtoneUrl: string;
  declare private number: string;
  declare private callerId: string;
  declare private keypadOpen: boolean;

  /** Builds the SDK client; tests pass a fake. Set before the element connects. */
  clientFactory: ClientFactory = createTelnyxClient;
  /** `fetch` used for the server API; tests pass an in-memory server. */
  fetchImpl: FetchLike = (input, init) => fetch(input, init);
  /** Opens the realtime socket; tests pass a fake. */
  socketFactory: SocketFactory = (url) => new WebSocket(url);

  /** Remote audio. Created once and handed to the SDK as an element (ids cannot see into shadow roots). */
  private readonly audio = createRemoteAudio();
  private apiCache: { server: string; fetch: FetchLike; api: DialerApi } | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;

  readonly softphone = new SoftphoneController(this, {
    clientFactory: () => this.clientFactory,
    loadCredentials: async () => {
      const credentials = await this.session.loadCredentials();
      if (credentials) void this.campaign.load();
      return credentials;
    },
    refreshToken: () => this.session.refreshToken(),
    remoteAudio: () => this.audio,
    autoConnect: () => this.autoConnect,
    ringtoneUrl: () => this.ringtoneUrl || undefined,
    remoteNumberFor: (attemptId) => this.session.numberForAttempt(attemptId) ?? this.campaign.numberForAttempt(attemptId),
  });

  readonly session = new SessionController(this, {
    api: () => this.api,
    server: () => this.server,
    socketFactory: () => this.socketFactory,
    registration: () => this.softphone.registration.state,
    callState: () => this.callState,
    currentAttemptId: () => this.softphone.current?.attemptId,
    hasCallForAttempt: (attemptId) => [...this.softphone.calls.values()].some((c) => c.attemptId === attemptId),
    onMessage: (message) => this.campaign.onMessage(message),
    wrapUpSeconds: () => this.campaign.campaign?.wrapUpSeconds,
  });

  readonly campaign = new CampaignController(this, {
    api: () => this.api,
    session: () => this.session,
    registered: () => this.registrationState === 'registered',
    phoneFree: () => !isLiveCall(this.callState) && this.session.placing === null,
    available: () => this.session.agent?.status === 'available',
  });

  constructor() {
    super();
    this.server = '';
    this.autoConnect = true;
    this.dialMode = 'server';
    this.ringtoneUrl = '';
    this.number = '';
    this.callerId = '';
    this.keypadOpen = true;
  }

  /** The client for the dialer server's API (rebuilt when `server` or `fetchImpl` changes). */
  get api(): DialerApi {
    const cache = this.apiCache;
    if (cache && cache.server === this.server && cache.fetch === this.fetchImpl) return cache.api;
    const api = new DialerApi({ baseUrl: this.server, fetch: this.fetchImpl });
    this.apiCache = { server: this.server, fetch: this.fetchImpl, api };
    return api;
  }

  get registrationState(): RegistrationState {
    return this.softphone.registration.state;
  }

  get callState(): UiCallState {
    return this.softphone.current?.ui ?? 'idle';
  }

  get agentStatus(): AgentStatus | undefined {
    return this.session.agent?.status;
  }

  /** Checks the sign-in, loads the softphone session and registers (what `auto-connect` does on connect). */
  connect(): Promise<void> {
    return this.softphone.connect();
  }

  /** Unregisters and hangs up any call. */
  disconnect(): Promise<void> {
    return this.softphone.disconnect();
  }

  /** Dials `to` (default: the number input) the way `dial-mode` says. Returns whether a call was started. */
  async dial(to: string = this.number): Promise<boolean> {
    const number = normalizeDialString(to);
    if (!number) return this.say('error', 'Enter a number to call.');
    if (this.registrationState !== 'registered') return this.say('error', 'The softphone is not registered yet.');
    if (this.dialMode === 'direct') return this.softphone.dial(number, this.callerId || undefined) !== null;
    return this.session.placeCall(number, this.callerId || undefined);
  }

  answer(): Promise<void> {
    return this.softphone.answer();
  }

  /**
   * Hangs up (or declines) the current call after a cancelable `dialer-request-hangup`; with
   * no call but a click-to-call on its way, cancels that at the server. Returns whether it hung up.
   */
  async hangup(source: 'button' | 'keyboard' | 'method' = 'method'): Promise<boolean> {
    const call = this.softphone.current;
    if (!call) {
      if (!this.session.placing) return false;
      await this.session.cancelPlacing();
      return true;
    }
    const request = emit(this, 'dialer-request-hangup', { callId: call.id, source, ...(call.attemptId ? { attemptId: call.attemptId } : {}) });
    if (request.defaultPrevented) return false;
    await this.softphone.hangup(call.id);
    return true;
  }

  /** Asks the server for a status; Available is refused locally while unregistered. */
  setAgentStatus(status: SettableAgentStatus, reason?: string): Promise<boolean> {
    return this.session.setStatus(status, reason);
  }

  /** Sends one DTMF digit on the active call. */
  sendDtmf(digit: string): boolean {
    return this.softphone.dtmf(digit);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
    this.tick = undefined;
  }

  protected override updated(): void {
    const call = this.softphone.current;
    const ticking = (call !== null && call.activeSince !== undefined && isConnected(call.ui)) || this.session.wrapUpUntil !== undefined;
    if (ticking && this.tick === undefined && this.isConnected) this.tick = setInterval(() => this.requestUpdate(), 1000);
    if (!ticking && this.tick !== undefined) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  protected override render(): TemplateResult {
    const view = this.session.view;
    let body: TemplateResult;
    if (view === 'login') body = loginTemplate({ pending: this.session.loginPending, notice: this.session.notice, onSubmit: this.onLogin });
    else if (view === 'ready' && this.session.agent) body = this.renderPhone();
    else if (view === 'error')
      body = html`${noticeTemplate(this.session.notice)}<button type="button" part="retry-button" @click=${() => this.connect()}>Try again</button>`;
    else body = html`<p class="dialer__hint" role="status">Connecting to the dialer…</p>`;
    return html`<div part="base" class="dialer" @keydown=${this.onKeydown}>${this.audio}${body}</div>`;
  }

  private renderPhone(): TemplateResult {
    return phoneTemplate({
      softphone: this.softphone,
      session: this.session,
      campaign: this.campaign,
      number: this.number,
      callerId: this.callerId,
      keypadOpen: this.keypadOpen,
      on: {
        dial: () => void this.dial(),
        answer: () => void this.answer(),
        hangup: () => void this.hangup('button'),
        key: (key) => this.pressKey(key),
        number: (value) => (this.number = value),
        callerId: (value) => (this.callerId = value),
        toggleKeypad: () => (this.keypadOpen = !this.keypadOpen),
        logout: () => void this.logout(),
        status: this.onStatusChange,
        reason: this.onReasonChange,
      },
    });
  }

  private pressKey(key: string): void {
    const call = this.softphone.current;
    if (call?.ui === 'active') {
      this.softphone.dtmf(key);
      return;
    }
    if (!call || call.ui === 'ending') this.number += key;
  }

  private say(kind: 'info' | 'error', text: string): false {
    this.session.notice = { kind, text };
    this.requestUpdate();
    return false;
  }

  private async logout(): Promise<void> {
    this.campaign.reset();
    await this.softphone.disconnect();
    await this.session.logout();
  }

  private readonly onLogin = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => (form.querySelector(`[name="${name}"]`) as HTMLInputElement | null)?.value ?? '';
    if (await this.session.login(field('username'), field('password'))) await this.softphone.connect();
  };

  private readonly onStatusChange = async (event: Event): Promise<void> => {
    const select = event.target as HTMLSelectElement;
    const status = select.value as AgentStatus;
    if (status === 'busy' || status === 'wrap_up') return;
    const ok = await this.session.setStatus(status);
    // A refused change leaves the select on the status the server still holds.
    if (!ok && this.session.agent) select.value = this.session.agent.status;
  };

  private readonly onReasonChange = (event: Event): void => {
    void this.session.setStatus('unavailable', (event.target as HTMLSelectElement).value);
  };

  /** Keyboard shortcuts (see `keyboard.ts`). */
  private readonly onKeydown = (event: KeyboardEvent): void => {
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (this.campaign.dispositions.handleKey(event, target, isConnected(this.callState))) return;
    const action = keyAction(event, {
      call: this.callState,
      inNumberInput: target?.getAttribute?.('part') === 'number-input',
      inOwnField: !!target?.closest?.('form, select'),
    });
    if (action === null) return;
    event.preventDefault();
    if (typeof action === 'object') this.softphone.dtmf(action.dtmf);
    else if (action === 'answer') void this.answer();
    else if (action === 'hangup') void this.hangup('keyboard');
    else if (action === 'mute') this.softphone.toggleMute();
    else if (action === 'hold') void this.softphone.toggleHold();
    else void this.dial();
  };
}
