import type { Endpoint } from './endpoint';
import type { Attempt, Delivery } from './messages-store';
import type { Recovery } from './recoveries-store';

/** What the API shows of deliveries, attempts, health and recoveries (storage keys and bookkeeping left out). */

export function deliveryView(delivery: Delivery) {
  return {
    endpointId: delivery.endpointId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastAttemptAt: delivery.lastAttemptAt,
    nextAttemptAt: delivery.nextAttemptAt,
  };
}

export function attemptView(attempt: Attempt) {
  return {
    messageId: attempt.messageId,
    endpointId: attempt.endpointId,
    eventType: attempt.eventType,
    attempt: attempt.attempt,
    trigger: attempt.trigger,
    ...(attempt.manualId !== undefined && { manualId: attempt.manualId }),
    at: attempt.at,
    url: attempt.url,
    status: attempt.state === 'in_progress' ? 'in_progress' : attempt.status,
    statusCode: attempt.statusCode,
    error: attempt.errorKind && { kind: attempt.errorKind, message: attempt.errorMessage },
    durationMs: attempt.durationMs,
    responseExcerpt: attempt.responseExcerpt,
    nextAttemptAt: attempt.nextAttemptAt,
  };
}

export function healthState(endpoint: Endpoint) {
  if (!endpoint.enabled)
    return { status: 'disabled' as const, reason: endpoint.disabledReason, since: endpoint.disabledAt };
  if (endpoint.failingSince) return { status: 'failing' as const, reason: null, since: endpoint.failingSince };
  return { status: 'healthy' as const, reason: null, since: null };
}

/** A recovery's progress, as the recover and recovery routes answer it. */
export function recoveryView(recovery: Recovery) {
  const attempted = recovery.succeeded + recovery.failed + recovery.skipped;
  return {
    id: recovery.recoveryId,
    endpointId: recovery.endpointId,
    since: recovery.since,
    until: recovery.until,
    createdAt: recovery.createdAt,
    status: attempted >= recovery.queued ? ('completed' as const) : ('in_progress' as const),
    queued: recovery.queued,
    succeeded: recovery.succeeded,
    failed: recovery.failed,
    skipped: recovery.skipped,
    remaining: Math.max(0, recovery.queued - attempted),
    continuation: recovery.continuation,
  };
}
