import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../../shared/outbound/admission/admission';
import type { AdmissionStore } from '../../../shared/outbound/admission/admission-store';
import { LONG_HINT_MS } from '../../../shared/outbound/admission/deferral-hints';
import { EMPTY_ADMISSION_STATE, type AdmissionState } from '../../../shared/outbound/admission/policy';

/**
 * The worker's deferral hints against a store that counts its reads: a backlog that keeps coming back
 * to the worker is deferred by the hint only until the hint expires, then the store decides again.
 */

const START = Date.parse('2026-12-01T12:00:00Z');
const SETTINGS = {
  concurrencyCap: 2,
  breakerThreshold: 5,
  probeIntervalMs: 60_000,
  attemptTimeoutMs: 15_000,
  unprovenTimeoutMs: 2_500,
};

/** A store whose endpoint has its two leases taken by slow attempts that started at START. */
function fullStore(): AdmissionStore & { reads: number; leases: Record<string, number> } {
  const leases: Record<string, number> = { a: START + 20_000, b: START + 20_000 };
  const state = (): AdmissionState => ({
    ...EMPTY_ADMISSION_STATE,
    leases: { ...leases },
    lastSucceededAt: START - 60_000,
    lastFinishedAt: START - 60_000,
  });
  const store = {
    reads: 0,
    leases,
    async read() {
      store.reads += 1;
      return state();
    },
    readMany: async (endpointIds: readonly string[]) => new Map(endpointIds.map((id) => [id, state()])),
    async acquireLease(_endpointId: string, leaseId: string, expiresAt: number, cap: number) {
      if (Object.keys(leases).length >= cap) return false;
      leases[leaseId] = expiresAt;
      return true;
    },
    dropLeases: async () => undefined,
    releaseLease: async (_endpointId: string, leaseId: string) => void delete leases[leaseId],
    claimSlot: async (_endpointId: string, nowSlot: number) => nowSlot,
    claimProbe: async () => true,
    finishAttempt: async () => 0,
    closeCircuit: async () => false,
    openCircuit: async () => false,
  };
  return store;
}

describe('deferral hints', () => {
  it('lets a hint expire while the backlog behind it keeps arriving, then asks the store again', async () => {
    let clock = START + 2_000;
    const store = fullStore();
    const admission = createAdmission({ store, settings: SETTINGS, now: () => new Date(clock), random: () => 0 });
    const request = { endpointId: 'ep_busy', rateLimitPerSecond: null, lastChance: false };

    const first = await admission.admit(request);
    expect(first).toMatchObject({ kind: 'deferred', reason: 'concurrency_cap' });
    const readsAfterFirst = store.reads;

    // A task for the endpoint every 100 ms for the hint's longest life: none reads, none is admitted.
    const hintedUntil = clock + LONG_HINT_MS;
    while (clock + 100 < hintedUntil) {
      clock += 100;
      expect(admission.recentDeferral('ep_busy')).toMatchObject({ kind: 'deferred', reason: 'concurrency_cap' });
      expect(await admission.admit(request)).toMatchObject({ kind: 'deferred' });
      expect(store.reads).toBe(readsAfterFirst);
    }

    // The hint has run out although tasks never stopped coming: the store is read, and a freed lease admits.
    clock = hintedUntil + 1;
    expect(admission.recentDeferral('ep_busy')).toBeUndefined();
    delete store.leases['a'];
    expect(await admission.admit(request)).toMatchObject({ kind: 'admitted' });
    expect(store.reads).toBeGreaterThan(readsAfterFirst);
  });
});
