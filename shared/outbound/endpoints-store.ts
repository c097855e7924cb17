import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../platform/aws/pagination';
import type { DisabledReason, Endpoint, EndpointRecord, EndpointSecrets, StoredSecret } from './endpoint';
import { ownerOf, ownerPartition, type Owner } from '../events/owner';
import { ITEM_ABSENT, ITEM_PRESENT } from '../platform/aws/conditional-writes';
import { createEndpointSlots } from './endpoint-slots';

/**
 * Endpoints live under their owner (`ORG#<org>` / `ENDPOINT#<id>`), so listing an org's endpoints —
 * what every fan-out does — is one query, and no key reaches another org's endpoints. A merchant's
 * federation webhook lives under `MERCHANT#<merchant>` the same way (owner.ts). The signing secrets
 * sit beside it (`ENDPOINTSECRETS#<id>`, versioned for race-free rotation), outside what fan-out reads.
 *
 * The endpoint item is written on configuration changes and on health changes only (first failure,
 * recovery, disable) — never on an ordinary success — so a busy organisation's partition is read, not
 * written, by its deliveries.
 */

export type EndpointChanges = Partial<
  Pick<
    Endpoint,
    | 'url'
    | 'description'
    | 'eventTypes'
    | 'enabled'
    | 'disabledReason'
    | 'disabledAt'
    | 'failingSince'
    | 'secrets'
    | 'rateLimitPerSecond'
  >
>;

export interface EndpointsStore {
  /**
   * Stores a new endpoint and its secrets. With `limit`, first takes one of the owner's endpoint
   * slots (a counter with a conditional update, so concurrent creates cannot pass the cap together).
   */
  create(endpoint: Endpoint, limit?: number): Promise<'created' | 'limit_reached'>;
  get(owner: Owner, endpointId: string): Promise<EndpointRecord | undefined>;
  list(owner: Owner): Promise<EndpointRecord[]>;
  getSecrets(owner: Owner, endpointId: string): Promise<EndpointSecrets | undefined>;
  /** Replaces the secrets if they are still at `expectedVersion`; false when another rotation won. */
  replaceSecrets(
    owner: Owner,
    endpointId: string,
    secrets: readonly StoredSecret[],
    expectedVersion: number,
  ): Promise<boolean>;
  /** Applies the changes; undefined when the endpoint does not exist. */
  update(owner: Owner, endpointId: string, changes: EndpointChanges, at: string): Promise<EndpointRecord | undefined>;
  delete(owner: Owner, endpointId: string): Promise<boolean>;
  /** A failing endpoint succeeded: clears `failingSince`. False when it was not failing (nothing written). */
  recordRecovery(owner: Owner, endpointId: string, at: string): Promise<boolean>;
  /** A healthy endpoint failed: starts the `failingSince` clock. False when it was already failing. */
  recordFirstFailure(owner: Owner, endpointId: string, at: string): Promise<boolean>;
  /** Switches an enabled endpoint off; 'already' when it was off (so only one caller alerts). */
  disable(owner: Owner, endpointId: string, reason: DisabledReason, at: string): Promise<'disabled' | 'already'>;
}

const ENDPOINT_PREFIX = 'ENDPOINT#';
export const endpointKey = (owner: Owner, endpointId: string) => ({
  pk: ownerPartition(owner),
  sk: `${ENDPOINT_PREFIX}${endpointId}`,
});
export const endpointSecretsKey = (owner: Owner, endpointId: string) => ({
  pk: ownerPartition(owner),
  sk: `ENDPOINTSECRETS#${endpointId}`,
});

export function toEndpointRecord(item: Record<string, unknown> | undefined): EndpointRecord | undefined {
  if (!item) return undefined;
  // `secrets` may still sit on an endpoint item written before they moved to their own item.
  const { pk: _pk, sk: _sk, secrets: _secrets, ...endpoint } = item;
  // failingSince is removed (not nulled) on success so that if_not_exists can restart the clock.
  return { ...endpoint, failingSince: endpoint.failingSince ?? null } as unknown as EndpointRecord;
}

/** The secrets item's content, or (for an endpoint stored before the split) the endpoint item's own. */
export function toEndpointSecrets(
  secretsItem: Record<string, unknown> | undefined,
  endpointItem: Record<string, unknown> | undefined,
): EndpointSecrets | undefined {
  if (secretsItem) return { secrets: secretsItem.secrets as StoredSecret[], version: Number(secretsItem.version) };
  if (endpointItem && Array.isArray(endpointItem.secrets))
    return { secrets: endpointItem.secrets as StoredSecret[], version: 0 };
  return undefined;
}

export function createEndpointsStore(documents: DynamoDBDocumentClient, tableName: string): EndpointsStore {
  const slots = createEndpointSlots(documents, tableName, (owner) => countEndpoints(owner));

  /** Every page of the owner's endpoint items (or only their count, `Select: 'COUNT'`). */
  async function queryEndpoints(owner: Owner, select?: 'COUNT') {
    const pages: { items: Record<string, unknown>[]; count: number }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': ENDPOINT_PREFIX },
          ConsistentRead: true,
          ...(select && { Select: select }),
          ExclusiveStartKey: startKey,
        }),
      );
      pages.push({ items: page.Items ?? [], count: page.Count ?? 0 });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return pages;
  }

  async function countEndpoints(owner: Owner): Promise<number> {
    return (await queryEndpoints(owner, 'COUNT')).reduce((total, page) => total + page.count, 0);
  }

  async function updateExisting(
    owner: Owner,
    endpointId: string,
    set: Record<string, unknown>,
    remove: string[] = [],
    condition?: { expression: string; values?: Record<string, unknown> },
  ) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ...condition?.values };
    const assignments = Object.entries(set).map(([field, value], index) => {
      names[`#s${index}`] = field;
      values[`:s${index}`] = value;
      return `#s${index} = :s${index}`;
    });
    const removals = remove.map((field, index) => {
      names[`#r${index}`] = field;
      return `#r${index}`;
    });
    const expression = [
      assignments.length ? `SET ${assignments.join(', ')}` : '',
      removals.length ? `REMOVE ${removals.join(', ')}` : '',
    ]
      .join(' ')
      .trim();
    try {
      const result = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: endpointKey(owner, endpointId),
          UpdateExpression: expression,
          ConditionExpression: [ITEM_PRESENT, condition?.expression].filter(Boolean).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEndpointRecord(result.Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  const putSecrets = async (owner: Owner, endpointId: string, secrets: readonly StoredSecret[], version: number) => {
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...endpointSecretsKey(owner, endpointId), secrets, version: version + 1 },
          // Version 0 is "no secrets item yet" (a new endpoint, or one stored before the split).
          ConditionExpression: version === 0 ? ITEM_ABSENT : 'version = :expected',
          ...(version !== 0 && { ExpressionAttributeValues: { ':expected': version } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  return {
    async create(endpoint, limit) {
      const owner = ownerOf(endpoint);
      if (limit !== undefined && !(await slots.take(owner, limit))) return 'limit_reached';
      // An absent failingSince (not a stored null) is what lets recordFirstFailure start the clock.
      const { failingSince, secrets, ...rest } = endpoint;
      try {
        // The endpoint item first: its conditional put decides which of two concurrent creates won,
        // and only the winner writes the secrets (a delivery in between waits for them: deliver.ts).
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...endpointKey(owner, endpoint.endpointId),
              ...rest,
              ...(failingSince !== null && { failingSince }),
            },
            ConditionExpression: ITEM_ABSENT,
          }),
        );
      } catch (error) {
        if (limit !== undefined) await slots.release(owner);
        throw error;
      }
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...endpointSecretsKey(owner, endpoint.endpointId), secrets, version: 1 },
        }),
      );
      return 'created';
    },

    async get(owner, endpointId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: endpointKey(owner, endpointId), ConsistentRead: true }),
      );
      return toEndpointRecord(result.Item);
    },

    async list(owner) {
      const pages = await queryEndpoints(owner);
      return pages.flatMap((page) => page.items.map((item) => toEndpointRecord(item) as EndpointRecord));
    },

    async getSecrets(owner, endpointId) {
      const [secretsItem, endpointItem] = await Promise.all(
        [endpointSecretsKey(owner, endpointId), endpointKey(owner, endpointId)].map((Key) =>
          documents.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })),
        ),
      );
      return endpointItem?.Item ? toEndpointSecrets(secretsItem?.Item, endpointItem.Item) : undefined;
    },

    replaceSecrets: (owner, endpointId, secrets, expectedVersion) =>
      putSecrets(owner, endpointId, secrets, expectedVersion),

    async update(owner, endpointId, changes, at) {
      const set: Record<string, unknown> = { updatedAt: at };
      const remove: string[] = [];
      for (const [field, value] of Object.entries(changes)) {
        if (field === 'failingSince' && value === null) remove.push(field);
        else if (value !== undefined) set[field] = value;
      }
      return updateExisting(owner, endpointId, set, remove);
    },

    async delete(owner, endpointId) {
      try {
        await documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: endpointKey(owner, endpointId),
            ConditionExpression: ITEM_PRESENT,
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
      await documents.send(new DeleteCommand({ TableName: tableName, Key: endpointSecretsKey(owner, endpointId) }));
      await slots.release(owner);
      return true;
    },

    async recordRecovery(owner, endpointId, at) {
      const updated = await updateExisting(owner, endpointId, { lastSuccessAt: at }, ['failingSince'], {
        expression: 'attribute_exists(failingSince)',
      });
      return updated !== undefined;
    },

    async recordFirstFailure(owner, endpointId, at) {
      const updated = await updateExisting(owner, endpointId, { lastFailureAt: at, failingSince: at }, [], {
        expression: 'attribute_not_exists(failingSince)',
      });
      return updated !== undefined;
    },

    async disable(owner, endpointId, reason, at) {
      const updated = await updateExisting(
        owner,
        endpointId,
        { enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at },
        [],
        { expression: 'enabled = :true', values: { ':true': true } },
      );
      return updated ? 'disabled' : 'already';
    },
  };
}
