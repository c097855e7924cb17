import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { alertSinkFor } from '../platform/alerts';
import { coalesceSends } from '../platform/aws/coalesced-sends';
import { createQueueSender } from '../platform/aws/queue';
import type { DeliveryConfig } from '../platform/config';
import type { SecretCipher } from '../platform/crypto/secret-cipher';
import type { Observability } from '../platform/observability';
import type { DeliveryDependencies } from './deliver';
import { createDeliveryContextReader } from './delivery-context';
import { createEndpointsStore, type EndpointsStore } from './endpoints-store';
import { createMessagesStore, type MessagesStore } from './messages-store';
import { createRecoveriesStore, type RecoveriesStore } from './recoveries-store';
import { createSigningKeys } from './signing-keys';
import { createStatsStore, type StatsStore } from './stats-store';
import { postWebhook } from './transport/http-delivery';

/** The clients and settings a function already has; what `deliver()` needs is built from them. */
export interface DeliveryWiring {
  readonly config: DeliveryConfig;
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly cipher: SecretCipher;
  readonly observability: Observability;
  readonly now: () => Date;
}

/** Delivery's dependencies with every store present, so a caller can share them (the endpoints API does). */
export interface WiredDeliveryDependencies extends DeliveryDependencies {
  readonly stats: StatsStore;
  readonly recoveries: RecoveriesStore;
  readonly endpoints: EndpointsStore;
  readonly messages: MessagesStore;
}

/**
 * The one place delivery is wired to real stores, queues, keys and the HTTP sender: the delivery
 * consumer and the endpoints API's test sends and resends both deliver through what this builds.
 */
export function createDeliveryDependencies(wiring: DeliveryWiring): WiredDeliveryDependencies {
  const { config, documents, sqs, observability } = wiring;
  const deliveryQueue = createQueueSender(sqs, config.deliveryQueueUrl);
  return {
    endpoints: createEndpointsStore(documents, config.webhooksTable),
    messages: createMessagesStore(documents, config.webhooksTable),
    context: createDeliveryContextReader(documents, config.webhooksTable),
    stats: createStatsStore(documents, config.webhooksTable),
    recoveries: createRecoveriesStore(documents, config.webhooksTable),
    signingKeys: createSigningKeys(wiring.cipher),
    deliveryQueue,
    deferrals: coalesceSends(deliveryQueue),
    alerts: alertSinkFor(config, documents, observability),
    post: postWebhook,
    settings: config,
    random: Math.random,
    now: wiring.now,
  };
}
