import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { loadWebhooksApiConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import { createObservability } from '../../shared/platform/observability';
import { createDeliveryDependencies } from '../../shared/outbound/delivery-dependencies';
import { createOperationLimiter } from '../../shared/outbound/admission/org-operations';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import { createWebhooksApiHandler } from './endpoints-api';

const config = loadWebhooksApiConfig();
const observability = createObservability('endpoints-api');
const documents = createDocumentClient();
const sqs = createSqsClient();
const cipher = createSecretCipher(config.endpointSecretsKey, createKmsClient);
const now = () => new Date();
// Test sends and resends deliver exactly as the delivery consumer does, over the same stores.
const delivery = createDeliveryDependencies({ config, documents, sqs, cipher, observability, now });

export const handler = createWebhooksApiHandler({
  endpoints: delivery.endpoints,
  messages: delivery.messages,
  stats: delivery.stats,
  recoveries: delivery.recoveries,
  // Recoveries run as durable jobs.
  jobs: createJobsStore(documents, config.jobsTable),
  jobsQueue: createQueueSender(sqs, config.jobsQueueUrl),
  cipher,
  settings: config,
  now,
  observability,
  admission: createAdmissionStore(documents, config.webhooksTable),
  operationLimits: createOperationLimiter(documents, config.webhooksTable, config.orgOperationsPerMinute, now),
  // Test sends and resends dial at once, even past an open circuit (they are how an operator checks a
  // fixed endpoint); the per-owner operation limits above bound them.
  delivery,
});
