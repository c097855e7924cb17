import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../aws/pagination';
import type { DisabledReason, Endpoint } from './endpoint';

/**
 * Endpoints live under their organisation (`ORG#<org>` / `ENDPOINT#<id>`), so listing an org's
 * endpoints — what every fan-out does — is one query, and no key reaches another org's endpoints.
 */

export type EndpointChanges = Partial<Pick<Endpoint, 'url' | 'description' | 'eventTypes' | 'enabled' | 'disabledReason' | 'disabledAt' | 'failingSince' | 'secrets'>>;

export interface EndpointsStore {
  create(endpoint: Endpoint): Promise<void>;
  get(orgId: string, endpointId: string): Promise<Endpoint | undefined>;
  list(orgId: string): Promise<Endpoint[]>;
  count(orgId: string): Promise<number>;
  /** Applies the changes; undefined when the endpoint does not exist. */
  update(orgId: string, endpointId: string, changes: EndpointChanges, at: string): Promise<Endpoint | undefined>;
  delete(orgId: string, endpointId: string): Promise<boolean>;
  recordSuccess(orgId: string, endpointId: string, at: string): Promise<void>;
  /** Returns the endpoint as it is after the failure was recorded (with `failingSince` set). */
  recordFailure(orgId: string, endpointId: string, at: string): Promise<Endpoint | undefined>;
  /** Switches an enabled endpoint off; 'already' when it was off (so only one caller alerts). */
  disable(orgId: string, endpointId: string, reason: DisabledReason, at: string): Promise<'disabled' | 'already'>;
}

const keyOf = (orgId: string, endpointId: string) => ({ pk: `ORG#${orgId}`, sk: `ENDPOINT#${endpointId}` });
const ENDPOINT_PREFIX = 'ENDPOINT#';

function toEndpoint(item: Record<string, unknown> | undefined): Endpoint | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...endpoint } = item;
  // failingSince is removed (not nulled) on success so that if_not_exists can restart the clock.
  return { ...endpoint, failingSince: endpoint.failingSince ?? null } as unknown as Endpoint;
}

export function createEndpointsStore(documents: DynamoDBDocumentClient, tableName: string): EndpointsStore {
  async function updateExisting(orgId: string, endpointId: string, set: Record<string, unknown>, remove: string[] = [], condition?: { expression: string; values: Record<string, unknown> }) {
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
    const expression = [assignments.length ? `SET ${assignments.join(', ')}` : '', removals.length ? `REMOVE ${removals.join(', ')}` : ''].join(' ').trim();
    try {
      const result = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(orgId, endpointId),
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
      const item = { ...keyOf(endpoint.orgId, endpoint.endpointId), ...rest, ...(failingSince !== null && { failingSince }) };
      await documents.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    },

    async get(orgId, endpointId) {
      const result = await documents.send(new GetCommand({ TableName: tableName, Key: keyOf(orgId, endpointId), ConsistentRead: true }));
      return toEndpoint(result.Item);
    },

    async list(orgId) {
      const endpoints: Endpoint[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `ORG#${orgId}`, ':prefix': ENDPOINT_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) endpoints.push(toEndpoint(item) as Endpoint);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return endpoints;
    },

    async count(orgId) {
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `ORG#${orgId}`, ':prefix': ENDPOINT_PREFIX },
          Select: 'COUNT',
          ConsistentRead: true,
        }),
      );
      return result.Count ?? 0;
    },

    async update(orgId, endpointId, changes, at) {
      const set: Record<string, unknown> = { updatedAt: at };
      const remove: string[] = [];
      for (const [field, value] of Object.entries(changes)) {
        if (field === 'failingSince' && value === null) remove.push(field);
        else if (value !== undefined) set[field] = value;
      }
      return updateExisting(orgId, endpointId, set, remove);
    },

    async delete(orgId, endpointId) {
      try {
        await documents.send(new DeleteCommand({ TableName: tableName, Key: keyOf(orgId, endpointId), ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async recordSuccess(orgId, endpointId, at) {
      await updateExisting(orgId, endpointId, { lastSuccessAt: at }, ['failingSince']);
    },

    async recordFailure(orgId, endpointId, at) {
      const names = { '#failingSince': 'failingSince', '#lastFailureAt': 'lastFailureAt' };
      try {
        const result = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(orgId, endpointId),
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

    async disable(orgId, endpointId, reason, at) {
      const updated = await updateExisting(orgId, endpointId, { enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at }, [], {
        expression: 'enabled = :true',
        values: { ':true': true },
      });
      return updated ? 'disabled' : 'already';
    },
  };
}
