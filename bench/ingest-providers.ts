import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createShopifyWebhookHandler } from '../functions/shopify-webhook/shopify-webhook';
import { createSquareWebhookHandler } from '../functions/square-webhook/square-webhook';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../shared/platform/config';
import { createSecretList } from '../shared/platform/secrets';
import { shopifySignatureHeader } from '../shared/inbound/signatures/shopify';
import { squareSignatureHeader } from '../shared/inbound/signatures/square';
import { assertOk, measureVariants, noopQueue, observability, POOL, type SizeResult } from './lib/cpu-bench';
import { REPO_ROOT } from './lib/paths';
import { stripeHttpEvent } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark 1 (continued), ingest CPU cost of the Shopify and Square handlers, set up as the Stripe
 * one is (real secret list, Powertools at INFO to /dev/null, metrics disabled, no-op QueueSender),
 * against their floor: their HMAC-SHA256 and one JSON.parse. No baseline: @shopify/shopify-api 15
 * does not run on Node 20 and the square SDK is not a dependency. A worker of its own, so changes
 * to these newer handlers cannot stop the Stripe measurement.
 */

export interface IngestProvidersResult {
  readonly providers: SizeResult[];
  readonly notes: string[];
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
    providerHttpEvent(
      body,
      {
        'x-shopify-hmac-sha256': shopifySignatureHeader(SHOPIFY_SECRET, body),
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': 'bench-shop.myshopify.com',
        'x-shopify-webhook-id': `b1e8c5d2-0000-4000-8000-${String(index).padStart(12, '0')}`,
        'x-shopify-api-version': '2025-10',
      },
      `req-shopify-${index}`,
    ),
  );
  const ours = createShopifyWebhookHandler({
    secrets: createSecretList({ location: { kind: 'value', value: SHOPIFY_SECRET } }),
    queue: noopQueue,
    maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
    now: () => new Date(),
    observability: observability('info', 'shopify-webhook'),
  });
  for (const event of events) assertOk(await ours(event), 'shopify');
  const key = Buffer.from(SHOPIFY_SECRET, 'utf8');
  return measureVariants(`Shopify products/update ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`, bodies, [
    { name: 'ours', async: true, call: (index) => ours(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'floor',
      async: false,
      call: (index) => {
        createHmac('sha256', key)
          .update(bodies[index] as string)
          .digest();
        return JSON.parse(bodies[index] as string) as unknown;
      },
    },
  ]);
}

async function measureSquare(): Promise<SizeResult> {
  const text = providerFixture('square.inventory.count.updated.json');
  const bodies = Array.from({ length: POOL }, () => text);
  const events = bodies.map((body, index) =>
    providerHttpEvent(
      body,
      { 'x-square-hmacsha256-signature': squareSignatureHeader(SQUARE_KEY, SQUARE_URL, body) },
      `req-square-${index}`,
    ),
  );
  const ours = createSquareWebhookHandler({
    keys: createSecretList({ location: { kind: 'value', value: SQUARE_KEY } }),
    notificationUrl: SQUARE_URL,
    connections: { connectionOf: async () => undefined },
    queue: noopQueue,
    maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
    now: () => new Date(),
    observability: observability('info', 'square-webhook'),
  });
  for (const event of events) assertOk(await ours(event), 'square');
  const key = Buffer.from(SQUARE_KEY, 'utf8');
  return measureVariants(`Square inventory.count.updated ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`, bodies, [
    { name: 'ours', async: true, call: (index) => ours(events[index] as APIGatewayProxyEventV2) },
    {
      name: 'floor',
      async: false,
      call: (index) => {
        createHmac('sha256', key)
          .update(SQUARE_URL)
          .update(bodies[index] as string)
          .digest();
        return JSON.parse(bodies[index] as string) as unknown;
      },
    },
  ]);
}

function providerFixture(name: string): string {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

async function main(): Promise<IngestProvidersResult> {
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
  return { providers, notes };
}

runWorker(main);
