import { describe, expect, it } from 'vitest';
import type { QueueSender } from '../../../shared/platform/aws/queue';
import type { CatalogItem, StockLevel, VariantRef } from '../../../shared/catalog/catalog-record';
import type { CatalogStore, InventorySettings, LevelKey } from '../../../shared/catalog/catalog-store';
import { processCatalogMessage, type CatalogDependencies } from '../../../shared/catalog/process-catalog-event';
import type { CatalogPage, SquareCatalogSource } from '../../../shared/catalog/square-catalog-client';
import type { ProviderConnection } from '../../../shared/inbound/connections/connections-store';
import { parseLosslessJson } from '../../../shared/platform/json/lossless';
import type { QueuedWebhook } from '../../../shared/inbound/queued-webhook';
import {
  inventoryLevelBody,
  MERCHANT,
  productBody,
  rawJson,
  SHOP,
  shopifyMessage,
  squareCatalogVersionBody,
  squareItemObject,
  squareMessage,
} from '../../support/catalog-messages';

const ORG = 'org_catalog';

/** The store's contract in memory: versioned writes conflict unless the expected version is stored. */
function memoryStore(): CatalogStore & {
  items: Map<string, CatalogItem>;
  levels: Map<string, StockLevel>;
  pulls: Map<string, Record<string, string | number>>;
} {
  const items = new Map<string, CatalogItem>();
  const levels = new Map<string, StockLevel>();
  const refs = new Map<string, VariantRef>();
  const settings = new Map<string, InventorySettings>();
  const pulls = new Map<string, Record<string, string | number>>();
  const levelKey = (orgId: string, key: LevelKey) =>
    [orgId, key.source, key.itemId, key.locationId, key.state].join('|');
  const put = <T extends { version: string }>(
    map: Map<string, T>,
    key: string,
    value: T,
    expected: string | undefined,
  ) => {
    if (map.get(key)?.version !== expected) return 'conflict' as const;
    map.set(key, structuredClone(value));
    return 'written' as const;
  };
  return {
    items,
    levels,
    pulls,
    getItem: async (orgId, source, itemId) => structuredClone(items.get([orgId, source, itemId].join('|'))),
    putItem: async (item, expected) => put(items, [item.orgId, item.source, item.itemId].join('|'), item, expected),
    getLevel: async (orgId, key) => structuredClone(levels.get(levelKey(orgId, key))),
    putLevel: async (level, expected) => put(levels, levelKey(level.orgId, level), level, expected),
    getRef: async (orgId, source, id) => refs.get([orgId, source, id].join('|')),
    putRefIfNewer: async (orgId, ref) => {
      const key = [orgId, ref.source, ref.inventoryItemId].join('|');
      if ((refs.get(key)?.version ?? '') >= ref.version) return false;
      refs.set(key, ref);
      return true;
    },
    getInventorySettings: async (orgId) => settings.get(orgId),
    putInventorySettings: async (orgId, value) => void settings.set(orgId, value),
    getSquarePull: async (orgId, merchantId) => {
      const state = pulls.get(`${orgId}|${merchantId}`);
      if (!state) return undefined;
      return {
        merchantId,
        catalogVersionUpdatedAt: (state.catalogVersionUpdatedAt as string) ?? null,
        lastPulledAt: (state.lastPulledAt as string) ?? null,
        lastPullCompletedAt: null,
        lastPullObjects: null,
      };
    },
    recordCatalogVersion: async (orgId, merchantId, instant) => {
      const state = pulls.get(`${orgId}|${merchantId}`) ?? {};
      if (state.catalogVersionKey !== undefined && state.catalogVersionKey >= instant.key) return false;
      pulls.set(`${orgId}|${merchantId}`, {
        ...state,
        catalogVersionKey: instant.key,
        catalogVersionUpdatedAt: instant.iso,
      });
      return true;
    },
    advancePullMarker: async (orgId, merchantId, marker, completion) => {
      const state = pulls.get(`${orgId}|${merchantId}`) ?? {};
      if (state.lastPulledAtKey !== undefined && state.lastPulledAtKey >= marker.key) return false;
      pulls.set(`${orgId}|${merchantId}`, {
        ...state,
        lastPulledAtKey: marker.key,
        lastPulledAt: marker.iso,
        objects: completion.objects,
      });
      return true;
    },
    listItems: async () => ({ items: [...items.values()].filter((item) => !item.deleted), nextCursor: null }),
    listLevels: async () => ({ items: [...levels.values()], nextCursor: null }),
    eraseSource: async () => 0,
  };
}

function recordingQueue(options: { failFirst?: number } = {}): QueueSender & { bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  let failures = options.failFirst ?? 0;
  return {
    bodies,
    async send(body) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('queue unavailable');
      }
      bodies.push(JSON.parse(body) as Record<string, unknown>);
      return `m${bodies.length}`;
    },
    async sendBatch() {},
  };
}

function connections(connected: Record<string, string> = { [`shopify|${SHOP}`]: ORG, [`square|${MERCHANT}`]: ORG }) {
  const kept: { provider: string; account: string; message: QueuedWebhook; retentionDays: number }[] = [];
  return {
    kept,
    connectionOf: async (provider: 'square' | 'shopify', account: string): Promise<ProviderConnection | undefined> => {
      const orgId = connected[`${provider}|${account}`];
      return orgId
        ? { provider, account, orgId, notificationUrl: null, connectedAt: '2024-01-01T00:00:00Z' }
        : undefined;
    },
    keepUnmatched: async (
      provider: 'square' | 'shopify',
      account: string,
      message: QueuedWebhook,
      retentionDays: number,
    ) => void kept.push({ provider, account, message, retentionDays }),
    forgetUnmatched: async (provider: 'square' | 'shopify', account: string, message: QueuedWebhook) => {
      const index = kept.findIndex(
        (entry) => entry.provider === provider && entry.account === account && entry.message === message,
      );
      if (index >= 0) kept.splice(index, 1);
    },
  };
}

/** A scripted Square: pages by `beginTime`, with failures before given pages. */
function fakeSquare(options: {
  merchantId?: string;
  pages: CatalogPage[];
  failBeforePage?: number[];
}): SquareCatalogSource & { beginTimes: (string | undefined)[] } {
  const beginTimes: (string | undefined)[] = [];
  const failures = [...(options.failBeforePage ?? [])];
  return {
    beginTimes,
    tokenMerchantId: async () => options.merchantId ?? MERCHANT,
    async *changedObjects({ beginTime }) {
      beginTimes.push(beginTime);
      for (const [index, page] of options.pages.entries()) {
        const failAt = failures.indexOf(index);
        if (failAt >= 0) {
          failures.splice(failAt, 1);
          throw new Error(`Square answered 500 before page ${index}`);
        }
        yield page;
      }
    },
  };
}

function deps(overrides: Partial<CatalogDependencies> = {}) {
  const store = memoryStore();
  const events = recordingQueue();
  const links = connections();
  const all = {
    store,
    events,
    connections: links,
    squareCatalog: undefined,
    now: () => new Date('2026-11-28T00:00:00Z'),
    ...overrides,
  } satisfies CatalogDependencies;
  return { ...all, store: all.store as typeof store, events: all.events as typeof events, links };
}

const level = (available: number, updatedAt: string, webhookId = `wh_${updatedAt}`) =>
  shopifyMessage(
    'inventory_levels/update',
    inventoryLevelBody({ inventoryItemId: 271878346596884015n, locationId: 24826418n, available, updatedAt }),
    { webhookId },
  );

describe('Module: processCatalogMessage', () => {
  it('applies an event whose shop was connected while it was being kept, and forgets the kept copy', async () => {
    const links = connections({});
    let lookups = 0;
    const racing = {
      ...links,
      // The connection lands (and replays what was kept) between the first lookup and the keep.
      connectionOf: async (provider: 'square' | 'shopify', account: string) =>
        ++lookups === 1
          ? undefined
          : { provider, account, orgId: ORG, notificationUrl: null, connectedAt: '2024-01-01T00:00:00Z' },
    };
    const d = deps({ connections: racing });
    const message = shopifyMessage('products/update', productBody({ id: 1n, updatedAt: '2024-01-01T00:00:00Z' }));
    const outcome = await processCatalogMessage(message, d);
    expect(outcome).toMatchObject({ outcome: 'processed', orgId: ORG });
    expect(links.kept).toEqual([]);
    expect(d.store.items.size).toBe(1);
  });

  it('keeps an event from an unconnected shop for 30 days and reports it handled', async () => {
    const d = deps();
    const message = shopifyMessage('products/update', productBody({ id: 1n, updatedAt: '2024-01-01T00:00:00Z' }), {
      shop: 'stranger.myshopify.com',
    });
    const outcome = await processCatalogMessage(message, d);
    expect(outcome).toMatchObject({
      outcome: 'unmatched',
      provider: 'shopify',
      account: 'stranger.myshopify.com',
      orgId: null,
    });
    expect(d.links.kept).toEqual([
      { provider: 'shopify', account: 'stranger.myshopify.com', message, retentionDays: 30 },
    ]);
    expect(d.store.items.size).toBe(0);
  });

  it('ignores topics it does not use without looking up the shop', async () => {
    const unexpected = () => Promise.reject(new Error('not expected'));
    const d = deps({
      connections: { connectionOf: unexpected, keepUnmatched: unexpected, forgetUnmatched: unexpected },
    });
    expect(await processCatalogMessage(shopifyMessage('orders/create', '{"id":1}'), d)).toMatchObject({
      outcome: 'ignored',
    });
  });

  it('stores the product under its exact 64-bit id and maps its inventory item to the SKU', async () => {
    const d = deps();
    await processCatalogMessage(
      shopifyMessage('products/create', productBody({ id: 788032119674292922n, updatedAt: '2024-01-01T00:00:00Z' })),
      d,
    );
    expect([...d.store.items.values()]).toEqual([
      expect.objectContaining({
        itemId: '788032119674292922',
        variants: [
          expect.objectContaining({ id: '642667041472713922', sku: 'TEE-S', inventoryItemId: '271878346596884015' }),
        ],
      }),
    ]);
    expect(await d.store.getRef(ORG, 'shopify', '271878346596884015')).toMatchObject({
      sku: 'TEE-S',
      itemId: '788032119674292922',
    });
  });

  it('publishes one stockout signal when a level crosses the threshold, the same id on redelivery, none for stale \
levels', async () => {
    const d = deps();
    await d.store.putInventorySettings(ORG, { stockoutThreshold: '2', updatedAt: 'x' });
    await processCatalogMessage(
      shopifyMessage('products/create', productBody({ id: 788032119674292922n, updatedAt: '2024-01-01T00:00:00Z' })),
      d,
    );
    expect((await processCatalogMessage(level(10, '2024-01-01T10:00:00Z'), d)).published).toEqual([]);
    const crossing = level(2, '2024-01-01T11:00:00Z');
    const first = await processCatalogMessage(crossing, d);
    expect(first).toMatchObject({ applied: 1, published: [expect.stringMatching(/^stockout_risk:/)] });
    const redelivered = await processCatalogMessage(crossing, d);
    expect(redelivered).toMatchObject({ applied: 0, duplicate: 1, published: first.published });
    expect(await processCatalogMessage(level(0, '2024-01-01T09:00:00Z'), d)).toMatchObject({ stale: 1, published: [] });
    expect(d.events.bodies.map((body) => body.id)).toEqual([first.published[0], first.published[0]]);
    expect(d.events.bodies[0]).toMatchObject({
      type: 'demand_signal.stockout_risk',
      orgId: ORG,
      data: { sku: 'TEE-S', locationId: '24826418', onHandQuantity: '2', risk: 'high' },
    });
  });

  it('publishes again after a crash between writing the level and publishing', async () => {
    const d = deps({ events: recordingQueue({ failFirst: 1 }) });
    const crossing = level(0, '2024-01-01T11:00:00Z');
    await expect(processCatalogMessage(crossing, d)).rejects.toThrow('queue unavailable');
    const retried = await processCatalogMessage(crossing, d);
    expect(retried).toMatchObject({ duplicate: 1, published: [expect.any(String)] });
    expect(d.events.bodies).toHaveLength(1);
  });

  describe('catalog.version.updated', () => {
    const version = (updatedAt: string, eventId = `ev_${updatedAt}`) =>
      squareMessage(squareCatalogVersionBody({ eventId, updatedAt }));
    const page = (objects: unknown[], latestTime: string | null = '2024-05-01T12:00:00.000Z'): CatalogPage => ({
      objects: parseLosslessJson(rawJson(objects)) as unknown[],
      relatedObjects: [],
      latestTime,
    });

    it('records the version and skips the pull without an access token', async () => {
      const d = deps();
      expect(await processCatalogMessage(version('2024-05-01T12:00:00Z'), d)).toMatchObject({
        outcome: 'processed',
        pull: { status: 'skipped', reason: 'no_access_token' },
      });
      expect(d.store.pulls.get(`${ORG}|${MERCHANT}`)).toMatchObject({
        catalogVersionUpdatedAt: '2024-05-01T12:00:00.000Z',
      });
      expect(d.store.pulls.get(`${ORG}|${MERCHANT}`)?.lastPulledAt).toBeUndefined();
    });

    it('never pulls with a token that belongs to another merchant', async () => {
      const square = fakeSquare({ merchantId: 'OTHER', pages: [] });
      const d = deps({ squareCatalog: square });
      expect(await processCatalogMessage(version('2024-05-01T12:00:00Z'), d)).toMatchObject({
        pull: { status: 'skipped', reason: 'token_of_another_merchant' },
      });
      expect(square.beginTimes).toEqual([]);
    });

    it('pulls every page, advances the marker only after a complete pull, and starts the next pull from \
it', async () => {
      const square = fakeSquare({
        pages: [
          page([
            squareItemObject({
              id: 'ITEM_1',
              updatedAt: '2024-05-01T11:00:00Z',
              version: 11n,
              variations: [{ id: 'VAR_1', sku: 'S-1', amount: 500n }],
            }),
          ]),
          page([squareItemObject({ id: 'ITEM_2', updatedAt: '2024-05-01T11:30:00Z', version: 12n, deleted: true })]),
        ],
        failBeforePage: [1],
      });
      const d = deps({ squareCatalog: square });
      await expect(processCatalogMessage(version('2024-05-01T12:00:00Z'), d)).rejects.toThrow('500');
      expect(d.store.pulls.get(`${ORG}|${MERCHANT}`)?.lastPulledAt).toBeUndefined();
      expect(d.store.items.size).toBe(1);

      const retried = await processCatalogMessage(version('2024-05-01T12:00:00Z'), d);
      expect(retried).toMatchObject({
        pull: { status: 'pulled', pages: 2, objects: 2, marker: '2024-05-01T12:00:00.000Z' },
        applied: 1,
        duplicate: 1,
      });
      expect(d.store.pulls.get(`${ORG}|${MERCHANT}`)).toMatchObject({ lastPulledAt: '2024-05-01T12:00:00.000Z' });
      expect([...d.store.items.values()].map((item) => [item.itemId, item.deleted])).toEqual([
        ['ITEM_1', false],
        ['ITEM_2', true],
      ]);

      expect(await processCatalogMessage(version('2024-05-01T11:59:00Z', 'ev_old'), d)).toMatchObject({
        pull: { status: 'up_to_date' },
      });
      await processCatalogMessage(version('2024-05-01T12:05:00Z'), d);
      expect(square.beginTimes).toEqual([undefined, undefined, '2024-05-01T12:00:00.000Z']);
    });
  });
});
