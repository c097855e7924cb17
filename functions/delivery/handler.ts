import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadDeliveryConfig } from '../../shared/config';
import { createSecretCipher } from '../../shared/crypto/secret-cipher';
import { createObservability } from '../../shared/observability';
import { alertSinkFor } from '../../shared/ops/alerts';
import { postWebhook } from '../../shared/outbound/http-delivery';
import { createEndpointsStore } from '../../shared/webhooks/endpoints-store';
import { createMessagesStore } from '../../shared/webhooks/messages-store';
import { createRecoveriesStore } from '../../shared/webhooks/recoveries-store';
import { createStatsStore } from '../../shared/webhooks/stats-store';
import { createSigningKeys } from '../../shared/webhooks/signing-keys';
import { createDeliveryConsumer } from './delivery-consumer';

const config = loadDeliveryConfig();
const observability = createObservability('delivery');
const documents = createDocumentClient();
const sqs = createSqsClient();

export const handler = createDeliveryConsumer({
  endpoints: createEndpointsStore(documents, config.webhooksTable),
  messages: createMessagesStore(documents, config.webhooksTable),
  signingKeys: createSigningKeys(createSecretCipher(config.endpointSecretsKey, createKmsClient)),
  deliveryQueue: createQueueSender(sqs, config.deliveryQueueUrl),
  deadLetterQueue: createQueueSender(sqs, config.deliveryDlqUrl),
  alerts: alertSinkFor(config, documents, observability),
  post: postWebhook,
  settings: config,
  random: Math.random,
  stats: createStatsStore(documents, config.webhooksTable),
  recoveries: createRecoveriesStore(documents, config.webhooksTable),
  now: () => new Date(),
  observability,
});
