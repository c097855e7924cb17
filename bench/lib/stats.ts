/**
 * The few statistics the benchmarks report. Machines are noisy, so every headline figure is a
 * median (of rounds, or of per-operation samples) and comparisons are ratios measured in one run.
 */

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile, `p` in [0, 100]; NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const ordered = sorted(values);
  const rank = Math.ceil((p / 100) * ordered.length);
  return ordered[Math.min(ordered.length - 1, Math.max(0, rank - 1))] as number;
}

/** The middle value (mean of the two middle ones for an even count); NaN for no samples. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 === 1
    ? (ordered[middle] as number)
    : ((ordered[middle - 1] as number) + (ordered[middle] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p50: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const ordered = sorted(values);
  return {
    n: ordered.length,
    median: median(ordered),
    p50: percentile(ordered, 50),
    p99: percentile(ordered, 99),
    min: ordered[0] ?? Number.NaN,
    max: ordered[ordered.length - 1] ?? Number.NaN,
  };
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 || !Number.isFinite(denominator) ? Number.NaN : numerator / denominator;
}

/** Rounds to `digits` significant digits for JSON output (keeps results.json readable). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

/** 1234.5 → "1,235"; small values keep a decimal or two. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatMicros(micros: number): string {
  return `${formatNumber(micros)} µs`;
}

export function formatMillis(millis: number): string {
  return `${formatNumber(millis)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(0)} %` : 'n/a';
}

/** The most values any window of `windowMs` (starting at a value) holds: how bursty arrivals were. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const ordered = sorted(times);
  let busiest = 0;
  let start = 0;
  for (let end = 0; end < ordered.length; end++) {
    while (ordered[end]! - ordered[start]! >= windowMs) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}
