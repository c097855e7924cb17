import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT } from '../platform/aws/conditional-writes';
import {
  deleteItem,
  getItem,
  putItem,
  putItemIfVersion,
  queryAll,
  queryPage,
  updateItem,
  type Expression,
  type Page,
  type TableContext,
} from '../platform/aws/table';
import type { CatalogItem, CatalogSource, StockLevel, VariantRef } from './catalog-record';
import type { Instant, Version } from './versions';

/**
 * DynamoDB persistence for the catalog. Every write is a single-item conditional write, so
 * concurrent consumers and retries converge without transactions:
 * - items and stock levels are written only if the stored version is still the one the decision was
 *   made on (or none is stored yet); a conflict means "decide again";
 * - SKU references, the catalog version and the pull marker only ever move forward.
 *
 * Layout (table `catalog`), all under `ORG#<org>`:
 * - `ITEM#<source>#<itemId>`                               an item with its variants, or its tombstone
 * - `LEVEL#<itemId>#<locationId>#<source>#<state>`          a stock level
 * - `REF#<source>#<inventoryItemId>`                        the variant (SKU, title) a level belongs to
 * - `SETTINGS#inventory`                                    the org's stockout threshold
 * - `SQUARE_CATALOG#<merchantId>`                           newest catalog version seen, pull marker
 * Ids inside keys have `%` and `#` percent-encoded, so an id can never reach into the next part.
 */

export interface InventorySettings {
  /** Exact decimal string. */
  readonly stockoutThreshold: string;
  readonly updatedAt: string;
}

export interface SquarePullState {
  readonly merchantId: string;
  /** Newest `catalog.version.updated` seen. */
  readonly catalogVersionUpdatedAt: string | null;
  /** `begin_time` of the next pull: advanced only after a complete pull. */
  readonly lastPulledAt: string | null;
  readonly lastPullCompletedAt: string | null;
  readonly lastPullObjects: number | null;
}

export interface LevelKey {
  readonly source: CatalogSource;
  readonly itemId: string;
  readonly locationId: string;
  readonly state: string;
}

export interface CatalogStore {
  getItem(orgId: string, source: CatalogSource, itemId: string): Promise<CatalogItem | undefined>;
  /** Writes the item if the stored version is still `expectedVersion` (undefined: nothing stored). */
  putItem(item: CatalogItem, expectedVersion: Version | undefined): Promise<'written' | 'conflict'>;
  getLevel(orgId: string, key: LevelKey): Promise<StockLevel | undefined>;
  putLevel(level: StockLevel, expectedVersion: Version | undefined): Promise<'written' | 'conflict'>;
  getRef(orgId: string, source: CatalogSource, inventoryItemId: string): Promise<VariantRef | undefined>;
  /** Writes the reference unless a newer (or the same) version is stored; true when written. */
  putRefIfNewer(orgId: string, ref: VariantRef): Promise<boolean>;
  getInventorySettings(orgId: string): Promise<InventorySettings | undefined>;
  putInventorySettings(orgId: string, settings: InventorySettings): Promise<void>;
  getSquarePull(orgId: string, merchantId: string): Promise<SquarePullState | undefined>;
  /** Records a catalog version unless a newer one is recorded; true when it was newer. */
  recordCatalogVersion(orgId: string, merchantId: string, updatedAt: Instant): Promise<boolean>;
  /** Moves the pull marker forward (never back); true when it moved. */
  advancePullMarker(
    orgId: string,
    merchantId: string,
    marker: Instant,
    completion: { at: string; objects: number },
  ): Promise<boolean>;
  /** Live items (tombstones left out), in key order. */
  listItems(
    orgId: string,
    options: { source?: CatalogSource; limit: number; cursor?: string },
  ): Promise<Page<CatalogItem>>;
  listLevels(
    orgId: string,
    options: { itemId?: string; locationId?: string; limit: number; cursor?: string },
  ): Promise<Page<StockLevel>>;
  /** Deletes every item, stock level and SKU reference the org holds from one source; resolves to how many. */
  eraseSource(orgId: string, source: CatalogSource): Promise<number>;
}

const orgKey = (orgId: string): string => `ORG#${orgId}`;
/** Percent-encodes the two characters that would break key structure. */
const keyPart = (value: string): string => value.replace(/%/g, '%25').replace(/#/g, '%23');
const itemKey = (orgId: string, source: CatalogSource, itemId: string) => ({
  pk: orgKey(orgId),
  sk: `ITEM#${source}#${keyPart(itemId)}`,
});
const levelKey = (orgId: string, key: LevelKey) => ({
  pk: orgKey(orgId),
  sk: `LEVEL#${keyPart(key.itemId)}#${keyPart(key.locationId)}#${key.source}#${keyPart(key.state)}`,
});
const refKey = (orgId: string, source: CatalogSource, inventoryItemId: string) => ({
  pk: orgKey(orgId),
  sk: `REF#${source}#${keyPart(inventoryItemId)}`,
});
const settingsKey = (orgId: string) => ({ pk: orgKey(orgId), sk: 'SETTINGS#inventory' });
const pullKey = (orgId: string, merchantId: string) => ({
  pk: orgKey(orgId),
  sk: `SQUARE_CATALOG#${keyPart(merchantId)}`,
});

/** Queries to fill one page when a filter drops items (tombstones, other locations). */
const MAX_QUERIES_PER_PAGE = 10;

export function createCatalogStore(documents: DynamoDBDocumentClient, tableName: string): CatalogStore {
  const table: TableContext = { documents, tableName };
  const written = async (write: Promise<boolean>): Promise<'written' | 'conflict'> =>
    (await write) ? 'written' : 'conflict';
  return {
    getItem: (orgId, source, itemId) => getItem<CatalogItem>(table, itemKey(orgId, source, itemId)),
    putItem: (item, expectedVersion) =>
      written(
        putItemIfVersion(
          table,
          { ...itemKey(item.orgId, item.source, item.itemId), ...item },
          'version',
          expectedVersion,
        ),
      ),
    getLevel: (orgId, key) => getItem<StockLevel>(table, levelKey(orgId, key)),
    putLevel: (level, expectedVersion) =>
      written(putItemIfVersion(table, { ...levelKey(level.orgId, level), ...level }, 'version', expectedVersion)),
    getRef: (orgId, source, inventoryItemId) => getItem<VariantRef>(table, refKey(orgId, source, inventoryItemId)),
    putRefIfNewer: (orgId, ref) =>
      putItem(
        table,
        { ...refKey(orgId, ref.source, ref.inventoryItemId), ...ref },
        {
          expression: `${ITEM_ABSENT} OR #version < :version`,
          names: { '#version': 'version' },
          values: { ':version': ref.version },
        },
      ),
    getInventorySettings: (orgId) => getItem<InventorySettings>(table, settingsKey(orgId)),
    putInventorySettings: async (orgId, settings) => {
      await putItem(table, { ...settingsKey(orgId), ...settings });
    },
    getSquarePull: (orgId, merchantId) => getSquarePull(table, orgId, merchantId),
    recordCatalogVersion: (orgId, merchantId, updatedAt) => recordCatalogVersion(table, orgId, merchantId, updatedAt),
    advancePullMarker: (orgId, merchantId, marker, completion) =>
      advancePullMarker(table, { orgId, merchantId, marker, completion }),
    listItems: (orgId, options) => listItems(table, orgId, options),
    listLevels: (orgId, options) => listLevels(table, orgId, options),
    eraseSource: (orgId, source) => eraseSource(table, orgId, source),
  };
}

async function getSquarePull(
  table: TableContext,
  orgId: string,
  merchantId: string,
): Promise<SquarePullState | undefined> {
  const state = await getItem<Record<string, unknown>>(table, pullKey(orgId, merchantId));
  if (!state) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    merchantId,
    catalogVersionUpdatedAt: text(state.catalogVersionUpdatedAt),
    lastPulledAt: text(state.lastPulledAt),
    lastPullCompletedAt: text(state.lastPullCompletedAt),
    lastPullObjects: typeof state.lastPullObjects === 'number' ? state.lastPullObjects : null,
  };
}

function recordCatalogVersion(
  table: TableContext,
  orgId: string,
  merchantId: string,
  updatedAt: Instant,
): Promise<boolean> {
  return updateItem(
    table,
    pullKey(orgId, merchantId),
    {
      expression: 'SET merchantId = :merchant, catalogVersionKey = :key, catalogVersionUpdatedAt = :at',
      values: { ':merchant': merchantId, ':key': updatedAt.key, ':at': updatedAt.iso },
    },
    { expression: 'attribute_not_exists(catalogVersionKey) OR catalogVersionKey < :key' },
  );
}

function advancePullMarker(
  table: TableContext,
  pull: { orgId: string; merchantId: string; marker: Instant; completion: { at: string; objects: number } },
): Promise<boolean> {
  return updateItem(
    table,
    pullKey(pull.orgId, pull.merchantId),
    {
      expression:
        'SET merchantId = :merchant, lastPulledAtKey = :key, lastPulledAt = :at, lastPullCompletedAt = ' +
        ':completed, lastPullObjects = :objects',
      values: {
        ':merchant': pull.merchantId,
        ':key': pull.marker.key,
        ':at': pull.marker.iso,
        ':completed': pull.completion.at,
        ':objects': pull.completion.objects,
      },
    },
    { expression: 'attribute_not_exists(lastPulledAtKey) OR lastPulledAtKey < :key' },
  );
}

/** Queries a sort-key range, dropping what the filter rejects, until `limit` items or the range ends. */
function querySortKeyRange<T>(
  table: TableContext,
  range: { pk: string; skPrefix: string; limit: number; cursor?: string | undefined; filter?: Expression },
): Promise<Page<T>> {
  return queryPage<T>(
    table,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: range.filter?.expression,
      ExpressionAttributeNames: range.filter?.names,
      ExpressionAttributeValues: { ':pk': range.pk, ':prefix': range.skPrefix, ...range.filter?.values },
    },
    {
      limit: range.limit,
      cursor: range.cursor,
      partitionKey: range.pk,
      sortKeyPrefix: range.skPrefix,
      maxQueries: MAX_QUERIES_PER_PAGE,
    },
  );
}

function listItems(
  table: TableContext,
  orgId: string,
  { source, limit, cursor }: { source?: CatalogSource; limit: number; cursor?: string },
): Promise<Page<CatalogItem>> {
  return querySortKeyRange<CatalogItem>(table, {
    pk: orgKey(orgId),
    skPrefix: source ? `ITEM#${source}#` : 'ITEM#',
    limit,
    cursor,
    filter: { expression: '#deleted = :false', names: { '#deleted': 'deleted' }, values: { ':false': false } },
  });
}

function listLevels(
  table: TableContext,
  orgId: string,
  { itemId, locationId, limit, cursor }: { itemId?: string; locationId?: string; limit: number; cursor?: string },
): Promise<Page<StockLevel>> {
  const skPrefix =
    itemId === undefined
      ? 'LEVEL#'
      : locationId === undefined
        ? `LEVEL#${keyPart(itemId)}#`
        : `LEVEL#${keyPart(itemId)}#${keyPart(locationId)}#`;
  const byLocationOnly = itemId === undefined && locationId !== undefined;
  return querySortKeyRange<StockLevel>(table, {
    pk: orgKey(orgId),
    skPrefix,
    limit,
    cursor,
    ...(byLocationOnly && {
      filter: {
        expression: '#location = :location',
        names: { '#location': 'locationId' },
        values: { ':location': locationId },
      },
    }),
  });
}

async function eraseSource(table: TableContext, orgId: string, source: CatalogSource): Promise<number> {
  const keys = await queryAll(table, {
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#source = :source',
    ExpressionAttributeNames: { '#source': 'source' },
    ExpressionAttributeValues: { ':pk': orgKey(orgId), ':source': source },
    ProjectionExpression: 'pk, sk',
  });
  for (const key of keys) await deleteItem(table, key as { pk: string; sk: string });
  return keys.length;
}
