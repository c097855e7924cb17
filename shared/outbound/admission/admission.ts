import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult } from '../transport/http-delivery';
import type { AdmissionStore } from './admission-store';
import { createDeferralHints, type DeferralHints } from './deferral-hints';
import {
  attemptBudgetMs,
  deferDelayMs,
  deferralDelayMs,
  expiredLeases,
  gate,
  LEASE_MARGIN_MS,
  capDeferUntil,
  concurrencyCapFor,
  slotIndexAt,
  SLOT_LEAD_MS,
  SLOT_WAIT_IN_PROCESS_MS,
  slotStartMs,
  slotStillValid,
  verdictOf,
  type AdmissionSettings,
  type AdmissionState,
  type AttemptVerdict,
  type DeferReason,
} from './policy';

/**
 * Admission control in front of every scheduled delivery attempt: may this task dial its endpoint
 * now? If not, the task goes back on the queue with a delay, keeping its attempt number. A task that
 * is admitted holds a concurrency lease (and maybe a rate-limit slot, waited for here) until
 * `complete`, which also feeds the circuit breaker, and carries its deadline (attemptBudgetMs).
 */

export interface AdmissionRequest {
  readonly endpointId: string;
  readonly rateLimitPerSecond: number | null;
  /** A rate-limit slot this task already holds (from an earlier deferral). */
  readonly rateSlot?: number;
  /** No later try would get the full deadline if this one were cut short (policy.ts, attemptBudgetMs). */
  readonly lastChance: boolean;
}

export type AdmissionDecision =
  | { readonly kind: 'admitted'; readonly ticket: AdmissionTicket }
  | {
      readonly kind: 'deferred';
      readonly reason: DeferReason;
      readonly delayMs: number;
      /** The slot the task now holds, to carry on the re-queued task. */
      readonly rateSlot?: number;
    };

export interface AdmissionTicket {
  readonly endpointId: string;
  readonly leaseId: string;
  readonly probe: boolean;
  /** The attempt's deadline: the full one, or the short budget of an endpoint not yet proven. */
  readonly timeoutMs: number;
}

export interface AttemptAdmissionEffects {
  /** This attempt opened the endpoint's circuit (exactly one attempt reports it). */
  readonly circuitOpened: boolean;
  readonly circuitClosed: boolean;
}

export interface Admission {
  /**
   * A deferral this instance decided for the endpoint moments ago, if one still holds: lets a backlog
   * go back on the queue without reading anything (not even the endpoint). Never admits.
   */
  recentDeferral(endpointId: string): AdmissionDecision | undefined;
  admit(request: AdmissionRequest): Promise<AdmissionDecision>;
  complete(ticket: AdmissionTicket, result: DeliveryResult): Promise<AttemptAdmissionEffects>;
  /** Gives the lease back without judging the endpoint (the task turned out to be a duplicate). */
  release(ticket: AdmissionTicket): Promise<void>;
}

export interface AdmissionDependencies {
  readonly store: AdmissionStore;
  readonly settings: AdmissionSettings;
  readonly now: () => Date;
  readonly random: () => number;
  /** Waits until a rate-limit slot begins; a real timer unless a test moves the clock itself. */
  readonly wait?: (ms: number) => Promise<void>;
}

/** How long a task waits in-process for a fast endpoint's lease, and how often it asks. */
const FAST_CAP_WAIT_MS = 2_000;
const FAST_CAP_RETRY_MS = 50;
const FAST_CAP_MAX_RETRY_MS = 400;

/** One worker's admission: its dependencies and what it remembers of recent deferrals. */
interface AdmissionContext extends AdmissionDependencies {
  readonly wait: (ms: number) => Promise<void>;
  readonly hints: DeferralHints;
}

type Deferred = Extract<AdmissionDecision, { kind: 'deferred' }>;

export function createAdmission(deps: AdmissionDependencies): Admission {
  const context: AdmissionContext = {
    ...deps,
    wait: deps.wait ?? ((ms: number) => sleep(ms)),
    hints: createDeferralHints(),
  };
  return {
    recentDeferral: (endpointId) => recentDeferral(context, endpointId),
    admit: (request) => admit(context, request),
    complete: (ticket, result) => complete(context, ticket, result),
    async release(ticket) {
      await context.store.releaseLease(ticket.endpointId, ticket.leaseId);
      context.hints.forget(ticket.endpointId, false);
    },
  };
}

/**
 * A deferral until `untilMs`, decided from the store: remembered by this worker (deferral-hints.ts)
 * unless it is a rate slot's.
 */
function defer(
  context: AdmissionContext,
  endpointId: string,
  reason: DeferReason,
  untilMs: number,
  state?: AdmissionState,
): Deferred {
  context.hints.remember(endpointId, { reason, resumeAt: untilMs }, context.now().getTime());
  return deferral(context, reason, untilMs, state);
}

function deferral(context: AdmissionContext, reason: DeferReason, untilMs: number, state?: AdmissionState): Deferred {
  const delayMs = deferralDelayMs(reason, untilMs, state, context.now().getTime(), context.random);
  return { kind: 'deferred', reason, delayMs };
}

/**
 * A deferral by a hint is not remembered again: the hint expires when it was set to, and the next
 * task reads the store. Renewed on every recall, a hint would never expire while the endpoint's backlog
 * keeps coming back to this worker (a backlog of 1,000 tasks to a rate-limited endpoint was deferred
 * for ever that way, with nothing ever read or sent).
 */
function recentDeferral(context: AdmissionContext, endpointId: string): Deferred | undefined {
  const hint = context.hints.recall(endpointId, context.now().getTime());
  return hint && deferral(context, hint.reason, hint.resumeAt);
}

async function admit(context: AdmissionContext, request: AdmissionRequest): Promise<AdmissionDecision> {
  const { endpointId } = request;
  const hinted = recentDeferral(context, endpointId);
  if (hinted) return hinted;
  const { store, settings } = context;
  const state = await store.read(endpointId);
  const nowMs = context.now().getTime();
  const verdict = gate(state, nowMs);
  if (verdict.kind === 'defer') return defer(context, endpointId, verdict.reason, verdict.untilMs, state);
  const probe = verdict.kind === 'probe';
  if (probe && !(await store.claimProbe(endpointId, verdict.dueAt, nowMs + settings.probeIntervalMs)))
    return defer(context, endpointId, 'circuit_open', nowMs + settings.probeIntervalMs, state);
  const timeoutMs = attemptBudgetMs(state, nowMs, settings, { probe, lastChance: request.lastChance });

  let slot: number | null = null;
  if (request.rateLimitPerSecond !== null) {
    const held = await rateSlot(context, request, request.rateLimitPerSecond);
    if ('kind' in held) return held;
    slot = held.slot;
    // The lease is taken once the slot begins: a task waiting for its slot holds no connection.
    if (held.waitMs > 0) await context.wait(held.waitMs);
  }
  const leaseId = await leaseSoon(context, endpointId, state, timeoutMs);
  if (typeof leaseId !== 'string') {
    const until = capDeferUntil(leaseId, context.now().getTime(), timeoutMs);
    return defer(context, endpointId, 'concurrency_cap', until, leaseId);
  }
  // Too late for its slot (a stall on the way): give the slot up and queue again, never send late.
  if (slot !== null && !slotStillValid(slot, request.rateLimitPerSecond!, context.now().getTime())) {
    await store.releaseLease(endpointId, leaseId);
    return { kind: 'deferred', reason: 'rate_limit', delayMs: 0 };
  }
  return { kind: 'admitted', ticket: { endpointId, leaseId, probe, timeoutMs } };
}

/**
 * A lease that lives as long as the attempt's deadline plus a margin, if fewer than the endpoint's
 * cap are out; else the state that refused it (read once, to defer or wait by).
 */
async function lease(
  context: AdmissionContext,
  endpointId: string,
  state: AdmissionState,
  timeoutMs: number,
): Promise<string | AdmissionState> {
  const { store, settings } = context;
  const leaseId = randomUUID();
  const nowMs = context.now().getTime();
  const expiresAt = nowMs + timeoutMs + LEASE_MARGIN_MS;
  let current = state;
  for (let tries = 0; tries < 3; tries++) {
    const cap = concurrencyCapFor(current, nowMs, settings);
    if (await store.acquireLease(endpointId, leaseId, expiresAt, cap)) return leaseId;
    // Refused: either truly full, or racing another first lease of the endpoint. Leases left behind
    // by attempts that died are taken back; a full set of live ones means wait.
    current = await store.read(endpointId);
    const stale = expiredLeases(current, nowMs);
    if (stale.length > 0) await store.dropLeases(endpointId, stale);
    else if (Object.keys(current.leases).length >= concurrencyCapFor(current, nowMs, settings)) break;
  }
  return current;
}

/**
 * A lease, waiting briefly while the endpoint is fast (a proven one whose leases free up any
 * moment): a burst to a fast endpoint then queues here for milliseconds instead of going round the
 * queue for a second. It asks again after 50 ms, then less and less often, so a burst waiting here
 * costs the store a few reads, not one every 50 ms. Any other full cap answers at once, with the
 * state to defer by.
 */
async function leaseSoon(
  context: AdmissionContext,
  endpointId: string,
  state: AdmissionState,
  timeoutMs: number,
): Promise<string | AdmissionState> {
  // Counted by the waits themselves, not by the clock: a test's clock may stand still.
  for (
    let waited = 0, pause = FAST_CAP_RETRY_MS;
    ;
    waited += pause, pause = Math.min(pause * 2, FAST_CAP_MAX_RETRY_MS)
  ) {
    const leased = await lease(context, endpointId, state, timeoutMs);
    if (typeof leased === 'string') return leased;
    const nowMs = context.now().getTime();
    const slow = capDeferUntil(leased, nowMs, timeoutMs) > nowMs;
    if (slow || waited >= FAST_CAP_WAIT_MS) return leased;
    await context.wait(pause);
    state = leased;
  }
}

/**
 * Holds a slot that starts soon enough to wait for in-process, or says how long to defer. A fresh
 * slot is taken a little ahead (SLOT_LEAD_MS), so the write that claims it cannot make it late.
 */
async function rateSlot(
  context: AdmissionContext,
  request: AdmissionRequest,
  limit: number,
): Promise<{ waitMs: number; slot: number } | Deferred> {
  const held = request.rateSlot;
  const slot =
    held !== undefined && slotStillValid(held, limit, context.now().getTime())
      ? held
      : await context.store.claimSlot(request.endpointId, slotIndexAt(context.now().getTime() + SLOT_LEAD_MS, limit));
  const nowMs = context.now().getTime();
  const startsIn = slotStartMs(slot, limit) - nowMs;
  if (startsIn <= SLOT_WAIT_IN_PROCESS_MS) return { waitMs: Math.max(0, startsIn), slot };
  return {
    kind: 'deferred',
    reason: 'rate_limit',
    delayMs: deferDelayMs('rate_limit', slotStartMs(slot, limit), nowMs, context.random),
    rateSlot: slot,
  };
}

async function complete(
  context: AdmissionContext,
  ticket: AdmissionTicket,
  result: DeliveryResult,
): Promise<AttemptAdmissionEffects> {
  const now = context.now();
  const verdict = verdictOf(result, now);
  const run = await context.store.finishAttempt(ticket.endpointId, ticket.leaseId, verdict, now.getTime());
  const effects = await moveCircuit(context, ticket, verdict.kind, run, now);
  // A lease freed by a timeout says nothing good: tasks deferred for the cap keep waiting.
  if (verdict.kind !== 'unreachable') context.hints.forget(ticket.endpointId, effects.circuitClosed);
  return effects;
}

/**
 * The breaker's transitions: a success on a probe closes the circuit, K unreachable in a row open it.
 * The worker that sees the circuit open remembers it at once, so the rest of its backlog for the
 * endpoint is deferred without a read.
 */
async function moveCircuit(
  context: AdmissionContext,
  ticket: AdmissionTicket,
  verdict: AttemptVerdict['kind'],
  run: number,
  now: Date,
): Promise<AttemptAdmissionEffects> {
  const { store, settings } = context;
  if (verdict === 'success' && ticket.probe)
    return { circuitOpened: false, circuitClosed: await store.closeCircuit(ticket.endpointId, now.toISOString()) };
  if (verdict !== 'unreachable' || run < settings.breakerThreshold)
    return { circuitOpened: false, circuitClosed: false };
  const nextProbeAt = now.getTime() + settings.probeIntervalMs;
  const opened = await store.openCircuit(ticket.endpointId, now.toISOString(), nextProbeAt);
  // Opened elsewhere (or a probe failed): the probe time is not known here, so the hint is a short one.
  const resumeAt = opened ? nextProbeAt : now.getTime();
  context.hints.remember(ticket.endpointId, { reason: 'circuit_open', resumeAt }, now.getTime());
  return { circuitOpened: opened, circuitClosed: false };
}
