import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../platform/aws/pagination';
import type { DisabledReason, Endpoint } from './endpoint';
import { ownerOf, ownerPartition, type Owner } from '../events/owner';

/**
 * Endpoints live under their organisation (`ORG#<org>` / `ENDPOINT#<id>`), so listing an org's
 * endpoints — what every fan-out does — is one query, and no key reaches another org's endpoints.
 * A merchant's federation webhook lives under `MERCHANT#<merchant>` the same way (owner.ts): every
 * method takes an owner, an organisation id or `{ merchantId }`.
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
  create(endpoint: Endpoint): Promise<void>;
  get(owner: Owner, endpointId: string): Promise<Endpoint | undefined>;
  list(owner: Owner): Promise<Endpoint[]>;
  count(owner: Owner): Promise<number>;
  /** Applies the changes; undefined when the endpoint does not exist. */
  update(owner: Owner, endpointId: string, changes: EndpointChanges, at: string): Promise<Endpoint | undefined>;
  delete(owner: Owner, endpointId: string): Promise<boolean>;
  recordSuccess(owner: Owner, endpointId: string, at: string): Promise<void>;
  /** Returns the endpoint as it is after the failure was recorded (with `failingSince` set). */
  recordFailure(owner: Owner, endpointId: string, at: string): Promise<Endpoint | undefined>;
  /** Switches an enabled endpoint off; 'already' when it was off (so only one caller alerts). */
  disable(owner: Owner, endpointId: string, reason: DisabledReason, at: string): Promise<'disabled' | 'already'>;
}

const keyOf = (owner: Owner, endpointId: string) => ({ pk: ownerPartition(owner), sk: `ENDPOINT#${endpointId}` });
const ENDPOINT_PREFIX = 'ENDPOINT#';

function toEndpoint(item: Record<string, unknown> | undefined): Endpoint | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...endpoint } = item;
  // failingSince is removed (not nulled) on success so that if_not_exists can restart the clock.
  return { ...endpoint, failingSince: endpoint.failingSince ?? null } as unknown as Endpoint;
}

export function createEndpointsStore(documents: DynamoDBDocumentClient, tableName: string): EndpointsStore {
  async function updateExisting(
    owner: Owner,
    endpointId: string,
    set: Record<string, unknown>,
    remove: string[] = [],
    condition?: { expression: string; values: Record<string, unknown> },
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
          Key: keyOf(owner, endpointId),
          UpdateExpression: expression,
          ConditionExpression: ['attribute_exists(pk)', condition?.expression].filter(Boolean).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEndpoint(result.Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  return {
    async create(endpoint) {
      // An absent failingSince (not a stored null) is what lets recordFailure start the clock.
      const { failingSince, ...rest } = endpoint;
      const item = {
        ...keyOf(ownerOf(endpoint), endpoint.endpointId),
        ...rest,
        ...(failingSince !== null && { failingSince }),
      };
      await documents.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },

    async get(owner, endpointId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: keyOf(owner, endpointId), ConsistentRead: true }),
      );
      return toEndpoint(result.Item);
    },

    async list(owner) {
      const endpoints: Endpoint[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': ENDPOINT_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) endpoints.push(toEndpoint(item) as Endpoint);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return endpoints;
    },

    async count(owner) {
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': ENDPOINT_PREFIX },
          Select: 'COUNT',
          ConsistentRead: true,
        }),
      );
      return result.Count ?? 0;
    },

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
            Key: keyOf(owner, endpointId),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async recordSuccess(owner, endpointId, at) {
      await updateExisting(owner, endpointId, { lastSuccessAt: at }, ['failingSince']);
    },

    async recordFailure(owner, endpointId, at) {
      const names = { '#failingSince': 'failingSince', '#lastFailureAt': 'lastFailureAt' };
      try {
        const result = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(owner, endpointId),
            // The first failure after a success starts the clock; later ones keep it running.
            UpdateExpression: 'SET #lastFailureAt = :at, #failingSince = if_not_exists(#failingSince, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toEndpoint(result.Attributes);
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },

    async disable(owner, endpointId, reason, at) {
      const updated = await updateExisting(
        owner,
        endpointId,
        { enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at },
        [],
        {
          expression: 'enabled = :true',
          values: { ':true': true },
        },
      );
      return updated ? 'disabled' : 'already';
    },
  };
}
