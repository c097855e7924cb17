import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult } from '../transport/http-delivery';
import type { AdmissionStore } from './admission-store';
import {
  deferDelayMs,
  expiredLeases,
  gate,
  LEASE_MARGIN_MS,
  capDeferUntil,
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
 * `complete`, which also feeds the circuit breaker.
 */

export interface AdmissionRequest {
  readonly endpointId: string;
  readonly rateLimitPerSecond: number | null;
  /** A rate-limit slot this task already holds (from an earlier deferral). */
  readonly rateSlot?: number;
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

/**
 * How long this instance remembers a deferral verdict, so a backlog is re-queued without reading
 * DynamoDB: a second when the endpoint may take a task any moment (a fast one at its cap), up to five
 * when it is known not to (an open circuit, a slow endpoint's full cap, a slow-down).
 */
const SHORT_HINT_MS = 1_000;
/** How long a task waits in-process for a fast endpoint's lease, and how often it asks. */
const FAST_CAP_WAIT_MS = 2_000;
const FAST_CAP_RETRY_MS = 50;
const LONG_HINT_MS = 5_000;

export function createAdmission(deps: AdmissionDependencies): Admission {
  const { store, settings } = deps;
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  const hints = new Map<string, { untilMs: number; reason: DeferReason; resumeAt: number }>();

  /** A lease given back frees a slot this instance was deferring for; a closed circuit lifts that hint too. */
  function forgetHint(endpointId: string, circuitClosed: boolean): void {
    const reason = hints.get(endpointId)?.reason;
    if (reason === 'concurrency_cap' || (circuitClosed && reason === 'circuit_open')) hints.delete(endpointId);
  }

  function defer(endpointId: string, reason: DeferReason, untilMs: number, state?: AdmissionState) {
    const nowMs = deps.now().getTime();
    const openForMs =
      state?.circuitChangedAt && reason === 'circuit_open' ? nowMs - Date.parse(state.circuitChangedAt) : 0;
    if (reason !== 'rate_limit') {
      const hintMs = Math.min(Math.max(untilMs - nowMs, SHORT_HINT_MS), LONG_HINT_MS);
      hints.set(endpointId, { untilMs: nowMs + hintMs, reason, resumeAt: untilMs });
    }
    return { kind: 'deferred', reason, delayMs: deferDelayMs(reason, untilMs, nowMs, deps.random, openForMs) } as const;
  }

  async function lease(endpointId: string): Promise<string | null> {
    const leaseId = randomUUID();
    const nowMs = deps.now().getTime();
    const expiresAt = nowMs + settings.attemptTimeoutMs + LEASE_MARGIN_MS;
    for (let tries = 0; tries < 3; tries++) {
      if (await store.acquireLease(endpointId, leaseId, expiresAt, settings.concurrencyCap)) return leaseId;
      // Refused: either truly full, or racing another first lease of the endpoint. Leases left behind
      // by attempts that died are taken back; a full set of live ones means wait.
      const current = await store.read(endpointId);
      const stale = expiredLeases(current, nowMs);
      if (stale.length > 0) await store.dropLeases(endpointId, stale);
      else if (Object.keys(current.leases).length >= settings.concurrencyCap) return null;
    }
    return null;
  }

  /**
   * A lease, waiting briefly while the endpoint is fast (its leases are all young, one frees up any
   * moment): a burst to a fast endpoint then queues here for milliseconds instead of going round the
   * queue for a second. A slow endpoint's full cap answers at once, with the state to defer by.
   */
  async function leaseSoon(endpointId: string): Promise<string | AdmissionState> {
    // Counted in tries, not by the clock: a test's clock may stand still.
    for (let tries = 1; ; tries++) {
      const leaseId = await lease(endpointId);
      if (leaseId !== null) return leaseId;
      const current = await store.read(endpointId);
      const nowMs = deps.now().getTime();
      const slow = capDeferUntil(current, nowMs, settings.attemptTimeoutMs) > nowMs;
      if (slow || tries * FAST_CAP_RETRY_MS >= FAST_CAP_WAIT_MS) return current;
      await wait(FAST_CAP_RETRY_MS);
    }
  }

  /**
   * Holds a slot that starts soon enough to wait for in-process, or says how long to defer. A fresh
   * slot is taken a little ahead (SLOT_LEAD_MS), so the write that claims it cannot make it late.
   */
  async function rateSlot(
    request: AdmissionRequest,
    limit: number,
  ): Promise<{ waitMs: number; slot: number } | AdmissionDecision> {
    const held = request.rateSlot;
    const slot =
      held !== undefined && slotStillValid(held, limit, deps.now().getTime())
        ? held
        : await store.claimSlot(request.endpointId, slotIndexAt(deps.now().getTime() + SLOT_LEAD_MS, limit));
    const nowMs = deps.now().getTime();
    const startsIn = slotStartMs(slot, limit) - nowMs;
    if (startsIn <= SLOT_WAIT_IN_PROCESS_MS) return { waitMs: Math.max(0, startsIn), slot };
    return {
      kind: 'deferred',
      reason: 'rate_limit',
      delayMs: deferDelayMs('rate_limit', slotStartMs(slot, limit), nowMs, deps.random),
      rateSlot: slot,
    };
  }

  function recentDeferral(endpointId: string): AdmissionDecision | undefined {
    const hint = hints.get(endpointId);
    return hint && hint.untilMs > deps.now().getTime() ? defer(endpointId, hint.reason, hint.resumeAt) : undefined;
  }

  return {
    recentDeferral,

    async admit(request) {
      const { endpointId } = request;
      const hinted = recentDeferral(endpointId);
      if (hinted) return hinted;
      const state = await store.read(endpointId);
      const nowMs = deps.now().getTime();
      const verdict = gate(state, nowMs);
      if (verdict.kind === 'defer') return defer(endpointId, verdict.reason, verdict.untilMs, state);
      const probe = verdict.kind === 'probe';
      if (probe && !(await store.claimProbe(endpointId, verdict.dueAt, nowMs + settings.probeIntervalMs)))
        return defer(endpointId, 'circuit_open', nowMs + settings.probeIntervalMs, state);

      let waitMs = 0;
      let slot: number | null = null;
      if (request.rateLimitPerSecond !== null) {
        const held = await rateSlot(request, request.rateLimitPerSecond);
        if ('kind' in held) return held;
        ({ waitMs, slot } = held);
      }
      // The lease is taken once the slot begins: a task waiting for its slot holds no connection.
      if (waitMs > 0) await wait(waitMs);
      const leaseId = await leaseSoon(endpointId);
      if (typeof leaseId !== 'string') {
        const until = capDeferUntil(leaseId, deps.now().getTime(), settings.attemptTimeoutMs);
        return defer(endpointId, 'concurrency_cap', until, leaseId);
      }
      // Too late for its slot (a stall on the way): give the slot up and queue again, never send late.
      if (slot !== null && !slotStillValid(slot, request.rateLimitPerSecond!, deps.now().getTime())) {
        await store.releaseLease(endpointId, leaseId);
        return { kind: 'deferred', reason: 'rate_limit', delayMs: 0 };
      }
      return { kind: 'admitted', ticket: { endpointId, leaseId, probe } };
    },

    async complete(ticket, result) {
      const now = deps.now();
      const verdict = verdictOf(result, now);
      const run = await store.finishAttempt(ticket.endpointId, ticket.leaseId, verdict, now.getTime());
      const effects = await moveCircuit(ticket, verdict.kind, run, now);
      forgetHint(ticket.endpointId, effects.circuitClosed);
      return effects;
    },

    async release(ticket) {
      await store.releaseLease(ticket.endpointId, ticket.leaseId);
      forgetHint(ticket.endpointId, false);
    },
  };

  /** The breaker's transitions: a success on a probe closes the circuit, K unreachable in a row open it. */
  async function moveCircuit(
    ticket: AdmissionTicket,
    verdict: AttemptVerdict['kind'],
    run: number,
    now: Date,
  ): Promise<AttemptAdmissionEffects> {
    if (verdict === 'success' && ticket.probe)
      return { circuitOpened: false, circuitClosed: await store.closeCircuit(ticket.endpointId, now.toISOString()) };
    if (verdict !== 'unreachable' || run < settings.breakerThreshold)
      return { circuitOpened: false, circuitClosed: false };
    const nextProbeAt = now.getTime() + settings.probeIntervalMs;
    const opened = await store.openCircuit(ticket.endpointId, now.toISOString(), nextProbeAt);
    return { circuitOpened: opened, circuitClosed: false };
  }
}
