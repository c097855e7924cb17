import type { EndpointRecord } from './endpoint';
import type { Attempt, Delivery } from './messages-store';

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

export function healthState(endpoint: EndpointRecord) {
  if (!endpoint.enabled)
    return { status: 'disabled' as const, reason: endpoint.disabledReason, since: endpoint.disabledAt };
  if (endpoint.failingSince) return { status: 'failing' as const, reason: null, since: endpoint.failingSince };
  return { status: 'healthy' as const, reason: null, since: null };
}
