import type { RouteSpec } from '../../shared/platform/topology';

/**
 * HTTP API route matching (docs: "Working with routes for HTTP APIs"): path templates with `{name}`
 * variables and a trailing greedy `{name+}`; method `ANY` matches every method. When several routes
 * match, the most specific wins: literal segments before variables before greedy variables (compared
 * left to right), then a named method before `ANY`. Matching is case-sensitive and a trailing slash is
 * significant.
 */

export interface RouteMatch<R extends RouteSpec = RouteSpec> {
  readonly route: R;
  /** e.g. `GET /v1/orgs/{orgId}/billing` or `ANY /webhooks/stripe`. */
  readonly routeKey: string;
  /** Decoded values; undefined when the template has no variables (API Gateway omits the field). */
  readonly pathParameters: Record<string, string> | undefined;
}

type Segment =
  { kind: 'literal'; value: string } | { kind: 'variable'; name: string } | { kind: 'greedy'; name: string };

const RANK = { literal: 0, variable: 1, greedy: 2 } as const;

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

function parseTemplate(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((part, index, parts): Segment => {
      const variable = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(part);
      if (!variable) return { kind: 'literal', value: part };
      const name = variable[1] as string;
      if (!variable[2]) return { kind: 'variable', name };
      if (index !== parts.length - 1) throw new Error(`Greedy variable must be last in route ${path}`);
      return { kind: 'greedy', name };
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits a raw request path into decoded segments (so `%2F` stays inside one segment). */
export function pathSegments(rawPath: string): string[] {
  return rawPath.split('/').slice(1).map(safeDecode);
}

function matchTemplate(template: Segment[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const part = template[i] as Segment;
    if (part.kind === 'greedy') {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[part.name] = rest.join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (part.kind === 'literal') {
      if (part.value !== segment) return undefined;
    } else {
      if (segment === '') return undefined;
      params[part.name] = segment;
    }
  }
  return template.length === segments.length ? params : undefined;
}

function compareSpecificity(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const rankA = a[i] ? RANK[(a[i] as Segment).kind] : -1;
    const rankB = b[i] ? RANK[(b[i] as Segment).kind] : -1;
    if (rankA !== rankB) return rankA - rankB;
  }
  return 0;
}

export function matchRoute<R extends RouteSpec>(
  routes: readonly R[],
  method: string,
  rawPath: string,
): RouteMatch<R> | undefined {
  const wanted = method.toUpperCase();
  const segments = pathSegments(rawPath.split('?')[0] ?? '');
  let best: { route: R; template: Segment[]; params: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== wanted) continue;
    const template = parseTemplate(route.path);
    const params = matchTemplate(template, segments);
    if (!params) continue;
    if (best) {
      const byPath = compareSpecificity(template, best.template);
      const byMethod = (route.method === 'ANY' ? 1 : 0) - (best.route.method === 'ANY' ? 1 : 0);
      if (byPath > 0 || (byPath === 0 && byMethod >= 0)) continue;
    }
    best = { route, template, params };
  }
  if (!best) return undefined;
  return {
    route: best.route,
    routeKey: routeKey(best.route),
    pathParameters: Object.keys(best.params).length > 0 ? best.params : undefined,
  };
}
