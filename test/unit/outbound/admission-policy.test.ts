import { describe, expect, it } from 'vitest';
import {
  capDeferUntil,
  deferDelayMs,
  EMPTY_ADMISSION_STATE,
  gate,
  LEASE_MARGIN_MS,
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
    'treats a full cap as about to free when the endpoint finishes requests, else defers to the ' + 'oldest deadline',
    () => {
      const timeout = 15_000;
      const leaseTakenAt = (at: number) => at + timeout + LEASE_MARGIN_MS;
      const young = state({ leases: { a: leaseTakenAt(NOW - 200), b: leaseTakenAt(NOW - 10) } });
      expect(capDeferUntil(young, NOW, timeout)).toBe(NOW);
      const old = state({ leases: { a: leaseTakenAt(NOW - 10_000), b: leaseTakenAt(NOW - 5_000) } });
      expect(capDeferUntil(old, NOW, timeout)).toBe(NOW + 5_000);
      // Old leases, but requests finish: a fast endpoint with one slow request.
      expect(capDeferUntil({ ...old, lastFinishedAt: NOW - 300 }, NOW, timeout)).toBe(NOW);
      expect(capDeferUntil({ ...old, lastFinishedAt: NOW - 3_000 }, NOW, timeout)).toBe(NOW + 5_000);
      // A tarpit: leases a second old and nothing finished.
      const stuck = state({ leases: { a: leaseTakenAt(NOW - 2_000) } });
      expect(capDeferUntil(stuck, NOW, timeout)).toBe(NOW + 13_000);
      expect(capDeferUntil(EMPTY_ADMISSION_STATE, NOW, timeout)).toBe(NOW);
    },
  );

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
    expect(deferDelayMs('circuit_open', until, NOW, () => 1)).toBe(120_000);
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
