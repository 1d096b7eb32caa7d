/**
 * Starting, pausing and stopping a campaign. Start checks every precondition and refuses
 * with all the reasons at once (409 `campaign_not_startable`), so an admin fixes them in
 * one pass:
 *
 * - the caller ID is one of the account's numbers (`DIALER_CALLER_IDS`);
 * - the ring timeout is at least the profile's floor (15 s);
 * - at least one list is attached;
 * - a customer-first campaign (progressive, power, predictive: each can abandon calls)
 *   has a safe-harbor message;
 * - the national DNC registry copy of the profile's country is no older than the
 *   profile allows (31 days US/CA, 28 UK); required for every dialling mode, and for
 *   manual campaigns once a copy has ever been imported (as the gate does).
 *
 * A running campaign that switches mode is checked the same way for the new mode
 * (`refuseUnrunnableMode`). Pause keeps the agents in the campaign and stops new dials;
 * stop also sends the agents out and releases their claimed leads. Each change is logged
 * in `campaign_changes`. The dialer loops (progressive pacer, paced dialer) follow every
 * change (`dialers.ts`).
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Tables } from '../db/schema.ts';
import { DialerError } from '../errors.ts';
import { PROFILES } from '../compliance/profiles.ts';
import { registryAge, type RegistryAge } from '../compliance/registry.ts';
import { syncCampaignDialers } from './dialers.ts';
import { countLists, removeAllAgents, saveCampaign } from './repository.ts';
import { isCustomerFirstMode, type CampaignRow, type CampaignStatus } from './tables.ts';

export type StartRefusalCode = 'caller_id_not_owned' | 'ring_timeout_below_floor' | 'no_lists' | 'safe_harbor_missing' | 'registry_stale';

export interface StartRefusal {
  code: StartRefusalCode;
  /** The campaign setting to change, when one is at fault. */
  field?: string;
  message: string;
}

export interface StartFacts {
  ownedCallerIds: readonly string[];
  listCount: number;
  /** The active national registry copy of the profile's country; null = none imported. */
  registry: RegistryAge | null;
}

/** Every reason the campaign may not start (empty: it may). Pure. */
export function startRefusals(campaign: Pick<CampaignRow, 'caller_id' | 'ring_timeout_s' | 'mode' | 'profile' | 'safe_harbor'>, facts: StartFacts): StartRefusal[] {
  const profile = PROFILES[campaign.profile];
  const refusals: StartRefusal[] = [];
  if (!facts.ownedCallerIds.includes(campaign.caller_id)) {
    refusals.push({ code: 'caller_id_not_owned', field: 'callerId', message: `${campaign.caller_id} is not one of the account's numbers (DIALER_CALLER_IDS).` });
  }
  if (campaign.ring_timeout_s < profile.minRingTimeoutS) {
    refusals.push({ code: 'ring_timeout_below_floor', field: 'ringTimeoutS', message: `The ring timeout must be at least ${profile.minRingTimeoutS} s.` });
  }
  if (facts.listCount === 0) refusals.push({ code: 'no_lists', message: 'No list is attached to the campaign.' });
  if (isCustomerFirstMode(campaign.mode) && campaign.safe_harbor === null) {
    refusals.push({
      code: 'safe_harbor_missing',
      field: 'safeHarbor',
      message: `A ${campaign.mode} campaign can abandon calls, so it needs a safe-harbor message (company name, callback number, opt-out key).`,
    });
  }
  const { country, maxAgeDays, name } = profile.nationalRegistry;
  const required = campaign.mode !== 'manual' || facts.registry !== null;
  if (required && (facts.registry === null || facts.registry.ageDays > maxAgeDays)) {
    refusals.push({
      code: 'registry_stale',
      message:
        facts.registry === null
          ? `No copy of the ${name} (${country}) has been imported; campaigns scrub against one at most ${maxAgeDays} days old.`
          : `The ${name} (${country}) copy is ${facts.registry.ageDays} days old; at most ${maxAgeDays} days are allowed.`,
    });
  }
  return refusals;
}

/** @param db the database, or the transaction that holds the campaign's row (PGlite has one connection). */
export async function loadStartFacts(ctx: Pick<AppContext, 'config'>, db: Kysely<Tables>, campaign: CampaignRow, now: Date): Promise<StartFacts> {
  return {
    ownedCallerIds: ctx.config.dialing.callerIds,
    listCount: await countLists(db, campaign.id),
    registry: await registryAge(db, PROFILES[campaign.profile].nationalRegistry.country, now),
  };
}

/**
 * A running campaign switching to another mode must meet what starting in that mode
 * demands (a manual campaign without a national registry copy cannot become progressive
 * while running), so no mode is ever dialled without its preconditions.
 *
 * @param db the transaction that holds the campaign's row.
 * @throws DialerError `campaign_not_startable` (details.reasons).
 */
export async function refuseUnrunnableMode(
  ctx: Pick<AppContext, 'config'>,
  db: Kysely<Tables>,
  current: CampaignRow,
  next: Pick<CampaignRow, 'caller_id' | 'ring_timeout_s' | 'mode' | 'profile' | 'safe_harbor'>,
  now: Date,
): Promise<void> {
  const refusals = startRefusals(next, await loadStartFacts(ctx, db, current, now));
  if (refusals.length === 0) return;
  throw new DialerError('campaign_not_startable', {
    message: `The running campaign cannot switch to ${next.mode}: ${refusals.map((refusal) => refusal.message).join(' ')}`,
    details: { reasons: refusals },
  });
}

export type LifecycleAction = 'start' | 'pause' | 'stop';

const FROM: Record<LifecycleAction, readonly CampaignStatus[]> = {
  start: ['draft', 'paused', 'stopped'],
  pause: ['running'],
  stop: ['draft', 'running', 'paused'],
};
const TO: Record<LifecycleAction, CampaignStatus> = { start: 'running', pause: 'paused', stop: 'stopped' };

/**
 * Apply `action`. Asking for the status the campaign already has changes nothing.
 *
 * @throws DialerError `campaign_not_startable` (details.reasons), `conflict` for a move
 *   the lifecycle does not allow (pausing a draft), `not_found`.
 */
export async function changeStatus(ctx: AppContext, campaignId: string, action: LifecycleAction, by: string): Promise<CampaignRow> {
  const now = new Date(ctx.scheduler.now());
  const saved = await saveCampaign(ctx.db, {
    id: campaignId,
    action,
    by,
    now,
    change: async (current, trx) => {
      if (current.status === TO[action]) return null;
      if (!FROM[action].includes(current.status)) {
        throw new DialerError('conflict', { message: `A ${current.status} campaign cannot ${action}.` });
      }
      if (action === 'start') {
        const refusals = startRefusals(current, await loadStartFacts(ctx, trx, current, now));
        if (refusals.length > 0) {
          throw new DialerError('campaign_not_startable', {
            message: `The campaign cannot start: ${refusals.map((refusal) => refusal.message).join(' ')}`,
            details: { reasons: refusals },
          });
        }
      }
      return { status: TO[action] };
    },
  });
  if (action === 'stop' && saved.status === 'stopped') {
    await removeAllAgents(ctx.db, campaignId);
    await ctx.db.updateTable('leads').set({ claimed_by: null, claimed_at: null }).where('campaign_id', '=', campaignId).where('claimed_by', 'is not', null).execute();
  }
  // Progressive, power and predictive campaigns dial on their own while running.
  syncCampaignDialers(ctx, saved);
  ctx.logger.info({ campaignId, action, status: saved.status, by }, 'campaign status');
  return saved;
}
