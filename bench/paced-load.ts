/**
 * The steady-rate load of `bench/server.ts`: open loop, one request every 1000/rate ms,
 * evenly spaced, over keep-alive connections, in its own process. Reads the same JSON
 * job as `load-generator.ts` and prints the same result shape.
 *
 * Why not autocannon's `overallRate`: it lets each connection send its whole per-second
 * quota back to back at the start of every second (a burst of `rate` requests, then
 * nothing), and records latencies "corrected" for an expected interval of 1 ms, which
 * adds a synthetic sample for every millisecond of each response. Both inflate p50/p99
 * far beyond what a server sees at that rate.
 *
 * Latency is counted from when a request was due, not when it went out, so a stall of
 * the server (or of this process) is not hidden.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Job {
  url: string;
  connections: number;
  durationS: number;
  ratePerS: number;
  requests: Array<{ method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }>;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
const intervalMs = 1000 / job.ratePerS;
const total = Math.round(job.ratePerS * job.durationS);
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;

const started = performance.now() + 20;
await new Promise<void>((resolve) => {
  let sent = 0;
  let done = 0;
  const finished = () => {
    if (++done === total) resolve();
  };
  const fire = (dueAt: number, prepared: Job['requests'][number]) => {
    const body = prepared.body ?? '';
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: prepared.method,
        path: prepared.path,
        headers: { ...prepared.headers, 'content-length': Buffer.byteLength(body) },
        agent,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(performance.now() - dueAt);
          if (response.statusCode! < 200 || response.statusCode! > 299) non2xx++;
          finished();
        });
      },
    );
    request.on('error', () => {
      errors++;
      finished();
    });
    request.end(body);
  };
  const tick = () => {
    // Send everything that is due (catching up if a timer fired late), then sleep.
    while (sent < total && started + sent * intervalMs <= performance.now()) {
      fire(started + sent * intervalMs, job.requests[sent % job.requests.length]!);
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
  };
  setTimeout(tick, 20);
});
const elapsedS = (performance.now() - started) / 1000;
agent.destroy();

latencies.sort((a, b) => a - b);
const percentile = (p: number) => Math.round(10 * (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0)) / 10;
process.stdout.write(
  JSON.stringify({ requestsPerS: latencies.length / elapsedS, p50Ms: percentile(50), p99Ms: percentile(99), total: latencies.length, non2xx, errors }),
);
