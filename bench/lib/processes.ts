import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROGRESS_MARK, type WorkerEnvelope } from './worker';
import { REPO_ROOT } from './paths';

/**
 * Child processes of the benchmark: workers (one per benchmark, result in a JSON file) and
 * services (an emulator host, a receiver, a load generator) that announce themselves with one JSON
 * line on stdout. Every child is stopped by its own pid; nothing is killed by name.
 */

/** Node arguments that run a TypeScript file through tsx (for code that must load .ts at run time). */
export const TSX_ARGS = ['--import', 'tsx'];

export interface WorkerRun {
  /** Arguments after `node`: a bundle path, or TSX_ARGS + a .ts file. */
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly timeoutMs: number;
  /** Where the child's stdout goes: handlers log JSON lines there. Default: discarded. */
  readonly stdout?: 'ignore' | 'inherit';
}

export async function runWorkerProcess<T>(name: string, run: WorkerRun): Promise<WorkerEnvelope<T>> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const out = join(dir, 'result.json');
  try {
    const child = spawn(process.execPath, [...run.args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...run.env, BENCH_OUT: out, BENCH_ROOT: REPO_ROOT },
      stdio: ['ignore', run.stdout ?? 'ignore', 'pipe'],
      // Its own process group, so a timeout can stop it together with the services it started.
      detached: true,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-8_000);
      // A long benchmark's phases (worker.ts, progress) show as they happen.
      for (const line of text.split('\n')) if (line.startsWith(PROGRESS_MARK)) process.stderr.write(`  ${line}\n`);
    });
    const code = await waitForExit(child, run.timeoutMs, name);
    if (code !== 0) throw new Error(`Benchmark worker "${name}" exited with ${code}:\n${stderr.trim()}`);
    return JSON.parse(readFileSync(out, 'utf8')) as WorkerEnvelope<T>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number, name: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
      reject(new Error(`Benchmark worker "${name}" did not finish within ${Math.round(timeoutMs / 1000)} s; stopped`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export interface Service<T> {
  readonly info: T;
  readonly pid: number;
  /** Peak RSS the service reported when asked to stop (KiB), if it reports one. */
  stop(): Promise<{ maxRssKiB?: number }>;
}

/**
 * Starts a long-running helper process and waits for its first stdout line (JSON). It stops when
 * its stdin closes: it then prints one more JSON line (`{"maxRssKiB":…}`) and exits.
 */
export async function startService<T>(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Service<T>> {
  const child = spawn(process.execPath, [...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, BENCH_ROOT: REPO_ROOT },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await Promise.race([
    iterator.next(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`Service ${args.join(' ')} did not start within ${timeoutMs} ms`)), timeoutMs),
    ),
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`Service ${args.join(' ')} exited with ${code} before starting`))),
    ),
  ]);
  if (first.done) throw new Error(`Service ${args.join(' ')} printed nothing`);
  const info = JSON.parse(first.value) as T;
  let stopping: Promise<{ maxRssKiB?: number }> | undefined;
  return {
    info,
    pid: child.pid as number,
    stop: () =>
      (stopping ??= new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve({});
        }, 10_000);
        let last: { maxRssKiB?: number } = {};
        void (async () => {
          for (;;) {
            const next = await iterator.next();
            if (next.done) break;
            try {
              last = JSON.parse(next.value) as { maxRssKiB?: number };
            } catch {
              // Not ours: ignore.
            }
          }
        })();
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(last);
        });
        child.stdin?.end();
      })),
  };
}

/** The service side: announce `info`, then wait for stdin to close, run `cleanup`, report RSS, exit. */
export function serveUntilStdinCloses(info: unknown, cleanup: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void cleanup()
      .catch(() => undefined)
      .then(() => {
        process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`, () =>
          process.exit(0),
        );
      });
  });
}
