import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { runColdStart, type ColdStartResult } from './cold-start';
import type { ConsumersResult } from './consumers';
import type { ConsoleResult } from './console';
import type { DeliveryResult } from './delivery';
import type { FairnessResult } from './fairness';
import type { FanoutResult } from './fanout';
import type { IngestCpuResult } from './ingest-cpu';
import type { IngestE2eResult } from './ingest-e2e';
import type { IngestProvidersResult } from './ingest-providers';
import type { InboundLogResult } from './inbound-log';
import { bundleWorkers, readCdkBundlingFacts } from './lib/bundling';
import { REPO_ROOT } from './lib/paths';
import { runWorkerProcess, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { buildTable, renderMarkdown, renderTargets, type AllResults, type BenchOutcome } from './report';

/**
 * `npm run bench`: every benchmark in its own process, one after another (they would otherwise
 * compete for this machine's cores), then one table on stdout and bench/results.json.
 * BENCH_ONLY=ingest-cpu,cold-start,… runs a subset; BENCH_QUICK=1 a fast smoke run; see
 * lib/settings.ts for the other knobs. Not part of `npm test`.
 */

const BENCHMARKS = [
  'ingest-cpu',
  'ingest-providers',
  'ingest-e2e',
  'cold-start',
  'consumers',
  'fanout',
  'delivery',
  'console',
  'fairness',
  'inbound-log',
] as const;
type BenchName = (typeof BENCHMARKS)[number];

const only = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const selected = BENCHMARKS.filter((name) => !only || only.includes(name));

const WORKER_ENV = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_DEV: '',
};

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return null;
  }
}

async function timed<T>(
  name: string,
  work: () => Promise<{ result: T; maxRssKiB?: number }>,
): Promise<BenchOutcome<T>> {
  log(`▶ ${name} …`);
  const started = performance.now();
  try {
    const { result, maxRssKiB } = await work();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(`  ${name} done in ${seconds} s`);
    return { result, ...(maxRssKiB !== undefined && { maxRssKiB }), seconds };
  } catch (error) {
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const message = error instanceof Error ? error.message : String(error);
    log(`  ${name} FAILED after ${seconds} s: ${message}`);
    return { error: message, seconds };
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const workdir = mkdtempSync(join(tmpdir(), 'betterdata-bench-'));
  const cpu = cpus()[0]?.model.trim() ?? 'unknown';
  log(
    `Better Data Webhooks benchmarks — ${startedAt.toISOString()} — Node ${process.version} — ${cpu} × ` +
      `${cpus().length}${SETTINGS.quick ? ' — QUICK' : ''}`,
  );
  try {
    const facts = readCdkBundlingFacts();
    const bundles = await bundleWorkers(
      {
        'ingest-cpu': join(REPO_ROOT, 'bench', 'ingest-cpu.ts'),
        'ingest-providers': join(REPO_ROOT, 'bench', 'ingest-providers.ts'),
        consumers: join(REPO_ROOT, 'bench', 'consumers.ts'),
        fanout: join(REPO_ROOT, 'bench', 'fanout.ts'),
        delivery: join(REPO_ROOT, 'bench', 'delivery.ts'),
        loadgen: join(REPO_ROOT, 'bench', 'lib', 'loadgen.ts'),
        receiver: join(REPO_ROOT, 'bench', 'lib', 'receiver.ts'),
        'inbound-log': join(REPO_ROOT, 'bench', 'inbound-log.ts'),
      },
      join(workdir, 'workers'),
      facts,
    );
    /** A bundle's path, or the reason it could not be built (that benchmark then fails alone). */
    const bundle = (name: string): string => {
      const built = bundles[name];
      if (typeof built === 'string') return built;
      throw new Error(`Could not bundle ${name}: ${built?.message.split('\n')[0] ?? 'unknown worker'}`);
    };
    const worker = <T>(
      name: BenchName,
      timeoutSeconds: number,
      args: () => string[],
      env: () => Record<string, string> = () => ({}),
    ) =>
      timed(name, () =>
        runWorkerProcess<T>(name, { args: args(), env: { ...WORKER_ENV, ...env() }, timeoutMs: timeoutSeconds * 1000 }),
      );

    const results: Record<string, BenchOutcome<unknown>> = {};
    for (const name of selected) {
      switch (name) {
        case 'ingest-cpu':
          results.ingestCpu = await worker<IngestCpuResult>(name, 240, () => [bundle('ingest-cpu')]);
          break;
        case 'ingest-providers':
          results.ingestProviders = await worker<IngestProvidersResult>(name, 180, () => [bundle('ingest-providers')]);
          break;
        case 'ingest-e2e':
          results.ingestE2e = await worker<IngestE2eResult>(
            name,
            SETTINGS.loadDurationSeconds * 2 + 180,
            () => [...TSX_ARGS, join(REPO_ROOT, 'bench', 'ingest-e2e.ts')],
            () => ({ BENCH_LOADGEN: bundle('loadgen') }),
          );
          break;
        case 'cold-start':
          results.coldStart = await timed<ColdStartResult>(name, async () => ({ result: await runColdStart(workdir) }));
          break;
        case 'consumers':
          results.consumers = await worker<ConsumersResult>(name, 240, () => [bundle('consumers')]);
          break;
        case 'fanout':
          results.fanout = await worker<FanoutResult>(name, 300, () => [bundle('fanout')]);
          break;
        case 'delivery':
          results.delivery = await worker<DeliveryResult>(
            name,
            240,
            () => [bundle('delivery')],
            () => ({ BENCH_RECEIVER: bundle('receiver') }),
          );
          break;
        case 'console':
          results.console = await worker<ConsoleResult>(name, 180, () => [
            ...TSX_ARGS,
            join(REPO_ROOT, 'bench', 'console.ts'),
          ]);
          break;
        case 'fairness':
          // The whole local runtime in one process (tsx), as in ingest-e2e.
          results.fairness = await worker<FairnessResult>(name, 1_500, () => [
            ...TSX_ARGS,
            join(REPO_ROOT, 'bench', 'fairness.ts'),
          ]);
          break;
        case 'inbound-log':
          results.inboundLog = await worker<InboundLogResult>(name, 240, () => [bundle('inbound-log')]);
          break;
      }
    }

    const all = results as AllResults;
    const { rows, targets } = buildTable(all);
    const table = renderMarkdown(rows);
    const meta = {
      date: startedAt.toISOString(),
      node: process.version,
      cpu,
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: `${process.platform} ${process.arch}`,
      esbuild: esbuildVersion,
      commit: gitCommit(),
      quick: SETTINGS.quick,
      settings: SETTINGS,
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    };
    const output = { meta, targets, table, benchmarks: results };
    writeFileSync(join(REPO_ROOT, 'bench', 'results.json'), `${JSON.stringify(output, null, 2)}\n`);

    console.log(
      `\nBetter Data Webhooks benchmarks — ${meta.date.slice(0, 10)} — Node ${meta.node} — ${meta.cpu} ` +
        `(${meta.cores} cores)${meta.quick ? ' — QUICK run' : ''}\n`,
    );
    console.log(table);
    console.log(`\nTargets:\n${renderTargets(targets)}`);
    console.log(`\nWritten bench/results.json (${meta.durationSeconds} s).`);
    if (Object.values(results).some((outcome) => outcome.error)) process.exitCode = 1;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

await main();
