/**
 * Caps every controller applies to what it wants to launch: the campaign's line cap,
 * the carrier's dials-per-second budget and the leads that can be dialled now.
 *
 * @module
 */
import type { PacingSettings, PacingSnapshot } from './types.ts';

export interface CappedLaunch {
  launch: number;
  /** Which cap bound, if any (for the decision's reason). */
  cappedBy?: 'lines' | 'dial-rate' | 'leads';
}

/** `wanted` new calls, reduced to what the lines, the dial rate and the leads allow. */
export function capLaunch(wanted: number, snapshot: PacingSnapshot, settings: Pick<PacingSettings, 'maxLines'>): CappedLaunch {
  let launch = Math.max(0, Math.floor(wanted));
  let cappedBy: CappedLaunch['cappedBy'];
  const linesFree = Math.max(0, settings.maxLines - snapshot.calls.length);
  if (launch > linesFree) [launch, cappedBy] = [linesFree, 'lines'];
  const rate = Math.max(0, Math.floor(snapshot.dialsAllowedNow));
  if (launch > rate) [launch, cappedBy] = [rate, 'dial-rate'];
  const leads = Math.max(0, Math.floor(snapshot.leadsAvailable));
  if (launch > leads) [launch, cappedBy] = [leads, 'leads'];
  return cappedBy === undefined ? { launch } : { launch, cappedBy };
}

/** Agents by phase. */
export function countAgents(snapshot: PacingSnapshot): Record<'free' | 'busy' | 'wrap' | 'paused', number> {
  const counts = { free: 0, busy: 0, wrap: 0, paused: 0 };
  for (const agent of snapshot.agents) counts[agent.phase] += 1;
  return counts;
}
