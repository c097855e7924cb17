import { HOUR_MS, MINUTE_MS, SECOND_MS } from './durations';

/**
 * Defaults of the outbound delivery settings. The config loader applies them where an operator set
 * nothing; the delivery code (shared/outbound) falls back on the same values.
 */

/**
 * Delays after the first attempt, from the Standard Webhooks spec's example: 10 attempts spread over
 * ≈3 days (75 h 35 min 5 s), long enough to ride out a receiver's weekend outage.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = /* @__PURE__ */ (() => [
  5 * SECOND_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  14 * HOUR_MS,
  20 * HOUR_MS,
  24 * HOUR_MS,
])();

/** Requests in flight to one endpoint at most, whatever its rate limit. */
export const DEFAULT_CONCURRENCY_CAP = 10;
/** Consecutive timeouts or connection errors that open an endpoint's circuit. */
export const DEFAULT_BREAKER_THRESHOLD = 5;
/** How often an open circuit lets one probe through. */
export const DEFAULT_PROBE_INTERVAL_MS = 60_000;
/** Whole budget for resolving one endpoint host. */
export const DEFAULT_DNS_TIMEOUT_MS = 5_000;
/**
 * 2.5 s: the deadline of a first try to an endpoint that has not proven itself. Most receivers answer
 * in well under a second (Svix and Hook0 advise acknowledging at once and working later), and it keeps
 * a new tenant's dead endpoints from holding batches for long.
 */
export const DEFAULT_UNPROVEN_TIMEOUT_MS = 2_500;
