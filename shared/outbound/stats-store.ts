import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StatsCounts } from './stats-view';

/**
 * Endpoint health, kept cheap: counters live in hourly buckets per endpoint (`EPSTATS#<id>` /
 * `H#<yyyy-mm-ddThh>`), each with a small latency histogram. The delivery function adds a whole
 * batch's counters at once (stats-batch.ts): one UpdateItem per endpoint-hour per batch.
 *
 * Pending deliveries are counted in the bucket of the hour the delivery was created (`pendingIn` when
 * it became pending, `pendingOut` when it left), so the one write that counts an attempt also counts
 * the delivery leaving pending, and the gauge is the sum over the buckets still kept. A legacy
 * `CURRENT` gauge item written by older code is added in. Reading a window is one query of at most
 * 193 small items, never a scan of the attempt log.
 */

// The API's view of the counts lives in an import-free file the console reads too.
export type { StatsCounts };

/** Upper bounds (ms) of the latency histogram's buckets; the last bucket is everything slower. */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 15_000, 30_000] as const;

export type StatsEvent =
  /** An attempt that was posted (or refused before posting) and logged, with its duration. */
  | { readonly kind: 'attempt'; readonly status: 'succeeded' | 'failed'; readonly durationMs: number }
  /** A delivery reached its final state: delivered, given up on, or stored as skipped (endpoint disabled). */
  | { readonly kind: 'message'; readonly status: 'succeeded' | 'failed' | 'skipped' }
  /** A delivery created at `createdAt` entered (+1) or left (−1) the pending state. */
  | { readonly kind: 'pending'; readonly delta: 1 | -1; readonly createdAt: string };

/** Counters to add to one endpoint-hour bucket, plus the newest attempt times seen. */
export interface BucketDelta {
  readonly counters: Readonly<Record<string, number>>;
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
}

/** Counts one event at once (fan-out, test sends); the delivery function batches (stats-batch.ts). */
export interface StatsRecorder {
  record(endpointId: string, event: StatsEvent, at: Date): Promise<void>;
}

export interface StatsStore extends StatsRecorder {
  /** Adds counters to the bucket of `hour` (any instant in it): one UpdateItem. */
  add(endpointId: string, hour: Date, delta: BucketDelta): Promise<void>;
  read(endpointId: string, from: Date, to: Date): Promise<StatsCounts>;
}

const HOUR_MS = 3_600_000;
/** Reported for the slowest bucket (slower than the last bound): the attempt timeout is at most 30 s. */
const OVERFLOW_BOUND_MS = 60_000;
/** Buckets outlive the longest window (7 days) by a day, then DynamoDB TTL removes them. */
export const BUCKET_RETENTION_SECONDS = 8 * 86_400;

const statsKey = (endpointId: string) => `EPSTATS#${endpointId}`;
export const hourKey = (at: Date) => `H#${at.toISOString().slice(0, 13)}`;

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

/** The counters an event adds, and the instant whose hour bucket holds them. */
export function countersOf(
  event: StatsEvent,
  at: Date,
): { readonly hour: Date; readonly counters: Record<string, number> } {
  switch (event.kind) {
    case 'attempt':
      return {
        hour: at,
        counters: {
          [event.status === 'succeeded' ? 'attemptsSucceeded' : 'attemptsFailed']: 1,
          [`latency${latencyBucket(event.durationMs)}`]: 1,
        },
      };
    case 'message':
      return { hour: at, counters: { [`messages${event.status[0]!.toUpperCase()}${event.status.slice(1)}`]: 1 } };
    case 'pending':
      return { hour: new Date(event.createdAt), counters: { [event.delta > 0 ? 'pendingIn' : 'pendingOut']: 1 } };
  }
}

export function createStatsStore(documents: DynamoDBDocumentClient, tableName: string): StatsStore {
  const store: StatsStore = {
    async add(endpointId, hour, { counters, lastSuccessAt, lastFailureAt }) {
      const fields = Object.keys(counters);
      const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
      const values: Record<string, unknown> = {
        ':expiresAt': Math.floor(hour.getTime() / 1_000) + BUCKET_RETENTION_SECONDS,
      };
      fields.forEach((field, index) => {
        names[`#c${index}`] = field;
        values[`:c${index}`] = counters[field];
      });
      const sets = ['#expiresAt = if_not_exists(#expiresAt, :expiresAt)'];
      for (const [field, value] of Object.entries({ lastSuccessAt, lastFailureAt })) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      const adds = fields.map((_, index) => `#c${index} :c${index}`);
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: statsKey(endpointId), sk: hourKey(hour) },
          UpdateExpression: `${adds.length ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async record(endpointId, event, at) {
      const { hour, counters } = countersOf(event, at);
      await store.add(endpointId, hour, { counters });
    },

    async read(endpointId, from, to) {
      // Pending deliveries may have been created before the window: read every bucket still kept.
      const keptFrom = new Date(to.getTime() - BUCKET_RETENTION_SECONDS * 1_000);
      const buckets = await queryBuckets(documents, tableName, endpointId, keptFrom < from ? keptFrom : from, to);
      const current = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: statsKey(endpointId), sk: 'CURRENT' } }),
      );
      const inWindow = buckets.filter((bucket) => String(bucket.sk) >= hourKey(from));
      const sum = (items: Record<string, unknown>[], field: string) =>
        items.reduce((total, bucket) => total + Number(bucket[field] ?? 0), 0);
      const newest = (field: string) =>
        inWindow.reduce<string | null>((max, bucket) => {
          const value = bucket[field];
          return typeof value === 'string' && (max === null || value > max) ? value : max;
        }, null);
      const histogram = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, index) =>
        sum(inWindow, `latency${index}`),
      );
      const pending = Number(current.Item?.pending ?? 0) + sum(buckets, 'pendingIn') - sum(buckets, 'pendingOut');
      return {
        attempts: { succeeded: sum(inWindow, 'attemptsSucceeded'), failed: sum(inWindow, 'attemptsFailed') },
        messages: {
          succeeded: sum(inWindow, 'messagesSucceeded'),
          failed: sum(inWindow, 'messagesFailed'),
          skipped: sum(inWindow, 'messagesSkipped'),
          pending: Math.max(0, pending),
        },
        latencyMs: { p50: percentileOf(histogram, 50), p95: percentileOf(histogram, 95) },
        lastSuccessAt: newest('lastSuccessAt'),
        lastFailureAt: newest('lastFailureAt'),
      };
    },
  };
  return store;
}

async function queryBuckets(
  documents: DynamoDBDocumentClient,
  tableName: string,
  endpointId: string,
  from: Date,
  to: Date,
): Promise<Record<string, unknown>[]> {
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
  return buckets;
}

/** The start of a `24h` or `7d` window ending at `now`, on an hour boundary (buckets are hourly). */
export function windowStart(window: '24h' | '7d', now: Date): Date {
  const hours = window === '24h' ? 24 : 168;
  return new Date(Math.floor((now.getTime() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS);
}
