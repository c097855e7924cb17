/**
 * Versions that order catalog changes. Providers deliver out of order and more than once, so every
 * stored record carries the version of the change it reflects, and a change is applied only if its
 * version is greater. A version is one string that sorts the way the changes happened:
 *
 *   `<instant>#<rank>#<tie-break>`
 *
 * - instant: the source timestamp as epoch nanoseconds, zero-padded to 21 digits, so Shopify's
 *   offsets (`2021-12-31T19:00:00-05:00`) and Square's nanosecond `calculated_at` compare as instants;
 * - rank: at the same instant a deletion (1) wins over an upsert (0);
 * - tie-break: the provider's event id (or Square's object version), so the same two changes are
 *   ordered the same way whichever arrives first, and a redelivery has exactly the same version.
 */

export type Version = string;

const INSTANT_DIGITS = 21;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface Instant {
  /** Milliseconds since the epoch (UTC). */
  readonly epochMs: number;
  /** Epoch nanoseconds as a fixed-width digit string: sorts as a number. */
  readonly key: string;
  /** The same instant as an ISO 8601 UTC timestamp (millisecond precision, `Z`). */
  readonly iso: string;
}

/** Parses an RFC 3339 timestamp (any offset, up to nanoseconds); undefined when it is not one. */
export function parseInstant(text: string | null | undefined): Instant | undefined {
  if (!text) return undefined;
  const match = RFC3339.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', offset = 'Z'] = match;
  const offsetMinutes =
    offset.toUpperCase() === 'Z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const wholeMs =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) -
    offsetMinutes * 60_000;
  const nanos = fraction.padEnd(9, '0');
  const epochMs = wholeMs + Number(nanos.slice(0, 3));
  if (!Number.isFinite(epochMs) || epochMs < 0) return undefined;
  const key = `${wholeMs / 1000}${nanos}`.padStart(INSTANT_DIGITS, '0');
  return { epochMs, key, iso: new Date(epochMs).toISOString() };
}

export const RANK = { upsert: 0, delete: 1 } as const;
export type Rank = (typeof RANK)[keyof typeof RANK];

export function versionOf(instant: Instant, rank: Rank, tieBreak: string): Version {
  return `${instant.key}#${rank}#${tieBreak}`;
}

/** True when `candidate` orders after `current` (or nothing is stored yet). */
export function isNewer(candidate: Version, current: Version | undefined): boolean {
  return current === undefined || candidate > current;
}
