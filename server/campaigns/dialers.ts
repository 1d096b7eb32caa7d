/**
 * The loops that dial on their own while a campaign runs, behind one face for the
 * lifecycle, the campaign routes and the server: the progressive pacer (`progressive.ts`)
 * and the paced dialer for power and predictive (`paced-dialer.ts`). Each follows every
 * change of a campaign's status or mode (`sync`: it runs exactly when the campaign runs
 * in its mode), resumes at server start and closes on shutdown.
 *
 * @module
 */
import type { AppContext } from '../context.ts';
import { pacedDialerOf } from './paced-dialer.ts';
import { progressivePacerOf } from './progressive.ts';
import type { CampaignRow } from './tables.ts';

/** After a start, pause, stop or change of mode: the loop of the campaign's mode runs, the others do not. */
export function syncCampaignDialers(ctx: AppContext, campaign: Pick<CampaignRow, 'id' | 'status' | 'mode'>): void {
  progressivePacerOf(ctx).sync(campaign);
  pacedDialerOf(ctx).sync(campaign);
}

/** Server start: every running campaign dials again. */
export async function resumeCampaignDialers(ctx: AppContext): Promise<void> {
  await progressivePacerOf(ctx).resume();
  await pacedDialerOf(ctx).resume();
}

/** Shutdown: no new dials; the passes in flight finish first. */
export async function closeCampaignDialers(ctx: AppContext): Promise<void> {
  await Promise.all([progressivePacerOf(ctx).close(), pacedDialerOf(ctx).close()]);
}
