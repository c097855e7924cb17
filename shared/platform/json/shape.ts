/**
 * Hand-written shape checks for the few envelope fields the hot paths read. They do what a zod
 * object would, without loading zod (≈ 450 KB minified) into the ingest functions and at a fraction
 * of its cost per event; zod stays at the API boundary.
 */

/** One guard per field: the object passes when every guard holds. */
export type ShapeRules<T> = { readonly [K in keyof T]-?: (value: unknown) => value is T[K] };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The names of the fields that break their rule (`(root)` when the value is not an object). */
export function shapeProblems<T>(value: unknown, rules: ShapeRules<T>): string[] {
  if (!isRecord(value)) return ['(root)'];
  const problems: string[] = [];
  for (const field in rules) {
    if (!rules[field](value[field])) problems.push(field);
  }
  return problems;
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

export function matching(pattern: RegExp) {
  return (value: unknown): value is string => typeof value === 'string' && pattern.test(value);
}

export function boundedString(min: number, max = Number.POSITIVE_INFINITY) {
  return (value: unknown): value is string => typeof value === 'string' && value.length >= min && value.length <= max;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

export function optional<T>(guard: (value: unknown) => value is T) {
  return (value: unknown): value is T | undefined => value === undefined || guard(value);
}

export function nullable<T>(guard: (value: unknown) => value is T) {
  return (value: unknown): value is T | null => value === null || guard(value);
}

export function literal<const L extends string>(expected: L) {
  return (value: unknown): value is L => value === expected;
}

/** One of a list of known names (event types, topics): the guard narrows to the list's own type. */
export function oneOf<const Name extends string>(names: readonly Name[]) {
  return (value: unknown): value is Name => typeof value === 'string' && (names as readonly string[]).includes(value);
}
