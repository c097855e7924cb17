import {
  countersOf,
  hourKey,
  type BucketDelta,
  type StatsEvent,
  type StatsRecorder,
  type StatsStore,
} from './stats-store';

/**
 * A delivery batch's counters, summed in memory and written once per endpoint-hour when the batch
 * ends (`flush`), instead of one UpdateItem per event: ten deliveries to one endpoint cost one write.
 * Counters are best effort — a flush that fails is logged by the caller and never fails a delivery.
 */
export interface StatsBatch extends StatsRecorder {
  flush(): Promise<void>;
}

interface PendingBucket {
  readonly endpointId: string;
  readonly hour: Date;
  counters: Record<string, number>;
  lastSuccessAt?: string;
  lastFailureAt?: string;
}

/** Folds an event into a bucket's delta (pure: returns the new delta). */
export function addToDelta(delta: BucketDelta, event: StatsEvent, at: Date): BucketDelta {
  const { counters } = countersOf(event, at);
  const merged = { ...delta.counters };
  for (const [field, value] of Object.entries(counters)) merged[field] = (merged[field] ?? 0) + value;
  const iso = at.toISOString();
  const latest = (current: string | undefined) => (current === undefined || iso > current ? iso : current);
  return {
    counters: merged,
    ...(delta.lastSuccessAt !== undefined && { lastSuccessAt: delta.lastSuccessAt }),
    ...(delta.lastFailureAt !== undefined && { lastFailureAt: delta.lastFailureAt }),
    ...(event.kind === 'attempt' && event.status === 'succeeded' && { lastSuccessAt: latest(delta.lastSuccessAt) }),
    ...(event.kind === 'attempt' && event.status === 'failed' && { lastFailureAt: latest(delta.lastFailureAt) }),
  };
}

export function createStatsBatch(store: Pick<StatsStore, 'add'>): StatsBatch {
  const buckets = new Map<string, PendingBucket>();
  return {
    async record(endpointId, event, at) {
      const { hour } = countersOf(event, at);
      const key = `${endpointId}|${hourKey(hour)}`;
      const bucket = buckets.get(key) ?? { endpointId, hour, counters: {} };
      Object.assign(bucket, addToDelta(bucket, event, at));
      buckets.set(key, bucket);
    },
    async flush() {
      const all = [...buckets.values()];
      buckets.clear();
      await Promise.all(all.map(({ endpointId, hour, ...delta }) => store.add(endpointId, hour, delta)));
    },
  };
}
