import { coalesceSends } from '../platform/aws/coalesced-sends';
import type { BatchingQueueSender } from '../platform/aws/queue';
import type { AdmissionStore } from './admission/admission-store';
import { deferredTaskMessage } from './admission/admit-task';
import { gateDelayMs, type AdmissionState } from './admission/policy';
import type { PlatformEvent } from '../events/event-catalog';
import { matchesFilter } from '../events/filters';
import type { DeliveryTask } from './delivery-task';
import type { EndpointsStore } from './endpoints-store';
import { messageIdFor, ownerScope } from '../events/ids';
import { eventOwner, ownerFields } from '../events/owner';
import type { Delivery, MessagesStore, StoredMessage } from './messages-store';
import type { StatsStore } from './stats-store';

/**
 * Turns a published event into one stored message (the body kept once) and a delivery task per
 * enabled endpoint whose filter matches; a disabled endpoint's share is stored as skipped so it can
 * be recovered later. Idempotent on the event id: a message whose fan-out completed is not fanned
 * out again, and one interrupted half-way is redone safely (deliveries are written only if absent,
 * and a re-sent task finds its attempt already claimed).
 */

export interface FanoutDependencies {
  readonly endpoints: EndpointsStore;
  readonly messages: MessagesStore;
  readonly deliveryQueue: Pick<BatchingQueueSender, 'sendEach'>;
  readonly messageRetentionDays: number;
  readonly now: () => Date;
  /** Endpoint health counters (stats-store.ts); absent, nothing is counted. */
  readonly stats?: StatsStore;
  /**
   * The endpoints' admission states (circuit, slow-down): a task for an endpoint admission would defer
   * is queued with that delay already. Absent, every task is queued to go at once.
   */
  readonly admission?: Pick<AdmissionStore, 'readMany'>;
  readonly random?: () => number;
}

export interface FanoutOutcome {
  readonly messageId: string;
  readonly duplicate: boolean;
  readonly tasks: number;
  readonly skipped: number;
  /** Tasks queued with a delay, their endpoint's circuit open or slowed down. */
  readonly delayed: number;
}

/** The body every endpoint receives, exactly as signed. */
export function messageBody(messageId: string, event: PlatformEvent): string {
  return JSON.stringify({ id: messageId, type: event.type, timestamp: event.occurredAt, data: event.data });
}

export async function fanOut(
  event: PlatformEvent,
  correlationId: string,
  deps: FanoutDependencies,
): Promise<FanoutOutcome> {
  const now = deps.now();
  const createdAt = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + deps.messageRetentionDays * 86_400;
  // An organisation's event reaches only its endpoints, a merchant's (federation) only the merchant's.
  const owner = eventOwner(event);
  const tenant = ownerFields(owner);
  const messageId = messageIdFor(ownerScope(owner), event.id);
  const candidate: StoredMessage = {
    messageId,
    ...tenant,
    eventId: event.id,
    eventType: event.type,
    occurredAt: event.occurredAt,
    body: messageBody(messageId, event),
    correlationId,
    createdAt,
    fanout: 'pending',
    expiresAt,
  };
  const { message } = await deps.messages.putMessage(candidate);
  if (message.fanout === 'complete') return { messageId, duplicate: true, tasks: 0, skipped: 0, delayed: 0 };

  const matching = (await deps.endpoints.list(owner)).filter((endpoint) =>
    matchesFilter(endpoint.eventTypes, event.type),
  );
  // Read while the delivery records are written: which endpoints admission would defer right now.
  const states = readAdmissionStates(matching, deps);
  const tasks: DeliveryTask[] = [];
  let skipped = 0;
  await Promise.all(
    matching.map(async (endpoint) => {
      const created = await deps.messages.putDeliveryIfAbsent(newDelivery(message, endpoint, createdAt));
      // Counted only by the fan-out that created the delivery; best effort, never failing the fan-out.
      if (created)
        await deps.stats
          ?.record(
            endpoint.endpointId,
            endpoint.enabled
              ? { kind: 'pending', delta: 1, createdAt: message.createdAt }
              : { kind: 'message', status: 'skipped' },
            now,
          )
          .catch(() => undefined);
      if (endpoint.enabled)
        tasks.push({
          messageId,
          ...tenant,
          endpointId: endpoint.endpointId,
          attempt: 1,
          trigger: 'scheduled',
          correlationId,
        });
      else skipped += 1;
    }),
  );
  const delayed = await enqueueTasks(tasks, await states, deps, now);
  await deps.messages.markFanoutComplete(messageId);
  return { messageId, duplicate: false, tasks: tasks.length, skipped, delayed };
}

function readAdmissionStates(
  endpoints: readonly { readonly endpointId: string; readonly enabled: boolean }[],
  deps: FanoutDependencies,
): Promise<ReadonlyMap<string, AdmissionState> | undefined> {
  const enabled = endpoints.filter((endpoint) => endpoint.enabled).map((endpoint) => endpoint.endpointId);
  if (!deps.admission || enabled.length === 0) return Promise.resolve(undefined);
  // Best effort: without the states every task goes at once, and admission defers it as before.
  return deps.admission.readMany(enabled).catch(() => undefined);
}

/**
 * Queues the tasks ten to a SendMessageBatch, each delayed as admission would defer it now (an open
 * circuit, a slow-down); answers how many were delayed. A task the queue refuses fails the fan-out,
 * which SQS then retries (deliveries already written are not written twice).
 */
async function enqueueTasks(
  tasks: readonly DeliveryTask[],
  states: ReadonlyMap<string, AdmissionState> | undefined,
  deps: FanoutDependencies,
  now: Date,
): Promise<number> {
  const random = deps.random ?? Math.random;
  const messages = tasks.map((task) => {
    const state = states?.get(task.endpointId);
    const delayMs = state ? gateDelayMs(state, now.getTime(), random) : 0;
    return delayMs > 0 ? deferredTaskMessage(task, delayMs, now) : { body: JSON.stringify(task), delaySeconds: 0 };
  });
  const queue = coalesceSends(deps.deliveryQueue);
  await Promise.all(messages.map((message) => queue.send(message)));
  return messages.filter((message) => message.delaySeconds > 0).length;
}

/**
 * The delivery of a message to one endpoint as fan-out (or a test send) first writes it: pending and
 * due at once, or skipped when the endpoint is disabled; owned as its message is.
 */
export function newDelivery(
  message: StoredMessage,
  endpoint: { readonly endpointId: string; readonly enabled: boolean },
  now: string,
): Delivery {
  return {
    messageId: message.messageId,
    endpointId: endpoint.endpointId,
    orgId: message.orgId,
    ...(message.merchantId !== undefined && { merchantId: message.merchantId }),
    eventType: message.eventType,
    status: endpoint.enabled ? 'pending' : 'skipped',
    attempts: 0,
    lastAttemptAt: null,
    nextAttemptAt: endpoint.enabled ? now : null,
    createdAt: message.createdAt,
    updatedAt: now,
    expiresAt: message.expiresAt,
  };
}
