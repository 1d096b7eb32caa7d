/**
 * The progressive closed form of pacing.md §4.1, computed from a carrier profile:
 * an agent's dials repeat until a person is routed to them, so by Wald's identity the
 * idle time per connect is E[d]/q and handle occupancy = H / (H + E[d]/q), where
 * - E[d]: mean time a dial holds the line until its outcome is known (ring, plus the
 *   AMD decision when AMD is on), ms;
 * - q: chance a dial yields a person routed to an agent (human share × answers before
 *   the timeout × (1 − AMD false positives));
 * - H: mean talk + wrap, ms.
 * {@link ProgressiveClosedForm.exactHandleOccupancy} also charges what the textbook form
 * leaves out: the bridge latency and the agent time lost on machines AMD let through.
 *
 * Expectations are numeric (midpoint rule over the quantile function), so any profile
 * in the schema works.
 *
 * @module
 */
import { outcomeShares, type CarrierProfile, type Distribution } from '../../sandbox/carrier-profile.ts';

export interface ProgressiveClosedForm {
  meanDialMs: number;
  /** Chance a dial gives the agent a person. */
  q: number;
  meanHandleMs: number;
  meanTalkMs: number;
  /** H / (H + E[d]/q): the textbook form of §4.1. */
  handleOccupancy: number;
  talkOccupancy: number;
  /** Including bridge latency and machines that reach agents. */
  exactHandleOccupancy: number;
}

const STEPS = 20_000;

export function progressiveClosedForm(profile: CarrierProfile, humanShareMultiplier = 1): ProgressiveClosedForm {
  const shares = outcomeShares(profile.outcomeMix, humanShareMultiplier);
  const { timeoutMs, amd } = profile;
  const human = truncated(profile.humanRing, timeoutMs);
  const machine = truncated(profile.machinePickup, timeoutMs);
  const greetingMs = mean(profile.greeting);
  const humanDecisionMs = amd.enabled ? greetingMs + amd.humanVerdictAfterGreetingMs : 0;
  const machineDecisionMs = amd.enabled ? mean(amd.machineVerdict) : 0;

  const meanDialMs =
    shares.human * (human.meanBelowMs + human.pBelow * humanDecisionMs + (1 - human.pBelow) * timeoutMs) +
    shares.machine * (machine.meanBelowMs + machine.pBelow * machineDecisionMs + (1 - machine.pBelow) * timeoutMs) +
    shares.noAnswer * timeoutMs +
    shares.busy * Math.min(timeoutMs, mean(profile.busyDetect)) +
    shares.invalid * Math.min(timeoutMs, mean(profile.invalidDetect));

  const q = shares.human * human.pBelow * (amd.enabled ? 1 - amd.falsePositive : 1);
  const machinesToAgent = shares.machine * machine.pBelow * (amd.enabled ? amd.falseNegative : 1);
  const meanTalkMs = mean(profile.talk);
  const meanHandleMs = meanTalkMs + mean(profile.wrap);
  const lostMs = profile.misroutedMachineAgentMs;
  const perDialBusyMs = q * meanHandleMs + machinesToAgent * lostMs;
  return {
    meanDialMs,
    q,
    meanHandleMs,
    meanTalkMs,
    handleOccupancy: meanHandleMs / (meanHandleMs + meanDialMs / q),
    talkOccupancy: meanTalkMs / (meanHandleMs + meanDialMs / q),
    exactHandleOccupancy: perDialBusyMs / (meanDialMs + (q + machinesToAgent) * profile.bridgeMs + perDialBusyMs),
  };
}

/** Mean of `dist`, ms. */
export function mean(dist: Distribution): number {
  return truncated(dist, Number.POSITIVE_INFINITY).meanBelowMs;
}

/** P(X < limit) and E[X; X < limit] (the partial mean, not the conditional one). */
function truncated(dist: Distribution, limitMs: number): { pBelow: number; meanBelowMs: number } {
  if (dist.kind === 'mixture') {
    const total = dist.parts.reduce((sum, part) => sum + part.p, 0);
    return dist.parts.reduce(
      (acc, part) => {
        const t = truncated(part.dist, limitMs);
        return { pBelow: acc.pBelow + (part.p / total) * t.pBelow, meanBelowMs: acc.meanBelowMs + (part.p / total) * t.meanBelowMs };
      },
      { pBelow: 0, meanBelowMs: 0 },
    );
  }
  let pBelow = 0;
  let meanBelowMs = 0;
  for (let step = 0; step < STEPS; step++) {
    const value = quantile(dist, (step + 0.5) / STEPS);
    if (value < limitMs) {
      pBelow += 1 / STEPS;
      meanBelowMs += value / STEPS;
    }
  }
  return { pBelow, meanBelowMs };
}

function quantile(dist: Exclude<Distribution, { kind: 'mixture' }>, u: number): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.ms;
    case 'uniform':
      return dist.minMs + (dist.maxMs - dist.minMs) * u;
    case 'lognormal':
      return dist.medianMs * Math.exp(dist.sigma * normalQuantile(u));
    case 'normal':
      return Math.min(dist.maxMs, Math.max(dist.minMs, dist.meanMs + dist.sdMs * normalQuantile(u)));
  }
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e−9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (coef: number[], x: number) => coef.reduce((acc, k) => acc * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
