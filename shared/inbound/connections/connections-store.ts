import type { RetiredSourceSecret } from './source-secret';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT, ITEM_PRESENT } from '../../platform/aws/conditional-writes';
import {
  deleteItem,
  deleteItemReturningOld,
  getItem,
  putItem,
  queryAll,
  queryPage,
  setFields,
  updateItem,
  withoutKeys,
  type TableContext,
} from '../../platform/aws/table';
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
const sourceKey = (sourceId: string) => ({ pk: `SOURCE#${sourceId}`, sk: 'SOURCE' });
const sourceEventsPk = (sourceId: string) => `SOURCE_EVENTS#${sourceId}`;

export function createConnectionsStore(documents: DynamoDBDocumentClient, tableName: string): ConnectionsStore {
  const table: TableContext = { documents, tableName };
  return {
    connect: (connection) => connect(table, connection),
    disconnect: (orgId, provider) => disconnect(table, orgId, provider),
    revoke: (provider, account, at) => revoke(table, { provider, account, at }),
    orgConnection: (orgId, provider) => getItem<ProviderConnection>(table, orgConnectionKey(orgId, provider)),
    recordSync: async (orgId, provider, sync) => {
      if (Object.values(sync).every((value) => value === undefined)) return;
      // Disconnected meanwhile (the condition fails): nothing to record on.
      await updateItem(table, orgConnectionKey(orgId, provider), setFields(sync), { expression: ITEM_PRESENT });
    },
    connectionsOf: async (orgId) =>
      (await queryPartition(table, `ORG#${orgId}`, 'CONNECTION#')).map((item) => withoutKeys<ProviderConnection>(item)),
    connectionOf: (provider, account) => getItem<ProviderConnection>(table, accountKey(provider, account)),
    keepUnmatched: async (provider, account, message, retentionDays) => {
      const expiresAt = Math.floor(Date.parse(message.receivedAt) / 1000) + retentionDays * 86_400;
      await putItem(table, { ...unmatchedKey(provider, account, message), message, expiresAt });
    },
    unmatched: async (provider, account) =>
      (await queryPartition(table, unmatchedPk(provider, account))).map((item) => item.message as QueuedWebhook),
    forgetUnmatched: async (provider, account, message) => {
      await deleteItem(table, unmatchedKey(provider, account, message));
    },
    putSource: (source) => putSource(table, source),
    getSource: (sourceId) => getItem<InboundSource>(table, sourceKey(sourceId)),
    sourcesOf: async (orgId) =>
      (await queryPartition(table, `ORG#${orgId}`, 'SOURCE#')).map((item) => ({
        sourceId: String(item.sourceId),
        createdAt: String(item.createdAt),
      })),
    recordSourceEvent: async (event) => {
      await putItem(table, { pk: sourceEventsPk(event.sourceId), sk: `${event.receivedAt}#${event.id}`, ...event });
    },
    sourceEvents: (sourceId, options) => sourceEvents(table, sourceId, options),
  };
}

/** Every item of a (small) partition, or of a sort-key range in it. */
function queryPartition(table: TableContext, pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
  return queryAll(table, {
    KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
    ConsistentRead: true,
  });
}

/** Writes an item claimed by one org: only if absent, already the org's, or revoked. */
function putOwned(table: TableContext, item: Record<string, unknown>, orgId: string): Promise<boolean> {
  // A revoked account (uninstalled, access withdrawn) is free for whoever proves it next.
  return putItem(table, item, {
    expression: `${ITEM_ABSENT} OR orgId = :org OR #state = :revoked`,
    names: { '#state': 'state' },
    values: { ':org': orgId, ':revoked': 'revoked' },
  });
}

async function connect(table: TableContext, connection: ProviderConnection): Promise<'connected' | 'conflict'> {
  const { provider, account, orgId } = connection;
  // The reverse lookup first: it is what enforces one org per account.
  if (!(await putOwned(table, { ...accountKey(provider, account), ...connection }, orgId))) return 'conflict';
  const before = await getItem<ProviderConnection>(table, orgConnectionKey(orgId, provider));
  await putItem(table, { ...orgConnectionKey(orgId, provider), ...connection });
  // Re-pointing an org at another account releases the account it had.
  if (before && before.account !== account) {
    await deleteItem(table, accountKey(before.provider, before.account), {
      expression: 'orgId = :org',
      values: { ':org': orgId },
    });
  }
  return 'connected';
}

async function disconnect(
  table: TableContext,
  orgId: string,
  provider: Provider,
): Promise<ProviderConnection | undefined> {
  const connection = await deleteItemReturningOld<ProviderConnection>(table, orgConnectionKey(orgId, provider));
  if (!connection) return undefined;
  // Only this org's lookup: should another org have taken the account meanwhile, it stays theirs.
  await deleteItem(table, accountKey(provider, connection.account), {
    expression: `${ITEM_ABSENT} OR orgId = :org`,
    values: { ':org': orgId },
  });
  return connection;
}

async function revoke(
  table: TableContext,
  { provider, account, at }: { provider: Provider; account: string; at: string },
): Promise<ProviderConnection | undefined> {
  const held = await getItem<ProviderConnection>(table, accountKey(provider, account));
  if (!held) return undefined;
  const markRevoked = (key: { pk: string; sk: string }) =>
    updateItem(
      table,
      key,
      {
        expression: 'SET #state = :revoked, revokedAt = :at',
        names: { '#state': 'state' },
        values: { ':revoked': 'revoked', ':at': at },
      },
      {
        expression: 'account = :account AND orgId = :org',
        values: { ':account': account, ':org': held.orgId },
      },
    );
  // The lookup stays (marked) so a later shop/redact still finds whose data to erase; ingest
  // treats a revoked account as unknown, and another org may connect it.
  await markRevoked(orgConnectionKey(held.orgId, provider));
  await markRevoked(accountKey(provider, account));
  return { ...held, state: 'revoked', revokedAt: at };
}

async function putSource(table: TableContext, source: InboundSource): Promise<'created' | 'updated' | 'conflict'> {
  const existing = await getItem<InboundSource>(table, sourceKey(source.sourceId));
  const createdAt = existing?.createdAt ?? source.createdAt;
  if (!(await putOwned(table, { ...sourceKey(source.sourceId), ...source, createdAt }, source.orgId)))
    return 'conflict';
  await putItem(table, {
    pk: `ORG#${source.orgId}`,
    sk: `SOURCE#${source.sourceId}`,
    sourceId: source.sourceId,
    createdAt,
  });
  return existing ? 'updated' : 'created';
}

function sourceEvents(
  table: TableContext,
  sourceId: string,
  { limit, cursor, since }: { limit: number; cursor?: string; since?: string },
): Promise<{ items: SourceEvent[]; nextCursor: string | null }> {
  const pk = sourceEventsPk(sourceId);
  // The sort key starts with the ISO receivedAt, so "received at or after" is a key range.
  return queryPage<SourceEvent>(
    table,
    {
      KeyConditionExpression: since === undefined ? 'pk = :pk' : 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': pk, ...(since !== undefined && { ':since': since }) },
      ScanIndexForward: false,
    },
    { limit, cursor, partitionKey: pk },
  );
}
