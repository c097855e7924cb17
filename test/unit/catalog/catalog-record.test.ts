import { describe, expect, it } from 'vitest';
import { parseCatalogMessage } from '../../../shared/catalog/catalog-message';
import {
  decideItem,
  decideLevel,
  stockoutEventFor,
  stockoutEventId,
  type CatalogItem,
  type Decision,
  type ItemChange,
  type LevelChange,
  type StockLevel,
} from '../../../shared/catalog/catalog-record';
import { parsePlatformEvent } from '../../../shared/events/event-catalog';
import type { QueuedWebhook } from '../../../shared/inbound/queued-webhook';
import {
  inventoryLevelBody,
  productBody,
  shopifyMessage,
  squareCountBody,
  squareMessage,
} from '../../support/catalog-messages';

const ORG = 'org_1';
const NOW = '2026-11-28T00:00:00.000Z';

function changesOf(message: QueuedWebhook): (ItemChange | LevelChange)[] {
  const { change } = parseCatalogMessage(message);
  if (change.kind === 'items') return [...change.items];
  if (change.kind === 'levels') return [...change.levels];
  throw new Error(`unexpected ${change.kind}`);
}

function one<T>(message: QueuedWebhook): T {
  return changesOf(message)[0] as T;
}

function applied<T>(decision: Decision<T>): T {
  if (decision.outcome !== 'applied') throw new Error(`expected applied, got ${decision.outcome}`);
  return decision.record;
}

const isItem = (change: ItemChange | LevelChange): change is ItemChange => 'deleted' in change;
const keyOf = (change: ItemChange | LevelChange) =>
  isItem(change)
    ? `item:${change.source}:${change.itemId}`
    : `level:${change.source}:${change.itemId}:${change.locationId}:${change.state}`;

/** Applies changes in the given order the way the consumer does, keeping only applied results. */
function replay(
  changes: readonly (ItemChange | LevelChange)[],
  threshold = '0',
): Map<string, CatalogItem | StockLevel> {
  const state = new Map<string, CatalogItem | StockLevel>();
  for (const change of changes) {
    const key = keyOf(change);
    const decision = isItem(change)
      ? decideItem(state.get(key) as CatalogItem | undefined, change, ORG, NOW)
      : decideLevel(state.get(key) as StockLevel | undefined, change, ORG, threshold, NOW);
    if (decision.outcome === 'applied') state.set(key, decision.record);
  }
  return state;
}

/** A record without the bookkeeping that legitimately depends on arrival order (when the stockout fired). */
function content(record: CatalogItem | StockLevel): Record<string, unknown> {
  const { stockoutEventId: _signal, ...rest } = record as StockLevel;
  return rest;
}

/** Small seeded PRNG (mulberry32), so a failing shuffle can be reproduced from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const PRODUCT_A = 788032119674292922n;
const PRODUCT_B = 9_007_199_254_740_993n;
const STOCK_ITEM = 271878346596884015n;
const LOCATION = 24826418n;

describe('Module: catalog record decisions', () => {
  describe('Function: decideItem', () => {
    const update = (updatedAt: string, title: string, webhookId = `wh_${updatedAt}`) =>
      one<ItemChange>(
        shopifyMessage('products/update', productBody({ id: PRODUCT_A, updatedAt, title }), { webhookId }),
      );
    const deletion = (triggeredAt: string, webhookId = `wh_del_${triggeredAt}`) =>
      one<ItemChange>(shopifyMessage('products/delete', { id: PRODUCT_A }, { webhookId, triggeredAt }));

    it('applies a newer update and reports an older one as stale and a redelivery as a duplicate', () => {
      const first = applied(decideItem(undefined, update('2024-01-01T10:00:00Z', 'v1'), ORG, NOW));
      const second = applied(decideItem(first, update('2024-01-01T11:00:00Z', 'v2'), ORG, NOW));
      expect(second).toMatchObject({ orgId: ORG, itemId: '788032119674292922', title: 'v2', deleted: false });
      expect(decideItem(second, update('2024-01-01T10:30:00Z', 'late'), ORG, NOW).outcome).toBe('stale');
      expect(decideItem(second, update('2024-01-01T11:00:00Z', 'v2'), ORG, NOW).outcome).toBe('duplicate');
    });

    it('keeps a tombstone against a stale update but lets a newer create revive the item', () => {
      const live = applied(decideItem(undefined, update('2024-01-01T10:00:00Z', 'v1'), ORG, NOW));
      const gone = applied(decideItem(live, deletion('2024-01-01T12:00:00-01:00'), ORG, NOW));
      expect(gone).toMatchObject({
        deleted: true,
        title: null,
        variants: [],
        sourceUpdatedAt: '2024-01-01T13:00:00.000Z',
      });
      expect(decideItem(gone, update('2024-01-01T12:59:59Z', 'stale'), ORG, NOW).outcome).toBe('stale');
      const created = one<ItemChange>(
        shopifyMessage(
          'products/create',
          productBody({ id: PRODUCT_A, updatedAt: '2024-01-01T13:00:01Z', title: 'back' }),
        ),
      );
      expect(applied(decideItem(gone, created, ORG, NOW))).toMatchObject({ deleted: false, title: 'back' });
    });

    it('lets a deletion win over an update stamped at the same instant, in either order', () => {
      const same = '2024-01-01T10:00:00Z';
      expect(
        replay([update(same, 'u', 'wh_z'), deletion(same, 'wh_a')]).get(`item:shopify:${PRODUCT_A}`),
      ).toMatchObject({ deleted: true });
      expect(
        replay([deletion(same, 'wh_a'), update(same, 'u', 'wh_z')]).get(`item:shopify:${PRODUCT_A}`),
      ).toMatchObject({ deleted: true });
    });
  });

  describe('Function: decideLevel', () => {
    const level = (available: number | null, updatedAt: string, webhookId = `wh_${updatedAt}`) =>
      one<LevelChange>(
        shopifyMessage(
          'inventory_levels/update',
          inventoryLevelBody({ inventoryItemId: STOCK_ITEM, locationId: LOCATION, available, updatedAt }),
          { webhookId },
        ),
      );

    it('signals a stockout when the available quantity goes to or below the threshold, not while it stays \
there', () => {
      const stocked = applied(decideLevel(undefined, level(5, '2024-01-01T10:00:00Z'), ORG, '2', NOW));
      expect(stocked.stockoutEventId).toBeNull();
      const low = applied(decideLevel(stocked, level(2, '2024-01-01T11:00:00Z'), ORG, '2', NOW));
      expect(low.stockoutEventId).toBe(stockoutEventId(ORG, low));
      const lower = applied(decideLevel(low, level(0, '2024-01-01T12:00:00Z'), ORG, '2', NOW));
      expect(lower.stockoutEventId).toBeNull();
      const restocked = applied(decideLevel(lower, level(10, '2024-01-01T13:00:00Z'), ORG, '2', NOW));
      expect(applied(decideLevel(restocked, level(-1, '2024-01-01T14:00:00Z'), ORG, '2', NOW)).stockoutEventId).toMatch(
        /^stockout_risk:[0-9a-f]{40}$/,
      );
    });

    it('signals for a first report at zero, never for an unknown quantity or a state that is not available', () => {
      expect(
        applied(decideLevel(undefined, level(0, '2024-01-01T10:00:00Z'), ORG, '0', NOW)).stockoutEventId,
      ).not.toBeNull();
      expect(
        applied(decideLevel(undefined, level(null, '2024-01-01T10:00:00Z'), ORG, '0', NOW)).stockoutEventId,
      ).toBeNull();
      const sold = one<LevelChange>(
        squareMessage(
          squareCountBody({
            eventId: 'ev_sold',
            counts: [
              {
                objectId: 'VAR_1',
                locationId: 'L1',
                quantity: '0',
                calculatedAt: '2024-01-01T10:00:00Z',
                state: 'SOLD',
              },
            ],
          }),
        ),
      );
      expect(applied(decideLevel(undefined, sold, ORG, '0', NOW)).stockoutEventId).toBeNull();
      const inStock = one<LevelChange>(
        squareMessage(
          squareCountBody({
            eventId: 'ev_in',
            counts: [{ objectId: 'VAR_1', locationId: 'L1', quantity: '0.5', calculatedAt: '2024-01-01T10:00:00Z' }],
          }),
        ),
      );
      expect(applied(decideLevel(undefined, inStock, ORG, '1', NOW)).stockoutEventId).not.toBeNull();
    });

    it('derives the stockout event id from the level version: a redelivery names the same event', () => {
      const first = applied(decideLevel(undefined, level(0, '2024-01-01T10:00:00Z', 'wh_1'), ORG, '0', NOW));
      const again = applied(decideLevel(undefined, level(0, '2024-01-01T10:00:00Z', 'wh_1'), ORG, '0', NOW));
      const other = applied(decideLevel(undefined, level(0, '2024-01-01T10:00:00Z', 'wh_2'), ORG, '0', NOW));
      expect(again.stockoutEventId).toBe(first.stockoutEventId);
      expect(other.stockoutEventId).not.toBe(first.stockoutEventId);
    });
  });

  describe('Function: stockoutEventFor', () => {
    it('builds an event the catalog accepts, with the SKU when known and the item id otherwise', () => {
      const level = applied(
        decideLevel(
          undefined,
          one<LevelChange>(
            shopifyMessage(
              'inventory_levels/update',
              inventoryLevelBody({
                inventoryItemId: STOCK_ITEM,
                locationId: LOCATION,
                available: -3,
                updatedAt: '2024-01-01T10:00:00-05:00',
              }),
            ),
          ),
          ORG,
          '0',
          NOW,
        ),
      );
      const ref = {
        source: 'shopify' as const,
        inventoryItemId: String(STOCK_ITEM),
        itemId: String(PRODUCT_A),
        variantId: '1',
        sku: 'TEE-S',
        title: 'Tee / S',
        version: '0',
      };
      const withSku = parsePlatformEvent(stockoutEventFor(level, ref));
      expect(withSku).toMatchObject({
        id: level.stockoutEventId,
        type: 'demand_signal.stockout_risk',
        orgId: ORG,
        occurredAt: '2024-01-01T15:00:00.000Z',
        data: {
          signalId: level.stockoutEventId,
          sku: 'TEE-S',
          locationId: '24826418',
          onHandQuantity: '0',
          risk: 'critical',
          unitOfMeasure: 'each',
        },
      });
      expect(parsePlatformEvent(stockoutEventFor(level, undefined)).data).toMatchObject({ sku: '271878346596884015' });
      expect(parsePlatformEvent(stockoutEventFor({ ...level, quantity: '1.5' }, ref)).data).toMatchObject({
        onHandQuantity: '1.5',
        risk: 'high',
      });
    });
  });

  describe('Property: arrival order does not matter', () => {
    // A timeline per item with distinct instants; the newest event per item defines the expected end state.
    const timeline: { at: string; message: QueuedWebhook }[] = [
      {
        at: '2024-03-01T10:00:00Z',
        message: shopifyMessage(
          'products/create',
          productBody({ id: PRODUCT_A, updatedAt: '2024-03-01T10:00:00Z', title: 'A v1' }),
        ),
      },
      {
        at: '2024-03-01T11:00:00Z',
        message: shopifyMessage(
          'products/update',
          productBody({ id: PRODUCT_A, updatedAt: '2024-03-01T06:00:00-05:00', title: 'A v2' }),
        ),
      },
      {
        at: '2024-03-01T12:00:00Z',
        message: shopifyMessage('products/delete', { id: PRODUCT_A }, { triggeredAt: '2024-03-01T12:00:00Z' }),
      },
      {
        at: '2024-03-01T13:00:00Z',
        message: shopifyMessage(
          'products/create',
          productBody({ id: PRODUCT_A, updatedAt: '2024-03-01T13:00:00Z', title: 'A reborn' }),
        ),
      },
      {
        at: '2024-03-01T10:00:00Z',
        message: shopifyMessage(
          'products/create',
          productBody({ id: PRODUCT_B, updatedAt: '2024-03-01T10:00:00Z', title: 'B v1' }),
        ),
      },
      {
        at: '2024-03-01T14:00:00Z',
        message: shopifyMessage(
          'products/update',
          productBody({ id: PRODUCT_B, updatedAt: '2024-03-01T14:00:00Z', title: 'B v2' }),
        ),
      },
      {
        at: '2024-03-01T15:00:00Z',
        message: shopifyMessage('products/delete', { id: PRODUCT_B }, { triggeredAt: '2024-03-01T16:00:00+01:00' }),
      },
      ...[7, 3, 0, 12, 1].map((available, index) => {
        const at = `2024-03-01T1${index}:30:00Z`;
        return {
          at,
          message: shopifyMessage(
            'inventory_levels/update',
            inventoryLevelBody({ inventoryItemId: STOCK_ITEM, locationId: LOCATION, available, updatedAt: at }),
          ),
        };
      }),
      ...['4', '0', '2.5'].map((quantity, index) => {
        const at = `2024-03-01T10:00:00.00000${index}Z`;
        return {
          at,
          message: squareMessage(
            squareCountBody({
              eventId: `ev_sq_${index}`,
              counts: [{ objectId: 'VAR_SQ', locationId: 'LOC_SQ', quantity, calculatedAt: at }],
            }),
          ),
        };
      }),
    ];
    const changes = timeline.map(({ message }) => changesOf(message)[0]!);
    const newest = new Map<string, ItemChange | LevelChange>();
    timeline.forEach(({ at }, index) => {
      const change = changes[index]!;
      const key = keyOf(change);
      const best = newest.get(key);
      const bestAt = best && timeline[changes.indexOf(best)]!.at;
      if (!best || at > bestAt!) newest.set(key, change);
    });

    it('ends a shuffled and duplicated stream in the state of the newest event per item', () => {
      const reference = replay(changes);
      expect(
        [...reference.values()].map((record) => [
          keyOf(record),
          'deleted' in record ? record.deleted : record.quantity,
        ]),
      ).toEqual([
        [`item:shopify:${PRODUCT_A}`, false],
        [`item:shopify:${PRODUCT_B}`, true],
        [`level:shopify:${STOCK_ITEM}:${LOCATION}:available`, '1'],
        ['level:square:VAR_SQ:LOC_SQ:IN_STOCK', '2.5'],
      ]);
      for (const [key, change] of newest)
        expect(content(reference.get(key)!)).toEqual({ ...change, orgId: ORG, updatedAt: NOW });

      for (let seed = 1; seed <= 300; seed++) {
        const next = random(seed);
        // Every event once, some up to three times (redeliveries), in a random order.
        const stream = shuffled(
          changes.flatMap((change) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => change)),
          next,
        );
        const state = replay(stream);
        expect({ seed, keys: [...state.keys()].sort() }).toEqual({ seed, keys: [...reference.keys()].sort() });
        for (const [key, record] of reference)
          expect({ seed, key, record: content(state.get(key)!) }).toEqual({ seed, key, record: content(record) });
      }
    });
  });
});
