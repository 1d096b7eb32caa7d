/**
 * The simulated agents: when each logs in (uniformly over the first minutes of the
 * shift), when each takes its breaks (the shift's plan, jittered per agent), and what
 * state each is in. Drawn from the master seed's `agents` stream, so every controller
 * gets the same team on the same seed.
 *
 * @module
 */
import type { AgentSnapshot } from '../../server/pacing/index.ts';
import { createPrng } from '../../sandbox/prng.ts';
import type { ShiftScenario } from './scenario.ts';
import type { SimCall } from './calls.ts';

/**
 * - `out`: not logged in yet;
 * - `free`: ready for a call;
 * - `reserved`: a call is being bridged to them (the bridge latency);
 * - `talk`, `wrap`: with a person, then after-call work;
 * - `machine`: on a machine AMD let through;
 * - `break`: paused.
 */
export type AgentState = 'out' | 'free' | 'reserved' | 'talk' | 'wrap' | 'machine' | 'break';

export interface SimAgent {
  index: number;
  /** What the controller sees (mutated in place). */
  view: AgentSnapshot;
  state: AgentState;
  loginAtMs: number;
  breaks: Array<{ atMs: number; durationMs: number }>;
  nextBreak: number;
  /** When the agent last became free, ms. */
  freeSinceMs: number;
  /** Free time since the last person was bridged (spans machines and breaks), ms. */
  idleSoFarMs: number;
  call: SimCall | null;
  /** When the current call was bridged, ms. */
  connectedAtMs: number;
  /** Break time inside the shift, ms. */
  breakMsInShift: number;
}

export function createAgents(scenario: ShiftScenario, seed: number): SimAgent[] {
  const random = createPrng(seed, 'agents').next;
  return Array.from({ length: scenario.agents }, (_, index) => {
    const loginAtMs = random() * scenario.loginSpreadMs;
    const breaks = scenario.breaks.map((plan) => ({
      atMs: plan.atMs + (2 * random() - 1) * scenario.breakJitterMs,
      durationMs: plan.durationMs,
    }));
    return {
      index,
      view: { id: `agent-${index}`, phase: 'paused', phaseSinceMs: 0 },
      state: 'out',
      loginAtMs,
      breaks,
      nextBreak: 0,
      freeSinceMs: 0,
      idleSoFarMs: 0,
      call: null,
      connectedAtMs: 0,
      breakMsInShift: 0,
    };
  });
}

/** The free agent who has waited longest (lowest index on a tie), if any. */
export function longestIdleFree(agents: readonly SimAgent[]): SimAgent | undefined {
  let best: SimAgent | undefined;
  for (const agent of agents) {
    if (agent.state === 'free' && (best === undefined || agent.freeSinceMs < best.freeSinceMs)) best = agent;
  }
  return best;
}

/** Whether a planned break has come due for `agent` at `nowMs`. */
export function breakDue(agent: SimAgent, nowMs: number): boolean {
  const plan = agent.breaks[agent.nextBreak];
  return plan !== undefined && nowMs >= plan.atMs;
}
