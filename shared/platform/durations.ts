import { PlatformError } from './errors';

/** Durations as operators write them in settings (`"5s,5m,30m,2h,1d"`), parsed to milliseconds. */

// Literals rather than products, so a bundle that uses none of this drops it.
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A duration list (e.g. `DELIVERY_RETRY_SCHEDULE`) is malformed. */
export class InvalidDurationListError extends PlatformError {
  override readonly name = 'InvalidDurationListError';
}

const UNIT_MS = { ms: 1, s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;
const DURATION_PATTERN = /^(\d{1,9})(ms|s|m|h|d)$/;
const MAX_DURATION_LIST_ENTRIES = 50;
/** 7 days. */
const MAX_DURATION_MS = 604_800_000;

/** `"5s,5m,30m,2h,1d"` → `[5000, 300000, 1800000, 7200000, 86400000]`. Whole numbers, units ms s m h d. */
export function parseDurationList(text: string): number[] {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length > MAX_DURATION_LIST_ENTRIES) {
    throw new InvalidDurationListError(`At most ${MAX_DURATION_LIST_ENTRIES} durations (got ${entries.length})`);
  }
  return entries.map((entry, index) => {
    const match = DURATION_PATTERN.exec(entry);
    const where = `entry ${index + 1} (${JSON.stringify(entry.slice(0, 20))})`;
    if (!match)
      throw new InvalidDurationListError(
        `Invalid duration at ${where}: expected a whole number and a unit (ms, s, m, h, d), e.g. "5m"`,
      );
    const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    if (ms <= 0) throw new InvalidDurationListError(`Invalid duration at ${where}: must be greater than zero`);
    if (ms > MAX_DURATION_MS) throw new InvalidDurationListError(`Invalid duration at ${where}: must be at most 7d`);
    return ms;
  });
}
