import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAwsStub, type AwsStub } from './lib/aws-stub';
import { bundleCommonWay, bundleLikeCdk, readCdkBundlingFacts, type BundleResult } from './lib/bundling';
import { firstEventFor } from './lib/first-events';
import type { EnvValue, LambdaEnvResult } from './lib/lambda-env';
import { REPO_ROOT } from './lib/paths';
import { runWorkerProcess, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round } from './lib/stats';
import { BENCH_STRIPE_SECRET, fixtureWithFreshId, stripeHttpEvent, stripeSignature } from './lib/stripe-payloads';

/**
 * Benchmark 3, cold start. Every functions/<dir>/handler.ts is bundled exactly as the CDK app
 * bundles it (see lib/bundling.ts) and measured for size (minified, gzipped) and for the time a
 * fresh Node process takes to start, import the bundle and answer a first event, spawn to exit,
 * SETTINGS.coldRuns times each, rounds interleaved. Each process gets the environment its function
 * has in AWS (from a synthesis of the CDK app, NODE_OPTIONS=--enable-source-maps included) with
 * every AWS client pointed at a loopback stub that answers at once. Compared with `node -e 0` and
 * with the common-way baseline (stripe SDK + namespace-imported SQS client, default CommonJS bundle).
 * One extra process per bundle then handles more events to give its peak RSS under load.
 */

/** Functions also measured with the SDK bundled, to show what taking it from the runtime changes. */
const SDK_BUNDLED_VARIANTS = ['billing-api', 'delivery', 'inbound-api'];

export interface ColdStartEntry {
  readonly key: string;
  readonly label: string;
  readonly kind: 'function' | 'variant' | 'baseline' | 'empty';
  readonly firstEvent: string;
  readonly bundle?: Omit<BundleResult, 'file'>;
  readonly runs: number;
  /** Median wall time, spawn to exit, of a process that imports the bundle and handles one event. */
  readonly wallMs: number;
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly wallOverEmpty: number;
  readonly maxRssFirstKiB: number;
  readonly maxRssUnderLoadKiB: number | null;
  readonly loadEvents: number;
  readonly outcome: string;
  readonly awsCalls: Record<string, number>;
}

export interface ColdStartResult {
  readonly emptyProcessMs: number;
  readonly entries: ColdStartEntry[];
  readonly cdkOptionsMatched: Record<string, boolean>;
  readonly nodeOptions: string | undefined;
  readonly skipped: string[];
  /** Where the functions' environment came from: a synthesis of the CDK app, or the topology. */
  readonly environmentSource: string;
  readonly notes: string[];
}

const RUNNER = `import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const spec = JSON.parse(readFileSync(process.env.BENCH_COLD_SPEC, 'utf8'));
const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
const context = () => ({ callbackWaitsForEmptyEventLoop: true, functionName: name, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + name, memoryLimitInMB: '512',
  awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/bench', logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {} });
const isObject = (result) => result && typeof result === 'object';
const outcome = (result) => isObject(result) && 'statusCode' in result ? 'HTTP ' + result.statusCode
  : isObject(result) && Array.isArray(result.batchItemFailures) ? result.batchItemFailures.length + ' failed item(s)'
  : JSON.stringify(result ?? null).slice(0, 80);
const t0 = performance.now();
const mod = await import(pathToFileURL(spec.bundle).href);
const handler = mod.handler ?? mod.default?.handler;
const t1 = performance.now();
const result = await handler(spec.event, context());
const t2 = performance.now();
const maxRssFirstKiB = process.resourceUsage().maxRSS;
for (let i = 0; i < spec.repeat; i++) await handler(spec.event, context());
const maxRssKiB = process.resourceUsage().maxRSS;
writeFileSync(spec.out, JSON.stringify({
  importMs: t1 - t0, firstEventMs: t2 - t1, readyAtMs: t2, outcome: outcome(result), maxRssFirstKiB, maxRssKiB,
}));
process.exit(0);
`;

interface RunOutput {
  readonly wallMs: number;
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly outcome: string;
  readonly maxRssFirstKiB: number;
  readonly maxRssKiB: number;
}

interface Config {
  readonly key: string;
  readonly label: string;
  readonly kind: ColdStartEntry['kind'];
  readonly firstEvent: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly bundle?: BundleResult;
  readonly specFile?: string;
}

function spawnTimed(
  args: string[],
  env: Record<string, string>,
): Promise<{ wallMs: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, code, stderr }));
  });
}

function resolveEnv(name: string, value: EnvValue, stubUrl: string): string {
  if (typeof value === 'string') return value;
  if (/_URL$/.test(name))
    return `${stubUrl}/123456789012/${name.toLowerCase().replace(/_url$/, '').replaceAll('_', '-')}`;
  if (/KMS_KEY/.test(name)) return 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000';
  if (/TOPIC_ARN$/.test(name)) return `arn:aws:sns:us-east-1:123456789012:${name.toLowerCase()}`;
  if (/_ARN$/.test(name)) return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name.toLowerCase()}-AbCdEf`;
  return `bench-${name.toLowerCase().replaceAll('_', '-')}`;
}

/** What Lambda itself puts in every function's environment (the parts the code or SDK read). */
function lambdaEnv(functionName: string, stubUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret-access-key',
    AWS_SESSION_TOKEN: 'benchmark-session-token',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    // Every client to the loopback stub (the SDK reads AWS_ENDPOINT_URL; shared/platform/aws/client-options.ts
    // and the lean client too).
    AWS_ENDPOINT_URL: stubUrl,
    // Node 20 only: the SDK warns it will drop Node 20; Lambda runs Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export async function runColdStart(workdir: string): Promise<ColdStartResult> {
  const facts = readCdkBundlingFacts();
  const { result: lambdaEnvs } = await runWorkerProcess<LambdaEnvResult>('lambda-env', {
    args: [...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'lambda-env.ts')],
    timeoutMs: 120_000,
  });
  const stub = await startAwsStub(BENCH_STRIPE_SECRET);
  try {
    linkRuntimeModules(join(workdir, 'cold'));
    const { configs, skipped } = await functionConfigs(workdir, lambdaEnvs, stub.url);
    configs.push(await baselineConfig(workdir, stub.url), EMPTY_PROCESS);
    const measured = await measureAll(configs, stub, workdir);
    const emptyProcessMs = median((measured.outputs.get('empty') ?? []).map((output) => output.wallMs));
    return {
      emptyProcessMs: round(emptyProcessMs),
      entries: configs.map((config) => toEntry(config, measured, emptyProcessMs)),
      cdkOptionsMatched: facts.checks,
      nodeOptions: facts.nodeOptions,
      skipped,
      environmentSource:
        lambdaEnvs.source === 'synth'
          ? 'CDK synthesis'
          : `shared/topology.ts (the stack did not synthesise: ${lambdaEnvs.synthError ?? 'unknown'})`,
      notes: coldStartNotes(facts.runtimeProvided),
    };
  } finally {
    await stub.close();
  }
}

/** One config per function in the synthesised stack, plus the variants measured beside some of them. */
async function functionConfigs(
  workdir: string,
  lambdaEnvs: LambdaEnvResult,
  stubUrl: string,
): Promise<{ configs: Config[]; skipped: string[] }> {
  const configs: Config[] = [];
  const skipped: string[] = [];
  const dirs = readdirSync(join(REPO_ROOT, 'functions'))
    .filter((dir) => existsSync(join(REPO_ROOT, 'functions', dir, 'handler.ts')))
    .sort();
  for (const dir of dirs) {
    const spec = lambdaEnvs.functions[dir];
    if (!spec) {
      skipped.push(`${dir}: not in the synthesised stack`);
      continue;
    }
    const env = {
      ...lambdaEnv(spec.name, stubUrl),
      ...Object.fromEntries(Object.entries(spec.env).map(([name, value]) => [name, resolveEnv(name, value, stubUrl)])),
    };
    try {
      configs.push(...(await configsForFunction(workdir, dir, env)));
    } catch (error) {
      skipped.push(`${dir}: bundling failed (${(error as Error).message.split('\n')[0]})`);
    }
  }
  return { configs, skipped };
}

async function configsForFunction(workdir: string, dir: string, env: Record<string, string>): Promise<Config[]> {
  const first = firstEventFor(dir);
  const entry = join(REPO_ROOT, 'functions', dir, 'handler.ts');
  const config = async (key: string, label: string, sdk: 'runtime' | 'bundled', configEnv = env): Promise<Config> => {
    const name = key.replace(/[^a-z0-9-]/gi, '_');
    const outdir = join(workdir, 'cold', name);
    mkdirSync(outdir, { recursive: true });
    const bundle = await bundleLikeCdk(entry, outdir, sdk);
    const kind = key === dir ? 'function' : 'variant';
    const specFile = writeSpec(workdir, name, bundle.file, first.event);
    return { key, label, kind, firstEvent: first.description, args: [], env: configEnv, bundle, specFile };
  };
  const configs = [await config(dir, dir, 'runtime')];
  if (SDK_BUNDLED_VARIANTS.includes(dir)) {
    const label = `${dir} with the AWS SDK bundled (not deployed: the comparison that decided)`;
    configs.push(await config(`${dir}:sdk-bundled`, label, 'bundled'));
  }
  if (dir === 'stripe-webhook') {
    const { NODE_OPTIONS: _dropped, ...withoutMaps } = env;
    const label = 'stripe-webhook without --enable-source-maps';
    configs.push(await config('stripe-webhook:no-source-maps', label, 'runtime', withoutMaps));
  }
  return configs;
}

async function baselineConfig(workdir: string, stubUrl: string): Promise<Config> {
  const baselineDir = join(workdir, 'cold', 'baseline');
  mkdirSync(baselineDir, { recursive: true });
  const baseline = await bundleCommonWay(join(REPO_ROOT, 'bench', 'baseline', 'stripe-sdk-lambda.ts'), baselineDir);
  const body = fixtureWithFreshId('customer.subscription.created');
  const baselineEvent = stripeHttpEvent(body, stripeSignature(body, BENCH_STRIPE_SECRET));
  return {
    key: 'baseline:stripe-sdk',
    label: 'baseline: stripe SDK + SQS client, CommonJS bundle',
    kind: 'baseline',
    firstEvent: 'signed 7 KB customer.subscription.created → 200 (SendMessage; secret from the environment)',
    args: [],
    env: {
      ...lambdaEnv('baseline', stubUrl),
      BILLING_QUEUE_URL: `${stubUrl}/123456789012/billing-events`,
      STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET,
    },
    bundle: baseline,
    specFile: writeSpec(workdir, 'baseline', baseline.file, baselineEvent),
  };
}

const EMPTY_PROCESS: Config = {
  key: 'empty',
  label: 'empty Node process (node -e 0)',
  kind: 'empty',
  firstEvent: '—',
  args: ['-e', '0'],
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
};

interface Measured {
  readonly outputs: Map<string, RunOutput[]>;
  readonly calls: Map<string, Record<string, number>>;
  readonly failures: Map<string, string>;
  readonly underLoad: Map<string, number>;
  readonly loadEvents: number;
}

interface RunContext {
  readonly stub: AwsStub;
  readonly workdir: string;
  readonly runnerFile: string;
  readonly measured: Measured;
}

/** One fresh process: imports the config's bundle, handles its first event (and `repeat` more). */
async function runOnce(context: RunContext, config: Config, repeat: number): Promise<RunOutput | undefined> {
  if (config.kind === 'empty') {
    const { wallMs } = await spawnTimed(config.args, config.env);
    return { wallMs, importMs: 0, firstEventMs: 0, outcome: 'exit 0', maxRssFirstKiB: 0, maxRssKiB: 0 };
  }
  const { stub, workdir, runnerFile, measured } = context;
  const out = join(workdir, 'cold', `${config.key.replace(/[^a-z0-9-]/gi, '_')}.out.json`);
  const specFile = config.specFile as string;
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(specFile, JSON.stringify({ ...spec, out, repeat }));
  stub.takeCalls();
  const { wallMs, code, stderr } = await spawnTimed([runnerFile], { ...config.env, BENCH_COLD_SPEC: specFile });
  const made = stub.takeCalls();
  if (code !== 0) {
    measured.failures.set(config.key, `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return undefined;
  }
  if (!measured.calls.has(config.key)) measured.calls.set(config.key, made);
  const output = JSON.parse(readFileSync(out, 'utf8')) as Omit<RunOutput, 'wallMs'>;
  return { ...output, wallMs };
}

/** Warms the file system cache once per bundle, then interleaves the runs, rotating the order; then load. */
async function measureAll(configs: Config[], stub: AwsStub, workdir: string): Promise<Measured> {
  const runnerFile = join(workdir, 'cold', 'runner.mjs');
  writeFileSync(runnerFile, RUNNER);
  const measured: Measured = {
    outputs: new Map(configs.map((config) => [config.key, []])),
    calls: new Map(),
    failures: new Map(),
    underLoad: new Map(),
    loadEvents: SETTINGS.quick ? 200 : 1_000,
  };
  const context: RunContext = { stub, workdir, runnerFile, measured };
  for (const config of configs) await runOnce(context, config, 0);
  for (let run = 0; run < SETTINGS.coldRuns; run++) {
    for (let offset = 0; offset < configs.length; offset++) {
      const config = configs[(run + offset) % configs.length] as Config;
      if (measured.failures.has(config.key)) continue;
      const output = await runOnce(context, config, 0);
      if (output) measured.outputs.get(config.key)?.push(output);
    }
  }
  for (const config of configs) {
    if (config.kind === 'empty' || measured.failures.has(config.key)) continue;
    const output = await runOnce(context, config, measured.loadEvents);
    if (output) measured.underLoad.set(config.key, output.maxRssKiB);
  }
  return measured;
}

function toEntry(config: Config, measured: Measured, emptyProcessMs: number): ColdStartEntry {
  const runs = measured.outputs.get(config.key) ?? [];
  const wallMs = median(runs.map((run) => run.wallMs));
  const { file: _file, ...bundle } = config.bundle ?? ({} as BundleResult);
  return {
    key: config.key,
    label: config.label,
    kind: config.kind,
    firstEvent: config.firstEvent,
    ...(config.bundle && { bundle }),
    runs: runs.length,
    wallMs: round(wallMs),
    importMs: round(median(runs.map((run) => run.importMs))),
    firstEventMs: round(median(runs.map((run) => run.firstEventMs))),
    wallOverEmpty: round(wallMs / emptyProcessMs, 3),
    maxRssFirstKiB: median(runs.map((run) => run.maxRssFirstKiB)),
    maxRssUnderLoadKiB: measured.underLoad.get(config.key) ?? null,
    loadEvents: config.kind === 'empty' ? 0 : measured.loadEvents,
    outcome: measured.failures.get(config.key) ?? runs[0]?.outcome ?? 'no run',
    awsCalls: measured.calls.get(config.key) ?? {},
  };
}

function coldStartNotes(runtimeProvided: readonly string[]): string[] {
  return [
    `Bundles: esbuild ${'0.28'} with the CDK app's options (infra/bundling.ts: ESM, minify, external source ` +
      `map, createRequire banner, mainFields module,main, ${runtimeProvided.join(' and ')} taken from the ` +
      `runtime), target node20 here (node24 in AWS). The runtime's SDK is played by this repository's ` +
      `node_modules (package-lock.json versions), linked beside the bundles.`,
    'Time: spawn to exit of `node runner.mjs`, which imports the bundle and awaits the handler once (median of ' +
      'the runs); import and first-event columns are measured inside the process.',
    'Environment: what the CDK app gives each function (from a synthesis), AWS_ENDPOINT_URL pointing every ' +
      'client at a loopback stub answering at once; credentials from the environment as in Lambda.',
    'The Lambda runtime bootstrap itself (RIC, init phase accounting) is not included.',
  ];
}

/**
 * The SDK is not in the bundles: in Lambda the runtime's /var/runtime/node_modules provides it. Here
 * the repository's node_modules stands in for it, and for the packages bundled beside a function's
 * bundle (only rare paths import them), linked where Node's resolution from the bundles finds it.
 */
function linkRuntimeModules(coldDir: string): void {
  mkdirSync(coldDir, { recursive: true });
  const link = join(coldDir, 'node_modules');
  if (!existsSync(link)) symlinkSync(join(REPO_ROOT, 'node_modules'), link, 'dir');
}

function writeSpec(workdir: string, name: string, bundle: string, event: unknown): string {
  const file = join(workdir, 'cold', `${name.replace(/[^a-z0-9-]/gi, '_')}.spec.json`);
  writeFileSync(file, JSON.stringify({ bundle, event, repeat: 0 }));
  return file;
}
