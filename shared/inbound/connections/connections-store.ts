import type { RetiredSourceSecret } from './source-secret';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from '../../platform/aws/pagination';
import type { QueuedWebhook } from '../queued-webhook';

/**
 * Which organisation owns which account at Square and Shopify, and the signed inbound sources an
 * organisation registered. A merchant or shop belongs to at most one organisation: the reverse
 * lookup (`ACCOUNT#<provider>#<account>`) is written only if absent or already this org's.
 *
 * Layout (table `connections`):
 * - `ORG#<org>` / `CONNECTION#square|shopify`  the connection as the org sees it
 * - `ACCOUNT#<provider>#<account>` / `ORG`     reverse lookup used by ingest and the consumer
 * - `UNMATCHED#<provider>#<account>` / `<receivedAt>#<eventId>`  verified events kept until connected
 * - `SOURCE#<sourceId>` / `SOURCE`              a signed source, its org and encrypted secret
 * - `ORG#<org>` / `SOURCE#<sourceId>`            the org's list of its sources
 * - `SOURCE_EVENTS#<sourceId>` / `<receivedAt>#<id>`  the source's recent events (TTL)
 */

export type Provider = 'square' | 'shopify';

export interface ProviderConnection {
  readonly provider: Provider;
  readonly orgId: string;
  /** Square merchant id or Shopify shop domain. */
  readonly account: string;
  /** Square only: the notification URL registered with Square, byte for byte. */
  readonly notificationUrl: string | null;
  readonly connectedAt: string;
}

export interface InboundSource {
  readonly sourceId: string;
  readonly orgId: string;
  /** Encrypted `whsec_` secrets, newest first. */
  readonly secrets: readonly string[];
  /** Replaced secrets that still verify during their grace period (source-secret.ts). */
  readonly retiredSecrets?: readonly RetiredSourceSecret[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SourceEvent {
  readonly id: string;
  readonly sourceId: string;
  readonly receivedAt: string;
  readonly body: string;
  readonly expiresAt: number;
}

export interface ConnectionsStore {
  /** Connects an account to an org; `conflict` when another org already holds it. */
  connect(connection: ProviderConnection): Promise<'connected' | 'conflict'>;
  disconnect(orgId: string, provider: Provider): Promise<ProviderConnection | undefined>;
  connectionsOf(orgId: string): Promise<ProviderConnection[]>;
  connectionOf(provider: Provider, account: string): Promise<ProviderConnection | undefined>;
  keepUnmatched(provider: Provider, account: string, message: QueuedWebhook, retentionDays: number): Promise<void>;
  unmatched(provider: Provider, account: string): Promise<QueuedWebhook[]>;
  forgetUnmatched(provider: Provider, account: string, message: QueuedWebhook): Promise<void>;
  /** Creates the source or replaces its secrets; `conflict` when the id belongs to another org. */
  putSource(source: InboundSource): Promise<'created' | 'updated' | 'conflict'>;
  getSource(sourceId: string): Promise<InboundSource | undefined>;
  sourcesOf(orgId: string): Promise<Pick<InboundSource, 'sourceId' | 'createdAt'>[]>;
  recordSourceEvent(event: SourceEvent): Promise<void>;
  /** Newest first; `since` (ISO instant) leaves out events received before it, which TTL may not have deleted yet. */
  sourceEvents(
    sourceId: string,
    options: { limit: number; cursor?: string; since?: string },
  ): Promise<{ items: SourceEvent[]; nextCursor: string | null }>;
}

const accountKey = (provider: Provider, account: string) => ({ pk: `ACCOUNT#${provider}#${account}`, sk: 'ORG' });
const orgConnectionKey = (orgId: string, provider: Provider) => ({ pk: `ORG#${orgId}`, sk: `CONNECTION#${provider}` });
const unmatchedPk = (provider: Provider, account: string) => `UNMATCHED#${provider}#${account}`;
const unmatchedKey = (provider: Provider, account: string, message: QueuedWebhook) => ({
  pk: unmatchedPk(provider, account),
  sk: `${message.receivedAt}#${message.eventId}`,
});

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

export function createConnectionsStore(documents: DynamoDBDocumentClient, tableName: string): ConnectionsStore {
  async function queryAll(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async function putOwned(item: Record<string, unknown>, orgId: string): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR orgId = :org',
          ExpressionAttributeValues: { ':org': orgId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  return {
    async connect(connection) {
      // The reverse lookup first: it is what enforces one org per account.
      if (
        !(await putOwned({ ...accountKey(connection.provider, connection.account), ...connection }, connection.orgId))
      )
        return 'conflict';
      const previous = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: orgConnectionKey(connection.orgId, connection.provider),
          ConsistentRead: true,
        }),
      );
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...orgConnectionKey(connection.orgId, connection.provider), ...connection },
        }),
      );
      // Re-pointing an org at another account releases the account it had.
      const before = previous.Item ? strip<ProviderConnection>(previous.Item) : undefined;
      if (before && before.account !== connection.account) {
        await documents
          .send(
            new DeleteCommand({
              TableName: tableName,
              Key: accountKey(before.provider, before.account),
              ConditionExpression: 'orgId = :org',
              ExpressionAttributeValues: { ':org': connection.orgId },
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      }
      return 'connected';
    },

    async disconnect(orgId, provider) {
      const result = await documents.send(
        new DeleteCommand({ TableName: tableName, Key: orgConnectionKey(orgId, provider), ReturnValues: 'ALL_OLD' }),
      );
      if (!result.Attributes) return undefined;
      const connection = strip<ProviderConnection>(result.Attributes);
      // Only this org's lookup: should another org have taken the account meanwhile, it stays theirs.
      await documents
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: accountKey(provider, connection.account),
            ConditionExpression: 'attribute_not_exists(pk) OR orgId = :org',
            ExpressionAttributeValues: { ':org': orgId },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionalCheckFailed(error)) throw error;
        });
      return connection;
    },

    async connectionsOf(orgId) {
      return (await queryAll(`ORG#${orgId}`, 'CONNECTION#')).map((item) => strip<ProviderConnection>(item));
    },

    async connectionOf(provider, account) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: accountKey(provider, account), ConsistentRead: true }),
      );
      return result.Item ? strip<ProviderConnection>(result.Item) : undefined;
    },

    async keepUnmatched(provider, account, message, retentionDays) {
      const expiresAt = Math.floor(Date.parse(message.receivedAt) / 1000) + retentionDays * 86_400;
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...unmatchedKey(provider, account, message), message, expiresAt },
        }),
      );
    },

    async unmatched(provider, account) {
      return (await queryAll(unmatchedPk(provider, account))).map((item) => item.message as QueuedWebhook);
    },

    async forgetUnmatched(provider, account, message) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: unmatchedKey(provider, account, message) }));
    },

    async putSource(source) {
      const existing = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `SOURCE#${source.sourceId}`, sk: 'SOURCE' },
          ConsistentRead: true,
        }),
      );
      if (
        !(await putOwned(
          {
            pk: `SOURCE#${source.sourceId}`,
            sk: 'SOURCE',
            ...source,
            createdAt: existing.Item?.createdAt ?? source.createdAt,
          },
          source.orgId,
        ))
      )
        return 'conflict';
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `ORG#${source.orgId}`,
            sk: `SOURCE#${source.sourceId}`,
            sourceId: source.sourceId,
            createdAt: existing.Item?.createdAt ?? source.createdAt,
          },
        }),
      );
      return existing.Item ? 'updated' : 'created';
    },

    async getSource(sourceId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: `SOURCE#${sourceId}`, sk: 'SOURCE' }, ConsistentRead: true }),
      );
      return result.Item ? strip<InboundSource>(result.Item) : undefined;
    },

    async sourcesOf(orgId) {
      return (await queryAll(`ORG#${orgId}`, 'SOURCE#')).map((item) => ({
        sourceId: String(item.sourceId),
        createdAt: String(item.createdAt),
      }));
    },

    async recordSourceEvent(event) {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `SOURCE_EVENTS#${event.sourceId}`, sk: `${event.receivedAt}#${event.id}`, ...event },
        }),
      );
    },

    async sourceEvents(sourceId, { limit, cursor, since }) {
      const pk = `SOURCE_EVENTS#${sourceId}`;
      // The sort key starts with the ISO receivedAt, so "received at or after" is a key range.
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: since === undefined ? 'pk = :pk' : 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': pk, ...(since !== undefined && { ':since': since }) },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, pk),
        }),
      );
      return {
        items: (result.Items ?? []).map((item) => strip<SourceEvent>(item)),
        nextCursor: encodeCursor(result.LastEvaluatedKey as Record<string, string> | undefined),
      };
    },
  };
}
