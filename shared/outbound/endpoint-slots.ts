import { getItem, putItemIfAbsent, updateItem, type TableContext } from '../platform/aws/table';
import { ownerPartition, type Owner } from '../events/owner';
/**
 * How many endpoints an owner has, as one counter item (`<owner>` / `ENDPOINTCOUNT`) taken with a
 * conditional update: eighty concurrent creates against a cap of fifty create exactly fifty, where a
 * count-then-put would let every one of them see 49. An owner whose endpoints predate the counter gets
 * it seeded from a count of its endpoint items the first time.
 */
export interface EndpointSlots {
  /** Takes a slot if fewer than `limit` are taken; false at the limit. */
  take(owner: Owner, limit: number): Promise<boolean>;
  /** Gives a slot back (an endpoint deleted, or a create that failed after taking one). */
  release(owner: Owner): Promise<void>;
}

const slotKey = (owner: Owner) => ({ pk: ownerPartition(owner), sk: 'ENDPOINTCOUNT' });

/** Adds `delta` to the owner's counter if the condition on `#count` holds; false when it does not. */
function addToCount(table: TableContext, owner: Owner, delta: number, condition: string, bound: number) {
  return updateItem(
    table,
    slotKey(owner),
    { expression: 'ADD #count :delta', names: { '#count': 'count' }, values: { ':delta': delta } },
    { expression: condition, values: { ':bound': bound } },
  );
}

async function takeSlot(
  table: TableContext,
  owner: Owner,
  limit: number,
  countExisting: (owner: Owner) => Promise<number>,
): Promise<boolean> {
  const increment = () => addToCount(table, owner, 1, 'attribute_exists(#count) AND #count < :bound', limit);
  if (await increment()) return true;
  if (await getItem(table, slotKey(owner))) return false;
  // No counter yet: seed it from the endpoints stored before it (false: another create seeded it first).
  await putItemIfAbsent(table, { ...slotKey(owner), count: await countExisting(owner) });
  return increment();
}

export function createEndpointSlots(
  documents: TableContext['documents'],
  tableName: string,
  countExisting: (owner: Owner) => Promise<number>,
): EndpointSlots {
  const table: TableContext = { documents, tableName };
  return {
    take: (owner, limit) => takeSlot(table, owner, limit, countExisting),
    // False when there is no counter yet or it is at zero: nothing to give back.
    release: async (owner) => void (await addToCount(table, owner, -1, '#count > :bound', 0)),
  };
}
