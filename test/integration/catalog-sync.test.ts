import { GetQueueAttributesCommand, type QueueAttributeName } from '@aws-sdk/client-sqs';
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { stockoutEventId } from '../../shared/catalog/catalog-record';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { parseInstant, RANK, versionOf } from '../../shared/catalog/versions';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { ENV } from '../../shared/platform/topology';
import { messageIdFor, orgScope } from '../../shared/events/ids';
import {
  inventoryLevelBody,
  productBody,
  rawJson,
  squareCatalogVersionBody,
  squareCountBody,
} from '../support/catalog-messages';
import { fixtureBytes } from '../support/fixtures';
import { eventually, sqsClient, token, useSystemWithReceiver } from '../support/local-system';
import { connectByOAuth } from '../support/oauth';

/**
 * Catalog and stock sync end to end on the local runtime: signed Square and Shopify webhooks over
 * real HTTP into the ingest routes, the catalog consumer on the catalog queue, connections through
 * the connections API, the read API, and stockout signals through fan-out to a receiver on loopback.
 * Requests are signed here with node:crypto, independently of the code under test.
 */

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
}

describe('Integration: catalog sync through the local runtime', () => {
  const world = useSystemWithReceiver();

  async function call(
    method: string,
    path: string,
    options: { bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await fetch(`${world.system.url}${path}`, {
      method,
      headers: {
        ...(options.bearer && { authorization: `Bearer ${options.bearer}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Answer['body'] };
  }

  async function postShopify(
    topic: string,
    body: string,
    options: { shop: string; webhookId?: string; triggeredAt?: string },
  ): Promise<void> {
    const signature = createHmac('sha256', world.system.shopifyApiSecrets[0]!).update(body).digest('base64');
    const answer = await call('POST', '/api/webhooks/shopify', {
      body,
      headers: {
        'x-shopify-hmac-sha256': signature,
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': options.shop,
        'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
        'x-shopify-api-version': '2026-04',
        ...(options.triggeredAt && { 'x-shopify-triggered-at': options.triggeredAt }),
      },
    });
    expect(answer.status).toBe(200);
  }

  async function postSquare(body: string): Promise<void> {
    const signature = createHmac('sha256', world.system.squareSignatureKeys[0]!)
      .update(world.system.squareNotificationUrl + body)
      .digest('base64');
    const answer = await call('POST', '/api/webhooks/square', {
      body,
      headers: { 'x-square-hmacsha256-signature': signature },
    });
    expect(answer.status).toBe(200);
  }

  async function connectShop(orgId: string, shop: string): Promise<void> {
    expect((await connectByOAuth(world.system, orgId, 'shopify', shop)).searchParams.get('connected')).toBe('shopify');
  }

  /** A merchant attached without an OAuth token (as before OAuth): its catalog versions are recorded, not pulled. */
  async function connectMerchant(orgId: string, merchantId: string): Promise<void> {
    const connections = createConnectionsStore(
      createDocumentClient(world.system.env),
      world.system.env[ENV.connectionsTable]!,
    );
    const connectedAt = new Date().toISOString();
    expect(
      await connections.connect({ provider: 'square', orgId, account: merchantId, notificationUrl: null, connectedAt }),
    ).toBe('connected');
  }

  async function items(orgId: string, query = ''): Promise<Answer> {
    return call('GET', `/v1/orgs/${orgId}/catalog/items${query}`, {
      bearer: await token(world.system, orgId, 'member'),
    });
  }

  async function inventory(orgId: string, query = ''): Promise<Answer> {
    return call('GET', `/v1/orgs/${orgId}/inventory${query}`, { bearer: await token(world.system, orgId, 'member') });
  }

  /** Waits until the catalog queue is empty and nothing is in flight: everything sent has been consumed. */
  async function drain(): Promise<void> {
    const names: QueueAttributeName[] = [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ];
    await eventually(
      async () => {
        const { Attributes } = await sqsClient(world.system).send(
          new GetQueueAttributesCommand({ QueueUrl: world.system.queueUrls.catalog.url, AttributeNames: names }),
        );
        return names.every((name) => Number(Attributes?.[name] ?? 0) === 0) ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  }

  const catalogStore = () =>
    createCatalogStore(createDocumentClient(world.system.env), world.system.env[ENV.catalogTable]!);

  it('ends a shuffled and duplicated stream of product, delete and inventory webhooks in the newest state, with \
64-bit ids exact', async () => {
    const orgId = 'org_catalog_shuffle';
    const shop = 'shuffle-shop.myshopify.com';
    await connectShop(orgId, shop);
    const product = 788032119674292922n;
    const other = 9_007_199_254_740_993n;
    const stockItem = 271878346596884015n;
    const location = 24826418n;
    const variants = (sku: string) => [{ id: 642667041472713922n, sku, price: '19.99', inventoryItemId: stockItem }];
    const stream: { topic: string; body: string; triggeredAt?: string }[] = [
      {
        topic: 'products/create',
        body: rawJson(
          productBody({ id: product, updatedAt: '2024-03-01T10:00:00Z', title: 'Tee v1', variants: variants('TEE-1') }),
        ),
      },
      {
        topic: 'products/update',
        body: rawJson(
          productBody({
            id: product,
            updatedAt: '2024-03-01T06:00:00-05:00',
            title: 'Tee v2',
            variants: variants('TEE-2'),
          }),
        ),
      },
      { topic: 'products/delete', body: rawJson({ id: product }), triggeredAt: '2024-03-01T12:00:00Z' },
      {
        topic: 'products/create',
        body: rawJson(
          productBody({
            id: product,
            updatedAt: '2024-03-01T13:00:00Z',
            title: 'Tee reborn',
            variants: variants('TEE-3'),
          }),
        ),
      },
      {
        topic: 'products/create',
        body: rawJson(productBody({ id: other, updatedAt: '2024-03-01T10:00:00Z', title: 'Doomed', variants: [] })),
      },
      {
        topic: 'products/update',
        body: rawJson(productBody({ id: other, updatedAt: '2024-03-01T11:00:00Z', title: 'Doomed v2', variants: [] })),
      },
      { topic: 'products/delete', body: rawJson({ id: other }), triggeredAt: '2024-03-01T13:00:00+01:00' },
      ...[7, 3, 9, 4].map((available, index) => ({
        topic: 'inventory_levels/update',
        body: rawJson(
          inventoryLevelBody({
            inventoryItemId: stockItem,
            locationId: location,
            available,
            updatedAt: `2024-03-01T1${index}:30:00Z`,
          }),
        ),
      })),
    ];
    const webhookIds = stream.map(() => randomUUID());
    // Newest last in time; delivered shuffled, some twice (same webhook id: Shopify's retry).
    const order = [9, 3, 6, 0, 10, 2, 4, 8, 1, 7, 5, 3, 10, 6, 0];
    for (const index of order) {
      const delivery = stream[index]!;
      await postShopify(delivery.topic, delivery.body, {
        shop,
        webhookId: webhookIds[index]!,
        ...(delivery.triggeredAt && { triggeredAt: delivery.triggeredAt }),
      });
    }
    await drain();

    const listed = await items(orgId);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      {
        source: 'shopify',
        id: '788032119674292922',
        title: 'Tee reborn',
        status: 'active',
        vendor: 'Acme',
        productType: 'Shirts',
        variants: [
          {
            id: '642667041472713922',
            title: 'Variant 1',
            sku: 'TEE-3',
            price: { amount: '19.99', currency: null },
            inventoryItemId: '271878346596884015',
          },
        ],
        sourceUpdatedAt: '2024-03-01T13:00:00.000Z',
        updatedAt: expect.any(String),
      },
    ]);
    // Exact in the bytes on the wire too, not only after our own parse.
    expect(listed.text).toContain('"id":"788032119674292922"');
    expect(listed.text).toContain('"inventoryItemId":"271878346596884015"');

    const levels = await inventory(orgId, '?itemId=271878346596884015');
    expect(levels.body.items).toEqual([
      {
        source: 'shopify',
        itemId: '271878346596884015',
        locationId: '24826418',
        state: 'available',
        quantity: '4',
        sourceUpdatedAt: '2024-03-01T13:30:00.000Z',
        updatedAt: expect.any(String),
      },
    ]);
    expect((await inventory(orgId, '?locationId=24826418')).body.items).toHaveLength(1);
    expect((await inventory(orgId, '?locationId=999')).body.items).toEqual([]);
  });

  it('keeps events of a shop no organisation has connected, and applies them once it is connected', async () => {
    const orgId = 'org_catalog_late';
    const shop = 'late-shop.myshopify.com';
    const body = fixtureBytes('shopify.products.create.json').toString('utf8');
    await postShopify('products/create', body, { shop });
    const connections = createConnectionsStore(
      createDocumentClient(world.system.env),
      world.system.env[ENV.connectionsTable]!,
    );
    const kept = await eventually(async () => {
      const messages = await connections.unmatched('shopify', shop);
      return messages.length > 0 ? messages : undefined;
    });
    expect(kept).toEqual([expect.objectContaining({ source: 'shopify', eventType: 'products/create', account: shop })]);
    await drain();
    expect((await items(orgId)).body.items).toEqual([]);

    await connectShop(orgId, shop);
    const listed = await eventually(async () => {
      const answer = await items(orgId);
      return answer.body.items?.length ? answer : undefined;
    });
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: '788032119674292922',
        title: 'Example T-Shirt',
        variants: [
          expect.objectContaining({ id: '642667041472713922' }),
          expect.objectContaining({ id: '757650484644203962' }),
        ],
      }),
    ]);
    expect(await connections.unmatched('shopify', shop)).toEqual([]);
  });

  it("shows an organisation only its own catalog: another org's token is 404, no token 401, a member cannot change \
settings", async () => {
    const orgId = 'org_catalog_shuffle';
    const stranger = await token(world.system, 'org_someone_else', 'admin');
    for (const path of [`/v1/orgs/${orgId}/catalog/items`, `/v1/orgs/${orgId}/inventory`]) {
      expect((await call('GET', path, { bearer: stranger })).status).toBe(404);
      expect((await call('GET', path)).status).toBe(401);
    }
    expect(
      (await call('PUT', `/v1/orgs/${orgId}/settings/inventory`, { bearer: stranger, body: { stockoutThreshold: 1 } }))
        .status,
    ).toBe(404);
    expect(
      (
        await call('PUT', `/v1/orgs/${orgId}/settings/inventory`, {
          bearer: await token(world.system, orgId, 'member'),
          body: { stockoutThreshold: 1 },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', '/v1/orgs/org_someone_else/catalog/items', { bearer: stranger })).body.items).toEqual([]);
    const invalid = await call('PUT', `/v1/orgs/${orgId}/settings/inventory`, {
      bearer: await token(world.system, orgId, 'admin'),
      body: { stockoutThreshold: -1 },
    });
    expect(invalid).toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ field: 'stockoutThreshold' })] },
    });
    expect(
      (await call('GET', `/v1/orgs/${orgId}/catalog/items?source=amazon`, { bearer: await token(world.system, orgId) }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('GET', `/v1/orgs/${orgId}/catalog/items?cursor=bm90LWEtY3Vyc29y`, {
          bearer: await token(world.system, orgId),
        })
      ).status,
    ).toBe(400);
  });

  it('publishes demand_signal.stockout_risk once when stock drops to the threshold, however often the webhook is \
redelivered', async () => {
    const orgId = 'org_catalog_stockout';
    const shop = 'stockout-shop.myshopify.com';
    await connectShop(orgId, shop);
    const admin = await token(world.system, orgId, 'admin');
    expect(
      await call('PUT', `/v1/orgs/${orgId}/settings/inventory`, { bearer: admin, body: { stockoutThreshold: 5 } }),
    ).toMatchObject({ status: 200, body: { stockoutThreshold: 5, updatedAt: expect.any(String) } });
    const endpoint = await call('POST', `/v1/orgs/${orgId}/webhooks/endpoints`, {
      bearer: admin,
      body: { url: `${world.receiver.baseUrl}/stockout`, eventTypes: ['demand_signal.stockout_risk'] },
    });
    expect(endpoint.status).toBe(201);

    const stockItem = 271878346596884015n;
    await postShopify(
      'products/create',
      rawJson(
        productBody({
          id: 788032119674292922n,
          updatedAt: '2024-04-01T09:00:00Z',
          variants: [{ id: 642667041472713922n, sku: 'TEE-BLK-M', price: '19.99', inventoryItemId: stockItem }],
        }),
      ),
      { shop },
    );
    await drain();
    const level = (available: number, updatedAt: string) =>
      rawJson(inventoryLevelBody({ inventoryItemId: stockItem, locationId: 24826418n, available, updatedAt }));
    await postShopify('inventory_levels/update', level(12, '2024-04-01T10:00:00Z'), { shop });
    await drain();
    const crossingId = randomUUID();
    for (let delivery = 0; delivery < 3; delivery++)
      await postShopify('inventory_levels/update', level(4, '2024-04-01T11:00:00-04:00'), {
        shop,
        webhookId: crossingId,
      });
    await postShopify('inventory_levels/update', level(2, '2024-04-01T16:00:00Z'), { shop });
    await drain();

    const eventId = stockoutEventId(orgId, {
      source: 'shopify',
      itemId: String(stockItem),
      locationId: '24826418',
      state: 'available',
      version: versionOf(parseInstant('2024-04-01T11:00:00-04:00')!, RANK.upsert, crossingId),
    });
    const [delivered] = await eventually(async () =>
      world.receiver.requestsTo('/stockout').length > 0 ? world.receiver.requestsTo('/stockout') : undefined,
    );
    const messageId = messageIdFor(orgScope(orgId), eventId);
    expect(JSON.parse(delivered!.body)).toEqual({
      id: messageId,
      type: 'demand_signal.stockout_risk',
      timestamp: '2024-04-01T15:00:00.000Z',
      data: {
        signalId: eventId,
        sku: 'TEE-BLK-M',
        locationId: '24826418',
        unitOfMeasure: 'each',
        onHandQuantity: '4',
        inboundQuantity: '0',
        forecastDailyDemand: '0',
        daysOfCover: 0,
        projectedStockoutAt: '2024-04-01T15:00:00.000Z',
        leadTimeDays: null,
        risk: 'high',
      },
    });
    const stored = await call('GET', `/v1/orgs/${orgId}/webhooks/messages/${messageId}`, {
      bearer: await token(world.system, orgId, 'member'),
    });
    expect(stored).toMatchObject({ status: 200, body: { eventId, eventType: 'demand_signal.stockout_risk' } });
    // Still at or below the threshold afterwards (2): no second signal; three deliveries of the crossing: one message.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(world.receiver.requestsTo('/stockout')).toHaveLength(1);
  });

  it('applies Square inventory counts with exact decimal quantities, and records a catalog version without pulling \
when no access token is set', async () => {
    const orgId = 'org_catalog_square';
    const merchantId = 'MLSQUARE01';
    await connectMerchant(orgId, merchantId);
    const counts = (eventId: string, quantity: string, calculatedAt: string) =>
      rawJson(
        squareCountBody({
          eventId,
          merchantId,
          counts: [
            { objectId: 'FGQ5JJWT2PYTHF35CKZ2DSKP', locationId: 'YYQR03DGCTXA4', quantity, calculatedAt },
            {
              objectId: 'FGQ5JJWT2PYTHF35CKZ2DSKP',
              locationId: 'YYQR03DGCTXA4',
              quantity: '3',
              calculatedAt,
              state: 'SOLD',
            },
          ],
        }),
      );
    await postSquare(counts('ev-new', '10.50000', '2024-05-01T10:00:00.000002Z'));
    await postSquare(counts('ev-old', '99', '2024-05-01T10:00:00.000001Z'));
    await postSquare(counts('ev-new', '10.50000', '2024-05-01T10:00:00.000002Z'));
    await postSquare(
      rawJson(
        squareCatalogVersionBody({ eventId: 'ev-catalog', merchantId, updatedAt: '2024-05-01T10:05:00.123456Z' }),
      ),
    );
    await drain();

    const levels = await inventory(orgId, '?itemId=FGQ5JJWT2PYTHF35CKZ2DSKP&locationId=YYQR03DGCTXA4');
    expect(levels.body.items?.map((level) => [level.state, level.quantity, level.sourceUpdatedAt])).toEqual([
      ['IN_STOCK', '10.50000', '2024-05-01T10:00:00.000Z'],
      ['SOLD', '3', '2024-05-01T10:00:00.000Z'],
    ]);
    expect(await catalogStore().getSquarePull(orgId, merchantId)).toMatchObject({
      catalogVersionUpdatedAt: '2024-05-01T10:05:00.123Z',
      lastPulledAt: null,
    });
    expect((await items(orgId, '?source=square')).body.items).toEqual([]);
  });
});
