import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult } from '../transport/http-delivery';
import type { AdmissionStore } from './admission-store';
import {
  deferDelayMs,
  expiredLeases,
  gate,
  LEASE_MARGIN_MS,
  nextLeaseFreeAt,
  slotIndexAt,
  slotStartMs,
  slotStillValid,
  verdictOf,
  type AdmissionSettings,
  type AdmissionState,
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

/** How long this instance remembers a deferral verdict, so a backlog is re-queued without reading DynamoDB. */
const HINT_MS = 1_000;

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
    if (reason !== 'rate_limit') hints.set(endpointId, { untilMs: nowMs + HINT_MS, reason, resumeAt: untilMs });
    return { kind: 'deferred', reason, delayMs: deferDelayMs(reason, untilMs, nowMs, deps.random, openForMs) } as const;
  }

  async function lease(endpointId: string): Promise<string | null> {
    const leaseId = randomUUID();
    const nowMs = deps.now().getTime();
    const expiresAt = nowMs + settings.attemptTimeoutMs + LEASE_MARGIN_MS;
    if (await store.acquireLease(endpointId, leaseId, expiresAt, settings.concurrencyCap)) return leaseId;
    // Full: leases left behind by attempts that died are taken back, then one more try.
    const stale = expiredLeases(await store.read(endpointId), nowMs);
    if (stale.length === 0) return null;
    await store.dropLeases(endpointId, stale);
    return (await store.acquireLease(endpointId, leaseId, expiresAt, settings.concurrencyCap)) ? leaseId : null;
  }

  /** Holds a slot that starts soon enough to wait for in-process, or says how long to defer. */
  async function rateSlot(request: AdmissionRequest, limit: number): Promise<{ waitMs: number } | AdmissionDecision> {
    const nowMs = deps.now().getTime();
    const held = request.rateSlot;
    const slot =
      held !== undefined && slotStillValid(held, limit, nowMs)
        ? held
        : await store.claimSlot(request.endpointId, slotIndexAt(nowMs, limit));
    const startsIn = slotStartMs(slot, limit) - nowMs;
    if (startsIn <= 2_000) return { waitMs: Math.max(0, startsIn) };
    return {
      kind: 'deferred',
      reason: 'rate_limit',
      delayMs: deferDelayMs('rate_limit', slotStartMs(slot, limit), nowMs, deps.random),
      rateSlot: slot,
    };
  }

  return {
    async admit(request) {
      const { endpointId } = request;
      const hint = hints.get(endpointId);
      if (hint && hint.untilMs > deps.now().getTime()) return defer(endpointId, hint.reason, hint.resumeAt);
      const state = await store.read(endpointId);
      const nowMs = deps.now().getTime();
      const verdict = gate(state, nowMs);
      if (verdict.kind === 'defer') return defer(endpointId, verdict.reason, verdict.untilMs, state);
      const probe = verdict.kind === 'probe';
      if (probe && !(await store.claimProbe(endpointId, verdict.dueAt, nowMs + settings.probeIntervalMs)))
        return defer(endpointId, 'circuit_open', nowMs + settings.probeIntervalMs, state);

      let waitMs = 0;
      if (request.rateLimitPerSecond !== null) {
        const slot = await rateSlot(request, request.rateLimitPerSecond);
        if ('kind' in slot) return slot;
        waitMs = slot.waitMs;
      }
      const leaseId = await lease(endpointId);
      if (leaseId === null) return defer(endpointId, 'concurrency_cap', nextLeaseFreeAt(state, nowMs), state);
      if (waitMs > 0) await wait(waitMs);
      return { kind: 'admitted', ticket: { endpointId, leaseId, probe } };
    },

    async complete(ticket, result) {
      const now = deps.now();
      const verdict = verdictOf(result, now);
      const effects = await settleBreaker(ticket, verdict, now);
      await store.releaseLease(ticket.endpointId, ticket.leaseId);
      forgetHint(ticket.endpointId, effects.circuitClosed);
      return effects;
    },

    async release(ticket) {
      await store.releaseLease(ticket.endpointId, ticket.leaseId);
      forgetHint(ticket.endpointId, false);
    },
  };

  async function settleBreaker(
    ticket: AdmissionTicket,
    verdict: ReturnType<typeof verdictOf>,
    now: Date,
  ): Promise<AttemptAdmissionEffects> {
    const unchanged = { circuitOpened: false, circuitClosed: false };
    if (verdict.kind === 'success') {
      const { closed } = await store.recordSuccess(ticket.endpointId, now.toISOString());
      return { circuitOpened: false, circuitClosed: closed };
    }
    if (verdict.kind === 'answered') {
      await store.recordAnswered(ticket.endpointId, verdict.slowUntil);
      return unchanged;
    }
    const run = await store.recordUnreachable(ticket.endpointId);
    if (run < settings.breakerThreshold) return unchanged;
    const nextProbeAt = now.getTime() + settings.probeIntervalMs;
    const opened = await store.openCircuit(ticket.endpointId, now.toISOString(), nextProbeAt);
    return { circuitOpened: opened, circuitClosed: false };
  }
}
