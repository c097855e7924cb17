import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import Stripe from 'stripe';
import { createStripeWebhookHandler } from '../functions/stripe-webhook/stripe-webhook';
import { createQueueSender } from '../shared/platform/aws/queue';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../shared/platform/config';
import { createSecretList } from '../shared/platform/secrets';
import { createBaselineHandler } from './baseline/stripe-sdk-handler';
import { CANNED_QUEUE_URL, CannedSqsHandler, cannedSqsClient } from './lib/canned-sqs';
import {
  assertOk,
  measureVariants,
  noopQueue,
  observability,
  POOL,
  type SizeResult,
  type Variant,
} from './lib/cpu-bench';
import {
  BENCH_STRIPE_SECRET,
  fixtureWithFreshId,
  smallInvoicePaid,
  stripeHttpEvent,
  stripeSignature,
} from './lib/stripe-payloads';
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
 * Shopify and Square: ingest-providers.ts.
 */

export interface IngestCpuResult {
  readonly sizes: SizeResult[];
  readonly notes: string[];
}

async function measureSize(label: string, bodies: string[]): Promise<SizeResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const events: APIGatewayProxyEventV2[] = bodies.map((body, index) =>
    stripeHttpEvent(body, stripeSignature(body, BENCH_STRIPE_SECRET, timestamp), `req-bench-${index}`),
  );
  const secrets = createSecretList({ location: { kind: 'value', value: BENCH_STRIPE_SECRET } });
  const fixedNow = new Date();

  const base = { secrets, maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES, now: () => new Date() };
  const ours = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('info') });
  const oursSilent = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('silent') });
  const oursEmf = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('emf') });
  const oursSdkHttp = new CannedSqsHandler();
  // A fixed clock and request ids make our queued message identical per pool entry, so its MD5 can be captured once.
  const oursSdk = createStripeWebhookHandler({
    ...base,
    now: () => fixedNow,
    queue: createQueueSender(cannedSqsClient(oursSdkHttp), CANNED_QUEUE_URL),
    observability: observability('info'),
  });
  const baselineHttp = new CannedSqsHandler();
  const baseline = createBaselineHandler({
    stripe: new Stripe('sk_test_unused'),
    sqs: cannedSqsClient(baselineHttp),
    queueUrl: CANNED_QUEUE_URL,
    webhookSecret: BENCH_STRIPE_SECRET,
  });

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

async function main(): Promise<IngestCpuResult> {
  const large = Array.from({ length: POOL }, (_, index) =>
    fixtureWithFreshId(index % 2 === 0 ? 'customer.subscription.created' : 'customer.subscription.updated'),
  );
  const small = Array.from({ length: POOL }, () => smallInvoicePaid());
  const sizes = [await measureSize('7 KB (fixtures)', large), await measureSize('1 KB (invoice.paid)', small)];
  return {
    sizes,
    notes: [
      'One core: the handler is awaited event after event in one process; µs are wall time per event (includes GC).',
      'ours: real secret list (one secret), Powertools Logger at INFO writing JSON lines to /dev/null, Metrics with ' +
        'POWERTOOLS_METRICS_DISABLED, no-op QueueSender.',
      'oursSdk: ours with the real createQueueSender over an SQSClient whose HTTP handler returns a canned 200 (SDK ' +
        'middleware, JSON serialization, SigV4 and the SDK MD5 check all count).',
      'baseline: stripe.webhooks.constructEvent + SendMessage through the same canned SQSClient; floor: HMAC-SHA256 ' +
        'over "<t>.<body>" + JSON.parse.',
    ],
  };
}

runWorker(main);
