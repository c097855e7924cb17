import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Emulators } from '../../infra/local/emulators';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender, type QueueSender } from '../../shared/platform/aws/queue';
import { createLocalCipher, type SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { createAlertSink } from '../../shared/platform/alerts';
import { createObservability } from '../../shared/platform/observability';
import type { DeliveryDependencies, DeliverySettings } from '../../shared/outbound/deliver';
import type { DeliveryTask } from '../../shared/outbound/delivery-task';
import { newEndpointRecord, type Endpoint } from '../../shared/outbound/endpoint';
import { createDeliveryContextReader } from '../../shared/outbound/delivery-context';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createSigningKeys } from '../../shared/outbound/signing-keys';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { ipPolicyFrom } from '../../shared/outbound/transport/ip-policy';

/**
 * The delivery path's real parts for tests that call `deliver()` (or the delivery consumer) directly:
 * stores on dynalite, queues on fauxqs with every send recorded, real HTTP on loopback, and helpers
 * that create an endpoint and its messages.
 */

export interface SentTask {
  readonly task: DeliveryTask;
  readonly delaySeconds: number | undefined;
  readonly queue: 'delivery';
}

export interface DeliveryHarness {
  /** Without stats: a consumer built on them brings its own batch recorder. */
  readonly deps: Omit<DeliveryDependencies, 'stats'>;
  readonly documents: ReturnType<typeof createDocumentClient>;
  readonly sqs: SQSClient;
  /** Encrypts the endpoints' signing secrets (and decrypts them for `deps.signingKeys`). */
  readonly cipher: SecretCipher;
  readonly sent: SentTask[];
  /** An enabled endpoint with one signing secret. */
  addEndpoint(orgId: string, url: string, fields?: Partial<Endpoint>): Promise<Endpoint>;
  /** A stored message with a pending delivery to the endpoint, and its first task. */
  addMessage(endpoint: Endpoint, messageId: string): Promise<DeliveryTask>;
}

const cipher = createLocalCipher('test-key-material-for-delivery-harness');

export function createDeliveryHarness(
  emulators: Emulators,
  options: { settings?: Partial<DeliverySettings>; now?: () => Date } = {},
): DeliveryHarness {
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    AWS_REGION: emulators.region,
  };
  const documents = createDocumentClient(env);
  const sqs = createSqsClient(env);
  const now = options.now ?? (() => new Date());
  const sent: SentTask[] = [];
  const recording = (queueUrl: string, queue: SentTask['queue']): QueueSender => {
    const real = createQueueSender(sqs, queueUrl);
    return {
      send: async (body, sendOptions) => {
        sent.push({ task: JSON.parse(body) as DeliveryTask, delaySeconds: sendOptions?.delaySeconds, queue });
        return real.send(body, sendOptions);
      },
      sendBatch: (bodies) => real.sendBatch(bodies),
    };
  };
  const observability = createObservability('delivery-harness');
  observability.logger.setLogLevel('SILENT');
  const deps: Omit<DeliveryDependencies, 'stats'> = {
    endpoints: createEndpointsStore(documents, emulators.tables.webhooks),
    messages: createMessagesStore(documents, emulators.tables.webhooks),
    signingKeys: createSigningKeys(cipher),
    deliveryQueue: recording(emulators.queues.delivery.url, 'delivery'),
    context: createDeliveryContextReader(documents, emulators.tables.webhooks),
    alerts: createAlertSink({
      documents,
      tableName: emulators.tables.ops,
      retentionDays: 1,
      logger: observability.logger,
    }),
    post: postWebhook,
    settings: {
      policy: ipPolicyFrom('127.0.0.0/8'),
      allowHttp: true,
      timeoutMs: 2_000,
      scheduleMs: [60_000, 60_000, 60_000],
      disableAfterMs: 5 * 86_400_000,
      attemptRetentionDays: 1,
      ...options.settings,
    },
    random: () => 0.5,
    now,
  };

  return {
    deps,
    documents,
    sqs,
    cipher,
    sent,
    async addEndpoint(orgId, url, fields = {}) {
      const at = now().toISOString();
      const endpointId = fields.endpointId ?? `ep_${orgId}_${Math.random().toString(36).slice(2, 10)}`;
      const created = await newEndpointRecord(
        { owner: orgId, endpointId, url, description: '', eventTypes: ['*'], at },
        generateSigningSecret(),
        cipher,
      );
      const endpoint: Endpoint = { ...created, ...fields };
      await deps.endpoints.create(endpoint);
      return endpoint;
    },

    async addMessage(endpoint, messageId) {
      const at = now().toISOString();
      const { orgId, endpointId } = endpoint;
      await deps.messages.putMessage({
        messageId,
        orgId,
        eventId: `evt_${messageId}`,
        eventType: 'webhook.test',
        occurredAt: at,
        body: JSON.stringify({ id: messageId, type: 'webhook.test', timestamp: at, data: { message: 'x' } }),
        correlationId: 'corr',
        createdAt: at,
        fanout: 'complete',
        expiresAt: 0,
      });
      await deps.messages.putDeliveryIfAbsent({
        messageId,
        endpointId,
        orgId,
        eventType: 'webhook.test',
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
        expiresAt: 0,
      });
      return { messageId, orgId, endpointId, attempt: 1, trigger: 'scheduled', correlationId: 'corr' };
    },
  };
}
