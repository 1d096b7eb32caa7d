/**
 * Power and predictive modes: the paced dialer. One loop per running power or predictive
 * campaign on the scheduler (`campaign-loop.ts`, as the progressive pacer), each pass:
 *
 * 1. feeds the campaign's pacing controller (`server/pacing/`, `createController`) what
 *    happened since the last pass, derived from the attempt log (`paced-feed.ts`): a
 *    fresh controller (server start, a change of mode or settings) first learns from the
 *    newest attempts of the last 24 h;
 * 2. builds what the controller sees now (`paced-snapshot.ts`) and asks it to `decide()`;
 * 3. launches `decision.launch` calls: each claims the next lead through the gate
 *    (`claim.ts`, the dial kind `power` or `predictive`: the UK redial locks apply, as in
 *    progressive), creates the attempt WITHOUT an agent, and calls the customer first
 *    exactly as progressive does (`callCustomerFirst`, AMD sync or async per campaign).
 *    A person is given an agent when they answer (`paced-routing.ts`), else the call is
 *    abandoned with the safe-harbor message (`progressive-answer.ts`).
 *
 * The last decision per campaign is kept in memory for the supervisor API
 * (`GET /api/campaigns/:id/pacing`, `paced-status.ts`). Leads are claimed in the name of
 * the campaign's dialer ({@link pacedClaimant}), not of an agent. The controller's
 * settings are the campaign's `pacing`, with the ceiling capped by the profile's.
 *
 * @module
 */
import { createAttempt } from '../calls/repository.ts';
import type { AppContext } from '../context.ts';
import { PROFILES } from '../compliance/profiles.ts';
import { isDialerError } from '../errors.ts';
import { createController, type AbandonLedger, type PacingController, type PacingDecision, type PacingSettings } from '../pacing/index.ts';
import { abandonRate } from './abandon-ledger.ts';
import { claimNextLead } from './claim.ts';
import { gateRecord } from './gate.ts';
import { feedController } from './paced-feed.ts';
import { ObservationFeed } from './paced-observations.ts';
import { ledgerOf, loadSnapshot } from './paced-snapshot.ts';
import { CampaignLoop } from './campaign-loop.ts';
import { callCustomerFirst } from './progressive.ts';
import { DEFAULT_CAMPAIGN_PACING } from './settings.ts';
import { isPacedMode, type CampaignRow, type PacedMode } from './tables.ts';

/**
 * How long a campaign's abandon ledger is reused, ms. Its rolling 24 h and 30-day counts
 * scan the campaign's answered attempts, too much for every second; the governor's own
 * per-minute counts of what it observed cover the seconds in between (the ledger "may
 * lag", `server/pacing/types.ts`).
 */
export const LEDGER_REFRESH_MS = 10_000;

/** A paced call has no agent until its person answers; the NOT NULL `agent_sip` holds this until then. */
export const NO_AGENT_SIP = '';

/** Who holds the leads a paced campaign claims (`leads.claimed_by`): its dialer, not an agent. */
export function pacedClaimant(campaignId: string): string {
  return `dialer:${campaignId}`;
}

/** The controller's settings for the campaign: its mode and `pacing`, the ceiling capped by the profile's. */
export function controllerSettingsOf(campaign: Pick<CampaignRow, 'pacing' | 'profile'> & { mode: PacedMode }): PacingSettings {
  const pacing = { ...DEFAULT_CAMPAIGN_PACING, ...campaign.pacing };
  const abandonCeiling = Math.min(pacing.abandonCeiling, PROFILES[campaign.profile].abandonCeiling);
  return { ...pacing, mode: campaign.mode, abandonCeiling, abandonTarget: Math.min(pacing.abandonTarget, abandonCeiling) };
}

/** A decision and when it was made (ISO 8601). */
export interface TimedDecision extends PacingDecision {
  at: string;
}

/** What one pass did (kept for "why isn't it dialing"). */
export interface PacedTick {
  /** ISO 8601. */
  at: string;
  /** Observations given to the controller in this pass. */
  observed: number;
  /** Calls the controller asked for. */
  launch: number;
  /** Customer calls placed (or possibly placed) in this pass. */
  placed: number;
  /** Why fewer calls were placed than asked for; null when none were missing. */
  stoppedBecause: { code: 'no_lead' | 'compliance_refused'; message: string } | null;
}

/** A campaign's controller and what feeds it; dropped when the campaign stops pacing (a restart learns again from the log). */
interface CampaignPacing {
  /** The settings the controller was made with (JSON), to notice a change. */
  settingsKey: string;
  controller: PacingController;
  feed: ObservationFeed;
}

/** What the supervisor API shows of a campaign's pacing; kept after it stops. */
interface PacingReport {
  decision: TimedDecision | null;
  lastTick: PacedTick | null;
}

export class PacedDialer extends CampaignLoop<PacedMode> {
  readonly #pacing = new Map<string, CampaignPacing>();
  readonly #reports = new Map<string, PacingReport>();
  readonly #ledgers = new Map<string, { ledger: AbandonLedger; atMs: number }>();

  constructor(ctx: AppContext) {
    super(ctx, { name: 'paced dialer', runsIn: isPacedMode });
  }

  /**
   * Launches stop for the campaign (calls in flight go on). The last decision is kept;
   * the controller is dropped, and a restart warms a new one up from the attempt log.
   */
  protected override onStop(campaignId: string): void {
    this.#pacing.delete(campaignId);
    this.#ledgers.delete(campaignId);
  }

  /** The controller's last decision for the campaign in this process. */
  lastDecision(campaignId: string): TimedDecision | null {
    return this.#reports.get(campaignId)?.decision ?? null;
  }

  lastTick(campaignId: string): PacedTick | null {
    return this.#reports.get(campaignId)?.lastTick ?? null;
  }

  /** One pass: learn, look, decide, launch. */
  override async tick(campaignId: string): Promise<void> {
    const { ctx } = this;
    const campaign = await this.campaignToDial(campaignId);
    if (!campaign) return;
    const settings = controllerSettingsOf(campaign);
    const pacing = this.#pacingOf(campaign.id, settings);
    const observed = await feedController(ctx, campaign, pacing.feed, pacing.controller, ctx.scheduler.now());
    const ledger = await this.#ledgerOf(campaign);
    const snapshot = await loadSnapshot(ctx, campaign, { claimant: pacedClaimant(campaign.id), maxLines: settings.maxLines, ledger });
    const decision = pacing.controller.decide(snapshot);
    const at = new Date(snapshot.nowMs).toISOString();
    const report: PacingReport = { decision: { ...decision, at }, lastTick: this.lastTick(campaign.id) };
    this.#reports.set(campaign.id, report);
    const launched = await this.#launch(campaign, decision.launch);
    report.lastTick = { at, observed, launch: decision.launch, ...launched };
  }

  /** The campaign's abandon ledger, read again every {@link LEDGER_REFRESH_MS}. */
  async #ledgerOf(campaign: CampaignRow): Promise<AbandonLedger> {
    const nowMs = this.ctx.scheduler.now();
    const cached = this.#ledgers.get(campaign.id);
    if (cached && nowMs - cached.atMs < LEDGER_REFRESH_MS) return cached.ledger;
    const ledger = ledgerOf(await abandonRate(this.ctx, campaign));
    this.#ledgers.set(campaign.id, { ledger, atMs: nowMs });
    return ledger;
  }

  /** The campaign's controller and feed, made anew when the mode or the settings changed. */
  #pacingOf(campaignId: string, settings: PacingSettings): CampaignPacing {
    const settingsKey = JSON.stringify(settings);
    const current = this.#pacing.get(campaignId);
    if (current && current.settingsKey === settingsKey) return current;
    const fresh: CampaignPacing = { settingsKey, controller: createController(settings), feed: new ObservationFeed() };
    this.#pacing.set(campaignId, fresh);
    return fresh;
  }

  /** Place up to `count` customer calls; stops early when no lead can be dialled or the campaign stops. */
  async #launch(campaign: CampaignRow & { mode: PacedMode }, count: number): Promise<Pick<PacedTick, 'placed' | 'stoppedBecause'>> {
    const { ctx } = this;
    let placed = 0;
    for (let index = 0; index < count; index++) {
      if (this.closed || !this.isPacing(campaign.id)) break;
      const at = new Date(ctx.scheduler.now());
      let claimed;
      try {
        claimed = await claimNextLead(ctx, { campaign, agentId: pacedClaimant(campaign.id), kind: campaign.mode, now: at });
      } catch (error) {
        if (!isDialerError(error, 'compliance_refused')) throw error;
        ctx.logger.warn({ campaignId: campaign.id, message: error.message }, 'paced campaign cannot dial');
        return { placed, stoppedBecause: { code: 'compliance_refused', message: error.message } };
      }
      if (!claimed.claimed) {
        return { placed, stoppedBecause: { code: 'no_lead', message: `No lead can be dialled now; the next may be due in ${claimed.retryAfterS} s.` } };
      }
      const { lead } = claimed;
      const attempt = await createAttempt(ctx.db, {
        kind: 'progressive',
        agentSip: NO_AGENT_SIP,
        agentId: null,
        customerNumber: lead.phone_e164,
        callerId: campaign.caller_id,
        now: at,
        campaign: { campaignId: campaign.id, leadId: lead.id, mode: campaign.mode, ringTimeoutS: campaign.ring_timeout_s, gateDecision: gateRecord(claimed.gate) },
      });
      if (await callCustomerFirst(ctx, campaign, attempt)) placed++;
    }
    return { placed, stoppedBecause: null };
  }
}

const dialers = new WeakMap<AppContext, PacedDialer>();

/** The one paced dialer of this app (per context). */
export function pacedDialerOf(ctx: AppContext): PacedDialer {
  let dialer = dialers.get(ctx);
  if (!dialer) {
    dialer = new PacedDialer(ctx);
    dialers.set(ctx, dialer);
  }
  return dialer;
}
