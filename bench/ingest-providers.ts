import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createShopifyWebhookHandler } from '../functions/shopify-webhook/shopify-webhook';
import { createSourcesWebhookHandler } from '../functions/sources-webhook/sources-webhook';
import { createSquareWebhookHandler } from '../functions/square-webhook/square-webhook';
import { sourceSecretContext } from '../shared/inbound/connections/source-secret';
import { shopifySignatureHeader } from '../shared/inbound/signatures/shopify';
import { squareSignatureHeader } from '../shared/inbound/signatures/square';
import { createLeanQueueSender } from '../shared/platform/aws/lean-queue-sender';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES } from '../shared/platform/config';
import { betterdataSignatureHeader } from '../shared/platform/crypto/betterdata-signature';
import { createLocalCipher } from '../shared/platform/crypto/secret-cipher';
import { generateSigningSecret, parseSigningSecret } from '../shared/platform/crypto/standard-webhooks';
import { createSecretList } from '../shared/platform/secrets';
import {
  CANNED_QUEUE_URL,
  cannedSqsClient,
  cannedSqsEnv,
  startCannedSqsServer,
  type CannedSqsServer,
} from './lib/canned-sqs-server';
import { assertOk, measureVariants, observability, POOL, type SizeResult } from './lib/cpu-bench';
import { createFloorSender } from './lib/floor-send';
import { REPO_ROOT } from './lib/paths';
import { stripeHttpEvent } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';
import { LOG_OFF } from './lib/inbound-log';

/**
 * Benchmark 1 (continued), ingest CPU of the Shopify, Square and signed-source receivers, like for
 * like with the Stripe one: every variant sends one SendMessage to the same canned SQS server.
 * - ours: the handler as deployed (real secret list, Powertools at INFO to /dev/null, lean sender).
 * - baseline, the usual way without a provider SDK (Shopify's and Square's docs show it): the HMAC
 *   with node:crypto, `JSON.parse`, then the SDK's `SendMessage` of the body.
 * - floor: the HMAC, `JSON.parse` and one hand-signed SendMessage (bench/lib/floor-send.ts).
 * Sources read their source from a map and record nothing (the listing write is a DynamoDB call
 * outside the ingest cost compared here).
 */

export interface IngestProvidersResult {
  readonly providers: SizeResult[];
  readonly notes: string[];
}

function providerHttpEvent(body: string, headers: Record<string, string>, requestId: string): APIGatewayProxyEventV2 {
  const event = stripeHttpEvent(body, '', requestId);
  const { 'stripe-signature': _stripe, ...rest } = event.headers;
  return { ...event, routeKey: 'ANY /webhooks/provider', headers: { ...rest, ...headers } };
}

const SHOPIFY_SECRET = 'shpss_benchmark_only_0123456789abcdef';
const SQUARE_KEY = 'benchmark-square-signature-key';
const SQUARE_URL = 'https://api.example.com/webhooks/square';
const base = { maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES, now: () => new Date() };

interface Provider {
  readonly label: string;
  readonly bodies: string[];
  readonly events: APIGatewayProxyEventV2[];
  readonly ours: (event: APIGatewayProxyEventV2) => Promise<unknown>;
  /** The provider's HMAC over one body, and the event type the usual way would attach. */
  readonly hmac: (body: string) => Buffer;
  readonly eventType: string;
}

function shopify(server: CannedSqsServer): Provider {
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
    ...base,
    secrets: createSecretList({ location: { kind: 'value', value: SHOPIFY_SECRET } }),
    queue: createLeanQueueSender(CANNED_QUEUE_URL, { env: cannedSqsEnv(server) }),
    observability: observability('info', 'shopify-webhook'),
  });
  const hmac = (body: string) => createHmac('sha256', SHOPIFY_SECRET).update(body).digest();
  return { label: `Shopify products/update ${kb(text)}`, bodies, events, ours, hmac, eventType: 'products/update' };
}

function square(server: CannedSqsServer): Provider {
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
    ...base,
    keys: createSecretList({ location: { kind: 'value', value: SQUARE_KEY } }),
    notificationUrl: SQUARE_URL,
    connections: { connectionOf: async () => undefined },
    queue: createLeanQueueSender(CANNED_QUEUE_URL, { env: cannedSqsEnv(server) }),
    observability: observability('info', 'square-webhook'),
  });
  const hmac = (body: string) => createHmac('sha256', SQUARE_KEY).update(SQUARE_URL).update(body).digest();
  const label = `Square inventory.count.updated ${kb(text)}`;
  return { label, bodies, events, ours, hmac, eventType: 'inventory.count.updated' };
}

async function sources(server: CannedSqsServer): Promise<Provider> {
  const secret = generateSigningSecret();
  const key = parseSigningSecret(secret);
  const cipher = createLocalCipher('benchmark-local-key-material-for-sources');
  const source = {
    sourceId: 'bench-source',
    orgId: 'org_bench',
    secrets: [await cipher.encrypt(secret, sourceSecretContext('org_bench', 'bench-source'))],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const now = Math.floor(Date.now() / 1000);
  const bodies = Array.from({ length: POOL }, (_, index) =>
    JSON.stringify({ id: `ord_${index}`, type: 'order.created', data: { variantId: '788032119674292922', qty: 2 } }),
  );
  const events = bodies.map((body, index) => ({
    ...providerHttpEvent(
      body,
      { 'x-betterdata-signature': betterdataSignatureHeader([key], now, body) },
      `req-${index}`,
    ),
    pathParameters: { sourceId: 'bench-source' },
  }));
  const ours = createSourcesWebhookHandler({
    ...base,
    connections: { getSource: async () => source, recordSourceEvent: async () => undefined },
    cipher,
    sourceEventRetentionDays: 30,
    // The log's DynamoDB write is left out like the other stores here; bench/inbound-log.ts measures it for real.
    inboundLog: LOG_OFF,
    queue: createLeanQueueSender(CANNED_QUEUE_URL, { env: cannedSqsEnv(server) }),
    observability: observability('info', 'sources-webhook'),
  });
  const hmac = (body: string) => createHmac('sha256', key).update(`${now}.`).update(body).digest();
  return { label: `signed source event ${kb(bodies[0] as string)}`, bodies, events, ours, hmac, eventType: 'order' };
}

async function measure(provider: Provider, server: CannedSqsServer): Promise<SizeResult> {
  const sqs = cannedSqsClient(server);
  const floorSend = createFloorSender(server.endpoint, CANNED_QUEUE_URL);
  const at = (index: number) => provider.bodies[index] as string;
  for (const event of provider.events) assertOk(await provider.ours(event), provider.label);
  return measureVariants(provider.label, provider.bodies, [
    { name: 'ours', async: true, call: (index) => provider.ours(provider.events[index] as APIGatewayProxyEventV2) },
    {
      name: 'baseline',
      async: true,
      call: (index) => {
        provider.hmac(at(index));
        JSON.parse(at(index));
        const attributes = { eventType: { DataType: 'String', StringValue: provider.eventType } };
        return sqs.send(
          new SendMessageCommand({ QueueUrl: CANNED_QUEUE_URL, MessageBody: at(index), MessageAttributes: attributes }),
        );
      },
    },
    {
      name: 'floor',
      async: true,
      call: (index) => {
        provider.hmac(at(index));
        JSON.parse(at(index));
        return floorSend(at(index), provider.eventType);
      },
    },
  ]);
}

const kb = (text: string) => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`;

function providerFixture(name: string): string {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

async function main(): Promise<IngestProvidersResult> {
  const server = await startCannedSqsServer();
  const providers: SizeResult[] = [];
  const notes: string[] = [];
  try {
    for (const [name, build] of [
      ['Shopify', shopify],
      ['Square', square],
      ['Sources', sources],
    ] as const) {
      try {
        providers.push(await measure(await build(server), server));
      } catch (error) {
        notes.push(`${name} ingest not measured: ${(error as Error).message}`);
      }
    }
  } finally {
    server.close();
  }
  return { providers, notes };
}

runWorker(main);
