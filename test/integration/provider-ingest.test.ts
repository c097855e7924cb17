import { createHmac, randomBytes } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildShopifyEvent,
  buildSquareEvent,
  loadShopifyFixture,
  loadSquareFixture,
} from '../../infra/local/provider-events';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createConnectionsStore, type ConnectionsStore } from '../../shared/inbound/connections/connections-store';
import {
  inboundSourceMessageSchema,
  type InboundSourceMessage,
} from '../../shared/inbound/connections/inbound-source-message';
import { sourceSecretContext } from '../../shared/inbound/connections/source-secret';
import { createLocalCipher } from '../../shared/platform/crypto/secret-cipher';
import { parseLosslessJson } from '../../shared/platform/json/lossless';
import { decodeQueuedBody, queuedWebhookSchema, type QueuedWebhook } from '../../shared/inbound/queued-webhook';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { ENDPOINT_SECRETS_KEY, ENV, TABLES } from '../../shared/platform/topology';
import { fixtureBytes } from '../support/fixtures';
import { sqsClient } from '../support/local-system';

/**
 * Square, Shopify and signed-source ingest end to end: real HTTP into the local runtime (API Gateway
 * emulation, including base64 bodies), the real handlers, SQS on fauxqs, DynamoDB on dynalite. Every
 * signature here is computed with node:crypto in the test, independently of shared/signatures.
 *
 * The catalog queue has a consumer (the catalog function), which would race these assertions. So the
 * ingest functions' CATALOG_QUEUE_URL is pointed at a probe queue nobody consumes, before their first
 * request (handlers read their configuration when first loaded): "queued" and "queued nothing" are
 * then exact. The inbound-sources queue has no consumer in this stack and is read directly.
 */

const SQUARE_KEYS = ['it-square-signature-key-current', 'it-square-signature-key-previous'];
const SHOPIFY_SECRETS = ['it-shopify-client-secret-current', 'it-shopify-client-secret-previous'];
const SHOP = 'integration-shop.myshopify.com';

type Answer = { status: number; body: Record<string, unknown> };

describe('Integration: Square, Shopify and signed-source ingest through the local runtime', () => {
  let system: LocalSystem;
  let sqs: SQSClient;
  let probeQueueUrl: string;
  let connections: ConnectionsStore;

  beforeAll(async () => {
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { [ENV.squareSignatureKey]: SQUARE_KEYS.join(','), [ENV.shopifyApiSecret]: SHOPIFY_SECRETS.join(',') },
    });
    sqs = sqsClient(system);
    probeQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'provider-ingest-probe' }))).QueueUrl as string;
    process.env[ENV.catalogQueueUrl] = probeQueueUrl;
    connections = createConnectionsStore(
      createDocumentClient(system.env),
      system.env[TABLES.connections.envVar] as string,
    );
  });

  afterAll(async () => {
    sqs?.destroy();
    await system?.stop();
  });

  /** Receives (and deletes) every message now on a queue: the handlers answer only once SQS has it. */
  async function drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        bodies.push(message.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    expect(Object.values(Attributes).map(Number)).toEqual([0, 0, 0]);
    return bodies;
  }

  const catalogMessages = async (): Promise<QueuedWebhook[]> =>
    (await drain(probeQueueUrl)).map((body) => queuedWebhookSchema.parse(JSON.parse(body)));
  const sourceMessages = async (): Promise<InboundSourceMessage[]> =>
    (await drain(system.queueUrls.inboundSources.url)).map((body) =>
      inboundSourceMessageSchema.parse(JSON.parse(body)),
    );

  async function post(
    path: string,
    body: string | Buffer | undefined,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<Answer> {
    const response = await fetch(`${system.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  beforeEach(async () => {
    await catalogMessages();
    await sourceMessages();
  });

  describe('POST /api/webhooks/square', () => {
    const squareSignature = (body: string | Buffer, key = SQUARE_KEYS[0]!, url = system.squareNotificationUrl) =>
      createHmac('sha256', key).update(url).update(body).digest('base64');
    const postSquare = (body: string | Buffer, signature: string | null, contentType = 'application/json') =>
      post('/api/webhooks/square', body, {
        'content-type': contentType,
        ...(signature !== null && { 'x-square-hmacsha256-signature': signature }),
      });

    it('queues a signed inventory.count.updated of an unconnected merchant on the catalog queue, byte for \
byte', async () => {
      const event = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
        merchantId: 'MLEFBHHSJGVHD',
        quantity: 3,
      });
      expect(await postSquare(event.body, squareSignature(event.body))).toEqual({
        status: 200,
        body: { received: true },
      });
      const [message, ...rest] = await catalogMessages();
      expect(rest).toEqual([]);
      expect(message).toMatchObject({
        source: 'square',
        eventId: event.eventId,
        eventType: 'inventory.count.updated',
        account: 'MLEFBHHSJGVHD',
      });
      expect(decodeQueuedBody(message!).toString('utf8')).toBe(event.body);
    });

    it('verifies the fixture bytes as they are, with the previous key of a rotation, sent as a base64 \
body', async () => {
      const body = fixtureBytes('square.catalog.version.updated.json');
      // No text Content-Type: the gateway passes the body base64-encoded, as API Gateway does.
      expect(await postSquare(body, squareSignature(body, SQUARE_KEYS[1]), 'application/octet-stream')).toEqual({
        status: 200,
        body: { received: true },
      });
      const [message] = await catalogMessages();
      expect(message).toMatchObject({
        eventId: 'aeaaa5f6-c4fd-4e93-b688-71b50706266f',
        eventType: 'catalog.version.updated',
        account: '6SSW7HV8K2ST5',
      });
      expect(decodeQueuedBody(message!).equals(body)).toBe(true);
    });

    it("verifies against a connected merchant's own notification URL", async () => {
      const merchantUrl = 'https://merchant-tunnel.example.com/square/hooks';
      await connections.connect({
        provider: 'square',
        orgId: 'org_square_it',
        account: 'MERCHANTOWNURL',
        notificationUrl: merchantUrl,
        connectedAt: new Date().toISOString(),
      });
      const event = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
        merchantId: 'MERCHANTOWNURL',
      });
      expect((await postSquare(event.body, squareSignature(event.body, SQUARE_KEYS[0], merchantUrl))).status).toBe(200);
      expect((await catalogMessages()).map((message) => message.account)).toEqual(['MERCHANTOWNURL']);
    });

    it('answers 400 with a JSON reason and queues nothing for missing, malformed, mismatching or mis-addressed \
signatures', async () => {
      const event = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
        merchantId: 'MLEFBHHSJGVHD',
      });
      const url = system.squareNotificationUrl;
      const attempts: [string, string | null, string, string][] = [
        ['missing', null, event.body, 'missing_signature'],
        ['not base64', '!!!!'.repeat(11), event.body, 'malformed_signature'],
        ['wrong length', Buffer.alloc(20).toString('base64'), event.body, 'malformed_signature'],
        ['wrong key', squareSignature(event.body, 'not-our-key'), event.body, 'no_matching_signature'],
        [
          'URL differing by one character',
          squareSignature(event.body, SQUARE_KEYS[0], url.slice(0, -1)),
          event.body,
          'no_matching_signature',
        ],
        [
          'https instead of http',
          squareSignature(event.body, SQUARE_KEYS[0], url.replace(/^http:/, 'https:')),
          event.body,
          'no_matching_signature',
        ],
        [
          'tampered body',
          squareSignature(event.body),
          event.body.replace('"quantity": "10"', '"quantity": "99"'),
          'no_matching_signature',
        ],
        [
          're-serialised body',
          squareSignature(event.body),
          JSON.stringify(JSON.parse(event.body)),
          'no_matching_signature',
        ],
      ];
      for (const [label, signature, body, error] of attempts) {
        const answer = await postSquare(body, signature);
        expect({ label, ...answer }).toEqual({ label, status: 400, body: { error, message: expect.any(String) } });
      }
      expect(await catalogMessages()).toEqual([]);
    });

    it('answers 400 for signed bodies that are not JSON or not Square events, 200 without queuing for other \
types', async () => {
      const notJson = 'event_id=1';
      expect((await postSquare(notJson, squareSignature(notJson))).body).toMatchObject({ error: 'invalid_json' });
      const noEventId = JSON.stringify({ merchant_id: 'M1', type: 'inventory.count.updated' });
      expect(await postSquare(noEventId, squareSignature(noEventId))).toMatchObject({
        status: 400,
        body: { error: 'not_a_square_event' },
      });
      const test = JSON.stringify({
        merchant_id: 'M1',
        type: 'webhooks.test_notification',
        event_id: 'test-1',
        created_at: new Date().toISOString(),
        data: {},
      });
      expect(await postSquare(test, squareSignature(test))).toEqual({ status: 200, body: { received: true } });
      expect(await catalogMessages()).toEqual([]);
    });

    it('answers 405 for other methods and 413 over the size limit', async () => {
      const get = await post('/api/webhooks/square', undefined, {}, 'GET');
      expect(get).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
      const huge = JSON.stringify({
        merchant_id: 'M1',
        type: 'inventory.count.updated',
        event_id: 'big',
        pad: 'x'.repeat(600 * 1024),
      });
      expect(await postSquare(huge, squareSignature(huge))).toMatchObject({
        status: 413,
        body: { error: 'payload_too_large' },
      });
      expect(await catalogMessages()).toEqual([]);
    });
  });

  describe('POST /api/webhooks/shopify', () => {
    const shopifySignature = (body: string | Buffer, secret = SHOPIFY_SECRETS[0]!) =>
      createHmac('sha256', secret).update(body).digest('base64');

    it.each(['products/create', 'products/update', 'products/delete', 'inventory_levels/update'] as const)(
      'queues a signed %s with its delivery headers and the 64-bit ids intact',
      async (topic) => {
        const event = buildShopifyEvent(loadShopifyFixture(topic), topic, {
          shopDomain: SHOP,
          title: 'Integration tee',
          price: '21.00',
          available: 7,
        });
        const answer = await post('/api/webhooks/shopify', event.body, {
          ...event.headers,
          'x-shopify-hmac-sha256': shopifySignature(event.body),
        });
        expect(answer).toEqual({ status: 200, body: { received: true } });
        const [message, ...rest] = await catalogMessages();
        expect(rest).toEqual([]);
        expect(message).toMatchObject({
          source: 'shopify',
          eventId: event.webhookId,
          eventType: topic,
          account: SHOP,
          headers: {
            'x-shopify-topic': topic,
            'x-shopify-shop-domain': SHOP,
            'x-shopify-webhook-id': event.webhookId,
            'x-shopify-event-id': event.headers['x-shopify-event-id'],
            'x-shopify-triggered-at': event.headers['x-shopify-triggered-at'],
            'x-shopify-api-version': event.headers['x-shopify-api-version'],
          },
        });
        const raw = decodeQueuedBody(message!).toString('utf8');
        expect(raw).toBe(event.body);
        const parsed = parseLosslessJson(raw) as Record<string, unknown>;
        expect(parsed.id ?? parsed.inventory_item_id).toBe(
          topic === 'inventory_levels/update' ? '271878346596884015' : '788032119674292922',
        );
      },
    );

    it('verifies the fixture bytes sent as a base64 body with the previous secret of a rotation', async () => {
      const body = fixtureBytes('shopify.products.update.json');
      const headers = {
        ...buildShopifyEvent(body.toString('utf8'), 'products/update', { shopDomain: SHOP }).headers,
        'content-type': 'application/octet-stream',
      };
      expect(
        (
          await post('/api/webhooks/shopify', body, {
            ...headers,
            'x-shopify-hmac-sha256': shopifySignature(body, SHOPIFY_SECRETS[1]),
          })
        ).status,
      ).toBe(200);
      const [message] = await catalogMessages();
      expect(decodeQueuedBody(message!).equals(body)).toBe(true);
    });

    it('answers 400 and queues nothing for bad signatures and missing headers; 200 without queuing for other \
topics', async () => {
      const event = buildShopifyEvent(loadShopifyFixture('products/update'), 'products/update', { shopDomain: SHOP });
      const good = shopifySignature(event.body);
      const { 'x-shopify-shop-domain': _shop, ...withoutShop } = event.headers;
      const attempts: [string, Record<string, string>, string, string][] = [
        ['missing', event.headers, event.body, 'missing_signature'],
        [
          'not base64',
          { ...event.headers, 'x-shopify-hmac-sha256': '#'.repeat(44) },
          event.body,
          'malformed_signature',
        ],
        [
          'wrong length',
          { ...event.headers, 'x-shopify-hmac-sha256': good.slice(4) },
          event.body,
          'malformed_signature',
        ],
        [
          'wrong secret',
          { ...event.headers, 'x-shopify-hmac-sha256': shopifySignature(event.body, 'not-our-secret') },
          event.body,
          'no_matching_signature',
        ],
        [
          'tampered body',
          { ...event.headers, 'x-shopify-hmac-sha256': good },
          event.body.replace('"19.99"', '"1.99"'),
          'no_matching_signature',
        ],
        [
          'JSON.parse round trip (ids corrupted)',
          { ...event.headers, 'x-shopify-hmac-sha256': good },
          JSON.stringify(JSON.parse(event.body)),
          'no_matching_signature',
        ],
        ['no shop domain header', { ...withoutShop, 'x-shopify-hmac-sha256': good }, event.body, 'missing_headers'],
      ];
      for (const [label, headers, body, error] of attempts) {
        const answer = await post('/api/webhooks/shopify', body, headers);
        expect({ label, ...answer }).toEqual({ label, status: 400, body: { error, message: expect.any(String) } });
      }
      const order = '{"id":820982911946154508}';
      const other = await post('/api/webhooks/shopify', order, {
        ...event.headers,
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': shopifySignature(order),
      });
      expect(other).toEqual({ status: 200, body: { received: true } });
      expect((await post('/api/webhooks/shopify', undefined, {}, 'DELETE')).status).toBe(405);
      expect(await catalogMessages()).toEqual([]);
    });
  });

  describe('POST /webhooks/sources/{sourceId}', () => {
    const ORG = 'org_sources_it';
    const SOURCE_ID = `erp-${randomBytes(4).toString('hex')}`;
    const SECRET = generateSigningSecret();
    const betterdataSignature = (body: string | Buffer, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)) => {
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      return `t=${timestamp},v1=${createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex')}`;
    };
    const postSource = (body: string | Buffer, signature: string | null, sourceId = SOURCE_ID) =>
      post(`/webhooks/sources/${sourceId}`, body, {
        'content-type': 'application/json',
        ...(signature !== null && { 'x-betterdata-signature': signature }),
      });

    beforeAll(async () => {
      const cipher = createLocalCipher(system.env[ENDPOINT_SECRETS_KEY.localKeyEnvVar] as string);
      const now = new Date().toISOString();
      const ciphertext = await cipher.encrypt(SECRET, sourceSecretContext(ORG, SOURCE_ID));
      expect(
        await connections.putSource({
          sourceId: SOURCE_ID,
          orgId: ORG,
          secrets: [ciphertext],
          createdAt: now,
          updatedAt: now,
        }),
      ).toBe('created');
    });

    it('queues a signed event on the inbound-sources queue and lists it for the source', async () => {
      const body = '{"id":"ord_7001","type":"order.created","data":{"variantId":788032119674292922,"quantity":2}}';
      expect(await postSource(body, betterdataSignature(body))).toEqual({ status: 200, body: { received: true } });
      const [message, ...rest] = await sourceMessages();
      expect(rest).toEqual([]);
      expect(message).toMatchObject({
        sourceId: SOURCE_ID,
        orgId: ORG,
        eventId: 'ord_7001',
        json: { id: 'ord_7001', data: { variantId: '788032119674292922', quantity: 2 } },
      });
      expect(Buffer.from(message!.rawBodyBase64, 'base64').toString('utf8')).toBe(body);
      const { items } = await connections.sourceEvents(SOURCE_ID, { limit: 10 });
      expect(items).toEqual([
        expect.objectContaining({ id: 'ord_7001', sourceId: SOURCE_ID, body, receivedAt: message!.receivedAt }),
      ]);
      const days = (items[0]!.expiresAt - Date.parse(message!.receivedAt) / 1000) / 86_400;
      expect(days).toBeCloseTo(30, 1);
    });

    it('answers 400 for bad or expired signatures and non-JSON bodies, 404 for an unknown source, and lists none of \
them', async () => {
      const body = '{"id":"ord_rejected","type":"order.created"}';
      const old = Math.floor(Date.now() / 1000) - 301;
      const attempts: [string, Answer, number, string][] = [
        ['missing', await postSource(body, null), 400, 'missing_signature'],
        [
          'another secret',
          await postSource(body, betterdataSignature(body, generateSigningSecret())),
          400,
          'no_matching_signature',
        ],
        ['expired', await postSource(body, betterdataSignature(body, SECRET, old)), 400, 'timestamp_outside_tolerance'],
        [
          'tampered',
          await postSource(body.replace('created', 'deleted'), betterdataSignature(body)),
          400,
          'no_matching_signature',
        ],
        ['not JSON', await postSource('id=ord_rejected', betterdataSignature('id=ord_rejected')), 400, 'invalid_json'],
        [
          'unknown source',
          await postSource(body, betterdataSignature(body), 'no-such-source'),
          404,
          'source_not_found',
        ],
      ];
      for (const [label, answer, status, error] of attempts) {
        expect({ label, ...answer }).toEqual({ label, status, body: { error, message: expect.any(String) } });
      }
      expect((await post(`/webhooks/sources/${SOURCE_ID}`, undefined, {}, 'GET')).status).toBe(405);
      expect(await sourceMessages()).toEqual([]);
      const { items } = await connections.sourceEvents(SOURCE_ID, { limit: 100 });
      expect(items.map((item) => item.id)).not.toContain('ord_rejected');
    });
  });
});
