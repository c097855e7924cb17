import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import Stripe from 'stripe';
import { createStripeWebhookHandler } from '../functions/stripe-webhook/stripe-webhook';
import { createLeanQueueSender } from '../shared/platform/aws/lean-queue-sender';
import { createQueueSender } from '../shared/platform/aws/queue';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../shared/platform/config';
import { createSecretList } from '../shared/platform/secrets';
import { createBaselineHandler } from './baseline/stripe-sdk-handler';
import {
  CANNED_QUEUE_URL,
  cannedSqsClient,
  cannedSqsEnv,
  startCannedSqsServer,
  type CannedSqsServer,
} from './lib/canned-sqs-server';
import { assertOk, measureVariants, noopQueue, observability, POOL, type SizeResult } from './lib/cpu-bench';
import { createFloorSender } from './lib/floor-send';
import {
  BENCH_STRIPE_SECRET,
  fixtureWithFreshId,
  smallInvoicePaid,
  stripeHttpEvent,
  stripeSignature,
} from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark 1, ingest CPU cost, like for like: every variant verifies, parses and sends one
 * SendMessage over keep-alive HTTP to the same canned SQS server (another process), event after
 * event on one core; the figure is this process's CPU time per event, in interleaved rounds.
 *
 * - ours: `createStripeWebhookHandler` as deployed: real secret list, Powertools Logger at INFO
 *   (JSON lines to /dev/null), metrics disabled, the lean SQS sender (shared/platform/aws).
 * - baseline: the usual way, `stripe.webhooks.constructEvent` + the SDK's SQSClient `SendMessage`.
 * - floor: one HMAC-SHA256 over "<t>.<body>", one JSON.parse, and one SendMessage signed by hand
 *   (bench/lib/floor-send.ts).
 * - diagnostics: ours with the SDK's sender instead of the lean one, and ours with no send at all.
 * Shopify, Square and sources: ingest-providers.ts.
 */

export interface IngestCpuResult {
  readonly sizes: SizeResult[];
  readonly notes: string[];
}

async function measureSize(label: string, bodies: string[], server: CannedSqsServer): Promise<SizeResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const events: APIGatewayProxyEventV2[] = bodies.map((body, index) =>
    stripeHttpEvent(body, stripeSignature(body, BENCH_STRIPE_SECRET, timestamp), `req-bench-${index}`),
  );
  const secrets = createSecretList({ location: { kind: 'value', value: BENCH_STRIPE_SECRET } });
  const base = { secrets, maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES, now: () => new Date() };
  const lean = createLeanQueueSender(CANNED_QUEUE_URL, { env: cannedSqsEnv(server) });
  const ours = createStripeWebhookHandler({ ...base, queue: lean, observability: observability('info') });
  const sdkQueue = createQueueSender(cannedSqsClient(server), CANNED_QUEUE_URL);
  const oursSdk = createStripeWebhookHandler({ ...base, queue: sdkQueue, observability: observability('info') });
  const oursNoSend = createStripeWebhookHandler({ ...base, queue: noopQueue, observability: observability('info') });
  const baseline = createBaselineHandler({
    stripe: new Stripe('sk_test_unused'),
    sqs: cannedSqsClient(server),
    queueUrl: CANNED_QUEUE_URL,
    webhookSecret: BENCH_STRIPE_SECRET,
  });
  const floorSend = createFloorSender(server.endpoint, CANNED_QUEUE_URL);
  const key = Buffer.from(BENCH_STRIPE_SECRET, 'utf8');
  const signedPrefix = `${timestamp}.`;
  const floor = (index: number) => {
    const body = bodies[index] as string;
    createHmac('sha256', key).update(signedPrefix).update(body).digest();
    const parsed = JSON.parse(body) as { type: string };
    return floorSend(body, parsed.type);
  };

  const handlers = { ours, oursSdk, oursNoSend, baseline } as const;
  for (const [name, handler] of Object.entries(handlers))
    for (const event of events) assertOk(await handler(event), name);
  return measureVariants(label, bodies, [
    ...Object.entries(handlers).map(([name, handler]) => ({
      name,
      async: true,
      call: (index: number) => handler(events[index] as APIGatewayProxyEventV2),
    })),
    { name: 'floor', async: true, call: floor },
  ]);
}

async function main(): Promise<IngestCpuResult> {
  const server = await startCannedSqsServer();
  try {
    const large = Array.from({ length: POOL }, (_, index) =>
      fixtureWithFreshId(index % 2 === 0 ? 'customer.subscription.created' : 'customer.subscription.updated'),
    );
    const small = Array.from({ length: POOL }, () => smallInvoicePaid());
    const sizes = [
      await measureSize('7 KB (fixtures)', large, server),
      await measureSize('1 KB (invoice.paid)', small, server),
    ];
    return {
      sizes,
      notes: [
        'µs are CPU time (user + system) of the benchmark process per event, median over interleaved rounds; ' +
          'the canned SQS server runs in another process.',
        'ours: real secret list, Powertools Logger at INFO writing JSON lines to /dev/null, Metrics with ' +
          'POWERTOOLS_METRICS_DISABLED, the lean SQS sender.',
        'baseline: stripe.webhooks.constructEvent + SendMessage through the SDK SQSClient (its keep-alive ' +
          'handler, SigV4, MD5 check); floor: HMAC + JSON.parse + a hand-signed SendMessage.',
      ],
    };
  } finally {
    server.close();
  }
}

runWorker(main);
