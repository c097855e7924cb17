import { EVENT_TYPES, isEventType } from './event-catalog';

/**
 * Which event types an endpoint receives. Each entry is an exact type (`import.completed`), a prefix
 * wildcard that matches whole leading segments (`import.*` matches `import.completed` but not
 * `importer.x`; `loop.*` matches `loop.orders.transitioned`), or `*` for every type.
 */

export const MAX_EVENT_TYPE_FILTERS = 100;
const MATCH_ALL = '*';
const WILDCARD_SUFFIX = '.*';
// Segments as the spec recommends for type ids: [a-z0-9_], full-stop delimited.
const WILDCARD_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*\.\*$/;

export interface FilterProblem {
  /** Index of the offending entry; undefined when the problem is with the list as a whole. */
  readonly index: number | undefined;
  readonly message: string;
}

/** Every problem with a list of filters, so an API can report them all at once; empty when valid. */
/** `types` are the types the list may name (an organisation's endpoint: its scope's types); every type by default. */
export function validateEventTypeFilters(
  filters: readonly string[],
  types: readonly string[] = EVENT_TYPES,
): FilterProblem[] {
  const problems: FilterProblem[] = [];
  // An empty list is ambiguous (nothing, or everything?), so it is refused; `*` says "everything".
  if (filters.length === 0)
    problems.push({ index: undefined, message: `List at least one event type, or "${MATCH_ALL}" for all` });
  if (filters.length > MAX_EVENT_TYPE_FILTERS) {
    problems.push({
      index: undefined,
      message: `At most ${MAX_EVENT_TYPE_FILTERS} event types (got ${filters.length})`,
    });
  }
  const seen = new Set<string>();
  filters.forEach((filter, index) => {
    const problem = problemWith(filter, types);
    if (problem) problems.push({ index, message: problem });
    else if (seen.has(filter)) problems.push({ index, message: `"${filter}" is listed more than once` });
    seen.add(filter);
  });
  return problems;
}

function problemWith(filter: string, types: readonly string[]): string | undefined {
  if (filter === MATCH_ALL || (isEventType(filter) && types.includes(filter))) return undefined;
  const shown = JSON.stringify(filter.slice(0, 100));
  if (!WILDCARD_PATTERN.test(filter)) {
    return `${shown} is neither a known event type nor a wildcard like "import.*"`;
  }
  if (!types.some((type) => matchesOne(filter, type))) return `${shown} matches no known event type`;
  return undefined;
}

/** True when any filter selects the type. Pure string matching: validation is a separate step. */
export function matchesFilter(filters: readonly string[], type: string): boolean {
  return filters.some((filter) => matchesOne(filter, type));
}

function matchesOne(filter: string, type: string): boolean {
  if (filter === MATCH_ALL) return true;
  // Keep the dot of ".*" so `import.*` needs `import.` and cannot match `importer.x`.
  if (filter.endsWith(WILDCARD_SUFFIX)) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}
