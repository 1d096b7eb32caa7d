/**
 * Micro-benchmark of one pacing decision: µs per `decide()` for each mode, from a small
 * team to 100 agents with 400 calls in flight (the predictive path: a Poisson-binomial
 * over every call and agent, and a scan of the release window per busy agent). The
 * controller learns from a fixed history first; each decision sees a fresh observation,
 * so the estimators' lazy caches are rebuilt as they would be in a busy campaign.
 *
 * Run: `npx tsx bench/pacing-decide.ts [iterations]` (default 5 000 per row).
 *
 * @module
 */
import { createController, DEFAULT_PACING_SETTINGS, type PacingMode, type PacingObservation, type PacingSnapshot } from '../server/pacing/index.ts';
import type { AgentSnapshot, CallSnapshot } from '../server/pacing/types.ts';

const iterations = Number(process.argv[2] ?? 5000);
const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);

/** A deterministic float in [0, 1) from an index (no Math.random: runs are comparable). */
const unit = (i: number): number => (((i * 2654435761) >>> 0) % 10_000) / 10_000;

function learnedHistory(dials: number): PacingObservation[] {
  const out: PacingObservation[] = [];
  for (let i = 0; i < dials; i++) {
    const atMs = T0 + i * 500;
    if (i % 4 === 0) out.push({ type: 'call-result', atMs, launchedAtMs: atMs - 10_000 - unit(i) * 3000, answeredAtMs: atMs - 1500, result: 'human' });
    else if (i % 4 === 1) out.push({ type: 'call-result', atMs, launchedAtMs: atMs - 25_000, answeredAtMs: atMs - 3000, result: 'machine' });
    else out.push({ type: 'call-result', atMs, launchedAtMs: atMs - (i % 4 === 2 ? 30_000 : 4000), result: 'unanswered' });
    if (i % 4 === 3) {
      const talkMs = 20_000 + unit(i + 7) * 300_000;
      out.push({ type: 'agent-released', atMs, talkMs, handleMs: talkMs + 5000 + unit(i + 3) * 30_000 });
    }
  }
  return out;
}

function floor(agentCount: number, callCount: number, nowMs: number): PacingSnapshot {
  const agents: AgentSnapshot[] = Array.from({ length: agentCount }, (_, i) => {
    const phase = i % 10 === 0 ? 'free' : i % 10 < 8 ? 'busy' : i % 10 === 8 ? 'wrap' : 'paused';
    const since = nowMs - unit(i) * 240_000;
    return { id: `a${i}`, phase, phaseSinceMs: since, handleStartedMs: since - 1000 };
  });
  const calls: CallSnapshot[] = Array.from({ length: callCount }, (_, i) => {
    const launchedAtMs = nowMs - unit(i + 11) * 30_000;
    const phase = i % 20 === 0 ? 'answered' : i % 50 === 1 ? 'waiting' : 'ringing';
    return { id: `c${i}`, phase, launchedAtMs, phaseSinceMs: phase === 'ringing' ? launchedAtMs : nowMs - 500 };
  });
  return {
    nowMs,
    agents,
    calls,
    ledger: { humans24h: 5000, abandons24h: 50, humans30d: 50_000, abandons30d: 500 },
    dialsAllowedNow: Number.POSITIVE_INFINITY,
    leadsAvailable: Number.POSITIVE_INFINITY,
  };
}

const rows: Array<Record<string, string | number>> = [];
const history = learnedHistory(4000);
const historyEndMs = T0 + 4000 * 500;
for (const mode of ['progressive', 'power', 'predictive'] as PacingMode[]) {
  for (const [agents, calls] of [
    [5, 20],
    [25, 100],
    [100, 400],
  ] as const) {
    const controller = createController({ ...DEFAULT_PACING_SETTINGS, mode, maxLines: 1000 });
    for (const observation of history) controller.observe(observation);
    const snapshots = Array.from({ length: 16 }, (_, i) => floor(agents, calls, historyEndMs + i * 1000));
    // A warm-up pass first, so the JIT does not bill the first row.
    for (let i = 0; i < 500; i++) controller.decide(snapshots[i % snapshots.length]!);
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      const nowMs = historyEndMs + i;
      controller.observe({ type: 'call-result', atMs: nowMs, launchedAtMs: nowMs - 30_000, result: 'unanswered' });
      if (i % 8 === 0) controller.observe({ type: 'agent-released', atMs: nowMs, talkMs: 120_000, handleMs: 140_000 });
      controller.decide(snapshots[i % snapshots.length]!);
    }
    const elapsedMs = performance.now() - start;
    rows.push({ mode, agents, 'calls in flight': calls, 'µs per decide': Math.round((elapsedMs * 1000) / iterations) });
  }
}
console.table(rows);
