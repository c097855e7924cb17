import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import Stripe from 'stripe';
import { createShopifyWebhookHandler } from '../functions/shopify-webhook/shopify-webhook';
import { createSquareWebhookHandler } from '../functions/square-webhook/square-webhook';
import { createStripeWebhookHandler } from '../functions/stripe-webhook/stripe-webhook';
import { createQueueSender, type QueueSender } from '../shared/aws/queue';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../shared/config';
import { createObservability } from '../shared/observability';
import { createSecretList } from '../shared/secrets';
import { shopifySignatureHeader } from '../shared/signatures/shopify';
import { squareSignatureHeader } from '../shared/signatures/square';
import { createBaselineHandler } from './baseline/stripe-sdk-handler';
import { CANNED_QUEUE_URL, CannedSqsHandler, cannedSqsClient } from './lib/canned-sqs';
import { REPO_ROOT } from './lib/paths';
import { SETTINGS } from './lib/settings';
import { median, percentile, round } from './lib/stats';
import { BENCH_STRIPE_SECRET, fixtureWithFreshId, smallInvoicePaid, stripeHttpEvent, stripeSignature } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark 1, ingest CPU cost: the Stripe webhook handler invoked in-process, one event after
 * another on one core, against the common-way baseline and the floor, in interleaved rounds so
 * drift on a noisy machine hits every variant alike.
 *
 * - ours: `createStripeWebhookHandler` with a real secret list (one secret, from configuration),
 *   real Powertools Logger (INFO, JSON lines to stdout, which is /dev/null here) and Metrics
 *   (POWERTOOLS_METRICS_DISABLED=true), and a no-op QueueSender: only our code is timed.
 * - ours + SDK: the same with the real `createQueueSender` over an SQSClient whose HTTP handler is
 *   canned — the like-for-like comparison with the baseline, which pays the SDK too.
 * - ours, logger silent / ours, EMF metrics on: what logging and metrics cost.
 * - baseline: `stripe.webhooks.constructEvent` + SQS SendMessage via the canned SQSClient.
 * - floor: one HMAC-SHA256 over "<t>.<body>" and one JSON.parse.
 * Shopify and Square ingest handlers get the same treatment (ours vs their HMAC + JSON.parse floor).
 */

export interface VariantResult {
  readonly name: string;
  /** Median over rounds of the mean time per event. */
  readonly medianMicros: number;
  readonly p99Micros: number;
  readonly eventsPerSecond: number;
  readonly rounds: number;
  readonly eventsPerRound: number;
}

export interface SizeResult {
  readonly label: string;
  readonly bodyBytes: number;
  readonly variants: Record<string, VariantResult>;
}

export interface IngestCpuResult {
  readonly sizes: SizeResult[];
  /** Shopify and Square ingest: ours vs their floor only. */
  readonly providers: SizeResult[];
  readonly notes: string[];
}

interface Variant {
  readonly name: string;
  /** Handles pool entry `index`; may be sync (the floor). */
  readonly call: (index: number) => unknown;
  /** Whether `call` returns a promise to await (the floor is synchronous). */
  readonly async: boolean;
}

const POOL = 16;

function observability(mode: 'info' | 'silent' | 'emf') {
  if (mode === 'emf') delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const created = createObservability('stripe-webhook');
  if (mode === 'silent') created.logger.setLogLevel('SILENT');
  else created.logger.setLogLevel('INFO');
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return created;
}

const noopQueue: QueueSender = {
  send: async () => '7f3b1c52-5d0e-4a8e-9a57-2f1d3c7d9e10',
  sendBatch: async () => undefined,
};

function assertOk(result: unknown, variant: string): void {
  const status = (result as { statusCode?: number } | undefined)?.statusCode;
  if (status !== 200) throw new Error(`${variant} answered ${status}: ${JSON.stringify(result)}`);
}

async function measureSize(label: string, bodies: string[]): Promise<SizeResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const events: APIGatewayProxyEventV2[] = bodies.map((body, index) => stripeHttpEvent(body, stripeSignature(body, BENCH_STRIPE_SECRET, timestamp), `req-bench-${index}`));
  const secrets = createSecretList({ location: { kind: 'value', value: BENCH_STRIPE_SECRET } });
  const fixedNow = new Date();

  const base = { secrets, maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES, now: () => new Date() };
  const ours = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('info') });
  const oursSilent = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('silent') });
  const oursEmf = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('emf') });
  const oursSdkHttp = new CannedSqsHandler();
  // A fixed clock and request ids make our queued message identical per pool entry, so its MD5 can be captured once.
  const oursSdk = createStripeWebhookHandler({ ...base, now: () => fixedNow, queue: createQueueSender(cannedSqsClient(oursSdkHttp), CANNED_QUEUE_URL), observability: observability('info') });
  const baselineHttp = new CannedSqsHandler();
  const baseline = createBaselineHandler({ stripe: new Stripe('sk_test_unused'), sqs: cannedSqsClient(baselineHttp), queueUrl: CANNED_QUEUE_URL, webhookSecret: BENCH_STRIPE_SECRET });

  // Capture the MD5 each SDK-backed variant's queue answer must carry, and check every variant accepts every event.
  for (const [http, handler, name] of [
    [oursSdkHttp, oursSdk, 'ours + SDK'],
    [baselineHttp, baseline, 'baseline'],
  ] as const) {
    http.capture = true;
    for (const event of events) assertOk(await handler(event), name);
    http.capture = false;
  }
  const oursSdkMd5 = [...oursSdkHttp.captured];
  const baselineMd5 = [...baselineHttp.captured];
  for (const [handler, name] of [
    [ours, 'ours'],
    [oursSilent, 'ours (logger silent)'],
    [oursEmf, 'ours (EMF metrics on)'],
  ] as const) {
    for (const event of events) assertOk(await handler(event), name);
  }

  const key = Buffer.from(BENCH_STRIPE_SECRET, 'utf8');
  const signedPrefix = `${timestamp}.`;
  const variants: Variant[] = [
    { name: 'ours', async: true, call: (index) => ours(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'oursSdk',
      async: true,
      call: (index) => {
        oursSdkHttp.expect(oursSdkMd5[index] as string);
        return oursSdk(events[index] as APIGatewayProxyEventV2);
      },
    },
    { name: 'oursSilent', async: true, call: (index) => oursSilent(events[index] as APIGatewayProxyEventV2) },
    { name: 'oursEmf', async: true, call: (index) => oursEmf(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'baseline',
      async: true,
      call: (index) => {
        baselineHttp.expect(baselineMd5[index] as string);
        return baseline(events[index] as APIGatewayProxyEventV2);
      },
    },
    {
      name: 'floor',
      async: false,
      call: (index) => {
        const body = bodies[index] as string;
        createHmac('sha256', key).update(signedPrefix).update(body).digest();
        return JSON.parse(body) as unknown;
      },
    },
  ];

  return measureVariants(label, bodies, variants);
}

/** Warm-up, then interleaved rounds (order rotated each round); median of per-round means. */
async function measureVariants(label: string, bodies: string[], variants: Variant[]): Promise<SizeResult> {
  const rounds = SETTINGS.quick ? 4 : 15;
  const perRound = SETTINGS.quick ? 150 : Math.max(...bodies.map((body) => body.length)) < 3_000 ? 1_000 : 500;
  const warmup = SETTINGS.quick ? 300 : 2_000;
  for (const variant of variants) await runBlock(variant, warmup, []);

  const roundMeans = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no variant always runs first (or right after the most garbage-heavy one).
    for (let offset = 0; offset < variants.length; offset++) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      const started = process.hrtime.bigint();
      await runBlock(variant, perRound, samples.get(variant.name) as number[]);
      const elapsedMicros = Number(process.hrtime.bigint() - started) / 1_000;
      (roundMeans.get(variant.name) as number[]).push(elapsedMicros / perRound);
    }
  }

  const results: Record<string, VariantResult> = {};
  for (const variant of variants) {
    const medianMicros = median(roundMeans.get(variant.name) as number[]);
    results[variant.name] = {
      name: variant.name,
      medianMicros: round(medianMicros),
      p99Micros: round(percentile(samples.get(variant.name) as number[], 99)),
      eventsPerSecond: round(1_000_000 / medianMicros),
      rounds,
      eventsPerRound: perRound,
    };
  }
  return { label, bodyBytes: Math.round(bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length), variants: results };
}

/** A provider event for the Shopify and Square rows: exact fixture bytes, signed their way. */
function providerHttpEvent(body: string, headers: Record<string, string>, requestId: string): APIGatewayProxyEventV2 {
  const event = stripeHttpEvent(body, '', requestId);
  const { 'stripe-signature': _stripe, ...rest } = event.headers;
  return { ...event, routeKey: 'ANY /webhooks/provider', headers: { ...rest, ...headers } };
}

const SHOPIFY_SECRET = 'shpss_benchmark_only_0123456789abcdef';
const SQUARE_KEY = 'benchmark-square-signature-key';
const SQUARE_URL = 'https://api.example.com/webhooks/square';

async function measureShopify(): Promise<SizeResult> {
  const text = providerFixture('shopify.products.update.json');
  const bodies = Array.from({ length: POOL }, () => text);
  const events = bodies.map((body, index) =>
    providerHttpEvent(body, { 'x-shopify-hmac-sha256': shopifySignatureHeader(SHOPIFY_SECRET, body), 'x-shopify-topic': 'products/update', 'x-shopify-shop-domain': 'bench-shop.myshopify.com', 'x-shopify-webhook-id': `b1e8c5d2-0000-4000-8000-${String(index).padStart(12, '0')}`, 'x-shopify-api-version': '2025-10' }, `req-shopify-${index}`),
  );
  const ours = createShopifyWebhookHandler({ secrets: createSecretList({ location: { kind: 'value', value: SHOPIFY_SECRET } }), queue: noopQueue, maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES, now: () => new Date(), observability: observability('info') });
  for (const event of events) assertOk(await ours(event), 'shopify');
  const key = Buffer.from(SHOPIFY_SECRET, 'utf8');
  return measureVariants(`Shopify products/update ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`, bodies, [
    { name: 'ours', async: true, call: (index) => ours(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'floor',
      async: false,
      call: (index) => {
        createHmac('sha256', key).update(bodies[index] as string).digest();
        return JSON.parse(bodies[index] as string) as unknown;
      },
    },
  ]);
}

async function measureSquare(): Promise<SizeResult> {
  const text = providerFixture('square.inventory.count.updated.json');
  const bodies = Array.from({ length: POOL }, () => text);
  const events = bodies.map((body, index) => providerHttpEvent(body, { 'x-square-hmacsha256-signature': squareSignatureHeader(SQUARE_KEY, SQUARE_URL, body) }, `req-square-${index}`));
  const ours = createSquareWebhookHandler({
    keys: createSecretList({ location: { kind: 'value', value: SQUARE_KEY } }),
    notificationUrl: SQUARE_URL,
    connections: { connectionOf: async () => undefined },
    queue: noopQueue,
    maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
    now: () => new Date(),
    observability: observability('info'),
  });
  for (const event of events) assertOk(await ours(event), 'square');
  const key = Buffer.from(SQUARE_KEY, 'utf8');
  return measureVariants(`Square inventory.count.updated ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`, bodies, [
    { name: 'ours', async: true, call: (index) => ours(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'floor',
      async: false,
      call: (index) => {
        createHmac('sha256', key).update(SQUARE_URL).update(bodies[index] as string).digest();
        return JSON.parse(bodies[index] as string) as unknown;
      },
    },
  ]);
}

function providerFixture(name: string): string {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

async function runBlock(variant: Variant, count: number, samples: number[]): Promise<void> {
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    const pending = variant.call(index % POOL);
    if (variant.async) await pending;
    samples.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
}

async function main(): Promise<IngestCpuResult> {
  const large = Array.from({ length: POOL }, (_, index) => fixtureWithFreshId(index % 2 === 0 ? 'customer.subscription.created' : 'customer.subscription.updated'));
  const small = Array.from({ length: POOL }, () => smallInvoicePaid());
  const sizes = [await measureSize('7 KB (fixtures)', large), await measureSize('1 KB (invoice.paid)', small)];
  const providers: SizeResult[] = [];
  const notes: string[] = [];
  for (const [name, measure] of [
    ['Shopify', measureShopify],
    ['Square', measureSquare],
  ] as const) {
    try {
      providers.push(await measure());
    } catch (error) {
      notes.push(`${name} ingest not measured: ${(error as Error).message}`);
    }
  }
  return {
    sizes,
    providers,
    notes: [
      'One core: the handler is awaited event after event in one process; µs are wall time per event (includes GC).',
      'ours: real secret list (one secret), Powertools Logger at INFO writing JSON lines to /dev/null, Metrics with POWERTOOLS_METRICS_DISABLED, no-op QueueSender.',
      'oursSdk: ours with the real createQueueSender over an SQSClient whose HTTP handler returns a canned 200 (SDK middleware, JSON serialization, SigV4 and the SDK MD5 check all count).',
      'baseline: stripe.webhooks.constructEvent + SendMessage through the same canned SQSClient; floor: HMAC-SHA256 over "<t>.<body>" + JSON.parse.',
      'Shopify and Square: the same handler setup (no-op QueueSender), floor = their HMAC + JSON.parse. No baseline: @shopify/shopify-api 15 does not run on Node 20 and the square SDK is not a dependency.',
      ...notes,
    ],
  };
}

runWorker(main);
