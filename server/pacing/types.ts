/**
 * What a pacing controller sees and what it answers. Shared by the server's paced
 * campaigns (`server/campaigns/paced-dialer.ts`) and the pacing benchmark
 * (`bench/pacing/`), which drive the SAME controller code.
 *
 * A controller sees only observable state (pacing.md §3.1): agents and their phase,
 * calls in flight and their age, and what it was told about finished calls. It never
 * sees a call's fate. It is pure apart from what it has learned through `observe()`:
 * no timers, no I/O, time comes from `snapshot.nowMs` (ms since any fixed epoch; the
 * server passes wall-clock ms, the benchmark virtual ms).
 *
 * @module
 */

export const PACING_MODES = ['progressive', 'power', 'predictive'] as const;
export type PacingMode = (typeof PACING_MODES)[number];

/**
 * An agent of the campaign who is logged in.
 * - `free`: ready for the next call (Available and registered, not offered a call);
 * - `busy`: on a call (talking, or connected to a machine AMD let through);
 * - `wrap`: after-call work; free again at the end of wrap-up;
 * - `paused`: logged in but not taking calls (Unavailable, on a break).
 */
export type AgentPhase = 'free' | 'busy' | 'wrap' | 'paused';

export interface AgentSnapshot {
  id: string;
  phase: AgentPhase;
  /** When the agent entered `phase`, ms. */
  phaseSinceMs: number;
  /** For `busy` and `wrap`: when the current call was connected to the agent, ms. */
  handleStartedMs?: number;
}

/**
 * A call the dialer placed that is not yet connected to an agent nor ended.
 * - `ringing`: placed, not answered yet (includes the carrier setting it up);
 * - `answered`: answered, the AMD verdict not in yet;
 * - `waiting`: a person (AMD verdict human, or AMD off) waiting for a free agent.
 */
export type CallPhase = 'ringing' | 'answered' | 'waiting';

export interface CallSnapshot {
  id: string;
  phase: CallPhase;
  /** When the dial was launched, ms. */
  launchedAtMs: number;
  /** When the call entered `phase`, ms. */
  phaseSinceMs: number;
}

/**
 * Live answers and abandons as the dialer measured them (its own records: a live
 * person it could not connect in time). AMD false positives are invisible to the
 * dialer; the controller adds its configured estimate of them.
 */
export interface AbandonLedger {
  /** Rolling 24 h (UK rule; also the governor's short window). */
  humans24h: number;
  abandons24h: number;
  /** Rolling 30 days, or the campaign so far if shorter (US rule). */
  humans30d: number;
  abandons30d: number;
}

export interface PacingSnapshot {
  nowMs: number;
  agents: readonly AgentSnapshot[];
  calls: readonly CallSnapshot[];
  ledger: AbandonLedger;
  /**
   * Dials the carrier's rate limit allows right now (the dials-per-second limiter's
   * remaining budget). `Infinity` when there is no limit.
   */
  dialsAllowedNow: number;
  /** Leads that could be dialled now (the gate already applied); `Infinity` if not counted. */
  leadsAvailable: number;
}

/**
 * What the controller learns from. Each `atMs` is when the dialer observed it.
 * - `call-result`: a dial's outcome became known: `human` (AMD said human, or AMD off
 *   and answered: the call needs an agent now), `machine` (AMD said machine), or
 *   `unanswered` (no answer, busy, failed). `answeredAtMs` for answered calls.
 * - `connected`: a waiting person was connected to an agent.
 * - `abandoned`: a person was not connected in time (the dialer played the message).
 * - `agent-released`: an agent finished a call (talk + wrap-up) and is free again;
 *   `handleMs` = connect → free, `talkMs` = connect → hang-up.
 */
export type PacingObservation =
  | { type: 'call-result'; atMs: number; launchedAtMs: number; answeredAtMs?: number; result: 'human' | 'machine' | 'unanswered' }
  | { type: 'connected'; atMs: number; launchedAtMs: number }
  | { type: 'abandoned'; atMs: number; launchedAtMs: number }
  | { type: 'agent-released'; atMs: number; handleMs: number; talkMs: number };

export interface PacingSettings {
  mode: PacingMode;
  /** Power mode: lines kept ringing per free agent (1–5). */
  linesPerAgent: number;
  /** The governor's aim for the abandon rate (fraction of live answers), e.g. 0.02. */
  abandonTarget: number;
  /** Never to be passed (3 % in the US and UK rules), fraction. */
  abandonCeiling: number;
  /** Reasoned estimate of AMD false positives (people hung up on as machines), fraction of live answers; counted as abandons. */
  amdFalsePositiveEstimate: number;
  /** Most calls in flight at once for this campaign (carrier channels), ≥ 1. */
  maxLines: number;
}

/** Why a controller launched what it launched: shown to supervisors and in the bench log. */
export interface PacingDecision {
  /** Calls to place now (≥ 0, already capped by lines, the rate limit and leads). */
  launch: number;
  /** Calls in flight the controller aims for after this decision. */
  target: number;
  /** The effective mode (predictive falls back to `progressive` when the governor says so). */
  mode: PacingMode;
  /** One sentence a supervisor can read. */
  reason: string;
  /** The numbers behind the decision (free agents, expected answers, risk, …). */
  inputs: Readonly<Record<string, number>>;
}

export interface PacingController {
  readonly mode: PacingMode;
  observe(observation: PacingObservation): void;
  decide(snapshot: PacingSnapshot): PacingDecision;
}
