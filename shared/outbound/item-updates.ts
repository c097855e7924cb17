import { setFields, type Expression } from '../platform/aws/table';

/**
 * An update that sets the defined fields and removes others, in one expression: what the outbound
 * stores write when a change clears an attribute (a delivery leaving the due index, an endpoint's
 * failure clock stopping).
 */
export function setAndRemove(fields: Record<string, unknown>, remove: readonly string[]): Expression {
  const set = setFields(fields);
  if (remove.length === 0) return set;
  return {
    expression: `${set.expression} REMOVE ${remove.map((_, index) => `#r${index}`).join(', ')}`,
    names: { ...set.names, ...Object.fromEntries(remove.map((field, index) => [`#r${index}`, field])) },
    ...(set.values && { values: set.values }),
  };
}
