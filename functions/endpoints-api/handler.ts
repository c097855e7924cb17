import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadWebhooksApiConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { alertSinkFor } from '../../shared/platform/alerts';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createSigningKeys } from '../../shared/outbound/signing-keys';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createStatsStore } from '../../shared/outbound/stats-store';
import { createOperationLimiter } from '../../shared/outbound/admission/org-operations';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
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
  cipher,
  settings: config,
  now,
  observability,
  admission: createAdmissionStore(documents, config.webhooksTable),
  operationLimits: createOperationLimiter(documents, config.webhooksTable, config.orgOperationsPerMinute, now),
  delivery: {
    endpoints,
    messages,
    stats,
    signingKeys: createSigningKeys(cipher),
    deliveryQueue,
    recoveries,
    deadLetterQueue: createQueueSender(sqs, config.deliveryDlqUrl),
    alerts: alertSinkFor(config, documents, observability),
    post: postWebhook,
    settings: config,
    random: Math.random,
    now,
    // Test sends and resends dial at once, even past an open circuit (they are how an operator checks
    // a fixed endpoint); the per-owner operation limits above bound them.
  },
});
