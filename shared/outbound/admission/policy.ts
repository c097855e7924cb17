import type { DeliveryResult } from '../transport/http-delivery';
import { parseRetryAfter } from '../retry-schedule';
import { DEFAULT_PROBE_INTERVAL_MS } from '../../platform/delivery-defaults';

/**
 * Whether a delivery may dial its endpoint now, decided over plain data and a clock: the endpoint's
 * circuit breaker, a 429 slow-down, its rate-limit slots and its concurrency leases. Nothing here does
 * I/O; admission-store.ts keeps the state in DynamoDB and admission.ts wires the two together.
 */

export interface AdmissionSettings {
  /** Requests in flight to one endpoint at most, whatever its rate limit. */
  readonly concurrencyCap: number;
  /** Consecutive timeouts or connection errors that open the circuit. */
  readonly breakerThreshold: number;
  /** How often an open circuit lets one probe through. */
  readonly probeIntervalMs: number;
  /** The attempt deadline: a lease lives this long plus a margin, so a crashed attempt cannot hold a slot. */
  readonly attemptTimeoutMs: number;
  /**
   * The shorter deadline of a first try to an endpoint that has not proven itself (attemptBudgetMs):
   * a dead endpoint then holds a delivery batch this long, not `attemptTimeoutMs`, before its circuit opens.
   */
  readonly unprovenTimeoutMs: number;
}

export {
  DEFAULT_BREAKER_THRESHOLD,
  DEFAULT_CONCURRENCY_CAP,
  DEFAULT_UNPROVEN_TIMEOUT_MS,
} from '../../platform/delivery-defaults';
export { DEFAULT_PROBE_INTERVAL_MS };
/** A success this recent proves an endpoint: its attempts get the full deadline. */
export const PROVEN_WINDOW_MS = 24 * 3_600_000;
export const MIN_RATE_LIMIT = 1;
export const MAX_RATE_LIMIT = 1_000;

/** Leases outlive the attempt deadline by this much before another attempt may take them over. */
export const LEASE_MARGIN_MS = 5_000;
/**
 * Slots are paced 5 % under the limit. A request leaves up to SLOT_LATE_TOLERANCE_MS after its slot
 * begins, plus the time to claim the attempt, sign and connect; a 10 s window at the receiver can
 * then hold the slots of 10 s plus that lateness, and 5 % of 10 s (500 ms) covers it, keeping every
 * window within limit × 10 + 1.
 */
export const RATE_PACING_MARGIN = 0.05;
/** A task that reaches its slot later than this gives it up and takes a new one (see rateSlotWidthMs). */
export const SLOT_LATE_TOLERANCE_MS = 250;
/**
 * Tasks come back from a rate deferral this early and sleep until their slot: SQS delays are whole
 * seconds and a poller may take a second to gather its batch, and a task that arrives after its slot
 * has to queue up again at the end.
 */
export const SLOT_EARLY_ARRIVAL_MS = 3_000;
/** Fresh slots are taken this far ahead, so the write that claims one cannot make it late. */
export const SLOT_LEAD_MS = 500;
/** A slot starting within this is waited for in-process rather than on the queue. */
export const SLOT_WAIT_IN_PROCESS_MS = 5_000;

export type CircuitState = 'closed' | 'open';

/** The endpoint's admission item, as stored. Times are epoch milliseconds. */
export interface AdmissionState {
  /** Lease id → when it expires. */
  readonly leases: Readonly<Record<string, number>>;
  /** The first rate-limit slot nobody holds yet. */
  readonly nextSlot: number | null;
  readonly consecutiveFailures: number;
  readonly circuit: CircuitState;
  /** When the circuit last opened or closed. */
  readonly circuitChangedAt: string | null;
  readonly nextProbeAt: number | null;
  /** Set by a 429: no request before this. */
  readonly slowUntil: number | null;
  /** When an attempt last gave its lease back: an endpoint that finishes requests is a fast one. */
  readonly lastFinishedAt: number | null;
  /** When an attempt last succeeded: what proves the endpoint (attemptBudgetMs). */
  readonly lastSucceededAt: number | null;
}

export const EMPTY_ADMISSION_STATE: AdmissionState = {
  leases: {},
  nextSlot: null,
  consecutiveFailures: 0,
  circuit: 'closed',
  circuitChangedAt: null,
  nextProbeAt: null,
  slowUntil: null,
  lastFinishedAt: null,
  lastSucceededAt: null,
};

export type DeferReason = 'circuit_open' | 'slowed_down' | 'concurrency_cap' | 'rate_limit';

export type Gate =
  | { readonly kind: 'pass' }
  /** The circuit is open and a probe is due: whoever claims it (admission-store) dials. */
  | { readonly kind: 'probe'; readonly dueAt: number }
  | { readonly kind: 'defer'; readonly reason: DeferReason; readonly untilMs: number };

/** The checks that need no write: a slow-down in force, or an open circuit between probes. */
export function gate(state: AdmissionState, nowMs: number): Gate {
  if (state.slowUntil !== null && state.slowUntil > nowMs)
    return { kind: 'defer', reason: 'slowed_down', untilMs: state.slowUntil };
  if (state.circuit === 'open') {
    const dueAt = state.nextProbeAt ?? nowMs;
    return dueAt > nowMs ? { kind: 'defer', reason: 'circuit_open', untilMs: dueAt } : { kind: 'probe', dueAt };
  }
  return { kind: 'pass' };
}

/**
 * Requests one endpoint may have in flight. A proven endpoint (isProven): the deployment's cap. One
 * not yet proven: no more than it takes to open its breaker in one round (the breaker threshold), so
 * a dead endpoint costs one round of the short budget, not a cap's worth of dials. One whose latest
 * attempts timed out or could not connect: one at a time until one succeeds or its circuit opens, so
 * a first round cannot be followed by a second while the breaker is still counting, and an endpoint
 * that has started failing holds one delivery slot, not ten.
 */
export function concurrencyCapFor(
  state: AdmissionState,
  nowMs: number,
  settings: Pick<AdmissionSettings, 'concurrencyCap' | 'breakerThreshold'>,
): number {
  if (state.consecutiveFailures > 0) return 1;
  if (isProven(state, nowMs)) return settings.concurrencyCap;
  return Math.min(settings.concurrencyCap, settings.breakerThreshold);
}

/** Leases whose holder must have finished or died: their expiry has passed. */
export function expiredLeases(state: AdmissionState, nowMs: number): [string, number][] {
  return Object.entries(state.leases).filter(([, expiresAt]) => expiresAt <= nowMs);
}

/** Leases younger than this say nothing yet about how fast the endpoint answers. */
export const LEASE_TOO_YOUNG_TO_JUDGE_MS = 1_000;
/** How long a new endpoint's first requests may take before a burst behind them waits on the queue. */
export const UNPROVEN_JUDGE_MS = 500;

/**
 * Until when a task that found every lease taken waits. A proven endpoint (isProven) that finished a
 * request within the last second, or whose leases are all too young to judge, frees a lease any
 * moment: now (the caller waits briefly in-process); so does a new endpoint within half a second of
 * its first requests. Otherwise the endpoint is slow, dead or not yet
 * known, and the oldest lease frees up at its attempt deadline at the latest, so the backlog waits
 * about that long on the queue instead of circling through it, or polling the store, every moment.
 * `attemptTimeoutMs` is the deadline the endpoint's leases were taken with (attemptBudgetMs).
 */
export function capDeferUntil(state: AdmissionState, nowMs: number, attemptTimeoutMs: number): number {
  const deadlines = Object.values(state.leases)
    .filter((expiresAt) => expiresAt > nowMs)
    .map((expiresAt) => expiresAt - LEASE_MARGIN_MS);
  if (deadlines.length === 0) return nowMs;
  const oldestDeadline = Math.min(...deadlines);
  const oldestAge = nowMs - (oldestDeadline - attemptTimeoutMs);
  if (!isProven(state, nowMs)) {
    // A new endpoint has half a second to show it answers (its first success proves it) before a
    // burst to it goes round the queue; a failing one has had its chance.
    if (state.consecutiveFailures === 0 && oldestAge < UNPROVEN_JUDGE_MS) return nowMs;
    // An attempt past its deadline still holds its lease while it writes its result: soon, not now.
    return Math.max(oldestDeadline, nowMs + LEASE_TOO_YOUNG_TO_JUDGE_MS);
  }
  if (state.lastFinishedAt !== null && nowMs - state.lastFinishedAt < 1_000) return nowMs;
  return oldestAge < LEASE_TOO_YOUNG_TO_JUDGE_MS ? nowMs : oldestDeadline;
}

/** Succeeded within the last 24 h and has not failed since: known to answer, and in time. */
export function isProven(state: AdmissionState, nowMs: number): boolean {
  const recent = state.lastSucceededAt !== null && nowMs - state.lastSucceededAt < PROVEN_WINDOW_MS;
  return recent && state.consecutiveFailures === 0;
}

/** What decides an attempt's deadline besides the endpoint's admission state. */
export interface AttemptBudgetInput {
  /** The one attempt an open circuit lets through. */
  readonly probe: boolean;
  /**
   * The task has no later try with the full deadline if this one is cut short: it is a retry
   * already, or a manual task (resend, recovery) whose failure is final.
   */
  readonly lastChance: boolean;
}

/**
 * How long this attempt may take. The full deadline for a proven endpoint (isProven), for a
 * circuit's probe, and for a task's second and later tries; otherwise (a new endpoint, one with no
 * success in 24 h, one that has just started failing) the short unproven budget. That bounds how long
 * a tenant's dead endpoints hold delivery batches before their circuits open, and a short-budget
 * timeout counts for the breaker like any timeout. A slow but healthy new endpoint loses its first
 * try (which it may still have received and processed: the retry carries the same webhook-id) and
 * succeeds on the retry, and is proven from then on.
 */
export function attemptBudgetMs(
  state: AdmissionState,
  nowMs: number,
  settings: Pick<AdmissionSettings, 'attemptTimeoutMs' | 'unprovenTimeoutMs'>,
  attempt: AttemptBudgetInput,
): number {
  if (attempt.probe || attempt.lastChance || isProven(state, nowMs)) return settings.attemptTimeoutMs;
  return Math.min(settings.unprovenTimeoutMs, settings.attemptTimeoutMs);
}

/** Slots are consecutive intervals of this width; one request per slot keeps any window within the limit. */
export function rateSlotWidthMs(limitPerSecond: number): number {
  return (1_000 * (1 + RATE_PACING_MARGIN)) / limitPerSecond;
}

export function slotIndexAt(nowMs: number, limitPerSecond: number): number {
  return Math.floor(nowMs / rateSlotWidthMs(limitPerSecond));
}

export function slotStartMs(slot: number, limitPerSecond: number): number {
  return Math.ceil(slot * rateSlotWidthMs(limitPerSecond));
}

/** A held slot is still usable: its start has not passed by more than the tolerance. */
export function slotStillValid(slot: number, limitPerSecond: number, nowMs: number): boolean {
  return nowMs <= slotStartMs(slot, limitPerSecond) + SLOT_LATE_TOLERANCE_MS;
}

/** What a finished attempt means for the endpoint's admission state. */
export type AttemptVerdict =
  | { readonly kind: 'success' }
  /** Timeout, connection or DNS error: counts towards opening the circuit. */
  | { readonly kind: 'unreachable' }
  /** The endpoint answered, though not with 2xx: ends a run of unreachable attempts. */
  | { readonly kind: 'answered'; readonly slowUntil: number | null };

const UNREACHABLE_ERRORS = new Set([
  'timeout',
  'dns_failure',
  'connection_refused',
  'connection_reset',
  'network_error',
]);
/** A 429 without Retry-After still backs the endpoint off this long. */
const DEFAULT_SLOW_DOWN_MS = 1_000;
/** A Retry-After further out than this is capped: the retry schedule still governs the attempt itself. */
const MAX_SLOW_DOWN_MS = 3_600_000;

export function verdictOf(result: DeliveryResult, now: Date): AttemptVerdict {
  if (result.kind === 'error') return UNREACHABLE_ERRORS.has(result.error) ? { kind: 'unreachable' } : answered(null);
  if (result.status >= 200 && result.status < 300) return { kind: 'success' };
  if (result.status !== 429) return answered(null);
  const waitMs = parseRetryAfter(result.headers['retry-after'], now) ?? DEFAULT_SLOW_DOWN_MS;
  return answered(now.getTime() + Math.min(waitMs, MAX_SLOW_DOWN_MS));
}

function answered(slowUntil: number | null): AttemptVerdict {
  return { kind: 'answered', slowUntil };
}

/**
 * How long a task deferred for `reason` until `untilMs` waits on the queue (deferDelayMs), with how long
 * its endpoint's circuit has been open read from the state when the deferral is for its circuit.
 */
export function deferralDelayMs(
  reason: DeferReason,
  untilMs: number,
  state: AdmissionState | undefined,
  nowMs: number,
  random: () => number,
): number {
  const openForMs =
    state?.circuitChangedAt && reason === 'circuit_open' ? nowMs - Date.parse(state.circuitChangedAt) : 0;
  return deferDelayMs(reason, untilMs, nowMs, random, openForMs);
}

/**
 * How long a new task for the endpoint had better wait on the queue before anyone looks at it: what
 * admission would defer it by now (an open circuit between probes, a 429 slow-down), or 0. Fan-out
 * asks this, so a dead endpoint's new deliveries are queued already delayed rather than queued
 * visible, read, and put back: a tenant fanning out to hundreds of dead endpoints then puts nothing
 * in front of other tenants' tasks.
 */
export function gateDelayMs(state: AdmissionState, nowMs: number, random: () => number): number {
  const verdict = gate(state, nowMs);
  return verdict.kind === 'defer' ? deferralDelayMs(verdict.reason, verdict.untilMs, state, nowMs, random) : 0;
}

/**
 * How long a deferred task waits on the queue. Circuit deferrals are spread over a window of at least
 * 5 minutes that grows with how long the circuit has been open (up to 15), so a dead endpoint's backlog
 * comes back as a trickle rather than all at once every minute: with a one-minute window a tenant's
 * 100,000 tasks behind dead endpoints came back ≈ 1,100 times a second, each a receive and a re-send
 * for nothing. After an outage the probe closes the circuit within a minute of recovery, and the
 * backlog follows within the window (Svix's second retry comes 5 minutes after its first).
 */
export const CIRCUIT_SPREAD_MIN_MS = 5 * 60_000;
export const CIRCUIT_SPREAD_MAX_MS = 15 * 60_000;

export function deferDelayMs(
  reason: DeferReason,
  untilMs: number,
  nowMs: number,
  random: () => number,
  openForMs = 0,
): number {
  const wait = Math.max(0, untilMs - nowMs);
  switch (reason) {
    case 'rate_limit':
      return Math.max(0, wait - SLOT_EARLY_ARRIVAL_MS);
    case 'circuit_open':
      return wait + random() * Math.min(Math.max(CIRCUIT_SPREAD_MIN_MS, openForMs), CIRCUIT_SPREAD_MAX_MS);
    case 'concurrency_cap':
    case 'slowed_down':
      return Math.max(1_000, wait) + random() * 1_000;
  }
}
