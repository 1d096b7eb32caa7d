/**
 * The disposition form shown after a campaign call: its draft (plain data), the checks made
 * before sending, the server's 422 answers mapped to fields, the keys that drive it, and
 * its template.
 *
 * | keys | when | action |
 * |---|---|---|
 * | `1`–`9` | the form is open, focus is not in a text field | pick that disposition |
 * | Enter | the form is open, focus is not in a text field or on a button | submit |
 *
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { ApiError } from './api.ts';
import type { CallbackScope, Disposition, DispositionRequest, Lead } from './campaign-api.ts';
import { formatLeadTime, leadName } from './lead-panel.ts';

export type DraftField = 'code' | 'notes' | 'callbackAt' | 'callbackScope' | 'dnc' | 'form';
export type DraftErrors = Partial<Record<DraftField, string>>;

export interface DispositionDraft {
  attemptId: string;
  /** The lead the call was for (unknown for a manual campaign's click-to-call). */
  lead: Lead | null;
  dispositions: Disposition[];
  code: string | null;
  notes: string;
  /** A `datetime-local` value, in the agent's own zone. */
  callbackAt: string;
  callbackScope: CallbackScope;
  /** A Do-Not-Call disposition needs this ticked. */
  dncConfirmed: boolean;
  submitting: boolean;
  errors: DraftErrors;
  /** The server refused the attempt itself (404/409): the agent may drop this draft. */
  discardable: boolean;
}

export function newDraft(attemptId: string, lead: Lead | null, dispositions: Disposition[]): DispositionDraft {
  return { attemptId, lead, dispositions, code: null, notes: '', callbackAt: '', callbackScope: 'agent', dncConfirmed: false, submitting: false, errors: {}, discardable: false };
}

export function chosenDisposition(draft: DispositionDraft): Disposition | undefined {
  return draft.dispositions.find((d) => d.code === draft.code);
}

/** The request body, or what to fix first. */
export function dispositionRequest(draft: DispositionDraft): { ok: true; body: DispositionRequest } | { ok: false; errors: DraftErrors } {
  const chosen = chosenDisposition(draft);
  if (!chosen) return { ok: false, errors: { code: 'Pick an outcome.' } };
  const body: DispositionRequest = { code: chosen.code };
  const notes = draft.notes.trim();
  if (notes) body.notes = notes;
  if (chosen.kind === 'callback') {
    if (!draft.callbackAt) return { ok: false, errors: { callbackAt: 'Pick a date and time for the callback.' } };
    const at = new Date(draft.callbackAt);
    if (Number.isNaN(at.getTime())) return { ok: false, errors: { callbackAt: 'That date and time is not valid.' } };
    body.callbackAt = at.toISOString();
    body.callbackScope = draft.callbackScope;
  }
  if (chosen.kind === 'dnc' && !draft.dncConfirmed) return { ok: false, errors: { dnc: 'Confirm that this number must never be called again.' } };
  return { ok: true, body };
}

const FIELDS: ReadonlySet<string> = new Set(['code', 'notes', 'callbackAt', 'callbackScope']);

/**
 * The server's refusal, by field: `callback_outside_window` is about the callback time;
 * `validation_failed` lists `details.fields[{field, message}]`; anything else is the form's.
 */
export function serverErrors(error: unknown): DraftErrors {
  if (!(error instanceof ApiError)) return { form: error instanceof Error ? error.message : String(error) };
  if (error.code === 'callback_outside_window') return { callbackAt: error.message };
  const errors: DraftErrors = {};
  const fields = (error.details as { fields?: unknown } | null | undefined)?.fields;
  if (error.code === 'validation_failed' && Array.isArray(fields)) {
    for (const item of fields as Array<{ field?: unknown; message?: unknown }>) {
      const field = typeof item?.field === 'string' && FIELDS.has(item.field) ? (item.field as DraftField) : 'form';
      const message = typeof item?.message === 'string' ? item.message : error.message;
      errors[field] = errors[field] ? `${errors[field]} ${message}` : message;
    }
  }
  return Object.keys(errors).length > 0 ? errors : { form: error.message };
}

export type DispositionKey = { pick: number } | 'submit' | null;

export interface DispositionKeyContext {
  open: boolean;
  /** How many dispositions the form offers. */
  count: number;
  /** Focus is in an input that takes text, a textarea or a select. */
  inTextField: boolean;
  /** Focus is on a button: Enter is its click. */
  onButton: boolean;
  /** Focus is inside the disposition form. */
  inForm: boolean;
  /** A call is connected: outside the form, digits are its DTMF. */
  callConnected: boolean;
}

export function dispositionKey(press: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean }, ctx: DispositionKeyContext): DispositionKey {
  if (!ctx.open || ctx.inTextField || press.altKey || press.ctrlKey || press.metaKey) return null;
  if (ctx.callConnected && !ctx.inForm) return null;
  if (/^[1-9]$/.test(press.key)) {
    const index = Number(press.key) - 1;
    return index < ctx.count ? { pick: index } : null;
  }
  if (press.key === 'Enter' && !ctx.onButton) return 'submit';
  return null;
}

/** `YYYY-MM-DDTHH:MM` in the agent's zone, for a `datetime-local` `min`. */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export interface DispositionHandlers {
  choose: (code: string) => void;
  notes: (value: string) => void;
  callbackAt: (value: string) => void;
  scope: (scope: CallbackScope) => void;
  confirmDnc: (confirmed: boolean) => void;
  submit: () => void;
  discard: () => void;
}

function errorText(id: string, text: string | undefined): TemplateResult | typeof nothing {
  return text ? html`<span id=${id} part="disposition-error" class="dialer__field-error" role="alert">${text}</span>` : nothing;
}

export function dispositionFormTemplate(draft: DispositionDraft, on: DispositionHandlers, now: number): TemplateResult {
  const chosen = chosenDisposition(draft);
  const { errors, lead } = draft;
  const who = lead ? `${leadName(lead)} (${lead.phone})` : 'this call';
  const value = (e: Event) => (e.target as HTMLInputElement).value;
  const callbackMs = chosen?.kind === 'callback' && draft.callbackAt ? new Date(draft.callbackAt).getTime() : NaN;
  const leadTime = lead && !Number.isNaN(callbackMs) ? formatLeadTime(new Date(callbackMs).toISOString(), lead.timeZones ?? []) : '';
  return html`<form
    part="disposition-form"
    class="dialer__panel dialer__disposition"
    tabindex="-1"
    aria-labelledby="disposition-title"
    data-attempt-id=${draft.attemptId}
    novalidate
    @submit=${(e: Event) => {
      e.preventDefault();
      on.submit();
    }}
  >
    <h2 id="disposition-title" class="dialer__lead-name">Outcome of the call with ${who}</h2>
    <fieldset class="dialer__options" aria-describedby="disposition-code-error">
      <legend>Disposition (keys 1–9)</legend>
      ${draft.dispositions.map(
        (d, i) => html`<label part="disposition-option" class="dialer__option" data-code=${d.code} data-kind=${d.kind}>
          <input type="radio" name="disposition" value=${d.code} .checked=${live(d.code === draft.code)} @change=${() => on.choose(d.code)} />
          ${i < 9 ? html`<kbd>${i + 1}</kbd>` : nothing} ${d.label}
        </label>`,
      )}
    </fieldset>
    ${errorText('disposition-code-error', errors.code)}
    ${chosen?.kind === 'callback'
      ? html`<label class="dialer__field">
            Call back at
            <input
              type="datetime-local"
              part="disposition-callback-at"
              required
              min=${localInputValue(now)}
              aria-invalid=${errors.callbackAt ? 'true' : 'false'}
              aria-describedby="disposition-callback-error disposition-callback-hint"
              .value=${live(draft.callbackAt)}
              @input=${(e: Event) => on.callbackAt(value(e))}
            />
          </label>
          ${leadTime ? html`<span id="disposition-callback-hint" class="dialer__hint">For the lead: ${leadTime}</span>` : nothing}
          ${errorText('disposition-callback-error', errors.callbackAt)}
          <fieldset class="dialer__options" part="disposition-callback-scope">
            <legend>Callback for</legend>
            <label><input type="radio" name="callback-scope" value="agent" .checked=${live(draft.callbackScope === 'agent')} @change=${() => on.scope('agent')} /> Me</label>
            <label><input type="radio" name="callback-scope" value="anyone" .checked=${live(draft.callbackScope === 'anyone')} @change=${() => on.scope('anyone')} /> Anyone</label>
          </fieldset>
          ${errorText('disposition-scope-error', errors.callbackScope)}`
      : nothing}
    ${chosen?.kind === 'dnc'
      ? html`<label class="dialer__confirm">
            <input
              type="checkbox"
              part="disposition-dnc-confirm"
              aria-describedby="disposition-dnc-error"
              .checked=${live(draft.dncConfirmed)}
              @change=${(e: Event) => on.confirmDnc((e.target as HTMLInputElement).checked)}
            />
            Yes, never call ${lead?.phone ?? 'this number'} again (Do-Not-Call list)
          </label>
          ${errorText('disposition-dnc-error', errors.dnc)}`
      : nothing}
    <label class="dialer__field">
      Notes (optional)
      <textarea part="disposition-notes" rows="2" aria-describedby="disposition-notes-error" .value=${live(draft.notes)} @input=${(e: Event) => on.notes(value(e))}></textarea>
    </label>
    ${errorText('disposition-notes-error', errors.notes)} ${errorText('disposition-form-error', errors.form)}
    <button type="submit" part="disposition-submit" class="dialer__button--call" aria-busy=${draft.submitting ? 'true' : 'false'} ?disabled=${draft.submitting}>
      ${draft.submitting ? 'Saving…' : 'Save disposition'}
    </button>
    ${draft.discardable ? html`<button type="button" part="disposition-discard" @click=${on.discard}>Discard</button>` : nothing}
  </form>`;
}
