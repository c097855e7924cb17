import type { RetiredSourceSecret } from './source-secret';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT, putWhen, queryAllItems } from '../../platform/aws/conditional-writes';
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
 * - `OAUTH_STATE#<nonce>` / `STATE`              a pending OAuth consent (TTL, see oauth-token-store.ts)
 * - `OAUTH_TOKEN` / `<provider>#<account>`       an account's encrypted OAuth tokens (oauth-token-store.ts)
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
  /** `revoked` once the provider says the app was uninstalled or access revoked; absent means active. */
  readonly state?: ConnectionState;
  readonly revokedAt?: string;
  /** Scopes the provider granted (OAuth connections). */
  readonly scopes?: readonly string[];
  /** The initial sync job, and when one last completed. */
  readonly syncJobId?: string;
  readonly lastSyncAt?: string;
}

export type ConnectionState = 'active' | 'revoked';

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
  /**
   * The provider revoked access: the org's connection and the account's lookup are marked `revoked`;
   * events of a revoked account are kept as unmatched again, and another organisation may connect it.
   * Undefined when nobody holds the account.
   */
  revoke(provider: Provider, account: string, at: string): Promise<ProviderConnection | undefined>;
  /** The org's connection to a provider as the org sees it (revoked ones included). */
  orgConnection(orgId: string, provider: Provider): Promise<ProviderConnection | undefined>;
  /** Records the sync job started for a connection, or when one completed. */
  recordSync(orgId: string, provider: Provider, sync: { syncJobId?: string; lastSyncAt?: string }): Promise<void>;
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
  const queryAll = (pk: string, prefix?: string) =>
    queryAllItems(documents, {
      TableName: tableName,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
      ConsistentRead: true,
    });

  // A revoked account (uninstalled, access withdrawn) is free for whoever proves it next.
  const putOwned = (item: Record<string, unknown>, orgId: string) =>
    putWhen(documents, tableName, item, {
      expression: `${ITEM_ABSENT} OR orgId = :org OR #state = :revoked`,
      names: { '#state': 'state' },
      values: { ':org': orgId, ':revoked': 'revoked' },
    });

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
            ConditionExpression: `${ITEM_ABSENT} OR orgId = :org`,
            ExpressionAttributeValues: { ':org': orgId },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionalCheckFailed(error)) throw error;
        });
      return connection;
    },

    async revoke(provider, account, at) {
      const lookup = await documents.send(
        new GetCommand({ TableName: tableName, Key: accountKey(provider, account), ConsistentRead: true }),
      );
      if (!lookup.Item) return undefined;
      const held = strip<ProviderConnection>(lookup.Item);
      const markRevoked = (key: { pk: string; sk: string }) =>
        documents
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: 'SET #state = :revoked, revokedAt = :at',
              ConditionExpression: 'account = :account AND orgId = :org',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':revoked': 'revoked', ':at': at, ':account': account, ':org': held.orgId },
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      // The lookup stays (marked) so a later shop/redact still finds whose data to erase; ingest
      // treats a revoked account as unknown, and another org may connect it.
      await markRevoked(orgConnectionKey(held.orgId, provider));
      await markRevoked(accountKey(provider, account));
      return { ...held, state: 'revoked', revokedAt: at };
    },

    async orgConnection(orgId, provider) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: orgConnectionKey(orgId, provider), ConsistentRead: true }),
      );
      return result.Item ? strip<ProviderConnection>(result.Item) : undefined;
    },

    async recordSync(orgId, provider, sync) {
      const entries = Object.entries(sync).filter(([, value]) => value !== undefined);
      if (entries.length === 0) return;
      await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: orgConnectionKey(orgId, provider),
            UpdateExpression: `SET ${entries.map(([name]) => `${name} = :${name}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
          }),
        )
        .catch((error: unknown) => {
          // Disconnected meanwhile: nothing to record on.
          if (!isConditionalCheckFailed(error)) throw error;
        });
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
