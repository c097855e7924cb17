import { describe, expect, it } from 'vitest';
import {
  createDeferralHints,
  hintExpiry,
  LONG_HINT_MS,
  MAX_CIRCUIT_HINT_MS,
  SHORT_HINT_MS,
} from '../../../shared/outbound/admission/deferral-hints';
import {
  attemptBudgetMs,
  capDeferUntil,
  concurrencyCapFor,
  deferDelayMs,
  EMPTY_ADMISSION_STATE,
  gate,
  isProven,
  LEASE_MARGIN_MS,
  PROVEN_WINDOW_MS,
  rateSlotWidthMs,
  slotIndexAt,
  slotStartMs,
  slotStillValid,
  verdictOf,
  type AdmissionState,
} from '../../../shared/outbound/admission/policy';
import { endpointState } from '../../../shared/outbound/admission/endpoint-state';
import { operationWindow } from '../../../shared/outbound/admission/org-operations';
import type { Endpoint } from '../../../shared/outbound/endpoint';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const state = (fields: Partial<AdmissionState>): AdmissionState => ({ ...EMPTY_ADMISSION_STATE, ...fields });

describe('admission policy', () => {
  it('gates on a slow-down, then on an open circuit until its probe is due', () => {
    expect(gate(EMPTY_ADMISSION_STATE, NOW)).toEqual({ kind: 'pass' });
    expect(gate(state({ slowUntil: NOW + 5_000 }), NOW)).toEqual({
      kind: 'defer',
      reason: 'slowed_down',
      untilMs: NOW + 5_000,
    });
    expect(gate(state({ slowUntil: NOW - 1 }), NOW)).toEqual({ kind: 'pass' });
    const open = state({ circuit: 'open', nextProbeAt: NOW + 60_000 });
    expect(gate(open, NOW)).toEqual({ kind: 'defer', reason: 'circuit_open', untilMs: NOW + 60_000 });
    expect(gate(open, NOW + 60_000)).toEqual({ kind: 'probe', dueAt: NOW + 60_000 });
  });

  it('paces slots 5 % under the limit, so 10 s hold at most limit × 10 slot starts', () => {
    for (const limit of [1, 7, 20, 1_000]) {
      const first = slotIndexAt(NOW, limit);
      const starts = Array.from({ length: limit * 12 }, (_, n) => slotStartMs(first + n, limit));
      const inTenSeconds = starts.filter((start) => start >= starts[0]! && start < starts[0]! + 10_000).length;
      expect(inTenSeconds).toBeLessThanOrEqual(limit * 10);
      expect(rateSlotWidthMs(limit)).toBeCloseTo(1_050 / limit);
    }
  });

  it('keeps a held slot only while its start has not passed by more than the tolerance', () => {
    const slot = slotIndexAt(NOW, 20) + 10;
    expect(slotStillValid(slot, 20, slotStartMs(slot, 20) - 3_000)).toBe(true);
    expect(slotStillValid(slot, 20, slotStartMs(slot, 20) + 250)).toBe(true);
    expect(slotStillValid(slot, 20, slotStartMs(slot, 20) + 251)).toBe(false);
  });

  it(
    'treats a full cap as about to free when a proven endpoint finishes requests, else defers to the ' +
      'oldest deadline',
    () => {
      const timeout = 15_000;
      const leaseTakenAt = (at: number) => at + timeout + LEASE_MARGIN_MS;
      const proven = { lastSucceededAt: NOW - 60_000 };
      const young = state({ ...proven, leases: { a: leaseTakenAt(NOW - 200), b: leaseTakenAt(NOW - 10) } });
      expect(capDeferUntil(young, NOW, timeout)).toBe(NOW);
      // Not yet proven: half a second for its first requests to answer, then nothing says a lease frees soon.
      expect(capDeferUntil({ ...young, lastSucceededAt: null }, NOW, timeout)).toBe(NOW);
      expect(capDeferUntil({ ...young, lastSucceededAt: null }, NOW + 400, timeout)).toBe(NOW - 200 + timeout);
      expect(capDeferUntil({ ...young, consecutiveFailures: 1, lastFinishedAt: NOW - 5 }, NOW, timeout)).toBe(
        NOW - 200 + timeout,
      );
      // Past its deadline but still held (the attempt is writing its result): a second from now, not now.
      const overdue = state({ leases: { a: leaseTakenAt(NOW - timeout - 100) } });
      expect(capDeferUntil(overdue, NOW, timeout)).toBe(NOW + 1_000);
      const old = state({ ...proven, leases: { a: leaseTakenAt(NOW - 10_000), b: leaseTakenAt(NOW - 5_000) } });
      expect(capDeferUntil(old, NOW, timeout)).toBe(NOW + 5_000);
      // Old leases, but requests finish: a fast endpoint with one slow request.
      expect(capDeferUntil({ ...old, lastFinishedAt: NOW - 300 }, NOW, timeout)).toBe(NOW);
      expect(capDeferUntil({ ...old, lastFinishedAt: NOW - 3_000 }, NOW, timeout)).toBe(NOW + 5_000);
      // A tarpit: leases a second old and nothing finished.
      const stuck = state({ ...proven, leases: { a: leaseTakenAt(NOW - 2_000) } });
      expect(capDeferUntil(stuck, NOW, timeout)).toBe(NOW + 13_000);
      expect(capDeferUntil(EMPTY_ADMISSION_STATE, NOW, timeout)).toBe(NOW);
    },
  );

  it('gives the short budget to a first try to an endpoint not proven within 24 h, the full one otherwise', () => {
    const settings = { attemptTimeoutMs: 15_000, unprovenTimeoutMs: 2_500 };
    const firstTry = { probe: false, lastChance: false };
    const budget = (fields: Partial<AdmissionState>, attempt = firstTry) =>
      attemptBudgetMs(state(fields), NOW, settings, attempt);
    expect(budget({})).toBe(2_500);
    expect(budget({ lastSucceededAt: NOW - 3_600_000 })).toBe(15_000);
    expect(isProven(state({ lastSucceededAt: NOW - 3_600_000 }), NOW)).toBe(true);
    // A success more than a day old, or failures since the last success: back to the short budget.
    expect(budget({ lastSucceededAt: NOW - PROVEN_WINDOW_MS })).toBe(2_500);
    expect(budget({ lastSucceededAt: NOW - 60_000, consecutiveFailures: 1 })).toBe(2_500);
    // A circuit's probe and a task's later tries always get the full deadline.
    expect(budget({}, { probe: true, lastChance: false })).toBe(15_000);
    expect(budget({ consecutiveFailures: 3 }, { probe: false, lastChance: true })).toBe(15_000);
    // The short budget never exceeds the full deadline.
    expect(
      attemptBudgetMs(EMPTY_ADMISSION_STATE, NOW, { attemptTimeoutMs: 1_000, unprovenTimeoutMs: 2_500 }, firstTry),
    ).toBe(1_000);
  });

  it('lets a proven endpoint have the cap in flight, an unproven one the breaker threshold, a failing one one', () => {
    const settings = { concurrencyCap: 10, breakerThreshold: 5 };
    expect(concurrencyCapFor(state({ lastSucceededAt: NOW - 60_000 }), NOW, settings)).toBe(10);
    expect(concurrencyCapFor(EMPTY_ADMISSION_STATE, NOW, settings)).toBe(5);
    expect(concurrencyCapFor(EMPTY_ADMISSION_STATE, NOW, { concurrencyCap: 3, breakerThreshold: 5 })).toBe(3);
    expect(concurrencyCapFor(state({ consecutiveFailures: 1 }), NOW, settings)).toBe(1);
    expect(concurrencyCapFor(state({ consecutiveFailures: 2, lastSucceededAt: NOW - 60_000 }), NOW, settings)).toBe(1);
  });

  it('remembers an open circuit until its probe, a cap or slow-down 1–5 s, never a rate slot', () => {
    expect(hintExpiry({ reason: 'circuit_open', resumeAt: NOW + 60_000 }, NOW)).toBe(NOW + 60_000);
    expect(hintExpiry({ reason: 'circuit_open', resumeAt: NOW + 3_600_000 }, NOW)).toBe(NOW + MAX_CIRCUIT_HINT_MS);
    expect(hintExpiry({ reason: 'circuit_open', resumeAt: NOW - 5 }, NOW)).toBe(NOW + SHORT_HINT_MS);
    expect(hintExpiry({ reason: 'concurrency_cap', resumeAt: NOW + 200 }, NOW)).toBe(NOW + SHORT_HINT_MS);
    expect(hintExpiry({ reason: 'slowed_down', resumeAt: NOW + 120_000 }, NOW)).toBe(NOW + LONG_HINT_MS);
    expect(hintExpiry({ reason: 'rate_limit', resumeAt: NOW + 2_000 }, NOW)).toBeNull();

    const hints = createDeferralHints();
    hints.remember('ep_open', { reason: 'circuit_open', resumeAt: NOW + 60_000 }, NOW);
    hints.remember('ep_full', { reason: 'concurrency_cap', resumeAt: NOW + 3_000 }, NOW);
    expect(hints.recall('ep_open', NOW + 59_000)).toEqual(expect.objectContaining({ reason: 'circuit_open' }));
    expect(hints.recall('ep_open', NOW + 60_000)).toBeUndefined();
    // A freed lease lifts a cap hint; only a closed circuit lifts a circuit hint.
    hints.remember('ep_open', { reason: 'circuit_open', resumeAt: NOW + 60_000 }, NOW);
    hints.forget('ep_full', false);
    hints.forget('ep_open', false);
    expect(hints.recall('ep_full', NOW)).toBeUndefined();
    expect(hints.recall('ep_open', NOW)).toBeDefined();
    hints.forget('ep_open', true);
    expect(hints.recall('ep_open', NOW)).toBeUndefined();
  });

  it('judges an attempt: 2xx success, timeouts and connection errors unreachable, 429 slows down', () => {
    const now = new Date(NOW);
    const response = (status: number, headers: Record<string, string> = {}) =>
      ({ kind: 'response', status, headers, bodyExcerpt: '', bodyTruncated: false, durationMs: 5 }) as const;
    const error = (kind: 'timeout' | 'dns_failure' | 'ssrf_blocked' | 'connection_refused') =>
      ({ kind: 'error', error: kind, message: '', durationMs: 5 }) as const;
    expect(verdictOf(response(204), now)).toEqual({ kind: 'success' });
    expect(verdictOf(error('timeout'), now)).toEqual({ kind: 'unreachable' });
    expect(verdictOf(error('dns_failure'), now)).toEqual({ kind: 'unreachable' });
    expect(verdictOf(error('connection_refused'), now)).toEqual({ kind: 'unreachable' });
    expect(verdictOf(error('ssrf_blocked'), now)).toEqual({ kind: 'answered', slowUntil: null });
    expect(verdictOf(response(500), now)).toEqual({ kind: 'answered', slowUntil: null });
    expect(verdictOf(response(429, { 'retry-after': '30' }), now)).toEqual({
      kind: 'answered',
      slowUntil: NOW + 30_000,
    });
    expect(verdictOf(response(429), now)).toEqual({ kind: 'answered', slowUntil: NOW + 1_000 });
    expect(verdictOf(response(429, { 'retry-after': '86400' }), now)).toEqual({
      kind: 'answered',
      slowUntil: NOW + 3_600_000,
    });
  });

  it('spreads deferrals behind an open circuit over a window that grows with the outage', () => {
    const until = NOW + 60_000;
    expect(deferDelayMs('circuit_open', until, NOW, () => 0)).toBe(60_000);
    // At least a 5-minute window, however new the outage, growing with it to 15 minutes.
    expect(deferDelayMs('circuit_open', until, NOW, () => 1)).toBe(60_000 + 300_000);
    expect(deferDelayMs('circuit_open', until, NOW, () => 1, 600_000)).toBe(60_000 + 600_000);
    expect(deferDelayMs('circuit_open', until, NOW, () => 1, 3_600_000)).toBe(60_000 + 900_000);
    expect(deferDelayMs('rate_limit', NOW + 10_000, NOW, () => 0.5)).toBe(7_000);
    expect(deferDelayMs('concurrency_cap', NOW, NOW, () => 0)).toBe(1_000);
  });

  it('names the endpoint state shown in stats', () => {
    const endpoint = {
      enabled: true,
      disabledAt: null,
      disabledReason: null,
      failingSince: null,
    } as unknown as Endpoint;
    expect(endpointState(endpoint, EMPTY_ADMISSION_STATE)).toEqual({ status: 'healthy', reason: null, since: null });
    expect(endpointState({ ...endpoint, failingSince: '2026-12-01T10:00:00.000Z' }, EMPTY_ADMISSION_STATE).status).toBe(
      'failing',
    );
    const open = state({ circuit: 'open', circuitChangedAt: '2026-12-01T11:00:00.000Z' });
    expect(endpointState({ ...endpoint, failingSince: '2026-12-01T10:00:00.000Z' }, open)).toEqual({
      status: 'circuit_open',
      reason: null,
      since: '2026-12-01T11:00:00.000Z',
    });
    expect(
      endpointState(
        { ...endpoint, enabled: false, disabledReason: 'gone', disabledAt: '2026-12-01T09:00:00.000Z' },
        open,
      ),
    ).toEqual({ status: 'disabled', reason: 'gone', since: '2026-12-01T09:00:00.000Z' });
  });

  it('counts operations per clock minute and says how long until the next', () => {
    expect(operationWindow(NOW + 15_500)).toEqual({ start: NOW, retryAfterSeconds: 45 });
    expect(operationWindow(NOW + 59_999)).toEqual({ start: NOW, retryAfterSeconds: 1 });
  });
});
