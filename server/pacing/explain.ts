/**
 * A pacing decision in words, for the supervisor API and the bench log: the decision's
 * own sentence, then each input with a label and a unit. Inputs without a known label
 * are listed under their key, so a new input is never hidden.
 *
 * @module
 */
import type { PacingDecision } from './types.ts';

type Unit = 'count' | 'fraction' | 'seconds' | 'number';

const LABELS: Record<string, [label: string, unit: Unit]> = {
  freeAgents: ['free agents', 'count'],
  busyAgents: ['agents on a call', 'count'],
  wrapAgents: ['agents in wrap-up', 'count'],
  pausedAgents: ['agents paused', 'count'],
  inFlight: ['calls in flight', 'count'],
  ringing: ['calls ringing', 'count'],
  answered: ['calls awaiting the AMD verdict', 'count'],
  waiting: ['people waiting for an agent', 'count'],
  expectedPeople: ['people expected from calls in flight', 'number'],
  expectedReleases: ['busy agents expected free in time', 'number'],
  freshPersonChance: ['chance a new dial reaches a person', 'fraction'],
  arrivalMedianS: ['median launch → person time', 'seconds'],
  theta: ['risk allowed per launched call (θ)', 'fraction'],
  aimedRisk: ['average predicted risk aimed for per launched call', 'fraction'],
  thetaPerAim: ['θ / aimed risk (learned)', 'number'],
  governorLogGain: ['governor gain (log of aim / pacing budget)', 'number'],
  brake: ['24 h brake on θ', 'number'],
  riskLast: ['risk of the last call launched', 'fraction'],
  riskNext: ['risk of the next call not launched', 'fraction'],
  measuredAbandon24h: ['abandon rate, 24 h (with the AMD estimate)', 'fraction'],
  guardedAbandon24h: ['abandon rate, 24 h, at least 100 people counted', 'fraction'],
  measuredAbandonRecent: ['abandon rate, last 10 min', 'fraction'],
  projectedAbandon30d: ['abandon rate projected over 30 days', 'fraction'],
  people24h: ['people reached, 24 h', 'count'],
  abandonsObserved24h: ['abandons observed, 24 h', 'count'],
  fallback: ['governor fallback to progressive (1 = yes)', 'count'],
  dialResults: ['dial results learned from', 'count'],
  releaseSamples: ['agent releases learned from', 'count'],
  linesPerAgent: ['lines per free agent', 'number'],
  target: ['calls wanted in flight', 'count'],
  wanted: ['calls the model would launch', 'count'],
  progressive: ['calls progressive would launch', 'count'],
  ramp: ['share of extra lines allowed while ramping up', 'fraction'],
  launched: ['calls launched', 'count'],
};

export interface DecisionExplanation {
  mode: PacingDecision['mode'];
  launch: number;
  target: number;
  reason: string;
  /** One line per input, "label: value". */
  details: string[];
}

export function explainDecision(decision: PacingDecision): DecisionExplanation {
  const details = Object.entries(decision.inputs).map(([key, value]) => {
    const [label, unit] = LABELS[key] ?? [key, 'number'];
    return `${label}: ${formatValue(value, unit)}`;
  });
  return { mode: decision.mode, launch: decision.launch, target: decision.target, reason: decision.reason, details };
}

function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'count':
      return String(Math.round(value));
    case 'fraction':
      return `${(value * 100).toFixed(2)} %`;
    case 'seconds':
      return `${value.toFixed(1)} s`;
    case 'number':
      return value.toFixed(2);
  }
}
