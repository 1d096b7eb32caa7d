/**
 * What one simulated shift measured, from ground truth (pacing.md §3.2), and how shifts
 * pool into a campaign "month". Time bases are logged-in agent time (login → shift end,
 * minus breaks) and the shift; work after the shift ends is not counted.
 *
 * @module
 */

/** Idle-wait histogram: 250 ms bins up to 15 min, then one overflow bin. */
export const IDLE_BIN_MS = 250;
export const IDLE_BINS = (15 * 60_000) / IDLE_BIN_MS + 1;

export interface ShiftMetrics {
  seed: number;
  agents: number;
  shiftMs: number;
  /** Σ over agents of login → shift end, minus breaks, ms. */
  loggedInMs: number;
  /** Agent time in conversation with people, ms. */
  talkMs: number;
  wrapMs: number;
  /** Agent time on machines that reached them, ms. */
  misroutedMs: number;
  dials: number;
  /** People who answered (the abandon rate's denominator). */
  humansAnswered: number;
  /** People bridged to an agent in time. */
  connects: number;
  /** People not bridged within the window after their greeting (the pacing part). */
  pacingAbandons: number;
  /** People AMD judged machines and hung up on. */
  falsePositiveAbandons: number;
  machinesToAgents: number;
  /** The dialer's own ledger: answers it took for people, and its drops. */
  dialerHumans: number;
  dialerDrops: number;
  uniqueRecords: number;
  listSize: number;
  /** Most calls in flight (placed, not yet connected nor ended) at once. */
  peakLines: number;
  /** Most dials placed within any 1 s. */
  peakCps: number;
  /** ∫ calls in flight dt over the shift, call·ms. */
  lineMsIntegral: number;
  /** Calls launched during the shift and their total time in flight, ms. */
  inflightCalls: number;
  inflightMsSum: number;
  /** Idle waits (ready → next person bridged), ms. */
  idleCount: number;
  idleSumMs: number;
  idleP50Ms: number;
  idleP90Ms: number;
  idleHistogram: number[];
  /** sha256 of the event log, when asked for. */
  eventLogHash?: string;
}

/** Pooled figures over a set of shifts (one controller setting, one scenario). */
export interface PooledMetrics {
  shifts: number;
  handleOccupancy: number;
  talkOccupancy: number;
  talkMinPerAgentHour: number;
  /** Regulatory abandon rate, pooled over the shifts, fraction. */
  abandonRate: number;
  /** Highest single-shift (single-day) abandon rate, fraction. */
  worstDayAbandonRate: number;
  /** Pacing-only part (people not bridged in time, AMD false positives left out), fraction. */
  pacingAbandonRate: number;
  connectsPerAgentHour: number;
  dialsPerAgentHour: number;
  idleMeanS: number;
  idleP50S: number;
  idleP90S: number;
  listPenetration: number;
  peakLines: number;
  peakCps: number;
  /** Pooled ≤ 3 % and every day ≤ 3 %. */
  compliant: boolean;
}

export const ABANDON_LIMIT = 0.03;

export function shiftAbandonRate(shift: Pick<ShiftMetrics, 'pacingAbandons' | 'falsePositiveAbandons' | 'humansAnswered'>): number {
  return shift.humansAnswered === 0 ? 0 : (shift.pacingAbandons + shift.falsePositiveAbandons) / shift.humansAnswered;
}

export function shiftHandleOccupancy(shift: Pick<ShiftMetrics, 'talkMs' | 'wrapMs' | 'misroutedMs' | 'loggedInMs'>): number {
  return shift.loggedInMs === 0 ? 0 : (shift.talkMs + shift.wrapMs + shift.misroutedMs) / shift.loggedInMs;
}

/** Ratio-of-sums pooling; quantiles from the merged histograms (when the shifts carry them). */
export function pool(shifts: readonly ShiftMetrics[]): PooledMetrics {
  const sum = (pick: (shift: ShiftMetrics) => number) => shifts.reduce((total, shift) => total + pick(shift), 0);
  const loggedIn = sum((s) => s.loggedInMs);
  const agentHours = loggedIn / 3_600_000;
  const humans = sum((s) => s.humansAnswered);
  const handle = sum((s) => s.talkMs + s.wrapMs + s.misroutedMs);
  const abandonRate = humans === 0 ? 0 : sum((s) => s.pacingAbandons + s.falsePositiveAbandons) / humans;
  const worstDayAbandonRate = Math.max(0, ...shifts.map(shiftAbandonRate));
  const histogram = mergeHistograms(shifts.map((s) => s.idleHistogram));
  const idleCount = sum((s) => s.idleCount);
  return {
    shifts: shifts.length,
    handleOccupancy: handle / loggedIn,
    talkOccupancy: sum((s) => s.talkMs) / loggedIn,
    talkMinPerAgentHour: (60 * sum((s) => s.talkMs)) / loggedIn,
    abandonRate,
    worstDayAbandonRate,
    pacingAbandonRate: humans === 0 ? 0 : sum((s) => s.pacingAbandons) / humans,
    connectsPerAgentHour: sum((s) => s.connects) / agentHours,
    dialsPerAgentHour: sum((s) => s.dials) / agentHours,
    idleMeanS: idleCount === 0 ? 0 : sum((s) => s.idleSumMs) / idleCount / 1000,
    idleP50S: histogram === null ? mean(shifts.map((s) => s.idleP50Ms)) / 1000 : histogramQuantile(histogram, 0.5) / 1000,
    idleP90S: histogram === null ? mean(shifts.map((s) => s.idleP90Ms)) / 1000 : histogramQuantile(histogram, 0.9) / 1000,
    listPenetration: sum((s) => s.uniqueRecords) / sum((s) => s.listSize),
    peakLines: Math.max(0, ...shifts.map((s) => s.peakLines)),
    peakCps: Math.max(0, ...shifts.map((s) => s.peakCps)),
    compliant: abandonRate <= ABANDON_LIMIT && worstDayAbandonRate <= ABANDON_LIMIT,
  };
}

/** All counters at zero. */
export function emptyShiftMetrics(seed: number, agents: number, shiftMs: number, listSize: number): ShiftMetrics {
  return {
    seed,
    agents,
    shiftMs,
    loggedInMs: 0,
    talkMs: 0,
    wrapMs: 0,
    misroutedMs: 0,
    dials: 0,
    humansAnswered: 0,
    connects: 0,
    pacingAbandons: 0,
    falsePositiveAbandons: 0,
    machinesToAgents: 0,
    dialerHumans: 0,
    dialerDrops: 0,
    uniqueRecords: 0,
    listSize,
    peakLines: 0,
    peakCps: 0,
    lineMsIntegral: 0,
    inflightCalls: 0,
    inflightMsSum: 0,
    idleCount: 0,
    idleSumMs: 0,
    idleP50Ms: 0,
    idleP90Ms: 0,
    idleHistogram: newIdleHistogram(),
  };
}

export function newIdleHistogram(): number[] {
  return new Array<number>(IDLE_BINS).fill(0);
}

export function addIdleSample(histogram: number[], waitMs: number): void {
  const bin = Math.min(IDLE_BINS - 1, Math.floor(waitMs / IDLE_BIN_MS));
  histogram[bin]! += 1;
}

/** The `q` quantile, ms, interpolated inside its bin (the overflow bin reports its lower edge). */
export function histogramQuantile(histogram: readonly number[], q: number): number {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  const rank = q * total;
  let below = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    const count = histogram[bin]!;
    if (below + count >= rank && count > 0) {
      const within = bin === histogram.length - 1 ? 0 : (rank - below) / count;
      return (bin + within) * IDLE_BIN_MS;
    }
    below += count;
  }
  return (histogram.length - 1) * IDLE_BIN_MS;
}

function mergeHistograms(histograms: ReadonlyArray<readonly number[]>): number[] | null {
  if (histograms.length === 0 || histograms.some((h) => h.length !== IDLE_BINS)) return null;
  const merged = newIdleHistogram();
  for (const histogram of histograms) for (let bin = 0; bin < IDLE_BINS; bin++) merged[bin]! += histogram[bin]!;
  return merged;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
