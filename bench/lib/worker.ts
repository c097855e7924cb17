import { writeFileSync } from 'node:fs';

/**
 * The worker side of the orchestrator's protocol: a benchmark runs in its own process, writes its
 * result as JSON to the file named by BENCH_OUT (stdout belongs to the handlers' logs, which go to
 * /dev/null as Lambda's would go to CloudWatch) and reports the process's peak RSS.
 */
export interface WorkerEnvelope<T> {
  readonly result: T;
  /** process.resourceUsage().maxRSS of this worker, in KiB. */
  readonly maxRssKiB: number;
}

export function runWorker<T>(main: () => Promise<T>): void {
  const out = process.env.BENCH_OUT;
  if (!out) throw new Error('BENCH_OUT is not set: run benchmarks through `npm run bench`');
  main().then(
    (result) => {
      const envelope: WorkerEnvelope<T> = { result, maxRssKiB: process.resourceUsage().maxRSS };
      writeFileSync(out, JSON.stringify(envelope));
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** Lets the event loop breathe between phases (sockets flushed, timers run). */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks a worker's stderr line as progress: the orchestrator shows it live (processes.ts). */
export const PROGRESS_MARK = '…';

/** Reports a phase of a long benchmark as it happens, with the seconds since `startedAt`. */
export function progress(startedAt: number, message: string): void {
  process.stderr.write(`${PROGRESS_MARK} ${Math.round((Date.now() - startedAt) / 1000)} s: ${message}\n`);
}
