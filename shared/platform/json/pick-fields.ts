/**
 * A copy of `record` holding only `fields`, in that order: for API views that show stored fields
 * unchanged, so a view names its fields once (in its schema) and never leaks the rest of the record.
 */
export function pickFields<T extends object, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const field of fields) picked[field] = record[field];
  return picked as Pick<T, K>;
}
