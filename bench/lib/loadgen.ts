import { readFileSync } from 'node:fs';
import http from 'node:http';
import { round, summarize, type Summary } from './stats';
import { runWorker } from './worker';

/**
 * A closed-loop HTTP load generator in its own process: `concurrency` keep-alive connections, each
 * sending its next request as soon as the previous answer is read, for a fixed time after a warm-up.
 * Requests (pre-signed bodies and headers) come from a JSON file, sent round-robin. Loopback only.
 */

export interface LoadRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface LoadSpec {
  readonly url: string;
  readonly requestsFile: string;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Summary;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly durationSeconds: number;
  readonly concurrency: number;
}

async function main(): Promise<LoadResult> {
  const spec = JSON.parse(process.env.BENCH_LOAD_SPEC ?? '') as LoadSpec;
  const target = new URL(spec.url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost' && target.hostname !== '[::1]') {
    throw new Error(`The load generator only targets loopback addresses, not ${target.hostname}`);
  }
  const requests = JSON.parse(readFileSync(spec.requestsFile, 'utf8')) as LoadRequest[];
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let next = 0;

  const send = (request: LoadRequest): Promise<number> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });

  const startedAt = performance.now();
  const measureFrom = startedAt + spec.warmupSeconds * 1000;
  const stopAt = measureFrom + spec.durationSeconds * 1000;
  let measuredEnd = stopAt;

  async function loop(): Promise<void> {
    for (;;) {
      const before = performance.now();
      if (before >= stopAt) return;
      const request = requests[next++ % requests.length] as LoadRequest;
      let status: number;
      try {
        status = await send(request);
      } catch {
        if (before >= measureFrom) errors += 1;
        continue;
      }
      const after = performance.now();
      if (before >= measureFrom && after <= stopAt) {
        latencies.push(after - before);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }
  }

  await Promise.all(Array.from({ length: spec.concurrency }, () => loop()));
  measuredEnd = Math.min(measuredEnd, performance.now());
  agent.destroy();
  const seconds = (measuredEnd - measureFrom) / 1000;
  const latency = summarize(latencies);
  return {
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / seconds),
    latencyMs: {
      ...latency,
      median: round(latency.median),
      p50: round(latency.p50),
      p99: round(latency.p99),
      min: round(latency.min),
      max: round(latency.max),
    },
    statuses,
    errors,
    durationSeconds: round(seconds),
    concurrency: spec.concurrency,
  };
}

runWorker(main);
