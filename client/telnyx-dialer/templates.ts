/**
 * Stateless pieces of the dialer's template: each takes plain data and callbacks, so the
 * element class stays a list of what goes where.
 *
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { AgentInfo } from './api.ts';
import type { CampaignController } from './campaign-controller.ts';
import { dispositionFormTemplate } from './disposition-form.ts';
import { campaignBarTemplate, leadPanelTemplate } from './lead-panel.ts';
import type { Notice, Placing, TransferPanel } from './session-controller.ts';
import type { AudioDevices, TrackedCall } from './softphone-controller.ts';
import { UNAVAILABLE_REASONS, formatDuration, isConnected, statusOptions, type RegistrationState, type Toolbar, type UiCallState } from './state.ts';

export const KEYPAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

const KEY_LETTERS: Record<string, string> = { '2': 'ABC', '3': 'DEF', '4': 'GHI', '5': 'JKL', '6': 'MNO', '7': 'PQRS', '8': 'TUV', '9': 'WXYZ' };

export function noticeTemplate(notice: Notice | null): TemplateResult | typeof nothing {
  if (!notice) return nothing;
  return html`<p part="notice" class="dialer__notice dialer__notice--${notice.kind}" role=${notice.kind === 'error' ? 'alert' : 'status'}>
    ${notice.text}
  </p>`;
}

export function loginTemplate(opts: { pending: boolean; notice: Notice | null; onSubmit: (event: SubmitEvent) => void }): TemplateResult {
  return html`<form part="login-form" class="dialer__login" @submit=${opts.onSubmit} aria-label="Sign in to the dialer">
    <label class="dialer__field">Username <input name="username" autocomplete="username" required /></label>
    <label class="dialer__field">Password <input name="password" type="password" autocomplete="current-password" required /></label>
    <button type="submit" part="login-button" ?disabled=${opts.pending}>${opts.pending ? 'Signing in…' : 'Sign in'}</button>
    ${noticeTemplate(opts.notice)}
  </form>`;
}

export function statusTemplate(opts: {
  agent: AgentInfo;
  registration: RegistrationState;
  pending: boolean;
  wrapUpLeftS: number | undefined;
  onStatus: (event: Event) => void;
  onReason: (event: Event) => void;
}): TemplateResult {
  const { agent } = opts;
  const options = statusOptions(opts.registration);
  const availableBlocked = options.find((o) => o.value === 'available' && !o.enabled);
  return html`<label class="dialer__field">
      Status
      <select part="status" aria-describedby="status-hint" ?disabled=${opts.pending} @change=${opts.onStatus}>
        ${options.map(
          (o) =>
            html`<option value=${o.value} .selected=${live(o.value === agent.status)} ?disabled=${!o.enabled} title=${o.reason ?? ''}>
              ${o.label}${o.value === 'wrap_up' && agent.status === 'wrap_up' && opts.wrapUpLeftS !== undefined ? ` (${opts.wrapUpLeftS} s)` : ''}
            </option>`,
        )}
      </select>
    </label>
    ${agent.status === 'unavailable'
      ? html`<label class="dialer__field">
          Reason
          <select part="status-reason" ?disabled=${opts.pending} @change=${opts.onReason}>
            ${UNAVAILABLE_REASONS.map((r) => html`<option value=${r} .selected=${live(r === agent.statusReason)}>${r}</option>`)}
          </select>
        </label>`
      : nothing}
    ${availableBlocked ? html`<span id="status-hint" part="status-hint" class="dialer__hint">${availableBlocked.reason}</span>` : nothing}`;
}

export function keypadTemplate(opts: { open: boolean; sendsTones: boolean; enabled: boolean; onKey: (key: string) => void }): TemplateResult {
  return html`<div
    id="dialpad"
    part="dialpad"
    class="dialer__dialpad"
    role="group"
    aria-label=${opts.sendsTones ? 'Send tones' : 'Keypad'}
    ?hidden=${!opts.open}
  >
    ${KEYPAD_KEYS.map(
      (key) =>
        html`<button
          type="button"
          part="dialpad-key"
          class="dialer__key"
          data-key=${key}
          aria-label=${keyLabel(key)}
          ?disabled=${!opts.enabled}
          @click=${() => opts.onKey(key)}
        >
          ${key}
        </button>`,
    )}
  </div>`;
}

function keyLabel(key: string): string {
  if (key === '*') return 'Star';
  if (key === '#') return 'Pound';
  const letters = KEY_LETTERS[key];
  return letters ? `${key} ${letters}` : key;
}

export function transferTemplate(opts: {
  panel: TransferPanel;
  onPick: (agentId: string) => void;
  onClose: () => void;
}): TemplateResult | typeof nothing {
  const { panel } = opts;
  if (!panel.open) return nothing;
  let body: TemplateResult;
  if (panel.loading && panel.agents.length === 0) body = html`<p class="dialer__hint" role="status">Loading available agents…</p>`;
  else if (panel.agents.length === 0) body = html`<p class="dialer__hint" role="status">No other agent is available.</p>`;
  else
    body = html`<ul class="dialer__list">
      ${panel.agents.map(
        (agent) =>
          html`<li>
            <button type="button" part="transfer-agent" data-agent-id=${agent.id} ?disabled=${panel.pendingAgentId !== null} @click=${() => opts.onPick(agent.id)}>
              ${agent.displayName}
            </button>
          </li>`,
      )}
    </ul>`;
  return html`<section id="transfer-panel" part="transfer-panel" class="dialer__panel" aria-label="Transfer to an available agent">
    ${body}
    <button type="button" @click=${opts.onClose}>Cancel transfer</button>
  </section>`;
}

export function devicesTemplate(opts: {
  devices: AudioDevices;
  onInput: (event: Event) => void;
  onOutput: (event: Event) => void;
}): TemplateResult {
  const { devices } = opts;
  return html`<details part="devices" class="dialer__panel">
    <summary>Audio devices</summary>
    <label class="dialer__field">
      Microphone
      <select part="microphone-select" @change=${opts.onInput}>
        <option value="" .selected=${live(devices.inputId === '')}>System default</option>
        ${devices.inputs.map((d, i) => html`<option value=${d.deviceId} .selected=${live(d.deviceId === devices.inputId)}>${d.label || `Microphone ${i + 1}`}</option>`)}
      </select>
    </label>
    <label class="dialer__field">
      Speaker
      <select part="speaker-select" @change=${opts.onOutput}>
        <option value="" .selected=${live(devices.outputId === '')}>System default</option>
        ${devices.outputs.map((d, i) => html`<option value=${d.deviceId} .selected=${live(d.deviceId === devices.outputId)}>${d.label || `Speaker ${i + 1}`}</option>`)}
      </select>
    </label>
    <p class="dialer__hint">A change applies to the current call and to the next ones.</p>
  </details>`;
}

export interface ToolbarHandlers {
  call: () => void;
  answer: () => void;
  hangup: () => void;
  mute: () => void;
  hold: () => void;
  keypad: () => void;
  transfer: () => void;
}

/**
 * The call buttons. Toggles keep one label and expose their state with `aria-pressed`;
 * Hold also sets `aria-busy` while the server has not answered.
 */
export function toolbarTemplate(opts: { call: TrackedCall | null; tools: Toolbar; keypadOpen: boolean; transferOpen: boolean; on: ToolbarHandlers }): TemplateResult {
  const { call, tools, on } = opts;
  const ringing = call?.ui === 'ringing';
  const connected = call !== null && isConnected(call.ui);
  const transferHint = connected && !call.attemptId ? 'Only calls placed by the dialer server can be transferred.' : '';
  const pressed = (value: boolean) => (value ? 'true' : 'false');
  return html`<div part="toolbar" class="dialer__toolbar" role="group" aria-label="Call controls">
    <button type="button" part="call-button" class="dialer__button--call" aria-label="Call" ?disabled=${!tools.call} @click=${on.call}>Call</button>
    <button type="button" part="answer-button" class="dialer__button--answer" aria-label="Answer" aria-keyshortcuts="Alt+A" ?disabled=${!tools.answer} @click=${on.answer}>
      Answer
    </button>
    <button
      type="button"
      part="hangup-button"
      class="dialer__button--hangup"
      aria-label=${ringing ? 'Decline' : 'Hang up'}
      aria-keyshortcuts="Alt+H"
      ?disabled=${!tools.hangup}
      @click=${on.hangup}
    >
      ${ringing ? 'Decline' : 'Hang up'}
    </button>
    <button type="button" part="mute-button" aria-label="Mute" aria-keyshortcuts="Alt+M" aria-pressed=${pressed(!!call?.muted)} ?disabled=${!tools.mute} @click=${on.mute}>
      Mute
    </button>
    <button
      type="button"
      part="hold-button"
      aria-label="Hold"
      aria-keyshortcuts="Alt+O"
      aria-pressed=${pressed(call?.ui === 'held')}
      aria-busy=${pressed(!!call?.holdPending)}
      ?disabled=${!tools.hold}
      @click=${on.hold}
    >
      Hold
    </button>
    <button type="button" part="keypad-button" aria-label="Keypad" aria-controls="dialpad" aria-pressed=${pressed(opts.keypadOpen)} @click=${on.keypad}>Keypad</button>
    <button
      type="button"
      part="transfer-button"
      aria-label="Transfer"
      aria-controls="transfer-panel"
      aria-expanded=${pressed(opts.transferOpen)}
      title=${transferHint}
      ?disabled=${!tools.transfer}
      @click=${on.transfer}
    >
      Transfer
    </button>
  </div>`;
}

/** What is happening, with whom, and for how long. */
export function callInfoTemplate(call: TrackedCall | null, placing: Placing | null): TemplateResult {
  return html`<section part="call-info" class="dialer__call" aria-live="polite">
    <span class="dialer__call-state">${callText(call, placing)}</span>
    <span part="timer" class="dialer__timer" role="timer" aria-label="Call duration">${callTimer(call)}</span>
  </section>`;
}

function callText(call: TrackedCall | null, placing: Placing | null): string {
  if (!call) return placing ? `Connecting you to ${placing.to}…` : 'Ready';
  const who = call.remoteName ? `${call.remoteName} ${call.remoteNumber}` : call.remoteNumber;
  const text: Record<UiCallState, string> = {
    idle: 'Ready',
    dialing: call.direction === 'inbound' ? `Connecting ${who}…` : `Calling ${who}…`,
    ringing: `Incoming call from ${who}`,
    active: `On call with ${who}`,
    held: `On hold: ${who}`,
    ending: 'Call ended',
  };
  return text[call.ui];
}

/** Runs from the first `active`; frozen once the call ends. */
function callTimer(call: TrackedCall | null): string {
  if (!call || call.activeSince === undefined) return '';
  return formatDuration((call.endedAt ?? Date.now()) - call.activeSince);
}

/** The number to call and the caller ID to present. */
export function dialTemplate(opts: {
  number: string;
  readonly: boolean;
  callerIds: string[];
  callerId: string;
  onNumber: (value: string) => void;
  onCallerId: (value: string) => void;
}): TemplateResult {
  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
  return html`<div class="dialer__dial">
    <input
      part="number-input"
      class="dialer__number"
      type="tel"
      inputmode="tel"
      autocomplete="off"
      placeholder="Number to call"
      aria-label="Number to call"
      .value=${live(opts.number)}
      ?readonly=${opts.readonly}
      @input=${(e: Event) => opts.onNumber(value(e))}
    />
    ${opts.callerIds.length > 0
      ? html`<select part="caller-id" aria-label="Caller ID" @change=${(e: Event) => opts.onCallerId(value(e))}>
          <option value="" .selected=${live(opts.callerId === '')}>Default caller ID</option>
          ${opts.callerIds.map((id) => html`<option value=${id} .selected=${live(id === opts.callerId)}>${id}</option>`)}
        </select>`
      : nothing}
  </div>`;
}

/** The campaign bar, then the disposition form owed (if any), then the lead on screen (if any). */
export function campaignTemplate(c: CampaignController, now: number): TemplateResult {
  const { lead } = c;
  const { draft, form } = c.dispositions;
  return html`${campaignBarTemplate({
      supported: c.supported,
      campaign: c.campaign,
      running: c.running,
      pickedId: c.pickedId,
      busy: c.busy !== null,
      canLeave: c.canLeave,
      canAskNext: c.canAskNext,
      waiting: c.waiting,
      announcement: c.announcement,
      on: { pick: c.pick, join: c.join, leave: c.leave, next: c.next, refresh: c.refresh },
    })}
    ${draft ? dispositionFormTemplate(draft, form, now) : nothing}
    ${lead
      ? leadPanelTemplate({
          lead: lead.lead,
          script: lead.script,
          source: lead.source,
          preview: lead.source === 'preview' && lead.attemptId === undefined,
          canDial: c.canDial,
          busy: c.busy !== null,
          countdownS: c.countdownS,
          on: { dial: c.dial, skip: c.skip },
        })
      : nothing}`;
}
