import type { CoalescedSender } from '../../platform/aws/coalesced-sends';
import { SQS_MAX_DELAY_SECONDS, type DelayedMessage, type QueueSender } from '../../platform/aws/queue';
import type { DeliveryTask } from '../delivery-task';
import type { Endpoint } from '../endpoint';
import type { DeliveryResult } from '../transport/http-delivery';
import type { Admission, AdmissionDecision, AdmissionTicket, AttemptAdmissionEffects } from './admission';
import type { DeferReason } from './policy';

/**
 * The delivery path's side of admission: ask, and when the answer is "not now", put the task back on
 * the delivery queue with a delay. The task keeps its attempt number (a deferral is not an attempt)
 * and carries the rate-limit slot it holds; waits beyond SQS's 15 minutes are chained by `notBefore`.
 */

export interface AdmissionPathDependencies {
  readonly admission?: Admission;
  readonly deliveryQueue: QueueSender;
  /** Deferrals of one batch in one SendMessageBatch (coalesced-sends.ts); absent, one send each. */
  readonly deferrals?: CoalescedSender;
  readonly now: () => Date;
}

export type TaskAdmission =
  | { readonly kind: 'admitted'; readonly ticket: AdmissionTicket | null }
  | { readonly kind: 'deferred'; readonly reason: DeferReason };

const SECOND_MS = 1_000;

export async function admitTask(
  task: DeliveryTask,
  endpoint: Endpoint,
  deps: AdmissionPathDependencies,
): Promise<TaskAdmission> {
  if (!deps.admission) return { kind: 'admitted', ticket: null };
  const decision = await deps.admission.admit({
    endpointId: endpoint.endpointId,
    rateLimitPerSecond: endpoint.rateLimitPerSecond ?? null,
    ...(task.rateSlot !== undefined && { rateSlot: task.rateSlot }),
    // A retry, or a manual task whose failure is final, always gets the full deadline.
    lastChance: task.attempt > 1 || task.manualId !== undefined,
  });
  if (decision.kind === 'admitted') return decision;
  return requeue(task, decision, deps);
}

/**
 * Before anything is read: a task whose endpoint this instance deferred moments ago goes straight
 * back on the queue (a backlog behind an open circuit costs a tenth of a SendMessageBatch a task, no reads).
 */
export async function deferIfRecentlyDeferred(
  task: DeliveryTask,
  deps: AdmissionPathDependencies,
): Promise<TaskAdmission | undefined> {
  const decision = deps.admission?.recentDeferral(task.endpointId);
  return decision?.kind === 'deferred' ? requeue(task, decision, deps) : undefined;
}

async function requeue(
  task: DeliveryTask,
  decision: Extract<AdmissionDecision, { kind: 'deferred' }>,
  deps: AdmissionPathDependencies,
): Promise<TaskAdmission> {
  const message = deferredTaskMessage(task, decision.delayMs, deps.now(), decision.rateSlot);
  await sendLater(deps, message.body, message.delaySeconds);
  return { kind: 'deferred', reason: decision.reason };
}

/**
 * The task as it goes back on the queue to wait `delayMs`: the same attempt, the rate slot it now
 * holds (if any), and past SQS's 15-minute delay a `notBefore` that chains the rest of the wait.
 */
export function deferredTaskMessage(task: DeliveryTask, delayMs: number, now: Date, rateSlot?: number): DelayedMessage {
  const { rateSlot: _heldSlot, notBefore: _notBefore, ...rest } = task;
  const delaySeconds = delayMs / SECOND_MS;
  const deferred: DeliveryTask = {
    ...rest,
    ...(rateSlot !== undefined && { rateSlot }),
    ...(delaySeconds > SQS_MAX_DELAY_SECONDS && { notBefore: new Date(now.getTime() + delayMs).toISOString() }),
  };
  return { body: JSON.stringify(deferred), delaySeconds: Math.min(delaySeconds, SQS_MAX_DELAY_SECONDS) };
}

/** Puts a task back on the delivery queue with a delay: coalesced with the batch's other deferrals if it can be. */
export async function sendLater(deps: AdmissionPathDependencies, body: string, delaySeconds: number): Promise<void> {
  if (deps.deferrals) await deps.deferrals.send({ body, delaySeconds });
  else await deps.deliveryQueue.send(body, { delaySeconds });
}

const NO_EFFECTS: AttemptAdmissionEffects = { circuitOpened: false, circuitClosed: false };

/**
 * Feeds the breaker and frees the lease. Best effort: the attempt is already made and must be logged,
 * and a lease that could not be released expires on its own.
 */
export async function completeAdmission(
  deps: AdmissionPathDependencies,
  ticket: AdmissionTicket | null,
  result: DeliveryResult,
): Promise<AttemptAdmissionEffects> {
  if (!ticket || !deps.admission) return NO_EFFECTS;
  return deps.admission.complete(ticket, result).catch(() => NO_EFFECTS);
}

/** The task turned out to be a duplicate: give the lease back without judging the endpoint. */
export async function releaseAdmission(deps: AdmissionPathDependencies, ticket: AdmissionTicket | null): Promise<void> {
  if (!ticket || !deps.admission) return;
  await deps.admission.release(ticket).catch(() => undefined);
}
