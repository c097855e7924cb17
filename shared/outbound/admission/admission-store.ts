import {
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../platform/aws/pagination';
import { batchGetItems, itemKeyId } from '../../platform/aws/table';
import { EMPTY_ADMISSION_STATE, type AdmissionState } from './policy';

/**
 * One small item per endpoint (`ADMISSION#<endpointId>` / `STATE` in the webhooks table) holding its
 * concurrency leases, rate-limit frontier and circuit breaker, apart from the endpoint item so the
 * hot path never rewrites the endpoint. Every change is one conditional UpdateItem, so any number of
 * concurrent delivery Lambdas agree without locks: a lease is granted only while fewer than the cap
 * exist, a rate slot is handed out once, a circuit opens once and one probe is claimed per interval.
 */

export interface AdmissionStore {
  read(endpointId: string): Promise<AdmissionState>;
  /** Several endpoints' states in BatchGetItem requests (fan-out); an endpoint never admitted has the empty state. */
  readMany(endpointIds: readonly string[]): Promise<Map<string, AdmissionState>>;
  /** Adds a lease if fewer than `cap` exist. */
  acquireLease(endpointId: string, leaseId: string, expiresAt: number, cap: number): Promise<boolean>;
  /** Removes leases that expired (each only if it still holds the expiry seen). */
  dropLeases(endpointId: string, leases: readonly (readonly [string, number])[]): Promise<void>;
  releaseLease(endpointId: string, leaseId: string): Promise<void>;
  /** The next free rate-limit slot at or after `nowSlot`, now held by the caller. */
  claimSlot(endpointId: string, nowSlot: number): Promise<number>;
  /** One probe per interval: true for the caller that moved `nextProbeAt` on from `dueAt`. */
  claimProbe(endpointId: string, dueAt: number, nextProbeAt: number): Promise<boolean>;
  /**
   * Gives the lease back and records what the attempt showed, in one write: a success or an answer
   * ends a run of unreachable attempts (a 429 may also slow the endpoint down; a success proves the
   * endpoint), an unreachable attempt lengthens it. Answers the length of the run now.
   */
  finishAttempt(endpointId: string, leaseId: string, outcome: FinishedAttempt, at: number): Promise<number>;
  /** Closes an open circuit; true for the one caller that closed it. */
  closeCircuit(endpointId: string, at: string): Promise<boolean>;
  /** Opens the circuit unless it is open already; true for the one caller that opened it. */
  openCircuit(endpointId: string, at: string, nextProbeAt: number): Promise<boolean>;
}

export type FinishedAttempt =
  { readonly kind: 'success' | 'unreachable' } | { readonly kind: 'answered'; readonly slowUntil: number | null };

const key = (endpointId: string) => ({ pk: `ADMISSION#${endpointId}`, sk: 'STATE' });

/** Where the admission items live; every operation below takes it first. */
interface StoreContext {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}

type UpdateFields = Omit<UpdateInput, 'TableName' | 'Key'>;

function update(store: StoreContext, endpointId: string, input: UpdateFields): Promise<UpdateCommandOutput> {
  return store.documents.send(new UpdateCommand({ TableName: store.tableName, Key: key(endpointId), ...input }));
}

/** An update whose condition may not hold: false when it did not. */
async function conditional(store: StoreContext, endpointId: string, input: UpdateFields): Promise<boolean> {
  try {
    await update(store, endpointId, input);
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

async function read(store: StoreContext, endpointId: string): Promise<AdmissionState> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.tableName, Key: key(endpointId), ConsistentRead: true }),
  );
  return Item ? stateOf(Item) : EMPTY_ADMISSION_STATE;
}

async function readMany(store: StoreContext, endpointIds: readonly string[]): Promise<Map<string, AdmissionState>> {
  const found = await batchGetItems(store, endpointIds.map(key));
  return new Map(
    endpointIds.map((endpointId) => {
      const item = found.get(itemKeyId(key(endpointId)));
      return [endpointId, item ? stateOf(item) : EMPTY_ADMISSION_STATE];
    }),
  );
}

async function acquireLease(
  store: StoreContext,
  endpointId: string,
  leaseId: string,
  expiresAt: number,
  cap: number,
): Promise<boolean> {
  const added = await conditional(store, endpointId, {
    UpdateExpression: 'SET leases.#lease = :expiresAt',
    ConditionExpression: 'size(leases) < :cap',
    ExpressionAttributeNames: { '#lease': leaseId },
    ExpressionAttributeValues: { ':expiresAt': expiresAt, ':cap': cap },
  }).catch((error: unknown) => {
    // No leases map yet (a new endpoint): DynamoDB refuses a path into a missing map.
    if (error instanceof Error && error.name === 'ValidationException') return false;
    throw error;
  });
  if (added) return true;
  return conditional(store, endpointId, {
    UpdateExpression: 'SET leases = :leases',
    ConditionExpression: 'attribute_not_exists(leases)',
    ExpressionAttributeValues: { ':leases': { [leaseId]: expiresAt } },
  });
}

async function dropLeases(
  store: StoreContext,
  endpointId: string,
  leases: readonly (readonly [string, number])[],
): Promise<void> {
  await Promise.all(
    leases.map(([leaseId, expiresAt]) =>
      conditional(store, endpointId, {
        UpdateExpression: 'REMOVE leases.#lease',
        ConditionExpression: 'leases.#lease = :expiresAt',
        ExpressionAttributeNames: { '#lease': leaseId },
        ExpressionAttributeValues: { ':expiresAt': expiresAt },
      }),
    ),
  );
}

async function releaseLease(store: StoreContext, endpointId: string, leaseId: string): Promise<void> {
  await conditional(store, endpointId, {
    UpdateExpression: 'REMOVE leases.#lease',
    ConditionExpression: 'attribute_exists(leases.#lease)',
    ExpressionAttributeNames: { '#lease': leaseId },
  });
}

async function claimSlot(store: StoreContext, endpointId: string, nowSlot: number): Promise<number> {
  // The frontier is in the past (or unset): take the current slot and move the frontier past it.
  const fresh = await conditional(store, endpointId, {
    UpdateExpression: 'SET nextSlot = :next',
    ConditionExpression: 'attribute_not_exists(nextSlot) OR nextSlot <= :now',
    ExpressionAttributeValues: { ':now': nowSlot, ':next': nowSlot + 1 },
  });
  if (fresh) return nowSlot;
  // Otherwise take the frontier itself: ADD hands every caller a different slot.
  const { Attributes } = await update(store, endpointId, {
    UpdateExpression: 'ADD nextSlot :one',
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValues: 'UPDATED_NEW',
  });
  return Number(Attributes?.['nextSlot']) - 1;
}

function claimProbe(store: StoreContext, endpointId: string, dueAt: number, nextProbeAt: number): Promise<boolean> {
  return conditional(store, endpointId, {
    UpdateExpression: 'SET nextProbeAt = :next',
    ConditionExpression: 'circuit = :open AND nextProbeAt = :due',
    ExpressionAttributeValues: { ':open': 'open', ':due': dueAt, ':next': nextProbeAt },
  });
}

/** One write: the lease back, the run of unreachable attempts moved on, a success or a 429 noted. */
async function finishAttempt(
  store: StoreContext,
  endpointId: string,
  leaseId: string,
  outcome: FinishedAttempt,
  at: number,
): Promise<number> {
  const unreachable = outcome.kind === 'unreachable';
  const slowUntil = outcome.kind === 'answered' ? outcome.slowUntil : null;
  const sets = [
    'lastFinishedAt = :at',
    ...(outcome.kind === 'success' ? ['lastSucceededAt = :at'] : []),
    ...(unreachable ? [] : ['consecutiveFailures = :zero']),
    ...(slowUntil ? ['slowUntil = :until'] : []),
  ];
  const expression = [
    `SET ${sets.join(', ')}`,
    unreachable ? 'ADD consecutiveFailures :one' : '',
    'REMOVE leases.#lease',
  ];
  const { Attributes } = await update(store, endpointId, {
    UpdateExpression: expression.filter(Boolean).join(' '),
    ExpressionAttributeNames: { '#lease': leaseId },
    ExpressionAttributeValues: {
      ':at': at,
      ...(unreachable ? { ':one': 1 } : { ':zero': 0 }),
      ...(slowUntil && { ':until': slowUntil }),
    },
    ReturnValues: 'UPDATED_NEW',
  });
  return Number(Attributes?.['consecutiveFailures'] ?? 0);
}

function closeCircuit(store: StoreContext, endpointId: string, at: string): Promise<boolean> {
  return conditional(store, endpointId, {
    UpdateExpression: 'SET circuit = :closed, circuitChangedAt = :at REMOVE nextProbeAt',
    ConditionExpression: 'circuit = :open',
    ExpressionAttributeValues: { ':open': 'open', ':closed': 'closed', ':at': at },
  });
}

function openCircuit(store: StoreContext, endpointId: string, at: string, nextProbeAt: number): Promise<boolean> {
  return conditional(store, endpointId, {
    UpdateExpression: 'SET circuit = :open, circuitChangedAt = :at, nextProbeAt = :next',
    ConditionExpression: 'attribute_not_exists(circuit) OR circuit <> :open',
    ExpressionAttributeValues: { ':open': 'open', ':at': at, ':next': nextProbeAt },
  });
}

export function createAdmissionStore(documents: DynamoDBDocumentClient, tableName: string): AdmissionStore {
  const store: StoreContext = { documents, tableName };
  return {
    read: (endpointId) => read(store, endpointId),
    readMany: (endpointIds) => readMany(store, endpointIds),
    acquireLease: (endpointId, leaseId, expiresAt, cap) => acquireLease(store, endpointId, leaseId, expiresAt, cap),
    dropLeases: (endpointId, leases) => dropLeases(store, endpointId, leases),
    releaseLease: (endpointId, leaseId) => releaseLease(store, endpointId, leaseId),
    claimSlot: (endpointId, nowSlot) => claimSlot(store, endpointId, nowSlot),
    claimProbe: (endpointId, dueAt, nextProbeAt) => claimProbe(store, endpointId, dueAt, nextProbeAt),
    finishAttempt: (endpointId, leaseId, outcome, at) => finishAttempt(store, endpointId, leaseId, outcome, at),
    closeCircuit: (endpointId, at) => closeCircuit(store, endpointId, at),
    openCircuit: (endpointId, at, nextProbeAt) => openCircuit(store, endpointId, at, nextProbeAt),
  };
}

type UpdateInput = ConstructorParameters<typeof UpdateCommand>[0];

function stateOf(item: Record<string, unknown>): AdmissionState {
  const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    leases: (item['leases'] as Record<string, number> | undefined) ?? {},
    nextSlot: numberOrNull(item['nextSlot']),
    consecutiveFailures: numberOrNull(item['consecutiveFailures']) ?? 0,
    circuit: item['circuit'] === 'open' ? 'open' : 'closed',
    circuitChangedAt: typeof item['circuitChangedAt'] === 'string' ? item['circuitChangedAt'] : null,
    nextProbeAt: numberOrNull(item['nextProbeAt']),
    slowUntil: numberOrNull(item['slowUntil']),
    lastFinishedAt: numberOrNull(item['lastFinishedAt']),
    lastSucceededAt: numberOrNull(item['lastSucceededAt']),
  };
}
