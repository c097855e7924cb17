import { ReceiveMessageCommand, DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Emulators } from '../../infra/local/emulators';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { deliver, type DeliveryDependencies } from '../../shared/outbound/deliver';
import { deliveryTaskSchema, type DeliveryTask } from '../../shared/outbound/delivery-task';
import { secretContext, type Endpoint } from '../../shared/outbound/endpoint';
import { createRecoveriesStore, type RecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createStatsStore, type StatsStore } from '../../shared/outbound/stats-store';
import { createDeliveryHarness } from './delivery-harness';

/**
 * The outbound side against the emulators with real clients, for tests that drive the delivery path
 * by hand: stores, `deliver()` dependencies with a clock the test moves, seeding of endpoints and
 * failed or pending deliveries, and a "delivery worker" that drains the real delivery queue.
 */
export interface DeliveryWorld {
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly deps: DeliveryDependencies;
  readonly cipher: SecretCipher;
  readonly stats: StatsStore;
  readonly recoveries: RecoveriesStore;
  clock: Date;
  endpoint(orgId: string, url: string, endpointId?: string): Promise<Endpoint>;
  /** A message routed to the endpoint, its delivery stored with `status` (pending ones get attempts 0). */
  delivery(
    endpoint: Endpoint,
    index: number,
    status: 'pending' | 'failed' | 'skipped',
    createdAt?: string,
  ): Promise<DeliveryTask>;
  /** Receives every task on the delivery queue (waiting out none), deleting them; with `run`, delivers each. */
  drainDeliveries(options?: { run?: boolean }): Promise<DeliveryTask[]>;
}

export function createDeliveryWorld(emulators: Emulators, start = new Date('2026-11-20T00:00:00Z')): DeliveryWorld {
  const harness = createDeliveryHarness(emulators, {
    now: () => world.clock,
    settings: { scheduleMs: [1_000], attemptRetentionDays: 30 },
  });
  const { documents, sqs, cipher } = harness;
  const stats = createStatsStore(documents, emulators.tables.webhooks);
  const recoveries = createRecoveriesStore(documents, emulators.tables.webhooks);
  const world: DeliveryWorld = {
    documents,
    sqs,
    cipher,
    stats,
    recoveries,
    clock: start,
    deps: { ...harness.deps, stats, recoveries },

    async endpoint(orgId, url, endpointId = `ep_${orgId}`) {
      const at = world.clock.toISOString();
      const secret = await cipher.encrypt(generateSigningSecret(), secretContext({ orgId, endpointId }));
      const endpoint: Endpoint = {
        endpointId,
        orgId,
        url,
        description: '',
        eventTypes: ['*'],
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        secrets: [{ ciphertext: secret, createdAt: at, expiresAt: null }],
        createdAt: at,
        updatedAt: at,
        failingSince: null,
        lastSuccessAt: null,
        lastFailureAt: null,
      };
      await world.deps.endpoints.create(endpoint);
      return endpoint;
    },

    async delivery(endpoint, index, status, createdAt = world.clock.toISOString()) {
      const messageId = `msg_${endpoint.endpointId}_${String(index).padStart(4, '0')}`;
      const body = JSON.stringify({ id: messageId, type: 'webhook.test', timestamp: createdAt, data: { index } });
      await world.deps.messages.putMessage({
        messageId,
        orgId: endpoint.orgId,
        eventId: `evt_${messageId}`,
        eventType: 'webhook.test',
        occurredAt: createdAt,
        body,
        correlationId: 'corr',
        createdAt,
        fanout: 'complete',
        expiresAt: 0,
      });
      await world.deps.messages.putDeliveryIfAbsent({
        messageId,
        endpointId: endpoint.endpointId,
        orgId: endpoint.orgId,
        eventType: 'webhook.test',
        status,
        attempts: status === 'pending' ? 0 : 1,
        lastAttemptAt: status === 'pending' ? null : createdAt,
        nextAttemptAt: status === 'pending' ? createdAt : null,
        createdAt,
        updatedAt: createdAt,
        expiresAt: 0,
        ...(status !== 'pending' && { failedAt: createdAt }),
      });
      return {
        messageId,
        orgId: endpoint.orgId,
        endpointId: endpoint.endpointId,
        attempt: 1,
        trigger: 'scheduled',
        correlationId: 'corr',
      };
    },

    async drainDeliveries({ run = false } = {}) {
      const tasks: DeliveryTask[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: emulators.queues.delivery.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) return tasks;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: emulators.queues.delivery.url,
            Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
        const batch = Messages.map((message) => deliveryTaskSchema.parse(JSON.parse(message.Body ?? '')));
        tasks.push(...batch);
        if (run) await Promise.all(batch.map((task) => deliver(task, world.deps)));
      }
    },
  };
  return world;
}
