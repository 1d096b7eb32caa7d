/**
 * The load side of `bench/server.ts`, run as its own process so that the server under
 * test keeps one core to itself. Reads a JSON job from the file named on the command line, prints autocannon's
 * result as JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface Job {
  url: string;
  connections: number;
  durationS: number;
  /** Requests per second across all connections; absent = as fast as the server answers. */
  ratePerS?: number;
  requests: Array<{ method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }>;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
let next = 0;
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationS,
  ...(job.ratePerS ? { overallRate: job.ratePerS } : {}),
  requests: [
    {
      // Cycle through the prepared requests so each connection sends different ones.
      setupRequest: (request) => {
        const prepared = job.requests[next++ % job.requests.length]!;
        return { ...request, method: prepared.method, path: prepared.path, headers: prepared.headers, body: prepared.body };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requestsPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
