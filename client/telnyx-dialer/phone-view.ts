/**
 * The signed-in view of `<telnyx-dialer>`: the header (registration, status, sign-out),
 * the notice, the campaign bar, the call info, the number input and keypad, the call
 * toolbar, the transfer list and the audio devices. It reads the controllers' state and
 * hands what the agent does back to the element through {@link PhoneHandlers}.
 *
 * @module
 */
import { html, type TemplateResult } from 'lit';
import type { CampaignController } from './campaign-controller.ts';
import type { SessionController } from './session-controller.ts';
import type { SoftphoneController, TrackedCall } from './softphone-controller.ts';
import { normalizeDialString, registrationLabel, toolbarFor, type Toolbar } from './state.ts';
import { callInfoTemplate, campaignTemplate, devicesTemplate, dialTemplate, keypadTemplate, noticeTemplate, statusTemplate, toolbarTemplate, transferTemplate } from './templates.ts';

/** What the element does for the agent's input; the rest goes straight to the controllers. */
export interface PhoneHandlers {
  dial: () => void;
  answer: () => void;
  hangup: () => void;
  /** A keypad key: a tone during a call, else a digit of the number. */
  key: (key: string) => void;
  number: (value: string) => void;
  callerId: (value: string) => void;
  toggleKeypad: () => void;
  logout: () => void;
  status: (event: Event) => void;
  reason: (event: Event) => void;
}

export interface PhoneView {
  softphone: SoftphoneController;
  session: SessionController;
  campaign: CampaignController;
  /** The number input's text. */
  number: string;
  /** The caller ID picked, or '' for the server's default. */
  callerId: string;
  keypadOpen: boolean;
  on: PhoneHandlers;
}

export function phoneTemplate(view: PhoneView): TemplateResult {
  const { softphone, session, on } = view;
  const registration = softphone.registration;
  const call = softphone.current;
  const tools = toolbarOf(view, call);
  const problem = softphone.problem;
  const notice = session.notice ?? (problem && registration.state !== 'failed' ? { kind: 'error' as const, text: `${problem.code}: ${problem.message}` } : null);
  const wrapUpUntil = session.wrapUpUntil;
  return html`
    <header class="dialer__header">
      <span part="registration" class="dialer__chip dialer__chip--${registration.state}" role="status" data-state=${registration.state}>
        ${registrationLabel(registration)}
      </span>
      ${statusTemplate({
        agent: session.agent!,
        registration: registration.state,
        pending: session.statusPending,
        wrapUpLeftS: wrapUpUntil === undefined ? undefined : Math.max(0, Math.ceil((wrapUpUntil - Date.now()) / 1000)),
        onStatus: on.status,
        onReason: on.reason,
      })}
      <span class="dialer__agent">${session.agent!.displayName}</span>
      <button type="button" part="logout-button" @click=${() => on.logout()}>Sign out</button>
    </header>
    ${noticeTemplate(notice)} ${campaignTemplate(view.campaign, Date.now())} ${callInfoTemplate(call, session.placing)}
    ${dialTemplate({
      number: view.number,
      readonly: call !== null && call.ui !== 'ending',
      callerIds: session.callerIds,
      callerId: view.callerId,
      onNumber: on.number,
      onCallerId: on.callerId,
    })}
    ${keypadTemplate({ open: view.keypadOpen, sendsTones: tools.dtmf, enabled: tools.dtmf || tools.keypad, onKey: on.key })}
    ${toolbarTemplate({
      call,
      tools,
      keypadOpen: view.keypadOpen,
      transferOpen: session.transfer.open,
      on: {
        call: on.dial,
        answer: on.answer,
        hangup: on.hangup,
        mute: () => softphone.toggleMute(),
        hold: () => void softphone.toggleHold(),
        keypad: on.toggleKeypad,
        transfer: () => (session.transfer.open ? session.closeTransfer() : void session.openTransfer()),
      },
    })}
    ${transferTemplate({ panel: session.transfer, onPick: (id) => void session.transferTo(id), onClose: () => session.closeTransfer() })}
    ${devicesTemplate({
      devices: softphone.devices,
      onInput: (e) => void softphone.setInputDevice((e.target as HTMLSelectElement).value),
      onOutput: (e) => void softphone.setOutputDevice((e.target as HTMLSelectElement).value),
    })}
  `;
}

/** Which call buttons are shown and enabled now. */
function toolbarOf(view: PhoneView, call: TrackedCall | null): Toolbar {
  return toolbarFor({
    call: call?.ui ?? 'idle',
    registration: view.softphone.registration.state,
    hasNumber: normalizeDialString(view.number) !== null,
    placing: view.session.placing !== null,
    autoAnswer: call?.autoAnswer ?? false,
    hasAttempt: call?.attemptId !== undefined,
    holdPending: call?.holdPending ?? false,
  });
}
