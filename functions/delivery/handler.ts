import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadDeliveryConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { alertSinkFor } from '../../shared/platform/alerts';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createStatsStore } from '../../shared/outbound/stats-store';
import { createSigningKeys } from '../../shared/outbound/signing-keys';
import { createAdmission } from '../../shared/outbound/admission/admission';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
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
  admission: createAdmission({
    store: createAdmissionStore(documents, config.webhooksTable),
    settings: { ...config.admission, attemptTimeoutMs: config.timeoutMs },
    now: () => new Date(),
    random: Math.random,
  }),
  observability,
});
