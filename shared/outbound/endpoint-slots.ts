import { getItem, putItem, putItemIfAbsent, updateItem, type TableContext } from '../platform/aws/table';
import { ownerPartition, type Owner } from '../events/owner';
/**
 * How many endpoints an owner has, as one counter item (`<owner>` / `ENDPOINTCOUNT`) taken with a
 * conditional update: eighty concurrent creates against a cap of fifty create exactly fifty, where a
 * count-then-put would let every one of them see 49. An owner whose endpoints predate the counter gets
 * it seeded from a count of its endpoint items the first time.
 *
 * The counter can drift above the truth: a create that took a slot and died before writing its
 * endpoint (a Lambda timeout), or an ADD applied twice because the SDK retried a write whose answer
 * was lost. So when the counter says the owner is full and has not moved for SETTLE_MS (no create can
 * still be between its slot and its endpoint write), it is checked against a count of the endpoint
 * items and, if it is higher, set back to that count with a write conditioned on it not having moved.
 */
export interface EndpointSlots {
  /** Takes a slot if fewer than `limit` are taken; false at the limit. */
  take(owner: Owner, limit: number): Promise<boolean>;
  /** Gives a slot back (an endpoint deleted, or a create that failed after taking one). */
  release(owner: Owner): Promise<void>;
}

/** A full counter unchanged this long has no create in flight behind it: it may be checked and corrected. */
export const SETTLE_MS = 30_000;

const slotKey = (owner: Owner) => ({ pk: ownerPartition(owner), sk: 'ENDPOINTCOUNT' });

interface SlotsContext {
  readonly table: TableContext;
  readonly countExisting: (owner: Owner) => Promise<number>;
  readonly now: () => number;
}

interface Counter {
  readonly count: number;
  readonly updatedAt?: number;
}

/** Adds `delta` to the owner's counter if the condition on `#count` holds; false when it does not. */
function addToCount(context: SlotsContext, owner: Owner, delta: number, condition: string, bound: number) {
  return updateItem(
    context.table,
    slotKey(owner),
    {
      expression: 'ADD #count :delta SET #updatedAt = :now',
      names: { '#count': 'count', '#updatedAt': 'updatedAt' },
      values: { ':delta': delta, ':now': context.now() },
    },
    { expression: condition, values: { ':bound': bound } },
  );
}

async function takeSlot(context: SlotsContext, owner: Owner, limit: number): Promise<boolean> {
  const increment = () => addToCount(context, owner, 1, 'attribute_exists(#count) AND #count < :bound', limit);
  if (await increment()) return true;
  const counter = await getItem<Counter>(context.table, slotKey(owner));
  if (counter) return (await correctDrift(context, owner, counter)) && increment();
  // No counter yet: seed it from the endpoints stored before it (false: another create seeded it first).
  const count = await context.countExisting(owner);
  await putItemIfAbsent(context.table, { ...slotKey(owner), count, updatedAt: context.now() });
  return increment();
}

/** Sets a settled counter back to the endpoints that exist, if it counts more; true when it did. */
async function correctDrift(context: SlotsContext, owner: Owner, counter: Counter): Promise<boolean> {
  if (context.now() - (counter.updatedAt ?? 0) < SETTLE_MS) return false;
  const existing = await context.countExisting(owner);
  if (existing >= counter.count) return false;
  // Only if nothing moved since it was read: a create or delete in between leaves it for the next look.
  const unchanged =
    counter.updatedAt === undefined
      ? '#count = :count AND attribute_not_exists(#updatedAt)'
      : '#count = :count AND #updatedAt = :at';
  return putItem(
    context.table,
    { ...slotKey(owner), count: existing, updatedAt: context.now() },
    {
      expression: unchanged,
      names: { '#count': 'count', '#updatedAt': 'updatedAt' },
      values: { ':count': counter.count, ...(counter.updatedAt !== undefined && { ':at': counter.updatedAt }) },
    },
  );
}

export function createEndpointSlots(
  documents: TableContext['documents'],
  tableName: string,
  countExisting: (owner: Owner) => Promise<number>,
  now: () => number = Date.now,
): EndpointSlots {
  const context: SlotsContext = { table: { documents, tableName }, countExisting, now };
  return {
    take: (owner, limit) => takeSlot(context, owner, limit),
    // False when there is no counter yet or it is at zero: nothing to give back.
    release: async (owner) => void (await addToCount(context, owner, -1, '#count > :bound', 0)),
  };
}
