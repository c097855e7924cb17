import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Endpoint health, kept cheap: counters are added as attempts happen (one UpdateCommand with ADD per
 * event) into hourly buckets per endpoint (`EPSTATS#<id>` / `H#<yyyy-mm-ddThh>`), each with a small
 * latency histogram, plus one gauge of the deliveries currently pending (`EPSTATS#<id>` / `CURRENT`).
 * Reading a 7-day window is one query of at most 169 small items, never a scan of the attempt log.
 */

/** Upper bounds (ms) of the latency histogram's buckets; the last bucket is everything slower. */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 15_000, 30_000] as const;

export type StatsEvent =
  /** An attempt that was posted (or refused before posting) and logged, with its duration. */
  | { readonly kind: 'attempt'; readonly status: 'succeeded' | 'failed'; readonly durationMs: number }
  /** A delivery reached its final state: delivered, given up on, or stored as skipped (endpoint disabled). */
  | { readonly kind: 'message'; readonly status: 'succeeded' | 'failed' | 'skipped' }
  /** A delivery entered (+1) or left (−1) the pending state. */
  | { readonly kind: 'pending'; readonly delta: 1 | -1 };

export interface StatsCounts {
  readonly attempts: { readonly succeeded: number; readonly failed: number };
  readonly messages: {
    readonly succeeded: number;
    readonly failed: number;
    readonly skipped: number;
    readonly pending: number;
  };
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null };
}

export interface StatsStore {
  record(endpointId: string, event: StatsEvent, at: Date): Promise<void>;
  read(endpointId: string, from: Date, to: Date): Promise<StatsCounts>;
}

const HOUR_MS = 3_600_000;
/** Reported for the slowest bucket (slower than the last bound): the attempt timeout is at most 30 s. */
const OVERFLOW_BOUND_MS = 60_000;
/** Buckets outlive the longest window (7 days) by a day, then DynamoDB TTL removes them. */
const BUCKET_RETENTION_SECONDS = 8 * 86_400;

const statsKey = (endpointId: string) => `EPSTATS#${endpointId}`;
const hourKey = (at: Date) => `H#${at.toISOString().slice(0, 13)}`;

export function latencyBucket(durationMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** The percentile's bucket upper bound (an estimate from the histogram); null when nothing was timed. */
export function percentileOf(histogram: readonly number[], percentile: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil((percentile / 100) * total);
  let seen = 0;
  for (const [index, count] of histogram.entries()) {
    seen += count;
    if (seen >= rank) return LATENCY_BOUNDS_MS[index] ?? OVERFLOW_BOUND_MS;
  }
  return null;
}

function countersOf(event: StatsEvent): Record<string, number> {
  switch (event.kind) {
    case 'attempt':
      return {
        [event.status === 'succeeded' ? 'attemptsSucceeded' : 'attemptsFailed']: 1,
        [`latency${latencyBucket(event.durationMs)}`]: 1,
      };
    case 'message':
      return { [`messages${event.status[0]!.toUpperCase()}${event.status.slice(1)}`]: 1 };
    case 'pending':
      return { pending: event.delta };
  }
}

export function createStatsStore(documents: DynamoDBDocumentClient, tableName: string): StatsStore {
  return {
    async record(endpointId, event, at) {
      const counters = countersOf(event);
      const names = Object.fromEntries(Object.keys(counters).map((field, index) => [`#c${index}`, field]));
      const values = Object.fromEntries(Object.values(counters).map((value, index) => [`:c${index}`, value]));
      const adds = Object.keys(counters).map((_, index) => `#c${index} :c${index}`);
      const bucketed = event.kind !== 'pending';
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: statsKey(endpointId), sk: bucketed ? hourKey(at) : 'CURRENT' },
          UpdateExpression:
            `ADD ${adds.join(', ')}` + (bucketed ? ' SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)' : ''),
          ExpressionAttributeNames: { ...names, ...(bucketed && { '#expiresAt': 'expiresAt' }) },
          ExpressionAttributeValues: {
            ...values,
            ...(bucketed && { ':expiresAt': Math.floor(at.getTime() / 1_000) + BUCKET_RETENTION_SECONDS }),
          },
        }),
      );
    },

    async read(endpointId, from, to) {
      const buckets: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': statsKey(endpointId), ':from': hourKey(from), ':to': hourKey(to) },
            ExclusiveStartKey: startKey,
          }),
        );
        buckets.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const current = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: statsKey(endpointId), sk: 'CURRENT' } }),
      );
      const sum = (field: string) => buckets.reduce((total, bucket) => total + Number(bucket[field] ?? 0), 0);
      const histogram = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, index) => sum(`latency${index}`));
      return {
        attempts: { succeeded: sum('attemptsSucceeded'), failed: sum('attemptsFailed') },
        messages: {
          succeeded: sum('messagesSucceeded'),
          failed: sum('messagesFailed'),
          skipped: sum('messagesSkipped'),
          pending: Math.max(0, Number(current.Item?.pending ?? 0)),
        },
        latencyMs: { p50: percentileOf(histogram, 50), p95: percentileOf(histogram, 95) },
      };
    },
  };
}

/** The start of a `24h` or `7d` window ending at `now`, on an hour boundary (buckets are hourly). */
export function windowStart(window: '24h' | '7d', now: Date): Date {
  const hours = window === '24h' ? 24 : 168;
  return new Date(Math.floor((now.getTime() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS);
}
