import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../platform/aws/pagination';
import { deleteItem, getItem, putItem, putItemIfVersion, queryAll, type TableContext } from '../platform/aws/table';
import type { DisabledReason, Endpoint, EndpointRecord, EndpointSecrets, StoredSecret } from './endpoint';
import { ownerOf, ownerPartition, type Owner } from '../events/owner';
import { ITEM_ABSENT, ITEM_PRESENT } from '../platform/aws/conditional-writes';
import { createEndpointSlots, type EndpointSlots } from './endpoint-slots';
import { setAndRemove } from './item-updates';

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

/** The table and the owner's endpoint-slot counter: what every operation below works on. */
interface EndpointsContext {
  readonly table: TableContext;
  readonly slots: EndpointSlots;
}

/** Every endpoint item of the owner (consistent: a create or delete just made is seen). */
function queryEndpoints(table: TableContext, owner: Owner): Promise<Record<string, unknown>[]> {
  return queryAll(table, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': ENDPOINT_PREFIX },
    ConsistentRead: true,
  });
}

/**
 * Applies SET and REMOVE to an existing endpoint item (and the extra condition); the endpoint as stored
 * after, or undefined when it does not exist or the condition did not hold.
 */
async function updateExisting(
  table: TableContext,
  owner: Owner,
  endpointId: string,
  change: { set: Record<string, unknown>; remove?: readonly string[]; condition?: string; values?: object },
): Promise<EndpointRecord | undefined> {
  const update = setAndRemove(change.set, change.remove ?? []);
  const values = { ...update.values, ...change.values };
  try {
    const result = await table.documents.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: endpointKey(owner, endpointId),
        UpdateExpression: update.expression,
        ConditionExpression: [ITEM_PRESENT, change.condition].filter(Boolean).join(' AND '),
        ExpressionAttributeNames: update.names,
        ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toEndpointRecord(result.Attributes);
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** Writes the secrets if they are still at `version` (0: no secrets item yet — new, or stored before the split). */
function putSecrets(
  table: TableContext,
  owner: Owner,
  endpointId: string,
  secrets: readonly StoredSecret[],
  version: number,
): Promise<boolean> {
  const item = { ...endpointSecretsKey(owner, endpointId), secrets, version: version + 1 };
  return putItemIfVersion(table, item, 'version', version === 0 ? undefined : version);
}

async function createEndpoint(context: EndpointsContext, endpoint: Endpoint, limit?: number) {
  const owner = ownerOf(endpoint);
  if (limit !== undefined && !(await context.slots.take(owner, limit))) return 'limit_reached';
  // An absent failingSince (not a stored null) is what lets recordFirstFailure start the clock.
  const { failingSince, secrets, ...rest } = endpoint;
  const item = { ...endpointKey(owner, endpoint.endpointId), ...rest, ...(failingSince !== null && { failingSince }) };
  // The endpoint item first: its conditional put decides which of two concurrent creates won, and only
  // the winner writes the secrets (a delivery in between waits for them: deliver.ts). The loser gets
  // DynamoDB's ConditionalCheckFailedException, as callers expect (merchant-webhook.ts).
  try {
    await context.table.documents.send(
      new PutCommand({ TableName: context.table.tableName, Item: item, ConditionExpression: ITEM_ABSENT }),
    );
  } catch (error) {
    if (limit !== undefined) await context.slots.release(owner);
    throw error;
  }
  await putItem(context.table, { ...endpointSecretsKey(owner, endpoint.endpointId), secrets, version: 1 });
  return 'created';
}

async function getSecrets(table: TableContext, owner: Owner, endpointId: string) {
  const [secretsItem, endpointItem] = await Promise.all([
    getItem<Record<string, unknown>>(table, endpointSecretsKey(owner, endpointId)),
    getItem<Record<string, unknown>>(table, endpointKey(owner, endpointId)),
  ]);
  return endpointItem ? toEndpointSecrets(secretsItem, endpointItem) : undefined;
}

function updateEndpoint(table: TableContext, owner: Owner, endpointId: string, changes: EndpointChanges, at: string) {
  const set: Record<string, unknown> = { updatedAt: at };
  const remove: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (field === 'failingSince' && value === null) remove.push(field);
    else if (value !== undefined) set[field] = value;
  }
  return updateExisting(table, owner, endpointId, { set, remove });
}

async function deleteEndpoint(context: EndpointsContext, owner: Owner, endpointId: string): Promise<boolean> {
  if (!(await deleteItem(context.table, endpointKey(owner, endpointId), { expression: ITEM_PRESENT }))) return false;
  await deleteItem(context.table, endpointSecretsKey(owner, endpointId));
  await context.slots.release(owner);
  return true;
}

async function recordRecovery(table: TableContext, owner: Owner, endpointId: string, at: string) {
  const change = { set: { lastSuccessAt: at }, remove: ['failingSince'], condition: 'attribute_exists(failingSince)' };
  return (await updateExisting(table, owner, endpointId, change)) !== undefined;
}

async function recordFirstFailure(table: TableContext, owner: Owner, endpointId: string, at: string) {
  const change = { set: { lastFailureAt: at, failingSince: at }, condition: 'attribute_not_exists(failingSince)' };
  return (await updateExisting(table, owner, endpointId, change)) !== undefined;
}

async function disableEndpoint(
  table: TableContext,
  owner: Owner,
  endpointId: string,
  reason: DisabledReason,
  at: string,
) {
  const updated = await updateExisting(table, owner, endpointId, {
    set: { enabled: false, disabledReason: reason, disabledAt: at, updatedAt: at },
    condition: 'enabled = :true',
    values: { ':true': true },
  });
  return updated ? 'disabled' : 'already';
}

export function createEndpointsStore(documents: TableContext['documents'], tableName: string): EndpointsStore {
  const table: TableContext = { documents, tableName };
  const countEndpoints = async (owner: Owner) => (await queryEndpoints(table, owner)).length;
  const context: EndpointsContext = { table, slots: createEndpointSlots(documents, tableName, countEndpoints) };
  return {
    create: (endpoint, limit) => createEndpoint(context, endpoint, limit),
    get: async (owner, endpointId) =>
      toEndpointRecord(await getItem<Record<string, unknown>>(table, endpointKey(owner, endpointId))),
    list: async (owner) => (await queryEndpoints(table, owner)).map((item) => toEndpointRecord(item) as EndpointRecord),
    getSecrets: (owner, endpointId) => getSecrets(table, owner, endpointId),
    replaceSecrets: (owner, endpointId, secrets, expectedVersion) =>
      putSecrets(table, owner, endpointId, secrets, expectedVersion),
    update: (owner, endpointId, changes, at) => updateEndpoint(table, owner, endpointId, changes, at),
    delete: (owner, endpointId) => deleteEndpoint(context, owner, endpointId),
    recordRecovery: (owner, endpointId, at) => recordRecovery(table, owner, endpointId, at),
    recordFirstFailure: (owner, endpointId, at) => recordFirstFailure(table, owner, endpointId, at),
    disable: (owner, endpointId, reason, at) => disableEndpoint(table, owner, endpointId, reason, at),
  };
}
