/**
 * `DispositionController`: the dispositions the agent owes, oldest first, and the form that
 * takes the first of them. Saving posts `POST /api/attempts/:id/disposition`, emits
 * `dialer-disposition`, and once nothing is owed any more calls `onAllDone` (the campaign
 * controller ends the wrap-up and, in preview mode, fetches the next lead).
 *
 * A 422 keeps the form and shows the server's message next to its field; a refusal of the
 * attempt itself (404, 409) also offers Discard, so the agent is never stuck.
 *
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from './api.ts';
import type { CampaignApi, Disposition, Lead } from './campaign-api.ts';
import { dispositionKey, dispositionRequest, newDraft, serverErrors, type DispositionDraft, type DispositionHandlers } from './disposition-form.ts';
import { emit } from './events.ts';

export interface DispositionDeps {
  campaigns: () => CampaignApi;
  /** Nothing is owed any more (the last draft was saved or discarded). */
  onAllDone: () => Promise<void>;
}

export class DispositionController implements ReactiveController {
  /** Dispositions owed, oldest first; the form shows the first. */
  drafts: DispositionDraft[] = [];

  private focusForm = false;
  /** Bumped by `reset()`: answers to requests sent before it are dropped. */
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly deps: DispositionDeps,
  ) {
    host.addController(this);
  }

  get draft(): DispositionDraft | null {
    return this.drafts[0] ?? null;
  }

  owes(attemptId: string): boolean {
    return this.drafts.some((d) => d.attemptId === attemptId);
  }

  /** A campaign call ended: a disposition is owed for it (focus moves to the form if it shows). */
  open(attemptId: string, lead: Lead | null, dispositions: Disposition[]): void {
    if (this.owes(attemptId)) return;
    this.drafts = [...this.drafts, newDraft(attemptId, lead, dispositions)];
    this.focusForm = this.drafts.length === 1;
    this.host.requestUpdate();
  }

  reset(): void {
    this.generation += 1;
    this.drafts = [];
    this.focusForm = false;
  }

  hostUpdated(): void {
    if (!this.focusForm) return;
    this.focusForm = false;
    this.host.shadowRoot?.querySelector<HTMLElement>('[part~="disposition-form"]')?.focus();
  }

  /** The form's callbacks. */
  readonly form: DispositionHandlers = {
    choose: (code) => this.edit({ code, errors: {} }),
    notes: (notes) => this.edit({ notes }),
    callbackAt: (callbackAt) => this.edit({ callbackAt, errors: { ...this.draft?.errors, callbackAt: undefined } }),
    scope: (callbackScope) => this.edit({ callbackScope }),
    confirmDnc: (dncConfirmed) => this.edit({ dncConfirmed, errors: { ...this.draft?.errors, dnc: undefined } }),
    submit: () => void this.submit(),
    discard: () => this.discard(),
  };

  /** Keys for the form (see `disposition-form.ts`); returns whether it took the key. */
  handleKey(event: KeyboardEvent, target: HTMLElement | undefined, callConnected: boolean): boolean {
    const draft = this.draft;
    const action = dispositionKey(event, {
      open: draft !== null,
      count: draft?.dispositions.length ?? 0,
      inTextField: !!target?.matches?.('textarea, select, input:not([type="radio"]):not([type="checkbox"])'),
      onButton: !!target?.closest?.('button'),
      inForm: !!target?.closest?.('[part~="disposition-form"]'),
      callConnected,
    });
    if (!action || !draft) return false;
    event.preventDefault();
    if (action === 'submit') void this.submit();
    else this.form.choose(draft.dispositions[action.pick]!.code);
    return true;
  }

  /** Saves the first draft. */
  async submit(): Promise<void> {
    const draft = this.draft;
    if (!draft || draft.submitting) return;
    const checked = dispositionRequest(draft);
    if (!checked.ok) return this.edit({ errors: checked.errors });
    this.edit({ submitting: true, errors: {} });
    const generation = this.generation;
    try {
      const saved = await this.deps.campaigns().dispose(draft.attemptId, checked.body);
      if (generation !== this.generation) return;
      this.drafts = this.drafts.filter((d) => d !== draft);
      emit(this.host, 'dialer-disposition', { attemptId: draft.attemptId, code: checked.body.code, leadId: saved?.lead?.id ?? draft.lead?.id ?? '' });
    } catch (error) {
      if (generation !== this.generation) return;
      draft.errors = serverErrors(error);
      const status = error instanceof ApiError ? error.status : 0;
      // The attempt cannot take a disposition (gone, already done): let the agent move on.
      draft.discardable = status === 404 || status === 409;
      if (status !== 422) reportQuietly(this.host, error);
      return;
    } finally {
      draft.submitting = false;
      this.host.requestUpdate();
    }
    await this.next();
  }

  private discard(): void {
    if (!this.draft?.discardable) return;
    this.drafts = this.drafts.slice(1);
    this.host.requestUpdate();
    void this.next();
  }

  /** The next draft takes the focus, or, with none left, the campaign moves on. */
  private async next(): Promise<void> {
    if (this.drafts.length > 0) {
      this.focusForm = true;
      this.host.requestUpdate();
      return;
    }
    await this.deps.onAllDone();
  }

  private edit(patch: Partial<DispositionDraft>): void {
    const draft = this.draft;
    if (!draft) return;
    Object.assign(draft, patch);
    this.host.requestUpdate();
  }
}

/** `dialer-error` without the notice line: the form shows the message itself. */
function reportQuietly(host: EventTarget, error: unknown): void {
  const code = error instanceof ApiError ? error.code : 'client_error';
  const message = error instanceof Error ? error.message : String(error);
  emit(host, 'dialer-error', { code, message, fatal: false, source: 'server' });
}
