/**
 * What supervisors read of a campaign's pacing:
 *
 * - {@link pacingView}, `GET /api/campaigns/:id/pacing`: the current dial level and why:
 *   the controller's last decision in this process (calls launched, the target in flight,
 *   the effective mode, the reason in a sentence, its inputs, and each input in words),
 *   the abandon ledger, and the settings the controller runs with;
 * - {@link pacedDialerView}, the `paced` block of "why isn't it dialing" for a power or
 *   predictive campaign: whether the loop runs here, what the controller would see now
 *   (agents by phase, calls in flight), its last decision and pass, and the problems
 *   that follow, in words.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { explainDecision, type PacingSettings } from '../pacing/index.ts';
import { abandonRate } from './abandon-ledger.ts';
import { controllerSettingsOf, pacedClaimant, pacedDialerOf, type PacedTick, type TimedDecision } from './paced-dialer.ts';
import { loadSnapshot } from './paced-snapshot.ts';
import { PACE_MS } from './campaign-loop.ts';
import { progressivePacerOf } from './progressive.ts';
import { isPacedMode, type CampaignRow } from './tables.ts';

/** A decision with each input as "label: value" (`explainDecision`). */
export type ExplainedDecision = TimedDecision & { details: string[] };

function explained(decision: TimedDecision | null): ExplainedDecision | null {
  return decision === null ? null : { ...decision, details: explainDecision(decision).details };
}

/** The settings a campaign's controller runs with (its mode's; for other modes, what power would use). */
function settingsOf(campaign: CampaignRow): PacingSettings {
  return controllerSettingsOf({ ...campaign, mode: isPacedMode(campaign.mode) ? campaign.mode : 'power' });
}

/** `GET /api/campaigns/:id/pacing`. */
export async function pacingView(ctx: AppContext, campaign: CampaignRow) {
  const paced = pacedDialerOf(ctx);
  const running = isPacedMode(campaign.mode) ? paced.isPacing(campaign.id) : campaign.mode === 'progressive' && progressivePacerOf(ctx).isPacing(campaign.id);
  const { linesPerAgent, abandonTarget, abandonCeiling, amdFalsePositiveEstimate, maxLines } = settingsOf(campaign);
  return {
    mode: campaign.mode,
    running,
    decision: isPacedMode(campaign.mode) ? explained(paced.lastDecision(campaign.id)) : null,
    ledger: await abandonRate(ctx, campaign),
    settings: { linesPerAgent, abandonTarget, abandonCeiling, amdFalsePositiveEstimate, maxLines },
  };
}

export interface PacedDialerView {
  /** The loop runs for this campaign in this server process. */
  running: boolean;
  /** How often it decides, ms. */
  paceMs: number;
  /** The campaign's logged-in agents by phase, as the controller would see them now. */
  agents: { free: number; busy: number; wrap: number; paused: number };
  /** Calls placed and not yet connected to an agent nor ended. */
  callsInFlight: number;
  /** The controller's last decision in this process. */
  decision: ExplainedDecision | null;
  /** The last pass in this process. */
  lastTick: PacedTick | null;
}

export async function pacedDialerView(ctx: AppContext, campaign: CampaignRow): Promise<{ paced: PacedDialerView; problems: string[] }> {
  const dialer = pacedDialerOf(ctx);
  const settings = settingsOf(campaign);
  const snapshot = await loadSnapshot(ctx, campaign, { claimant: pacedClaimant(campaign.id), maxLines: settings.maxLines });
  const agents = { free: 0, busy: 0, wrap: 0, paused: 0 };
  for (const agent of snapshot.agents) agents[agent.phase]++;
  const view: PacedDialerView = {
    running: dialer.isPacing(campaign.id),
    paceMs: PACE_MS,
    agents,
    callsInFlight: snapshot.calls.length,
    decision: explained(dialer.lastDecision(campaign.id)),
    lastTick: dialer.lastTick(campaign.id),
  };
  const problems: string[] = [];
  if (campaign.status === 'running' && !view.running) {
    problems.push(`The ${campaign.mode} dialer is not running in this server process (it starts with the campaign, on a switch to ${campaign.mode}, and at server start).`);
  }
  const loggedIn = snapshot.agents.length;
  if (loggedIn > 0 && agents.free === 0 && agents.busy + agents.wrap === 0) {
    problems.push('No agent of the campaign is Available with a registered softphone: the dialer has nobody to connect people to.');
  }
  if (campaign.status === 'running' && view.lastTick) {
    const { at, stoppedBecause } = view.lastTick;
    if (stoppedBecause) problems.push(`Last dialer pass (${at}): ${stoppedBecause.message}`);
    else if (view.decision && view.decision.launch === 0 && view.callsInFlight === 0 && agents.free > 0) {
      problems.push(`Last decision (${view.decision.at}): ${view.decision.reason}`);
    }
  }
  return { paced: view, problems };
}
