/** The API's views as the console reads them; fields other issues add are optional. */

// The API's own type: a type-only import the console's bundle erases, so the two cannot drift.
import type { EndpointView } from '../../shared/outbound/endpoint-view';
import type { StatsCounts } from '../../shared/outbound/stats-view';
export type { EndpointView };

export interface StatsView extends Pick<StatsCounts, 'attempts' | 'messages' | 'latencyMs'> {
  readonly endpointId: string;
  readonly window: '24h' | '7d';
  /** Today an object with `status`; with the fair-delivery issue, a plain state name plus `stateSince`. */
  readonly state: string | { readonly status: string; readonly since: string | null };
  readonly stateSince?: string | null;
}

export interface AttemptView {
  readonly messageId: string;
  readonly endpointId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly trigger: string;
  readonly at: string;
  readonly status: string;
  readonly statusCode: number | null;
  readonly error: { readonly kind: string; readonly message: string | null } | null;
  readonly durationMs: number | null;
  readonly responseExcerpt: string | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface MessageView {
  readonly id: string;
  readonly eventType: string;
  readonly occurredAt: string;
  readonly payload: unknown;
  readonly deliveries: readonly {
    endpointId: string;
    status: string;
    attempts: number;
    lastAttemptAt: string | null;
  }[];
  readonly attempts: readonly AttemptView[];
}

export interface EventTypeView {
  readonly type: string;
  readonly description: string;
  readonly scope: 'org' | 'merchant';
  readonly example: unknown;
}

export function stateOf(stats: StatsView | undefined, endpoint: EndpointView): string {
  if (!endpoint.enabled) return 'disabled';
  if (!stats) return endpoint.failingSince ? 'failing' : 'healthy';
  return typeof stats.state === 'string' ? stats.state : stats.state.status;
}

/** Success rate in percent over the window's attempts; null when nothing was attempted. */
export function successRate(stats: StatsView | undefined): number | null {
  if (!stats) return null;
  const total = stats.attempts.succeeded + stats.attempts.failed;
  return total === 0 ? null : Math.round((stats.attempts.succeeded / total) * 1000) / 10;
}
