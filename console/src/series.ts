/**
 * Per-hour health series drawn from an endpoint's attempt log: successes and failures per hour and
 * latency p50/p95 per hour (exact percentiles over that hour's attempts). The stats route gives the
 * window's totals; the hourly shape comes from the attempts themselves.
 */

export interface HourPoint {
  readonly hourStart: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly p50: number | null;
  readonly p95: number | null;
}

export const WINDOW_HOURS = { '24h': 24, '7d': 168 } as const;
export type StatsWindow = keyof typeof WINDOW_HOURS;
const HOUR_MS = 3_600_000;

export interface TimedAttempt {
  readonly at: string;
  readonly status: string;
  readonly durationMs: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

/** The window's hours, oldest first, ending with the hour that contains `now`. */
export function hourlySeries(attempts: readonly TimedAttempt[], window: StatsWindow, now: number): HourPoint[] {
  const hours = WINDOW_HOURS[window];
  const lastHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const firstHour = lastHour - (hours - 1) * HOUR_MS;
  const buckets = Array.from({ length: hours }, () => ({ succeeded: 0, failed: 0, durations: [] as number[] }));
  for (const attempt of attempts) {
    const index = Math.floor((Date.parse(attempt.at) - firstHour) / HOUR_MS);
    const bucket = buckets[index];
    if (!bucket) continue;
    if (attempt.status === 'succeeded') bucket.succeeded += 1;
    else if (attempt.status === 'failed') bucket.failed += 1;
    if (attempt.durationMs !== null) bucket.durations.push(attempt.durationMs);
  }
  return buckets.map((bucket, index) => {
    const sorted = [...bucket.durations].sort((a, b) => a - b);
    return {
      hourStart: firstHour + index * HOUR_MS,
      succeeded: bucket.succeeded,
      failed: bucket.failed,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
    };
  });
}

export function windowStartMs(window: StatsWindow, now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS - (WINDOW_HOURS[window] - 1) * HOUR_MS;
}
