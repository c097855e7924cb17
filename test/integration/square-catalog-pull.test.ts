import { GetQueueAttributesCommand, type QueueAttributeName } from '@aws-sdk/client-sqs';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { ENV, TABLES } from '../../shared/platform/topology';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { rawJson, squareCatalogVersionBody, squareItemObject } from '../support/catalog-messages';
import { eventually, sqsClient, token } from '../support/local-system';

/**
 * `catalog.version.updated` → SearchCatalogObjects against a fake Square API on loopback (reached
 * through SQUARE_API_BASE_URL, with SQUARE_ACCESS_TOKEN set): every page along the cursors, deleted
 * objects as tombstones, a failed page retried through SQS redelivery, and the pull marker moved only
 * after a complete pull.
 */

const MERCHANT = 'MLPULL0001';
const ACCESS_TOKEN = 'EAAAl-fake-square-token';
const ORG = 'org_square_pull';

interface SearchRequest {
  readonly authorization: string | undefined;
  readonly squareVersion: string | undefined;
  readonly body: { cursor?: string; begin_time?: string; include_deleted_objects?: boolean; object_types?: string[] };
  readonly status: number;
}

type Page = { objects: unknown[]; related?: unknown[]; cursor?: string; latestTime: string };

describe('Integration: pulling changed catalog objects from Square', () => {
  let system: LocalSystem;
  let fakeSquare: Server;
  const searches: SearchRequest[] = [];
  /** Pages by `begin_time` ('' for none), then by cursor ('' for the first page). */
  const catalog = new Map<string, Map<string, Page>>();
  const failures = { nextSearches: 0, cursors: new Set<string>() };

  beforeAll(async () => {
    fakeSquare = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const send = (status: number, text: string) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(text);
        if (request.method === 'GET' && request.url === '/v2/merchants/me')
          return send(200, JSON.stringify({ merchant: { id: MERCHANT, business_name: 'Pull Test' } }));
        if (request.method !== 'POST' || request.url !== '/v2/catalog/search')
          return send(404, JSON.stringify({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }] }));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SearchRequest['body'];
        const page = catalog.get(body.begin_time ?? '')?.get(body.cursor ?? '');
        const failing = failures.nextSearches > 0 || failures.cursors.has(body.cursor ?? '');
        if (failures.nextSearches > 0) failures.nextSearches -= 1;
        const status = failing ? 500 : page ? 200 : 400;
        searches.push({
          authorization: request.headers.authorization,
          squareVersion: request.headers['square-version'] as string | undefined,
          body,
          status,
        });
        if (failing)
          return send(
            500,
            JSON.stringify({
              errors: [{ category: 'API_ERROR', code: 'INTERNAL_SERVER_ERROR', detail: 'Something went wrong' }],
            }),
          );
        if (!page)
          return send(
            400,
            JSON.stringify({
              errors: [
                {
                  category: 'INVALID_REQUEST_ERROR',
                  code: 'BAD_REQUEST',
                  detail: `No scripted page for ${JSON.stringify(body)}`,
                },
              ],
            }),
          );
        return send(
          200,
          rawJson({
            objects: page.objects,
            related_objects: page.related ?? [],
            ...(page.cursor && { cursor: page.cursor }),
            latest_time: page.latestTime,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => fakeSquare.listen(0, '127.0.0.1', resolve));
    const { port } = fakeSquare.address() as AddressInfo;
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      visibilityTimeoutSeconds: 1,
      env: { SQUARE_ACCESS_TOKEN: ACCESS_TOKEN, SQUARE_API_BASE_URL: `http://127.0.0.1:${port}` },
    });
    // Connected without an OAuth token of its own: the pull uses the configured SQUARE_ACCESS_TOKEN.
    const documents = createDocumentClient({
      AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint,
      AWS_REGION: 'us-east-1',
    });
    const connected = await createConnectionsStore(documents, system.env[TABLES.connections.envVar]!).connect({
      provider: 'square',
      orgId: ORG,
      account: MERCHANT,
      notificationUrl: null,
      connectedAt: new Date().toISOString(),
    });
    expect(connected).toBe('connected');
  });

  afterAll(async () => {
    await system?.stop();
    await new Promise<void>((resolve) => fakeSquare?.close(() => resolve()));
  });

  async function postVersion(eventId: string, updatedAt: string): Promise<void> {
    const body = rawJson(squareCatalogVersionBody({ eventId, merchantId: MERCHANT, updatedAt }));
    const signature = createHmac('sha256', system.squareSignatureKeys[0]!)
      .update(system.squareNotificationUrl + body)
      .digest('base64');
    const response = await fetch(`${system.url}/api/webhooks/square`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
      body,
    });
    expect(response.status).toBe(200);
  }

  async function squareItems(): Promise<Record<string, unknown>[]> {
    const response = await fetch(`${system.url}/v1/orgs/${ORG}/catalog/items?source=square`, {
      headers: { authorization: `Bearer ${await token(system, ORG, 'member')}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Record<string, unknown>[] }).items;
  }

  const pullState = () =>
    createCatalogStore(createDocumentClient(system.env), system.env[ENV.catalogTable]!).getSquarePull(ORG, MERCHANT);

  async function drain(): Promise<void> {
    const names: QueueAttributeName[] = [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ];
    await eventually(async () => {
      const { Attributes } = await sqsClient(system).send(
        new GetQueueAttributesCommand({ QueueUrl: system.queueUrls.catalog.url, AttributeNames: names }),
      );
      return names.every((name) => Number(Attributes?.[name] ?? 0) === 0) ? true : undefined;
    });
  }

  const T1 = '2024-06-01T12:00:00.250Z';
  const T2 = '2024-06-01T13:00:00.500Z';

  it('pulls every page with the access token, survives a 500 through redelivery, and stores items with exact \
prices', async () => {
    const variationOnly = squareItemObject({
      id: 'ITEM_C',
      updatedAt: '2024-06-01T11:00:00Z',
      version: 1_717_239_600_000n,
      name: 'Beans',
      variations: [{ id: 'VAR_C', sku: 'BEANS-1KG', amount: 92_233_720_368_547_758n, currency: 'JPY' }],
    });
    catalog.set(
      '',
      new Map([
        [
          '',
          {
            objects: [
              squareItemObject({
                id: 'ITEM_A',
                updatedAt: '2024-06-01T10:00:00Z',
                version: 9_007_199_254_740_993n,
                name: 'Latte',
                variations: [
                  { id: 'VAR_A1', sku: 'LAT-S', amount: 450n },
                  { id: 'VAR_A2', sku: 'LAT-L', amount: 1999n },
                ],
              }),
              squareItemObject({
                id: 'ITEM_B',
                updatedAt: '2024-06-01T10:30:00Z',
                version: 5n,
                name: 'Mocha',
                variations: [{ id: 'VAR_B', sku: 'MOC', amount: 500n }],
              }),
            ],
            cursor: 'page-2',
            latestTime: T1,
          },
        ],
        [
          'page-2',
          {
            objects: [variationOnly.item_data.variations[0]],
            related: [variationOnly],
            cursor: 'page-3',
            latestTime: T1,
          },
        ],
        [
          'page-3',
          {
            objects: [
              squareItemObject({ id: 'ITEM_D', updatedAt: '2024-06-01T11:30:00Z', version: 7n, deleted: true }),
            ],
            latestTime: T1,
          },
        ],
      ]),
    );
    failures.nextSearches = 1;

    await postVersion('ev-version-1', '2024-06-01T11:59:59Z');
    const items = await eventually(async () => {
      const listed = await squareItems();
      return listed.length === 3 ? listed : undefined;
    });
    expect(items.map((item) => [item.id, item.title])).toEqual([
      ['ITEM_A', 'Latte'],
      ['ITEM_B', 'Mocha'],
      ['ITEM_C', 'Beans'],
    ]);
    expect(items[0]!.variants).toEqual([
      {
        id: 'VAR_A1',
        title: 'Regular',
        sku: 'LAT-S',
        price: { amount: '4.50', currency: 'USD' },
        inventoryItemId: 'VAR_A1',
      },
      {
        id: 'VAR_A2',
        title: 'Regular',
        sku: 'LAT-L',
        price: { amount: '19.99', currency: 'USD' },
        inventoryItemId: 'VAR_A2',
      },
    ]);
    expect(items[2]!.variants).toEqual([
      expect.objectContaining({ price: { amount: '92233720368547758', currency: 'JPY' } }),
    ]);
    await eventually(async () => ((await pullState())?.lastPulledAt === T1 ? true : undefined));
    expect(await pullState()).toMatchObject({
      catalogVersionUpdatedAt: '2024-06-01T11:59:59.000Z',
      lastPulledAt: T1,
      lastPullObjects: 4,
    });

    // First try 500 (the message failed and came back), then the three pages along the cursors.
    expect(
      searches.map((search) => [search.status, search.body.cursor ?? null, search.body.begin_time ?? null]),
    ).toEqual([
      [500, null, null],
      [200, null, null],
      [200, 'page-2', null],
      [200, 'page-3', null],
    ]);
    for (const search of searches) {
      expect(search).toMatchObject({
        authorization: `Bearer ${ACCESS_TOKEN}`,
        squareVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(search.body).toMatchObject({ include_deleted_objects: true, object_types: ['ITEM', 'ITEM_VARIATION'] });
    }
  });

  it('starts the next pull at the marker, moves the marker only after a complete pull, and tombstones deleted \
items', async () => {
    catalog.set(
      T1,
      new Map([
        [
          '',
          {
            objects: [
              squareItemObject({
                id: 'ITEM_B',
                updatedAt: '2024-06-01T12:30:00Z',
                version: 6n,
                name: 'Mocha grande',
                variations: [{ id: 'VAR_B', sku: 'MOC', amount: 550n }],
              }),
            ],
            cursor: 'next',
            latestTime: T2,
          },
        ],
        [
          'next',
          {
            objects: [
              squareItemObject({
                id: 'ITEM_A',
                updatedAt: '2024-06-01T12:45:00Z',
                version: 9_007_199_254_740_999n,
                deleted: true,
              }),
            ],
            latestTime: T2,
          },
        ],
      ]),
    );
    failures.cursors.add('next');
    const before = searches.length;

    await postVersion('ev-version-2', '2024-06-01T12:59:00Z');
    // Page one is applied, page two fails: the marker stays where the last complete pull left it.
    await eventually(async () =>
      searches.slice(before).some((search) => search.body.cursor === 'next' && search.status === 500)
        ? true
        : undefined,
    );
    await eventually(async () =>
      (await squareItems()).some((item) => item.title === 'Mocha grande') ? true : undefined,
    );
    expect((await pullState())?.lastPulledAt).toBe(T1);
    expect((await squareItems()).map((item) => item.id)).toContain('ITEM_A');

    failures.cursors.clear();
    await eventually(async () => ((await pullState())?.lastPulledAt === T2 ? true : undefined));
    expect((await squareItems()).map((item) => [item.id, item.title])).toEqual([
      ['ITEM_B', 'Mocha grande'],
      ['ITEM_C', 'Beans'],
    ]);
    expect(searches.slice(before).every((search) => search.body.begin_time === T1)).toBe(true);

    // Pages skip the tombstone (ITEM_A sorts first) without coming back short or empty.
    const member = await token(system, ORG, 'member');
    const page = async (query: string) =>
      (await (
        await fetch(`${system.url}/v1/orgs/${ORG}/catalog/items${query}`, {
          headers: { authorization: `Bearer ${member}` },
        })
      ).json()) as { items: { id: string }[]; nextCursor: string | null };
    const first = await page('?source=square&limit=1');
    expect(first.items.map((item) => item.id)).toEqual(['ITEM_B']);
    const second = await page(`?source=square&limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.id)).toEqual(['ITEM_C']);
    expect(
      (
        await fetch(`${system.url}/v1/orgs/${ORG}/catalog/items?source=shopify&cursor=${first.nextCursor}`, {
          headers: { authorization: `Bearer ${member}` },
        })
      ).status,
    ).toBe(400);
  });

  it('does not pull again for a catalog version the last pull already covered', async () => {
    await drain();
    const before = searches.length;
    await postVersion('ev-version-old', '2024-06-01T12:30:00Z');
    await postVersion('ev-version-2', '2024-06-01T12:59:00Z');
    await drain();
    expect(searches.length).toBe(before);
    expect(await pullState()).toMatchObject({ lastPulledAt: T2, catalogVersionUpdatedAt: '2024-06-01T12:59:00.000Z' });
  });
});
