import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { loadDeliveryConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createDeliveryDependencies } from '../../shared/outbound/delivery-dependencies';
import { createDeliveryConsumer } from './delivery-consumer';

const config = loadDeliveryConfig();
const observability = createObservability('delivery');

export const handler = createDeliveryConsumer({
  ...createDeliveryDependencies({
    config,
    documents: createDocumentClient(),
    sqs: createSqsClient(),
    cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
    observability,
    now: () => new Date(),
  }),
  observability,
});
