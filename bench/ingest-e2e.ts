import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startGateway } from '../infra/local/gateway';
import { createHandlerLoader } from '../infra/local/handlers';
import { createLocalLog } from '../infra/local/log';
import { startLocalSystem } from '../infra/local/system';
import { createSqsClient } from '../shared/platform/aws/sqs-client';
import { createQueueSender } from '../shared/platform/aws/queue';
import { ROUTES } from '../shared/platform/topology';
import type { EmulatorInfo } from './lib/emulator-host';
import type { LoadRequest, LoadResult, LoadSpec } from './lib/loadgen';
import { REPO_ROOT } from './lib/paths';
import { runWorkerProcess, startService, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { BENCH_STRIPE_SECRET, eventForOrg, stripeSignature } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark 2, ingest end to end: `POST /webhooks/stripe` on the local runtime (memory mode, quiet:
 * the API Gateway emulation, the real handler module, the real SQS emulator — and the billing
 * consumer polling that queue in the same process, as it does under `npm start`), driven by a
 * closed-loop load generator in a separate process at a fixed concurrency. Every request is
 * validly signed (signed once, just before the run: Stripe's 300 s tolerance covers it).
 *
 * Reference: the same load generator against a bare node:http server that reads the body and
 * answers 200 — the most this machine's loopback and load generator can do.
 */

export interface IngestE2eResult {
  readonly ours: LoadResult;
  /** Diagnostic: the gateway emulation and the handler alone, SQS emulator in another process, no consumer. */
  readonly gatewayOnly: LoadResult | null;
  readonly gatewayOnlyMaxRssKiB: number | null;
  /** The SQS emulator's own SendMessage ceiling at the same concurrency (the local bottleneck). */
  readonly sqsEmulatorSendsPerSecond: number | null;
  readonly gatewayOnlyError?: string;
  readonly bareServer: LoadResult;
  readonly billingQueueDepthAfter: number | null;
  readonly notes: string[];
}

const ORGS = 512;

function loadgenArgs(): string[] {
  const bundled = process.env.BENCH_LOADGEN;
  return bundled ? [bundled] : [...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'loadgen.ts')];
}

async function drive(name: string, url: string, requestsFile: string, durationSeconds: number): Promise<LoadResult> {
  const spec: LoadSpec = {
    url,
    requestsFile,
    concurrency: SETTINGS.loadConcurrency,
    warmupSeconds: SETTINGS.quick ? 1 : 3,
    durationSeconds,
  };
  const { result } = await runWorkerProcess<LoadResult>(name, {
    args: loadgenArgs(),
    env: { BENCH_LOAD_SPEC: JSON.stringify(spec) },
    timeoutMs: (spec.warmupSeconds + durationSeconds + 60) * 1000,
  });
  return result;
}

/**
 * Runs in a child process of its own (handler modules are per-process singletons that read their
 * configuration once): the local API Gateway emulation serving only the Stripe route, its handler
 * loaded as `npm start` loads it, the SQS emulator in a separate process and no consumer polling.
 */
export interface GatewayOnlyResult {
  readonly load: LoadResult;
  /** SendMessage/s the SQS emulator takes from one process at the load's concurrency, same bodies. */
  readonly sqsEmulatorSendsPerSecond: number;
}

async function gatewayOnly(): Promise<GatewayOnlyResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  try {
    Object.assign(process.env, emulator.info.env, {
      STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const gateway = await startGateway({
      port: 0,
      region: emulator.info.region,
      jwtSecret: 'benchmark-jwt-secret-unused-0123456789',
      routes: ROUTES.filter((route) => route.function === 'stripeWebhook'),
      loadHandler: createHandlerLoader(),
      log: createLocalLog(true),
    });
    let load: LoadResult;
    try {
      load = await drive(
        'loadgen-gateway',
        `${gateway.url}/webhooks/stripe`,
        process.env.BENCH_E2E_REQUESTS ?? '',
        SETTINGS.loadDurationSeconds,
      );
    } finally {
      await gateway.close();
    }
    // The emulator's own ceiling: the queued envelope of one of these events, sent straight to fauxqs.
    const requests = JSON.parse(readFileSync(process.env.BENCH_E2E_REQUESTS ?? '', 'utf8')) as LoadRequest[];
    const raw = (requests[0] as LoadRequest).body;
    const envelope = JSON.stringify({
      source: 'stripe',
      eventId: 'evt_x',
      eventType: 'customer.subscription.created',
      receivedAt: new Date().toISOString(),
      correlationId: 'bench',
      rawBodyBase64: Buffer.from(raw).toString('base64'),
    });
    const queue = createQueueSender(createSqsClient(emulator.info.env), emulator.info.queues.billing.url);
    const total = SETTINGS.quick ? 300 : 1_500;
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SETTINGS.loadConcurrency }, async () => {
        while (sent++ < total)
          await queue.send(envelope, { attributes: { source: 'stripe', eventType: 'customer.subscription.created' } });
      }),
    );
    return { load, sqsEmulatorSendsPerSecond: Math.round(total / ((performance.now() - started) / 1000)) };
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<IngestE2eResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  try {
    const system = await startLocalSystem({
      memory: true,
      quiet: true,
      port: 0,
      env: { STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET },
    });
    let ours: LoadResult;
    let depth: number | null = null;
    try {
      // Distinct organisations and event ids, the subscription fixture (≈5 KB compact), signed now.
      const timestamp = Math.floor(Date.now() / 1000);
      const requests: LoadRequest[] = Array.from({ length: ORGS }, (_, index) => {
        const body = eventForOrg('customer.subscription.created', `org_bench_${index}`, { plan: 'growth' });
        return {
          body,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': stripeSignature(body, BENCH_STRIPE_SECRET, timestamp),
          },
        };
      });
      const file = join(dir, 'requests.json');
      writeFileSync(file, JSON.stringify(requests));
      ours = await drive('loadgen-ingest', `${system.url}/webhooks/stripe`, file, SETTINGS.loadDurationSeconds);
      const sqs = new SQSClient({
        endpoint: system.sqsEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: system.queueUrls.billing.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      depth = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? Number.NaN);
      sqs.destroy();
    } finally {
      await system.stop();
    }

    let gateway: { result: GatewayOnlyResult; maxRssKiB: number } | undefined;
    let gatewayError: string | undefined;
    try {
      gateway = await runWorkerProcess<GatewayOnlyResult>('ingest-gateway-only', {
        args: [...TSX_ARGS, join(REPO_ROOT, 'bench', 'ingest-e2e.ts')],
        env: { BENCH_E2E_MODE: 'gateway', BENCH_E2E_REQUESTS: join(dir, 'requests.json') },
        timeoutMs: (SETTINGS.loadDurationSeconds + 120) * 1000,
      });
    } catch (error) {
      gatewayError = (error as Error).message;
    }

    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
    let bareServer: LoadResult;
    try {
      bareServer = await drive(
        'loadgen-bare',
        bareUrl,
        join(dir, 'requests.json'),
        Math.max(2, Math.round(SETTINGS.loadDurationSeconds / 2)),
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
    return {
      ours,
      gatewayOnly: gateway?.result.load ?? null,
      sqsEmulatorSendsPerSecond: gateway?.result.sqsEmulatorSendsPerSecond ?? null,
      gatewayOnlyMaxRssKiB: gateway?.maxRssKiB ?? null,
      ...(gatewayError !== undefined && { gatewayOnlyError: gatewayError }),
      bareServer,
      billingQueueDepthAfter: depth,
      notes: [
        `${SETTINGS.loadConcurrency} keep-alive connections from a separate process, ` +
          `${SETTINGS.loadDurationSeconds} s measured after a warm-up; ${ORGS} distinct signed ` +
          `customer.subscription.created events round-robin.`,
        'Server process: startLocalSystem({ memory: true, quiet: true }) — gateway emulation, handler, fauxqs and ' +
          'dynalite in one Node process, with the billing consumer draining the queue at the same time (2 cores ' +
          'shared with the load generator).',
        'Gateway only (diagnostic): startGateway with the Stripe route and its handler module in one process, ' +
          'fauxqs (and an idle dynalite) in another, no consumer — where the local system spends its time.',
        'Peak RSS of the local system process includes tsx (≈35 MiB), fauxqs, dynalite and every handler loaded.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_E2E_MODE === 'gateway') runWorker(gatewayOnly);
else runWorker(main);
