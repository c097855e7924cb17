import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { loadDeliveryConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createDeliveryDependencies } from '../../shared/outbound/delivery-dependencies';
import { createAdmission } from '../../shared/outbound/admission/admission';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import { createDeliveryConsumer } from './delivery-consumer';

const config = loadDeliveryConfig();
const observability = createObservability('delivery');
const documents = createDocumentClient();

export const handler = createDeliveryConsumer({
  ...createDeliveryDependencies({
    config,
    documents,
    sqs: createSqsClient(),
    cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
    observability,
    now: () => new Date(),
  }),
  // Only the consumer is admission-controlled: test sends and resends answer their caller at once.
  admission: createAdmission({
    store: createAdmissionStore(documents, config.webhooksTable),
    settings: { ...config.admission, attemptTimeoutMs: config.timeoutMs },
    now: () => new Date(),
    random: Math.random,
  }),
  observability,
  table: { documents, tableName: config.webhooksTable },
});
