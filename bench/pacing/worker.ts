/**
 * A worker thread of `runner.ts`: receives {@link ShiftJob}s, simulates each shift and
 * answers with its metrics (or the error).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, scenarioKey, type JobReply, type ShiftJob } from './runner.ts';
import type { ShiftScenario } from './scenario.ts';

const scenarios = new Map((workerData as { scenarios: ShiftScenario[] }).scenarios.map((s) => [scenarioKey(s), s]));
const port = parentPort!;

port.on('message', (job: ShiftJob) => {
  let reply: JobReply;
  try {
    reply = { id: job.id, metrics: runJob(job, scenarios) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
