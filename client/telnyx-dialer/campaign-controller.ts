/**
 * `CampaignController`: the agent's campaign work, as state the element renders.
 *
 * - the campaign bar: which campaign the agent is in (join, leave, the running ones);
 * - preview mode: claim the next lead, Dial it (the server rings this softphone first, as
 *   for click-to-call) or Skip it, and dial on its own when `previewTimeoutS` runs out;
 * - progressive mode: the server's `call.offered` push shows the lead before its call lands;
 * - after each campaign call, the disposition form; once saved, the wrap-up ends and (in
 *   preview mode) the next lead is fetched.
 *
 * A campaign call is one whose attempt id (`X-Dialer-Attempt`) this controller linked to a
 * lead: a preview dial or a progressive offer. (The server takes dispositions for lead
 * calls only, so a click-to-call, even in a manual campaign, gets no form.)
 *
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, type DialerApi, type ServerMessage } from './api.ts';
import { CampaignApi, type Campaign, type CampaignSummary, type Disposition, type Lead } from './campaign-api.ts';
import { DispositionController } from './disposition-controller.ts';
import { emit, type DialerCallEndDetail } from './events.ts';
import { leadName } from './lead-panel.ts';
import type { SessionController } from './session-controller.ts';

export interface LeadView {
  lead: Lead;
  script: string;
  source: 'preview' | 'offered';
  /** Set once the lead's call is placed (preview) or from the offer (progressive). */
  attemptId?: string;
  dispositions: Disposition[];
}

export interface CampaignDeps {
  api: () => DialerApi;
  session: () => SessionController;
  /** The softphone is registered. */
  registered: () => boolean;
  /** No call is live on the softphone and none is being placed. */
  phoneFree: () => boolean;
  /**
   * The agent is Available. Nothing happens on its own otherwise (no lead claimed after a
   * Retry-After or a disposition, no auto-dial): an agent on a break must not be dialled for.
   */
  available: () => boolean;
  now?: () => number;
}

export type CampaignAction = 'load' | 'join' | 'leave' | 'next' | 'dial' | 'skip';

/** How many ended, not (yet) linked calls to remember: a dial's answer can trail its call. */
const ENDED_MEMORY = 20;

export class CampaignController implements ReactiveController {
  /** False until the server answers; stays false when it has no campaign API (404). */
  supported = false;
  campaign: Campaign | null = null;
  running: CampaignSummary[] = [];
  pickedId = '';
  busy: CampaignAction | null = null;
  /** The lead on screen. */
  lead: LeadView | null = null;
  /** When a preview lead is dialled on its own (ms since epoch). */
  autoDialAt: number | undefined;
  /** Preview: why there is no lead (204), or why the lead was not dialled on its own. */
  waiting = '';
  /** Text for the polite live region (an offered lead). */
  announcement = '';
  /** The dispositions owed after campaign calls, and their form. */
  readonly dispositions: DispositionController;

  /** Bumped by `reset()`: answers to requests sent before it are dropped. */
  private generation = 0;
  private readonly byAttempt = new Map<string, LeadView>();
  /** Calls that ended before their attempt was linked to a lead: attempt id → connected. */
  private readonly ended = new Map<string, boolean>();
  /** Attempts whose call reached this agent's ear (active at least once). */
  private readonly connected = new Set<string>();
  private autoDialTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly deps: CampaignDeps,
  ) {
    this.now = deps.now ?? (() => Date.now());
    host.addController(this);
    this.dispositions = new DispositionController(host, { campaigns: () => this.campaigns, onAllDone: () => this.afterDispositions() });
    host.addEventListener('dialer-call-state', ({ detail }) => {
      if (detail.state === 'active' && detail.attemptId) this.connected.add(detail.attemptId);
    });
    host.addEventListener('dialer-call-end', (event) => this.onCallEnd(event.detail));
  }

  /** Whole seconds before the auto-dial, while one is armed. */
  get countdownS(): number | undefined {
    return this.autoDialAt === undefined ? undefined : Math.max(0, Math.ceil((this.autoDialAt - this.now()) / 1000));
  }

  get canDial(): boolean {
    return this.deps.registered() && this.deps.phoneFree() && this.busy === null;
  }

  /** Leaving waits for the campaign call and its disposition. */
  get canLeave(): boolean {
    return this.dispositions.drafts.length === 0 && this.deps.phoneFree();
  }

  get canAskNext(): boolean {
    return this.campaign?.mode === 'preview' && this.lead === null && this.dispositions.drafts.length === 0;
  }

  /** The customer's number for a campaign call (the SDK only sees our caller ID). */
  numberForAttempt(attemptId: string): string | undefined {
    return this.byAttempt.get(attemptId)?.lead.phone;
  }

  hostDisconnected(): void {
    // Moving the element (disconnect + connect in one task) keeps the countdown.
    void Promise.resolve().then(() => {
      if (this.host.isConnected) return;
      this.cancelAutoDial();
      clearTimeout(this.retryTimer);
    });
  }

  /** The agent's campaign (and, outside one, the running ones); after every sign-in. */
  async load(): Promise<void> {
    const generation = this.generation;
    this.setBusy('load');
    try {
      const campaign = await this.campaigns.mine();
      if (generation !== this.generation) return;
      this.supported = true;
      this.campaign = campaign;
      if (!campaign) await this.loadRunning();
    } catch (error) {
      if (generation !== this.generation) return;
      // A server without campaigns: no campaign bar.
      this.supported = !(error instanceof ApiError && error.status === 404);
      if (this.supported) this.deps.session().fail(error);
    } finally {
      this.setBusy(null);
    }
  }

  /** Signed out: forget everything, stop every timer. */
  reset(): void {
    this.generation += 1;
    this.cancelAutoDial();
    clearTimeout(this.retryTimer);
    Object.assign(this, { supported: false, campaign: null, running: [], busy: null, lead: null, waiting: '', announcement: '' });
    this.dispositions.reset();
    this.byAttempt.clear();
    this.ended.clear();
    this.connected.clear();
    this.host.requestUpdate();
  }

  readonly pick = (id: string): void => {
    this.pickedId = id;
    this.host.requestUpdate();
  };

  readonly refresh = (): void => void this.load();

  readonly join = async (): Promise<void> => {
    const id = this.pickedId;
    if (!id || this.busy) return;
    await this.act('join', async () => {
      const campaign = await this.campaigns.join(id);
      this.campaign = campaign;
      this.running = [];
      this.announcement = `Joined ${campaign.name}.`;
    });
  };

  readonly leave = async (): Promise<void> => {
    if (this.busy || !this.canLeave) return;
    this.cancelAutoDial();
    clearTimeout(this.retryTimer);
    await this.act('leave', async () => {
      await this.campaigns.leave();
      this.campaign = null;
      this.lead = null;
      this.waiting = '';
      this.announcement = '';
      await this.loadRunning();
    });
  };

  /** Preview: claims the next lead; with nothing eligible, asks again after `Retry-After`. */
  readonly next = async (): Promise<void> => {
    const campaign = this.campaign;
    if (!campaign || !this.canAskNext || this.busy) return;
    clearTimeout(this.retryTimer);
    await this.act('next', async () => {
      const answer = await this.campaigns.previewNext(campaign.id, this.now());
      if (this.campaign?.id !== campaign.id) return;
      if (answer.offer) {
        this.waiting = '';
        this.show({ ...answer.offer, source: 'preview', dispositions: campaign.dispositions });
        this.armAutoDial(campaign.previewTimeoutS);
        return;
      }
      const retryS = answer.retryAfterS;
      this.waiting = retryS === null ? 'No lead is ready now.' : `No lead is ready now; asking again in ${retryS} s.`;
      if (retryS !== null) this.retryNext(retryS * 1000);
    });
  };

  /** Preview: the server calls the lead, ringing this softphone first (auto-answered). */
  readonly dial = async (): Promise<void> => {
    const view = this.lead;
    if (!view || view.source !== 'preview' || view.attemptId || !this.canDial) return;
    this.cancelAutoDial();
    this.waiting = '';
    const generation = this.generation;
    this.setBusy('dial');
    try {
      const attemptId = await this.deps.session().placeVia(view.lead.phone, () => this.campaigns.dial(view.lead.id));
      if (!attemptId || generation !== this.generation) return;
      view.attemptId = attemptId;
      this.byAttempt.set(attemptId, view);
      emit(this.host, 'dialer-lead', { lead: view.lead, attemptId, source: 'preview' });
      this.linked(attemptId, view);
    } finally {
      this.setBusy(null);
    }
  };

  readonly skip = async (): Promise<void> => {
    const view = this.lead;
    if (!view || view.source !== 'preview' || view.attemptId || this.busy) return;
    this.cancelAutoDial();
    const skipped = await this.act('skip', async () => {
      await this.campaigns.skip(view.lead.id);
      if (this.lead === view) this.lead = null;
    });
    if (skipped) await this.next();
  };

  /** Realtime messages (wired through the session's socket). */
  readonly onMessage = (message: ServerMessage): void => {
    if (message.type !== 'call.offered') return;
    const { lead, script, attemptId } = message;
    if (this.dispositions.owes(attemptId)) return;
    this.cancelAutoDial();
    this.waiting = '';
    this.show({ lead, script, source: 'offered', attemptId, dispositions: this.campaign?.dispositions ?? [] });
    this.announcement = `Incoming lead: ${leadName(lead)}, ${lead.phone}.`;
    this.linked(attemptId, this.lead!);
    this.host.requestUpdate();
  };

  // -------------------------------------------------------------------------------------

  private get campaigns(): CampaignApi {
    return new CampaignApi(this.deps.api());
  }

  /** Every disposition saved: end the wrap-up, and in preview mode claim the next lead. */
  private async afterDispositions(): Promise<void> {
    const generation = this.generation;
    await this.deps.session().finishWrapUp();
    if (generation === this.generation && this.campaign?.mode === 'preview' && this.deps.available()) await this.next();
  }

  /** Asks for a lead after `delayMs`, or, while the agent is not Available, keeps waiting. */
  private retryNext(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => (this.deps.available() ? void this.next() : this.retryNext(delayMs)), delayMs);
  }

  private async loadRunning(): Promise<void> {
    this.running = await this.campaigns.running();
    if (!this.running.some((c) => c.id === this.pickedId)) this.pickedId = this.running[0]?.id ?? '';
  }

  /** Runs one request as `action`; failures are shown. Returns whether it worked. */
  private async act(action: CampaignAction, work: () => Promise<void>): Promise<boolean> {
    const generation = this.generation;
    this.setBusy(action);
    try {
      await work();
      return generation === this.generation;
    } catch (error) {
      if (generation === this.generation) this.deps.session().fail(error);
      return false;
    } finally {
      this.setBusy(null);
    }
  }

  private setBusy(action: CampaignAction | null): void {
    this.busy = action;
    this.host.requestUpdate();
  }

  private show(view: LeadView): void {
    this.lead = view;
    if (view.attemptId) this.byAttempt.set(view.attemptId, view);
    emit(this.host, 'dialer-lead', { lead: view.lead, source: view.source, ...(view.attemptId ? { attemptId: view.attemptId } : {}) });
  }

  private onCallEnd(detail: DialerCallEndDetail): void {
    const attemptId = detail.attemptId;
    if (!attemptId) return;
    const connected = this.connected.delete(attemptId);
    const view = this.byAttempt.get(attemptId);
    if (view) return this.callEnded(attemptId, view, connected);
    this.ended.set(attemptId, connected);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.keys().next().value!);
  }

  /** A linked call ended (`connected`: the agent was on it): its disposition, or back to the lead. */
  private callEnded(attemptId: string, view: LeadView, connected: boolean): void {
    if (connected) this.openDraft(attemptId, view);
    else this.notConnected(attemptId, view);
  }

  /** The attempt was just linked: had its call already ended? */
  private linked(attemptId: string, view: LeadView): void {
    const connected = this.ended.get(attemptId);
    if (connected === undefined) return;
    this.ended.delete(attemptId);
    this.callEnded(attemptId, view, connected);
  }

  /**
   * The agent's leg never connected, so the customer was not called: nothing to record. A
   * preview lead stays claimed by this agent (the server leaves it so): Dial or Skip again.
   */
  private notConnected(attemptId: string, view: LeadView): void {
    this.byAttempt.delete(attemptId);
    if (view.source === 'preview' && this.lead === view) delete view.attemptId;
    else if (this.lead === view) this.lead = null;
    this.host.requestUpdate();
  }

  private openDraft(attemptId: string, view: LeadView | null): void {
    this.byAttempt.delete(attemptId);
    if (this.lead === view) this.lead = null;
    const dispositions = view?.dispositions.length ? view.dispositions : (this.campaign?.dispositions ?? []);
    this.dispositions.open(attemptId, view?.lead ?? null, dispositions);
    this.announcement = '';
    this.host.requestUpdate();
  }

  private armAutoDial(timeoutS: number | null): void {
    this.cancelAutoDial();
    if (typeof timeoutS !== 'number' || !(timeoutS >= 0)) return;
    this.autoDialAt = this.now() + timeoutS * 1000;
    this.autoDialTimer = setTimeout(() => {
      this.cancelAutoDial();
      if (this.deps.available()) void this.dial();
      else this.waiting = 'Not dialled on its own: you are not Available.';
    }, timeoutS * 1000);
    this.tickTimer = setInterval(() => this.host.requestUpdate(), 1000);
  }

  private cancelAutoDial(): void {
    clearTimeout(this.autoDialTimer);
    clearInterval(this.tickTimer);
    this.autoDialTimer = this.tickTimer = undefined;
    if (this.autoDialAt !== undefined) {
      this.autoDialAt = undefined;
      this.host.requestUpdate();
    }
  }
}
