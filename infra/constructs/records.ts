/** Typed `Object.entries` and a map over a record's values, for the records topology.ts describes. */

export function entries<K extends string, V>(record: Partial<Record<K, V>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}

export function mapRecord<K extends string, V, R>(record: Record<K, V>, fn: (value: V, key: K) => R): Record<K, R> {
  return Object.fromEntries(entries<K, V>(record).map(([key, value]) => [key, fn(value, key)])) as Record<K, R>;
}
