/**
 * Baseline: VICIdial's ADAPT_HARD_LIMIT, re-implemented from pacing.md §1.1
 * (`AST_VDadapt.pl` v2.14 `calculate_dial_level`, `AST_VDauto_dial.pl`):
 *
 * - every 1 s a sample of ready (free) agents, waiting calls (answered, no agent yet)
 *   and logged-in agents; the last 15 are kept;
 * - every 60 s the drop statistics: today's calls placed, answers (calls the dialer took
 *   for people) and drops, and the last minute's calls and drops;
 * - every 15 s the level: `mul = (mean ready − mean waiting + dl_diff) / mean agents`,
 *   skewed by the intensity (I / 100: × (1 + I) when rising, × |I − 1| when falling),
 *   `level × (1 + mul)` rounded to 3 decimals and clamped to [1, max]; then more than 20
 *   calls in the last minute with over 50 % of them dropped halves it, and over 50 calls
 *   today with drops/answers above the limit sets it to 1.0 (HARD_LIMIT); never below 1;
 * - every 2.5 s the dial loop of {@link ratioDialLoop} at the current level.
 *
 * The drop count is the dialer's own (people it could not connect in time); like
 * VICIdial's DROP status it does not include AMD false positives. The level starts at
 * 1.0: the schema's `auto_dial_level` default is 0 (manual), which ADAPT raises to 1.
 * VICIdial stores `adaptive_dl_diff_target` as a whole number; fractions are allowed
 * here so a 5-agent team gets a real grid.
 *
 * @module
 */
import { countAgents } from '../../../server/pacing/limits.ts';
import type { PacingController, PacingDecision, PacingObservation, PacingSettings, PacingSnapshot } from '../../../server/pacing/index.ts';
import { nextBoundary, ratioDialLoop } from './fixed-ratio.ts';

export interface VicidialAdaptSettings extends Pick<PacingSettings, 'maxLines'> {
  /** `adaptive_dl_diff_target`: −1 aims for about one agent waiting, +1 for one call waiting. */
  dlDiffTarget: number;
  /** `adaptive_maximum_level` (default 3.0). */
  maximumLevel: number;
  /** `adaptive_intensity`, percent (default 0). */
  intensity: number;
  /** `adaptive_dropped_percentage`, percent of answers (default 3). */
  droppedPercentage: number;
}

export const VICIDIAL_DEFAULTS = { dlDiffTarget: 0, maximumLevel: 3, intensity: 0, droppedPercentage: 3 } as const;

/** Loop periods of the two scripts, ms, and the sample window. */
export const VICIDIAL_TIMING = { dialMs: 2500, sampleMs: 1000, levelMs: 15_000, dropStatsMs: 60_000, samples: 15 } as const;

interface Sample {
  ready: number;
  waiting: number;
  agents: number;
}

interface DropStats {
  callsToday: number;
  answersToday: number;
  dropsToday: number;
  callsLastMinute: number;
  dropsLastMinute: number;
}

export class VicidialAdaptController implements PacingController {
  /** Adaptive over-dialling is the predictive family in the controller interface's terms. */
  readonly mode = 'predictive' as const;
  #level = 1;
  #samples: Sample[] = [];
  #launchTimes: number[] = [];
  #dropTimes: number[] = [];
  #answers = 0;
  #stats: DropStats = { callsToday: 0, answersToday: 0, dropsToday: 0, callsLastMinute: 0, dropsLastMinute: 0 };
  #nextSampleMs = Number.NEGATIVE_INFINITY;
  #nextDropStatsMs = Number.NEGATIVE_INFINITY;
  #nextLevelMs = Number.NEGATIVE_INFINITY;
  #nextDialMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: VicidialAdaptSettings) {}

  /** The current `auto_dial_level`. */
  get level(): number {
    return this.#level;
  }

  observe(observation: PacingObservation): void {
    if (observation.type === 'abandoned') this.#dropTimes.push(observation.atMs);
    if (observation.type === 'call-result' && observation.result === 'human') this.#answers += 1;
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    const now = snapshot.nowMs;
    if (!Number.isFinite(this.#nextLevelMs)) this.#nextLevelMs = now + VICIDIAL_TIMING.levelMs;
    if (now >= this.#nextSampleMs) {
      this.#sample(snapshot);
      this.#nextSampleMs = nextBoundary(this.#nextSampleMs, now, VICIDIAL_TIMING.sampleMs);
    }
    if (now >= this.#nextDropStatsMs) {
      this.#stats = this.#dropStats(now);
      this.#nextDropStatsMs = nextBoundary(this.#nextDropStatsMs, now, VICIDIAL_TIMING.dropStatsMs);
    }
    if (now >= this.#nextLevelMs) {
      this.#level = this.#nextLevel();
      this.#nextLevelMs = nextBoundary(this.#nextLevelMs, now, VICIDIAL_TIMING.levelMs);
    }
    const due = now >= this.#nextDialMs;
    if (due) this.#nextDialMs = nextBoundary(this.#nextDialMs, now, VICIDIAL_TIMING.dialMs);
    const decision = ratioDialLoop(snapshot, this.#level, this.settings, due, 'ADAPT_HARD_LIMIT');
    for (let i = 0; i < decision.launch; i++) this.#launchTimes.push(now);
    decision.mode = 'predictive';
    return decision;
  }

  #sample(snapshot: PacingSnapshot): void {
    const { free } = countAgents(snapshot);
    let waiting = 0;
    for (const call of snapshot.calls) if (call.phase === 'waiting') waiting += 1;
    this.#samples.push({ ready: free, waiting, agents: snapshot.agents.length });
    if (this.#samples.length > VICIDIAL_TIMING.samples) this.#samples.shift();
  }

  #dropStats(now: number): DropStats {
    const minuteAgo = now - 60_000;
    return {
      callsToday: this.#launchTimes.length,
      answersToday: this.#answers,
      dropsToday: this.#dropTimes.length,
      callsLastMinute: countSince(this.#launchTimes, minuteAgo),
      dropsLastMinute: countSince(this.#dropTimes, minuteAgo),
    };
  }

  #nextLevel(): number {
    const { dlDiffTarget, maximumLevel, intensity, droppedPercentage } = this.settings;
    const count = this.#samples.length;
    const meanOf = (pick: (sample: Sample) => number) => (count === 0 ? 0 : this.#samples.reduce((sum, s) => sum + pick(s), 0) / count);
    const differential = meanOf((s) => s.ready) - meanOf((s) => s.waiting) + dlDiffTarget;
    const agents = meanOf((s) => s.agents);
    const mul = differential !== 0 && agents !== 0 ? differential / agents : 0;
    const intensityMul = intensity / 100;
    const skewed = mul < 0 ? mul * Math.abs(intensityMul - 1) : mul * (intensityMul + 1);
    let level = round3(this.#level * (1 + skewed));
    level = Math.min(maximumLevel, Math.max(1, level));
    const stats = this.#stats;
    if (stats.callsLastMinute > 20 && (100 * stats.dropsLastMinute) / stats.callsLastMinute > 50) level /= 2;
    const dropsPct = stats.answersToday === 0 ? 0 : (100 * stats.dropsToday) / stats.answersToday;
    if (stats.callsToday > 50 && dropsPct > droppedPercentage) level = 1;
    return Math.max(1, level);
  }
}

/** How many of the ascending `times` are after `sinceMs`. */
function countSince(times: readonly number[], sinceMs: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (times[mid]! <= sinceMs) low = mid + 1;
    else high = mid;
  }
  return times.length - low;
}

/** Perl's sprintf("%.3f"). */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
