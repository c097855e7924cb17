import type { DeferReason } from './policy';

/**
 * What one delivery worker remembers about endpoints it deferred moments ago, so a backlog goes back
 * on the queue without reading DynamoDB (not even the endpoint). An open circuit is remembered until
 * its next probe is due: behind a dead endpoint, thousands of tasks then cost no read at all. Other
 * deferrals are remembered a second when the endpoint may take a task any moment (a fast one at its
 * cap), up to five when it is known not to (a slow endpoint's full cap, a slow-down). Rate-limit
 * deferrals are never remembered: each task holds its own slot.
 *
 * Another worker may close a circuit meanwhile: this one then defers new tasks until the probe time
 * it knew, at most one probe interval, and tasks deferred behind an open circuit wait that long anyway.
 */

export interface DeferralHint {
  readonly reason: DeferReason;
  /** When the endpoint may take tasks again (the probe time, the oldest request's deadline, …). */
  readonly resumeAt: number;
}

export interface DeferralHints {
  remember(endpointId: string, hint: DeferralHint, nowMs: number): void;
  recall(endpointId: string, nowMs: number): DeferralHint | undefined;
  /** A lease given back frees a slot this worker was deferring for; a closed circuit lifts that hint too. */
  forget(endpointId: string, circuitClosed: boolean): void;
}

export const SHORT_HINT_MS = 1_000;
export const LONG_HINT_MS = 5_000;
/** However far off a probe is, a circuit hint is checked against the store at least this often. */
export const MAX_CIRCUIT_HINT_MS = 15 * 60_000;

/** Until when a deferral is remembered, or null when it is not to be remembered at all. */
export function hintExpiry(hint: DeferralHint, nowMs: number): number | null {
  switch (hint.reason) {
    case 'rate_limit':
      return null;
    case 'circuit_open':
      return Math.min(Math.max(hint.resumeAt, nowMs + SHORT_HINT_MS), nowMs + MAX_CIRCUIT_HINT_MS);
    case 'concurrency_cap':
    case 'slowed_down':
      return nowMs + Math.min(Math.max(hint.resumeAt - nowMs, SHORT_HINT_MS), LONG_HINT_MS);
  }
}

/** Past this many endpoints remembered, expired hints are swept out (a worker lives for hours). */
const SWEEP_ABOVE = 10_000;

export function createDeferralHints(): DeferralHints {
  const hints = new Map<string, DeferralHint & { readonly untilMs: number }>();
  return {
    remember(endpointId, hint, nowMs) {
      const untilMs = hintExpiry(hint, nowMs);
      if (untilMs === null) return;
      if (hints.size >= SWEEP_ABOVE) for (const [id, held] of hints) if (held.untilMs <= nowMs) hints.delete(id);
      hints.set(endpointId, { ...hint, untilMs });
    },
    recall(endpointId, nowMs) {
      const hint = hints.get(endpointId);
      if (!hint) return undefined;
      if (hint.untilMs > nowMs) return hint;
      hints.delete(endpointId);
      return undefined;
    },
    forget(endpointId, circuitClosed) {
      const reason = hints.get(endpointId)?.reason;
      if (reason === 'concurrency_cap' || (circuitClosed && reason === 'circuit_open')) hints.delete(endpointId);
    },
  };
}
