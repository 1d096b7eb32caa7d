/**
 * One repeating pass per campaign on the scheduler, every {@link PACE_MS}: the base of
 * the progressive pacer and the paced dialer, which supply the pass (`tick`). A pass is scheduled only after the
 * previous one finished (passes of one campaign never overlap); a failed pass is logged
 * and the loop goes on; `close()` stops every loop and waits for the passes in flight.
 *
 * @module
 */
import type { TimerHandle } from '../../lib/scheduler.ts';
import type { AppContext } from '../context.ts';
import { getCampaign, listCampaigns } from './repository.ts';
import type { CampaignMode, CampaignRow } from './tables.ts';

/** How often a campaign's loop runs a pass, ms. */
export const PACE_MS = 1000;

export interface CampaignLoopOptions<M extends CampaignMode> {
  /** For logs: "progressive pacer", "paced dialer". */
  name: string;
  /** The modes this loop dials in. */
  runsIn: (mode: CampaignMode) => mode is M;
}

export abstract class CampaignLoop<M extends CampaignMode> {
  readonly #active = new Set<string>();
  readonly #timers = new Map<string, TimerHandle>();
  readonly #passes = new Set<Promise<void>>();
  #closed = false;

  constructor(
    protected readonly ctx: AppContext,
    private readonly options: CampaignLoopOptions<M>,
  ) {}

  /** One pass over the campaign (public so tests can run one directly). */
  abstract tick(campaignId: string): Promise<void>;

  /** Forget what was kept for the campaign when its loop stops. */
  protected onStop(_campaignId: string): void {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Start the campaign's loop (no-op if it already runs or the loop is closed). */
  start(campaignId: string): void {
    if (this.#closed || this.#active.has(campaignId)) return;
    this.#active.add(campaignId);
    this.#schedule(campaignId);
  }

  /** No further passes; a pass in flight finishes. */
  stop(campaignId: string): void {
    this.#active.delete(campaignId);
    const timer = this.#timers.get(campaignId);
    if (timer !== undefined) this.ctx.scheduler.clearTimeout(timer);
    this.#timers.delete(campaignId);
    this.onStop(campaignId);
  }

  /** Run exactly when the campaign is running in one of this loop's modes (start, pause, stop, a mode change). */
  sync(campaign: Pick<CampaignRow, 'id' | 'status' | 'mode'>): void {
    if (campaign.status === 'running' && this.options.runsIn(campaign.mode)) this.start(campaign.id);
    else this.stop(campaign.id);
  }

  isPacing(campaignId: string): boolean {
    return this.#active.has(campaignId);
  }

  /** Server start: a loop for every running campaign of this loop's modes. */
  async resume(): Promise<void> {
    for (const campaign of await listCampaigns(this.ctx.db, { status: 'running' })) this.sync(campaign);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const id of [...this.#active]) this.stop(id);
    await Promise.allSettled([...this.#passes]);
  }

  /**
   * The campaign a pass should dial for: running in one of this loop's modes. Paused, or
   * switched to another mode, by another server process: undefined, and the loop keeps
   * looking, so this process dials again when that one resumes it. Stopped or gone: the
   * loop stops.
   */
  protected async campaignToDial(campaignId: string): Promise<(CampaignRow & { mode: M }) | undefined> {
    const campaign = await getCampaign(this.ctx.db, campaignId);
    if (campaign && campaign.status === 'running' && this.options.runsIn(campaign.mode)) return { ...campaign, mode: campaign.mode };
    if (!campaign || (campaign.status !== 'paused' && campaign.status !== 'running')) this.stop(campaignId);
    return undefined;
  }

  #schedule(campaignId: string): void {
    const timer = this.ctx.scheduler.setTimeout(async () => {
      this.#timers.delete(campaignId);
      if (!this.#active.has(campaignId)) return;
      const pass = this.tick(campaignId).catch((error: unknown) => {
        this.ctx.logger.error({ err: error, campaignId }, `${this.options.name} pass failed`);
      });
      this.#passes.add(pass);
      try {
        await pass;
      } finally {
        this.#passes.delete(pass);
      }
      if (this.#active.has(campaignId) && !this.#closed) this.#schedule(campaignId);
    }, PACE_MS);
    this.#timers.set(campaignId, timer);
  }
}
