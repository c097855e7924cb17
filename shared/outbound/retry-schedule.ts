import { DAY_MS, SECOND_MS } from '../platform/durations';

export { DEFAULT_RETRY_SCHEDULE_MS } from '../platform/delivery-defaults';
export { InvalidDurationListError, parseDurationList } from '../platform/durations';

/**
 * When to try a failed delivery again, and whether a response is a failure at all. Pure: the
 * caller passes the random source and the clock.
 */

/** ±20 %, as Svix does: endpoints that failed together do not all retry in the same second. */
export const RETRY_JITTER_RATIO = 0.2;

/**
 * Upper bound on a `Retry-After` we honour. A receiver may slow us down by up to a day per attempt
 * but not park a message for a week; the schedule's own longest step is the same 24 h.
 */
export const MAX_RETRY_AFTER_MS = DAY_MS;

export interface NextRetryInput {
  /** 1-based number of the attempt that just failed (1 = the first delivery). */
  readonly attempt: number;
  /** Delays after attempts 1, 2, …; its length is the number of retries. */
  readonly scheduleMs: readonly number[];
  /** A source of numbers in [0, 1), e.g. `Math.random`; injected so tests are deterministic. */
  readonly random: () => number;
  /** The receiver's `Retry-After`, already parsed (`parseRetryAfter`). */
  readonly retryAfterMs?: number;
}

/**
 * Milliseconds to wait before the next attempt, or undefined when the schedule is exhausted.
 * `Retry-After` can push a retry later than scheduled, never earlier: a receiver answering
 * `Retry-After: 1` to everything would otherwise burn all attempts in seconds and lose the
 * multi-day window the schedule exists for. It is capped at `MAX_RETRY_AFTER_MS`.
 */
export function nextRetryDelayMs(input: NextRetryInput): number | undefined {
  const { attempt, scheduleMs, random, retryAfterMs } = input;
  if (!Number.isSafeInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be a positive integer (got ${attempt})`);
  const scheduled = scheduleMs[attempt - 1];
  if (scheduled === undefined) return undefined;
  const jittered = Math.round(scheduled * (1 + RETRY_JITTER_RATIO * (2 * clampUnit(random()) - 1)));
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return jittered;
  return Math.max(jittered, Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS));
}

// A faulty random source must not stretch the jitter beyond ±RETRY_JITTER_RATIO.
function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0.5;
}

/**
 * A `Retry-After` value (RFC 9110 §10.2.3) in milliseconds from `now`: delta-seconds or an
 * HTTP-date in any of the three formats recipients must accept. A date in the past is 0. Undefined
 * when absent or unparseable, so the schedule applies.
 */
export function parseRetryAfter(headerValue: string | null | undefined, now: Date): number | undefined {
  const value = headerValue?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * SECOND_MS) ? seconds * SECOND_MS : undefined;
  }
  const at = parseHttpDate(value, now);
  return at === undefined ? undefined : Math.max(0, at - now.getTime());
}

// The three HTTP-date formats (RFC 9110 §5.6.7), all UTC. Date.parse is not used: it reads the
// asctime form as local time and accepts much that is not an HTTP-date.
const CLOCK = String.raw`(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})`;
const HTTP_DATE_PATTERNS = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  new RegExp(String.raw`^[A-Za-z]{3}, (?<day>\d{2}) (?<month>[A-Za-z]{3}) (?<year>\d{4}) ${CLOCK} GMT$`),
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  new RegExp(String.raw`^[A-Za-z]+, (?<day>\d{2})-(?<month>[A-Za-z]{3})-(?<year>\d{2}) ${CLOCK} GMT$`),
  // asctime: Sun Nov  6 08:49:37 1994
  new RegExp(String.raw`^[A-Za-z]{3} (?<month>[A-Za-z]{3}) {1,2}(?<day>\d{1,2}) ${CLOCK} (?<year>\d{4})$`),
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function parseHttpDate(value: string, now: Date): number | undefined {
  const groups = HTTP_DATE_PATTERNS.map((pattern) => pattern.exec(value)?.groups).find((found) => found !== undefined);
  if (!groups) return undefined;
  const month = MONTHS.indexOf(groups.month?.toLowerCase() ?? '');
  const [day, hour, minute, second] = [groups.day, groups.hour, groups.minute, groups.second].map(Number);
  const year = groups.year?.length === 2 ? twoDigitYear(Number(groups.year), now) : Number(groups.year);
  if (month < 0 || day === undefined || hour === undefined || minute === undefined || second === undefined)
    return undefined;
  const at = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb into March and 25:00 into the next day; such values are not dates.
  const back = new Date(at);
  const exact =
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return exact ? at : undefined;
}

// RFC 9110: a two-digit year more than 50 years ahead means the most recent such year in the past.
function twoDigitYear(yy: number, now: Date): number {
  const thisYear = now.getUTCFullYear();
  const candidate = thisYear - (thisYear % 100) + yy;
  return candidate > thisYear + 50 ? candidate - 100 : candidate;
}

export type ResponseClass = 'success' | 'retry' | 'disable';

/**
 * What a delivery's HTTP status means, per the spec: 2xx succeeded; 410 Gone asks us to stop, so
 * the endpoint is disabled; everything else failed and is retried: 3xx (redirects are never
 * followed), 429 and 5xx (with `Retry-After` honoured), and the other 4xx, since a receiver's
 * 400/401/404 is most often a deploy or configuration slip it will fix.
 */
export function classifyResponse(status: number): ResponseClass {
  if (status >= 200 && status <= 299) return 'success';
  if (status === 410) return 'disable';
  return 'retry';
}
