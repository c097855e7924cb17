import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createShopifyWebhookHandler } from '../../../functions/shopify-webhook/shopify-webhook';
import type { QueueSender } from '../../../shared/platform/aws/queue';
import { EnqueueError } from '../../../shared/platform/errors';
import { parseLosslessJson } from '../../../shared/platform/json/lossless';
import { decodeQueuedBody, queuedWebhookSchema } from '../../../shared/inbound/queued-webhook';
import type { SecretList } from '../../../shared/platform/secrets';
import { httpEvent } from '../../support/api-gateway';
import { fixtureBytes } from '../../support/fixtures';
import { recordingObservability } from '../../support/observability';

const SECRET = 'shopify-client-secret-unit';
const NOW = new Date('2026-11-28T00:00:00Z');
const PATH = '/api/webhooks/shopify';
const SHOP = 'example.myshopify.com';
const product = fixtureBytes('shopify.products.update.json');

/** Signed the way Shopify signs, with node:crypto directly (not the module under test). */
function sign(body: Buffer | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

function deliveryHeaders(topic = 'products/update'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': SHOP,
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    'x-shopify-triggered-at': '2026-11-27T23:59:59.123456789Z',
    'x-shopify-api-version': '2026-04',
  };
}

function post(body: Buffer | string, headers: Record<string, string>, base64?: boolean) {
  return httpEvent({
    path: PATH,
    headers,
    body: Buffer.isBuffer(body) && !base64 ? body.toString('utf8') : body,
    ...(base64 !== undefined && { base64 }),
  });
}

function setup(options: { secrets?: SecretList; failQueue?: boolean; maxBodyBytes?: number } = {}) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  const queue: QueueSender = {
    async send(messageBody, sendOptions) {
      if (options.failQueue) throw new EnqueueError('queue down');
      sent.push({ body: messageBody, attributes: sendOptions?.attributes });
      return `msg-${sent.length}`;
    },
    async sendBatch() {
      throw new Error('the Shopify webhook sends one message at a time');
    },
  };
  const observability = recordingObservability();
  const handler = createShopifyWebhookHandler({
    secrets: options.secrets ?? { current: async () => [SECRET], refresh: async () => undefined },
    queue,
    maxBodyBytes: options.maxBodyBytes ?? 512 * 1024,
    now: () => NOW,
    observability,
  });
  return {
    handler,
    sent,
    observability,
    messages: () => sent.map((entry) => queuedWebhookSchema.parse(JSON.parse(entry.body))),
  };
}

describe('Function: shopify-webhook handler', () => {
  it('queues a verified products/update with its exact bytes and the delivery headers, and answers 200', async () => {
    const { handler, sent, messages, observability } = setup();
    const result = await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ received: true });
    const [message] = messages();
    expect(message).toEqual({
      source: 'shopify',
      eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      eventType: 'products/update',
      receivedAt: NOW.toISOString(),
      correlationId: expect.any(String),
      rawBody: product.toString('utf8'),
      account: SHOP,
      headers: {
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
        'x-shopify-triggered-at': '2026-11-27T23:59:59.123456789Z',
        'x-shopify-api-version': '2026-04',
      },
    });
    // The queued bytes still hold the 64-bit ids exactly.
    expect((parseLosslessJson(decodeQueuedBody(message!)) as { id: unknown }).id).toBe('788032119674292922');
    expect(sent[0]!.attributes).toEqual({ source: 'shopify', eventType: 'products/update' });
    expect(observability.metricNames).toEqual(['WebhookReceived', 'WebhookQueued']);
  });

  it.each([
    ['products/create', 'shopify.products.create.json'],
    ['products/delete', 'shopify.products.delete.json'],
    ['inventory_levels/update', 'shopify.inventory_levels.update.json'],
  ])('queues %s', async (topic, fixture) => {
    const { handler, messages } = setup();
    const body = fixtureBytes(fixture);
    expect(
      (await handler(post(body, { ...deliveryHeaders(topic), 'x-shopify-hmac-sha256': sign(body) }))).statusCode,
    ).toBe(200);
    expect(messages()[0]).toMatchObject({ eventType: topic, account: SHOP });
  });

  it('reads headers whatever their case and lower-cases the shop domain', async () => {
    const { handler, messages } = setup();
    const headers = Object.fromEntries(
      Object.entries(deliveryHeaders()).map(([name, value]) => [
        name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()),
        value,
      ]),
    );
    headers['X-Shopify-Shop-Domain'] = 'Example.MyShopify.com';
    expect((await handler(post(product, { ...headers, 'X-Shopify-Hmac-Sha256': sign(product) }))).statusCode).toBe(200);
    expect(messages()[0]).toMatchObject({
      account: SHOP,
      headers: expect.objectContaining({ 'x-shopify-shop-domain': SHOP }),
    });
  });

  it('verifies a base64-encoded body (isBase64Encoded) over its decoded bytes', async () => {
    const { handler, messages } = setup();
    const result = await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) }, true));
    expect(result.statusCode).toBe(200);
    expect(decodeQueuedBody(messages()[0]!).equals(product)).toBe(true);
  });

  it('carries no optional header it did not receive', async () => {
    const { handler, messages } = setup();
    const {
      'x-shopify-event-id': _e,
      'x-shopify-triggered-at': _t,
      'x-shopify-api-version': _v,
      ...required
    } = deliveryHeaders();
    expect((await handler(post(product, { ...required, 'x-shopify-hmac-sha256': sign(product) }))).statusCode).toBe(
      200,
    );
    expect(Object.keys(messages()[0]!.headers ?? {}).sort()).toEqual([
      'x-shopify-shop-domain',
      'x-shopify-topic',
      'x-shopify-webhook-id',
    ]);
  });

  it.each([
    ['no signature header', undefined, product, 'missing_signature'],
    ['the wrong secret', sign(product, 'another-secret'), product, 'no_matching_signature'],
    [
      'a tampered body',
      sign(product),
      Buffer.from(product.toString('utf8').replace('"19.99"', '"0.99"')),
      'no_matching_signature',
    ],
    [
      'a body re-serialised by JSON.parse (ids corrupted)',
      sign(JSON.stringify(JSON.parse(product.toString('utf8')))),
      product,
      'no_matching_signature',
    ],
    ['a non-base64 signature', '@'.repeat(43) + '=', product, 'malformed_signature'],
    ['a wrong-length signature', Buffer.alloc(64).toString('base64'), product, 'malformed_signature'],
  ])('answers 400 with a JSON reason and queues nothing for %s', async (_label, signature, body, error) => {
    const { handler, sent } = setup();
    const result = await handler(
      post(body, { ...deliveryHeaders(), ...(signature !== undefined && { 'x-shopify-hmac-sha256': signature }) }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error, message: expect.any(String) });
    expect(sent).toHaveLength(0);
  });

  it.each(['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id'])(
    'answers 400 missing_headers without %s',
    async (name) => {
      const { handler, sent } = setup();
      const headers: Record<string, string> = { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) };
      delete headers[name];
      const result = await handler(post(product, headers));
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body)).toEqual({ error: 'missing_headers', message: expect.stringContaining(name) });
      expect(sent).toHaveLength(0);
    },
  );

  it('answers 400 invalid_headers for a shop domain that is not <name>.myshopify.com', async () => {
    const { handler, sent } = setup();
    const result = await handler(
      post(product, {
        ...deliveryHeaders(),
        'x-shopify-shop-domain': 'example.com',
        'x-shopify-hmac-sha256': sign(product),
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'invalid_headers' });
    expect(sent).toHaveLength(0);
  });

  it('answers 400 for a verified body that is not JSON', async () => {
    const { handler, sent } = setup();
    const body = 'id=788032119674292922';
    const result = await handler(post(body, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(body) }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toBe('invalid_json');
    expect(sent).toHaveLength(0);
  });

  it('answers 413 for a body over the limit without verifying or queuing', async () => {
    const { handler, sent } = setup({ maxBodyBytes: 100 });
    const result = await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) }));
    expect(result.statusCode).toBe(413);
    expect(sent).toHaveLength(0);
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const { handler } = setup();
    const result = await handler(httpEvent({ method: 'PUT', path: PATH }));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
  });

  it('acknowledges a verified delivery of another topic without queuing it, and counts it', async () => {
    const { handler, sent, observability } = setup();
    const body = '{"id":450789469}';
    const result = await handler(
      post(body, { ...deliveryHeaders('orders/create'), 'x-shopify-hmac-sha256': sign(body) }),
    );
    expect(result.statusCode).toBe(200);
    expect(sent).toHaveLength(0);
    expect(observability.metricNames).toContain('WebhookUnhandledType');
  });

  it('answers 500 when the queue refuses the event, so Shopify retries', async () => {
    const { handler, observability } = setup({ failQueue: true });
    const result = await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toBe('enqueue_failed');
    expect(observability.metricNames).toContain('WebhookEnqueueFailed');
  });

  it('accepts any secret of a rotation list, and re-reads the secret once when none matches', async () => {
    let refreshes = 0;
    const secrets: SecretList = {
      current: async () => ['old-secret'],
      refresh: async () => {
        refreshes += 1;
        return ['old-secret', SECRET];
      },
    };
    const { handler, sent } = setup({ secrets });
    expect(
      (await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product, 'old-secret') })))
        .statusCode,
    ).toBe(200);
    expect(refreshes).toBe(0);
    expect(
      (await handler(post(product, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(product) }))).statusCode,
    ).toBe(200);
    expect(refreshes).toBe(1);
    expect(sent).toHaveLength(2);
  });

  it('answers 401 for a bad HMAC on the compliance topics, and 400 on every other topic', async () => {
    const { handler, sent } = setup();
    const body = '{"shop_id":954889,"shop_domain":"example.myshopify.com"}';
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact']) {
      const result = await handler(
        post(body, { ...deliveryHeaders(topic), 'x-shopify-hmac-sha256': sign(body, 'wrong') }),
      );
      expect(result.statusCode).toBe(401);
    }
    const other = await handler(post(body, { ...deliveryHeaders(), 'x-shopify-hmac-sha256': sign(body, 'wrong') }));
    expect(other.statusCode).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it('queues verified app/uninstalled and compliance deliveries for the catalog consumer to act on', async () => {
    const { handler, messages } = setup();
    const body = '{"shop_id":954889,"shop_domain":"example.myshopify.com"}';
    for (const topic of ['app/uninstalled', 'shop/redact', 'customers/data_request', 'customers/redact']) {
      const result = await handler(post(body, { ...deliveryHeaders(topic), 'x-shopify-hmac-sha256': sign(body) }));
      expect(result.statusCode).toBe(200);
    }
    expect(messages().map((message) => message.eventType)).toEqual([
      'app/uninstalled',
      'shop/redact',
      'customers/data_request',
      'customers/redact',
    ]);
  });

  it('clamps an x-shopify-triggered-at in the future to the receive time (the header is unsigned)', async () => {
    const { handler, messages } = setup();
    const headers = { ...deliveryHeaders(), 'x-shopify-triggered-at': '2099-01-01T00:00:00Z' };
    await handler(post(product, { ...headers, 'x-shopify-hmac-sha256': sign(product) }));
    expect(messages()[0]?.headers?.['x-shopify-triggered-at']).toBe(NOW.toISOString());
  });
});
