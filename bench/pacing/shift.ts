/**
 * One simulated 8-hour shift (pacing.md §3.1): N agents, a lead list with pre-drawn
 * fates, a carrier, and a pacing controller that sees only observable state.
 *
 * - The controller decides on a 1 s tick and right after any event that frees an agent
 *   or resolves a call (several at the same ms share one decision). It gets a
 *   {@link PacingSnapshot} (agents, calls in flight, its own abandon ledger, the dial
 *   budget, the leads) and `observe()` calls; it never reads a fate. The snapshot's
 *   objects are live: valid during `decide()`, not to be kept.
 * - The simulator plays the dialer's fixed parts: it routes a person who is waiting to
 *   the longest-idle free agent, first come first served, after the bridge latency, and
 *   drops a person still waiting at greeting end + window − bridge. With AMD on, a
 *   machine AMD calls human is held for as long after its verdict as a person would be.
 * - Counting is from ground truth: an AMD false positive is an abandon the dialer never
 *   sees; a machine that reaches an agent costs that agent `misroutedMachineAgentMs`.
 * - Dialling stops at the shift end; calls in flight then still reach agents, but time
 *   after the end is not counted.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import type { PacingController, PacingSnapshot } from '../../server/pacing/index.ts';
import { breakDue, createAgents, longestIdleFree, type SimAgent } from './agents.ts';
import { CallList, type Disposition } from './call-list.ts';
import { InFlight, WaitingQueue, type SimCall } from './calls.ts';
import { Kernel } from './kernel.ts';
import { addIdleSample, emptyShiftMetrics, histogramQuantile, type ShiftMetrics } from './metrics.ts';
import { humanShareAt, type ShiftScenario } from './scenario.ts';

export interface ShiftOptions {
  scenario: ShiftScenario;
  seed: number;
  controller: PacingController;
  /** Hash the event log (determinism check). */
  hashEventLog?: boolean;
  /** Keep every dialled (record, attempt)'s fate (common-random-numbers check). */
  recordFates?: Map<string, string>;
}

type SimEvent =
  | { kind: 'tick' | 'decide' }
  | { kind: 'login' | 'break-due' | 'break-end' | 'talk-end' | 'agent-free'; agent: SimAgent }
  | { kind: 'answer' | 'verdict' | 'unanswered' | 'deadline'; call: SimCall }
  | { kind: 'bridged'; call: SimCall; agent: SimAgent };

const TICK_MS = 1000;
const CPS_WINDOW_MS = 1000;

export function simulateShift(options: ShiftOptions): ShiftMetrics {
  return new ShiftSimulation(options).run();
}

class ShiftSimulation {
  readonly #kernel = new Kernel<SimEvent>();
  readonly #scenario: ShiftScenario;
  readonly #controller: PacingController;
  readonly #list: CallList;
  readonly #agents: SimAgent[];
  readonly #agentViews: PacingSnapshot['agents'][number][] = [];
  readonly #inFlight = new InFlight();
  readonly #waiting = new WaitingQueue();
  readonly #log: Hash | null;
  readonly #fates: Map<string, string> | undefined;
  readonly #launchTimes: number[] = [];
  #launchHead = 0;
  #nextCallId = 0;
  #decidePending = false;
  #lineClockMs = 0;
  /** When a decision is already due because the dial budget refills, ms. */
  #cpsWakeMs = Number.NEGATIVE_INFINITY;
  readonly #m: ShiftMetrics;

  constructor(options: ShiftOptions) {
    const { scenario, seed } = options;
    this.#scenario = scenario;
    this.#controller = options.controller;
    this.#list = new CallList(scenario, seed, scenario.profile);
    this.#agents = createAgents(scenario, seed);
    this.#log = options.hashEventLog === true ? createHash('sha256') : null;
    this.#fates = options.recordFates;
    this.#m = emptyShiftMetrics(seed, scenario.agents, scenario.shiftMs, scenario.listSize);
  }

  run(): ShiftMetrics {
    const kernel = this.#kernel;
    for (const agent of this.#agents) kernel.at(agent.loginAtMs, { kind: 'login', agent });
    kernel.at(0, { kind: 'tick' });
    kernel.run((event) => this.#handle(event));
    this.#advanceLineClock();
    const m = this.#m;
    const shiftMs = this.#scenario.shiftMs;
    m.loggedInMs = this.#agents.reduce((sum, agent) => sum + Math.max(0, shiftMs - agent.loginAtMs) - agent.breakMsInShift, 0);
    m.uniqueRecords = this.#list.uniqueAttempted;
    m.idleP50Ms = histogramQuantile(m.idleHistogram, 0.5);
    m.idleP90Ms = histogramQuantile(m.idleHistogram, 0.9);
    if (this.#log !== null) m.eventLogHash = this.#log.digest('hex');
    return m;
  }

  #handle(event: SimEvent): void {
    const now = this.#kernel.nowMs;
    if (this.#log !== null) this.#log.update(`${now} ${event.kind}${'call' in event ? ` c${event.call.id}` : ''}${'agent' in event ? ` a${event.agent.index}` : ''}\n`);
    switch (event.kind) {
      case 'tick':
        this.#decide();
        if (now + TICK_MS < this.#scenario.shiftMs) this.#kernel.after(TICK_MS, { kind: 'tick' });
        return;
      case 'decide':
        this.#decidePending = false;
        this.#decide();
        return;
      case 'login':
        this.#agentViews.push(event.agent.view);
        for (const plan of event.agent.breaks) this.#kernel.at(plan.atMs, { kind: 'break-due', agent: event.agent });
        this.#becomeFree(event.agent);
        return this.#requestDecide();
      case 'break-due':
        // A busy agent takes the break when free again (#becomeFree).
        if (event.agent.state === 'free' && breakDue(event.agent, now)) {
          event.agent.idleSoFarMs += now - event.agent.freeSinceMs;
          this.#startBreak(event.agent);
          this.#requestDecide();
        }
        return;
      case 'break-end':
        this.#becomeFree(event.agent);
        return this.#requestDecide();
      case 'answer':
        return this.#answer(event.call);
      case 'verdict':
        return this.#verdict(event.call);
      case 'unanswered': {
        const { call } = event;
        this.#leaveFlight(call);
        this.#controller.observe({ type: 'call-result', atMs: now, launchedAtMs: call.launchedAtMs, result: 'unanswered' });
        const outcome = call.fate.outcome;
        this.#list.settle(call.lead, outcome === 'busy' ? 'busy' : outcome === 'invalid' ? 'invalid' : 'no-answer', now);
        return this.#requestDecide();
      }
      case 'deadline':
        if (event.call.waiting) this.#abandon(event.call);
        return;
      case 'bridged':
        return this.#bridged(event.call, event.agent);
      case 'talk-end': {
        const { agent } = event;
        agent.state = 'wrap';
        setPhase(agent, 'wrap', now);
        const wrapMs = agent.call!.fate.wrapMs;
        this.#m.wrapMs += this.#inShift(now, wrapMs);
        this.#kernel.after(wrapMs, { kind: 'agent-free', agent });
        return;
      }
      case 'agent-free':
        return this.#agentFree(event.agent);
    }
  }

  // ---- the controller

  #requestDecide(): void {
    if (this.#decidePending || this.#kernel.nowMs >= this.#scenario.shiftMs) return;
    this.#decidePending = true;
    this.#kernel.after(0, { kind: 'decide' });
  }

  #decide(): void {
    const now = this.#kernel.nowMs;
    if (now >= this.#scenario.shiftMs) return;
    const dialsAllowedNow = this.#dialsAllowed(now);
    const leadsAvailable = this.#list.available(now);
    const { dialerHumans, dialerDrops } = this.#m;
    const snapshot: PacingSnapshot = {
      nowMs: now,
      agents: this.#agentViews,
      calls: this.#inFlight.views,
      // One shift is the whole campaign here: both windows hold the day so far.
      ledger: { humans24h: dialerHumans, abandons24h: dialerDrops, humans30d: dialerHumans, abandons30d: dialerDrops },
      dialsAllowedNow,
      leadsAvailable,
    };
    const wanted = Math.max(0, Math.floor(this.#controller.decide(snapshot).launch));
    const linesFree = Math.max(0, this.#scenario.maxLines - this.#inFlight.size);
    const launch = Math.min(wanted, linesFree, dialsAllowedNow, leadsAvailable);
    for (let i = 0; i < launch; i++) this.#launch(now);
    // The dial budget ran out before the controller's wish: decide again when it refills.
    if (wanted > launch && launch === dialsAllowedNow && this.#scenario.cpsCap !== null) {
      const refillMs = this.#launchTimes[this.#launchHead]! + CPS_WINDOW_MS;
      if (refillMs > this.#cpsWakeMs) {
        this.#cpsWakeMs = refillMs;
        this.#kernel.at(refillMs, { kind: 'decide' });
      }
    }
  }

  #dialsAllowed(now: number): number {
    const cap = this.#scenario.cpsCap;
    if (cap === null) return Number.POSITIVE_INFINITY;
    while (this.#launchHead < this.#launchTimes.length && this.#launchTimes[this.#launchHead]! <= now - CPS_WINDOW_MS) this.#launchHead++;
    return Math.max(0, Math.floor(cap) - (this.#launchTimes.length - this.#launchHead));
  }

  // ---- calls

  #launch(now: number): void {
    const lead = this.#list.take(now)!;
    const fate = this.#list.fate(lead, humanShareAt(this.#scenario, now));
    const id = this.#nextCallId++;
    const call: SimCall = {
      id,
      lead,
      fate,
      view: { id: `call-${id}`, phase: 'ringing', launchedAtMs: now, phaseSinceMs: now },
      slot: -1,
      launchedAtMs: now,
      answeredAtMs: 0,
      waiting: false,
    };
    this.#advanceLineClock();
    this.#inFlight.add(call);
    const m = this.#m;
    m.dials += 1;
    m.peakLines = Math.max(m.peakLines, this.#inFlight.size);
    this.#launchTimes.push(now);
    while (this.#launchTimes[this.#launchHead]! <= now - CPS_WINDOW_MS) this.#launchHead++;
    m.peakCps = Math.max(m.peakCps, this.#launchTimes.length - this.#launchHead);
    this.#fates?.set(`${lead.record}:${lead.attempt}`, JSON.stringify(fate));
    this.#log?.update(`${now} launch c${call.id} r${lead.record}:${lead.attempt} ${fate.outcome}\n`);
    const answers = fate.outcome === 'human' || fate.outcome === 'machine';
    this.#kernel.after(fate.ringMs, { kind: answers ? 'answer' : 'unanswered', call });
  }

  #answer(call: SimCall): void {
    const now = this.#kernel.nowMs;
    call.answeredAtMs = now;
    if (call.fate.outcome === 'human') this.#m.humansAnswered += 1;
    const amd = call.fate.amd;
    if (amd === null) return this.#takeAsPerson(call);
    call.view.phase = 'answered';
    call.view.phaseSinceMs = now;
    this.#kernel.after(amd.latencyMs, { kind: 'verdict', call });
  }

  #verdict(call: SimCall): void {
    const now = this.#kernel.nowMs;
    if (call.fate.amd!.verdict === 'human') return this.#takeAsPerson(call);
    this.#leaveFlight(call);
    this.#controller.observe({ type: 'call-result', atMs: now, launchedAtMs: call.launchedAtMs, answeredAtMs: call.answeredAtMs, result: 'machine' });
    if (call.fate.outcome === 'human') this.#m.falsePositiveAbandons += 1;
    this.#list.settle(call.lead, 'machine', now);
    this.#requestDecide();
  }

  /** The dialer takes the call for a person (AMD said human, or AMD is off): route it or hold it. */
  #takeAsPerson(call: SimCall): void {
    const now = this.#kernel.nowMs;
    const { profile } = this.#scenario;
    this.#controller.observe({ type: 'call-result', atMs: now, launchedAtMs: call.launchedAtMs, answeredAtMs: call.answeredAtMs, result: 'human' });
    this.#m.dialerHumans += 1;
    const heldAfterVerdictMs = profile.abandonWindowMs - profile.amd.humanVerdictAfterGreetingMs - profile.bridgeMs;
    const deadlineMs =
      call.fate.amd !== null && call.fate.outcome === 'machine'
        ? now + heldAfterVerdictMs
        : call.answeredAtMs + call.fate.greetingMs + profile.abandonWindowMs - profile.bridgeMs;
    call.view.phase = 'waiting';
    call.view.phaseSinceMs = now;
    call.waiting = true;
    const agent = longestIdleFree(this.#agents);
    if (agent !== undefined) this.#assign(call, agent);
    else if (deadlineMs <= now) this.#abandon(call);
    else {
      this.#waiting.push(call);
      this.#kernel.at(deadlineMs, { kind: 'deadline', call });
    }
    this.#requestDecide();
  }

  #abandon(call: SimCall): void {
    const now = this.#kernel.nowMs;
    call.waiting = false;
    this.#leaveFlight(call);
    this.#controller.observe({ type: 'abandoned', atMs: now, launchedAtMs: call.launchedAtMs });
    this.#m.dialerDrops += 1;
    if (call.fate.outcome === 'human') this.#m.pacingAbandons += 1;
    this.#list.settle(call.lead, 'abandoned', now);
    this.#requestDecide();
  }

  #assign(call: SimCall, agent: SimAgent): void {
    const now = this.#kernel.nowMs;
    call.waiting = false;
    this.#leaveFlight(call);
    agent.state = 'reserved';
    agent.call = call;
    setPhase(agent, 'busy', now);
    agent.view.handleStartedMs = now + this.#scenario.profile.bridgeMs;
    this.#kernel.after(this.#scenario.profile.bridgeMs, { kind: 'bridged', call, agent });
  }

  #bridged(call: SimCall, agent: SimAgent): void {
    const now = this.#kernel.nowMs;
    const m = this.#m;
    agent.connectedAtMs = now;
    agent.idleSoFarMs += now - agent.freeSinceMs;
    this.#controller.observe({ type: 'connected', atMs: now, launchedAtMs: call.launchedAtMs });
    if (call.fate.outcome === 'human') {
      m.connects += 1;
      if (agent.connectedAtMs < this.#scenario.shiftMs) {
        m.idleCount += 1;
        m.idleSumMs += agent.idleSoFarMs;
        addIdleSample(m.idleHistogram, agent.idleSoFarMs);
      }
      agent.idleSoFarMs = 0;
      agent.state = 'talk';
      m.talkMs += this.#inShift(now, call.fate.talkMs);
      this.#kernel.after(call.fate.talkMs, { kind: 'talk-end', agent });
    } else {
      m.machinesToAgents += 1;
      agent.state = 'machine';
      const lostMs = this.#scenario.profile.misroutedMachineAgentMs;
      m.misroutedMs += this.#inShift(now, lostMs);
      this.#kernel.after(lostMs, { kind: 'agent-free', agent });
    }
  }

  #agentFree(agent: SimAgent): void {
    const now = this.#kernel.nowMs;
    const call = agent.call!;
    const person = call.fate.outcome === 'human';
    const talkMs = person ? call.fate.talkMs : this.#scenario.profile.misroutedMachineAgentMs;
    this.#controller.observe({ type: 'agent-released', atMs: now, handleMs: now - agent.connectedAtMs, talkMs });
    const disposition: Disposition = person ? 'connected' : 'machine';
    this.#list.settle(call.lead, disposition, now);
    agent.call = null;
    this.#becomeFree(agent);
    this.#requestDecide();
  }

  /** A call leaves flight (connected, dropped or ended): line accounting. */
  #leaveFlight(call: SimCall): void {
    const now = this.#kernel.nowMs;
    this.#advanceLineClock();
    this.#inFlight.remove(call);
    if (call.launchedAtMs < this.#scenario.shiftMs) {
      this.#m.inflightCalls += 1;
      this.#m.inflightMsSum += now - call.launchedAtMs;
    }
  }

  #advanceLineClock(): void {
    const until = Math.min(this.#kernel.nowMs, this.#scenario.shiftMs);
    this.#m.lineMsIntegral += this.#inFlight.size * (until - this.#lineClockMs);
    this.#lineClockMs = until;
  }

  // ---- agents

  #becomeFree(agent: SimAgent): void {
    const now = this.#kernel.nowMs;
    if (breakDue(agent, now)) return this.#startBreak(agent);
    agent.state = 'free';
    agent.freeSinceMs = now;
    setPhase(agent, 'free', now);
    delete agent.view.handleStartedMs;
    const next = this.#waiting.take();
    if (next !== undefined) this.#assign(next, agent);
  }

  #startBreak(agent: SimAgent): void {
    const now = this.#kernel.nowMs;
    const plan = agent.breaks[agent.nextBreak++]!;
    agent.state = 'break';
    setPhase(agent, 'paused', now);
    delete agent.view.handleStartedMs;
    agent.breakMsInShift += this.#inShift(now, plan.durationMs);
    this.#kernel.after(plan.durationMs, { kind: 'break-end', agent });
  }

  /** The part of [startMs, startMs + durationMs) inside the shift, ms. */
  #inShift(startMs: number, durationMs: number): number {
    return Math.max(0, Math.min(startMs + durationMs, this.#scenario.shiftMs) - startMs);
  }
}

function setPhase(agent: SimAgent, phase: SimAgent['view']['phase'], now: number): void {
  agent.view.phase = phase;
  agent.view.phaseSinceMs = now;
}
