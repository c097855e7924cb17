import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadWebhooksApiConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { alertSinkFor } from '../../shared/platform/alerts';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { createDeliveryContextReader } from '../../shared/outbound/delivery-context';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createSigningKeys } from '../../shared/outbound/signing-keys';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createStatsStore } from '../../shared/outbound/stats-store';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import { createWebhooksApiHandler } from './endpoints-api';

const config = loadWebhooksApiConfig();
const observability = createObservability('endpoints-api');
const documents = createDocumentClient();
const sqs = createSqsClient();
const cipher = createSecretCipher(config.endpointSecretsKey, createKmsClient);
const endpoints = createEndpointsStore(documents, config.webhooksTable);
const messages = createMessagesStore(documents, config.webhooksTable);
const stats = createStatsStore(documents, config.webhooksTable);
const recoveries = createRecoveriesStore(documents, config.webhooksTable);
const deliveryQueue = createQueueSender(sqs, config.deliveryQueueUrl);
const now = () => new Date();

export const handler = createWebhooksApiHandler({
  endpoints,
  messages,
  stats,
  recoveries,
  jobs: createJobsStore(documents, config.jobsTable),
  jobsQueue: createQueueSender(sqs, config.jobsQueueUrl),
  cipher,
  settings: config,
  now,
  observability,
  delivery: {
    endpoints,
    messages,
    context: createDeliveryContextReader(documents, config.webhooksTable),
    stats,
    signingKeys: createSigningKeys(cipher),
    deliveryQueue,
    recoveries,
    alerts: alertSinkFor(config, documents, observability),
    post: postWebhook,
    settings: config,
    random: Math.random,
    now,
  },
});
