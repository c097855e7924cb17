import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryAllItems } from '../platform/aws/conditional-writes';
import { encodeCursor, isConditionalCheckFailed, type DynamoKey } from '../platform/aws/pagination';
import { InvalidPayloadError } from '../platform/errors';
import type { CatalogItem, CatalogSource, StockLevel, VariantRef } from './catalog-record';
import type { Instant, Version } from './versions';
import { ITEM_ABSENT } from '../platform/aws/conditional-writes';

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

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
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
const itemSortKey = (source: CatalogSource, itemId: string) => `ITEM#${source}#${keyPart(itemId)}`;
const levelSortKey = (key: LevelKey) =>
  `LEVEL#${keyPart(key.itemId)}#${keyPart(key.locationId)}#${key.source}#${keyPart(key.state)}`;
const refSortKey = (source: CatalogSource, inventoryItemId: string) => `REF#${source}#${keyPart(inventoryItemId)}`;
const SETTINGS_SORT_KEY = 'SETTINGS#inventory';
const pullSortKey = (merchantId: string) => `SQUARE_CATALOG#${keyPart(merchantId)}`;

/** Queries to fill one page when a filter drops items (tombstones, other locations). */
const MAX_QUERIES_PER_PAGE = 10;

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

/** Only a cursor this very query produced: same partition, same sort-key range. */
function decodeScopedCursor(cursor: string | undefined, pk: string, skPrefix: string): DynamoKey | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPayloadError('cursor is not valid', ['cursor']);
  }
  const key = parsed as Partial<DynamoKey> | null;
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === 2 &&
    key.pk === pk &&
    typeof key.sk === 'string' &&
    key.sk.startsWith(skPrefix);
  if (!valid) throw new InvalidPayloadError('cursor is not valid', ['cursor']);
  return { pk, sk: key.sk as string };
}

export function createCatalogStore(documents: DynamoDBDocumentClient, tableName: string): CatalogStore {
  async function get<T>(pk: string, sk: string): Promise<T | undefined> {
    const result = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return result.Item ? strip<T>(result.Item) : undefined;
  }

  /** Puts the item if the stored version is `expected` (or, when undefined, if nothing is stored). */
  async function putVersioned(
    item: Record<string, unknown>,
    expected: Version | undefined,
  ): Promise<'written' | 'conflict'> {
    const firstWrite = expected === undefined;
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: firstWrite ? ITEM_ABSENT : '#version = :expected',
          ExpressionAttributeNames: firstWrite ? undefined : { '#version': 'version' },
          ExpressionAttributeValues: firstWrite ? undefined : { ':expected': expected },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'conflict';
      throw error;
    }
  }

  async function conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await documents.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Queries a sort-key range, dropping what `keep` rejects, until `limit` items or the range ends. */
  async function queryPage<T>(
    pk: string,
    skPrefix: string,
    options: {
      limit: number;
      cursor?: string;
      filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
    },
  ): Promise<Page<T>> {
    const items: T[] = [];
    let startKey: DynamoKey | undefined = decodeScopedCursor(options.cursor, pk, skPrefix);
    for (let query = 0; query < MAX_QUERIES_PER_PAGE; query++) {
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: options.filter?.expression,
          ExpressionAttributeNames: options.filter?.names,
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ...options.filter?.values },
          Limit: options.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []).map((item) => strip<T>(item)));
      startKey = result.LastEvaluatedKey as DynamoKey | undefined;
      if (!startKey || items.length >= options.limit) break;
    }
    return { items, nextCursor: encodeCursor(startKey) };
  }

  return {
    getItem: (orgId, source, itemId) => get<CatalogItem>(orgKey(orgId), itemSortKey(source, itemId)),

    putItem: (item, expectedVersion) =>
      putVersioned({ pk: orgKey(item.orgId), sk: itemSortKey(item.source, item.itemId), ...item }, expectedVersion),

    getLevel: (orgId, key) => get<StockLevel>(orgKey(orgId), levelSortKey(key)),

    putLevel: (level, expectedVersion) =>
      putVersioned({ pk: orgKey(level.orgId), sk: levelSortKey(level), ...level }, expectedVersion),

    getRef: (orgId, source, inventoryItemId) => get<VariantRef>(orgKey(orgId), refSortKey(source, inventoryItemId)),

    async putRefIfNewer(orgId, ref) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: orgKey(orgId), sk: refSortKey(ref.source, ref.inventoryItemId), ...ref },
            ConditionExpression: `${ITEM_ABSENT} OR #version < :version`,
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': ref.version },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    getInventorySettings: (orgId) => get<InventorySettings>(orgKey(orgId), SETTINGS_SORT_KEY),

    async putInventorySettings(orgId, settings) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { pk: orgKey(orgId), sk: SETTINGS_SORT_KEY, ...settings } }),
      );
    },

    async getSquarePull(orgId, merchantId) {
      const state = await get<Record<string, unknown>>(orgKey(orgId), pullSortKey(merchantId));
      if (!state) return undefined;
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      return {
        merchantId,
        catalogVersionUpdatedAt: text(state.catalogVersionUpdatedAt),
        lastPulledAt: text(state.lastPulledAt),
        lastPullCompletedAt: text(state.lastPullCompletedAt),
        lastPullObjects: typeof state.lastPullObjects === 'number' ? state.lastPullObjects : null,
      };
    },

    recordCatalogVersion: (orgId, merchantId, updatedAt) =>
      conditionalUpdate({
        TableName: tableName,
        Key: { pk: orgKey(orgId), sk: pullSortKey(merchantId) },
        UpdateExpression: 'SET merchantId = :merchant, catalogVersionKey = :key, catalogVersionUpdatedAt = :at',
        ConditionExpression: 'attribute_not_exists(catalogVersionKey) OR catalogVersionKey < :key',
        ExpressionAttributeValues: { ':merchant': merchantId, ':key': updatedAt.key, ':at': updatedAt.iso },
      }),

    advancePullMarker: (orgId, merchantId, marker, completion) =>
      conditionalUpdate({
        TableName: tableName,
        Key: { pk: orgKey(orgId), sk: pullSortKey(merchantId) },
        UpdateExpression:
          'SET merchantId = :merchant, lastPulledAtKey = :key, lastPulledAt = :at, lastPullCompletedAt = ' +
          ':completed, lastPullObjects = :objects',
        ConditionExpression: 'attribute_not_exists(lastPulledAtKey) OR lastPulledAtKey < :key',
        ExpressionAttributeValues: {
          ':merchant': merchantId,
          ':key': marker.key,
          ':at': marker.iso,
          ':completed': completion.at,
          ':objects': completion.objects,
        },
      }),

    listItems: (orgId, { source, limit, cursor }) =>
      queryPage<CatalogItem>(orgKey(orgId), source ? `ITEM#${source}#` : 'ITEM#', {
        limit,
        ...(cursor !== undefined && { cursor }),
        filter: { expression: '#deleted = :false', names: { '#deleted': 'deleted' }, values: { ':false': false } },
      }),

    async eraseSource(orgId, source) {
      const keys = await queryAllItems(documents, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#source = :source',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':pk': orgKey(orgId), ':source': source },
        ProjectionExpression: 'pk, sk',
      });
      for (const key of keys) await documents.send(new DeleteCommand({ TableName: tableName, Key: key }));
      return keys.length;
    },

    listLevels: (orgId, { itemId, locationId, limit, cursor }) => {
      const prefix =
        itemId === undefined
          ? 'LEVEL#'
          : locationId === undefined
            ? `LEVEL#${keyPart(itemId)}#`
            : `LEVEL#${keyPart(itemId)}#${keyPart(locationId)}#`;
      const byLocationOnly = itemId === undefined && locationId !== undefined;
      return queryPage<StockLevel>(orgKey(orgId), prefix, {
        limit,
        ...(cursor !== undefined && { cursor }),
        ...(byLocationOnly && {
          filter: {
            expression: '#location = :location',
            names: { '#location': 'locationId' },
            values: { ':location': locationId },
          },
        }),
      });
    },
  };
}
