import type { LeanDocuments } from '../platform/aws/lean-dynamodb';
import { ITEM_ABSENT } from '../platform/aws/condition-clauses';
import { isConditionalCheckFailed } from '../platform/aws/pagination';
import type { ConnectionsStore, InboundSource, ProviderConnection } from './connections/connections-store';
import {
  countReceiptUpdate,
  inboundItem,
  inboundKey,
  saveTryUpdate,
  toEntry,
  type InboundLogWriter,
} from './log/inbound-log-items';

/**
 * What the ingest functions read and write in DynamoDB, over the lean client (no SDK in their
 * bundles): Square's merchant → organisation lookup, a signed source and its event listing
 * (table `connections`, layout in connections/connections-store.ts), and the inbound log's writes
 * (inbound-log-items.ts). Same items and keys as the stores over the SDK; the integration tests read
 * what these write through those stores.
 */

export type IngestConnections = Pick<ConnectionsStore, 'connectionOf' | 'getSource' | 'recordSourceEvent'>;

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

export function createIngestConnections(documents: LeanDocuments, tableName: string): IngestConnections {
  const read = async <T>(pk: string, sk: string): Promise<T | undefined> => {
    const { Item } = await documents.get({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true });
    return Item ? withoutKeys<T>(Item) : undefined;
  };
  return {
    connectionOf: (provider, account) => read<ProviderConnection>(`ACCOUNT#${provider}#${account}`, 'ORG'),
    getSource: (sourceId) => read<InboundSource>(`SOURCE#${sourceId}`, 'SOURCE'),
    async recordSourceEvent(event) {
      const item = { pk: `SOURCE_EVENTS#${event.sourceId}`, sk: `${event.receivedAt}#${event.id}`, ...event };
      await documents.put({ TableName: tableName, Item: item });
    },
  };
}

/** The inbound log's writes with every body in its item (source bodies are capped below the item size). */
export function createIngestInboundLog(documents: LeanDocuments, tableName: string): InboundLogWriter {
  return {
    async get(id) {
      const { Item } = await documents.get({ TableName: tableName, Key: inboundKey(id), ConsistentRead: true });
      return Item ? toEntry(Item) : undefined;
    },
    async create(entry, body) {
      const Item = inboundItem(entry, { body: body.toString('utf8') }, body.length);
      try {
        await documents.put({ TableName: tableName, Item, ConditionExpression: ITEM_ABSENT });
        return 'created';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'exists';
        throw error;
      }
    },
    saveTry: (entry) => documents.update(saveTryUpdate(tableName, entry)),
    countReceipt: (id) => documents.update(countReceiptUpdate(tableName, id)),
  };
}
