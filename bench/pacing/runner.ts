/**
 * Runs many shifts: on worker threads (`node:worker_threads`, one shift per message,
 * the next job sent as soon as a worker is free), or inline with `workers: 0`.
 *
 * Workers are TypeScript: each starts by registering tsx's loader (`tsx/esm/api`), since
 * a worker does not inherit the `--import` hooks of the `tsx` command that runs main.ts.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { buildController, type ControllerParams } from './controllers.ts';
import type { ShiftMetrics } from './metrics.ts';
import type { ShiftScenario } from './scenario.ts';
import { simulateShift } from './shift.ts';

export interface ShiftJob {
  id: number;
  /** `S25/V0`. */
  scenarioKey: string;
  params: ControllerParams;
  seed: number;
  /** Keep the idle-wait histogram (evaluation runs; tuning runs drop it). */
  keepHistogram: boolean;
}

export type JobReply = { id: number; metrics: ShiftMetrics } | { id: number; error: string };

export function scenarioKey(scenario: Pick<ShiftScenario, 'scenarioId' | 'variantId'>): string {
  return `${scenario.scenarioId}/${scenario.variantId}`;
}

export function runJob(job: ShiftJob, scenarios: ReadonlyMap<string, ShiftScenario>): ShiftMetrics {
  const scenario = scenarios.get(job.scenarioKey);
  if (scenario === undefined) throw new Error(`bench: no scenario ${job.scenarioKey}`);
  const metrics = simulateShift({ scenario, seed: job.seed, controller: buildController(job.params, scenario) });
  if (!job.keepHistogram) metrics.idleHistogram = [];
  return metrics;
}

/** Run `jobs`; `onProgress(done, total)` after each. Results by job id. */
export async function runJobs(
  jobs: readonly ShiftJob[],
  scenarios: readonly ShiftScenario[],
  workers: number,
  onProgress: (done: number, total: number) => void,
): Promise<Map<number, ShiftMetrics>> {
  const results = new Map<number, ShiftMetrics>();
  if (workers <= 0) {
    const byKey = new Map(scenarios.map((s) => [scenarioKey(s), s]));
    for (const job of jobs) {
      results.set(job.id, runJob(job, byKey));
      onProgress(results.size, jobs.length);
    }
    return results;
  }
  const queue = [...jobs];
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => startWorker(scenarios));
  try {
    await Promise.all(
      pool.map(async (worker) => {
        for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
          const reply = await send(worker, job);
          if ('error' in reply) throw new Error(`bench: shift ${job.scenarioKey} ${JSON.stringify(job.params)} seed ${job.seed} failed: ${reply.error}`);
          results.set(job.id, reply.metrics);
          onProgress(results.size, jobs.length);
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return results;
}

function startWorker(scenarios: readonly ShiftScenario[]): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: { scenarios } });
}

function send(worker: Worker, job: ShiftJob): Promise<{ id: number; metrics: ShiftMetrics } | { id: number; error: string }> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: JobReply) => {
      if (reply.id !== job.id) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(reply);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(job);
  });
}
