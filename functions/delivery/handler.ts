import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadDeliveryConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { alertSinkFor } from '../../shared/platform/alerts';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { createDeliveryContextReader } from '../../shared/outbound/delivery-context';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createStatsStore } from '../../shared/outbound/stats-store';
import { createSigningKeys } from '../../shared/outbound/signing-keys';
import { createDeliveryConsumer } from './delivery-consumer';

const config = loadDeliveryConfig();
const observability = createObservability('delivery');
const documents = createDocumentClient();
const sqs = createSqsClient();

export const handler = createDeliveryConsumer({
  endpoints: createEndpointsStore(documents, config.webhooksTable),
  messages: createMessagesStore(documents, config.webhooksTable),
  context: createDeliveryContextReader(documents, config.webhooksTable),
  signingKeys: createSigningKeys(createSecretCipher(config.endpointSecretsKey, createKmsClient)),
  deliveryQueue: createQueueSender(sqs, config.deliveryQueueUrl),
  alerts: alertSinkFor(config, documents, observability),
  post: postWebhook,
  settings: config,
  random: Math.random,
  stats: createStatsStore(documents, config.webhooksTable),
  recoveries: createRecoveriesStore(documents, config.webhooksTable),
  now: () => new Date(),
  observability,
});
