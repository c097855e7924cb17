import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadWebhooksApiConfig } from '../../shared/config';
import { createSecretCipher } from '../../shared/crypto/secret-cipher';
import { createObservability } from '../../shared/observability';
import { alertSinkFor } from '../../shared/ops/alerts';
import { postWebhook } from '../../shared/outbound/http-delivery';
import { createEndpointsStore } from '../../shared/webhooks/endpoints-store';
import { createMessagesStore } from '../../shared/webhooks/messages-store';
import { createSigningKeys } from '../../shared/webhooks/signing-keys';
import { createRecoveriesStore } from '../../shared/webhooks/recoveries-store';
import { createStatsStore } from '../../shared/webhooks/stats-store';
import { createWebhooksApiHandler } from './webhooks-api';

const config = loadWebhooksApiConfig();
const observability = createObservability('webhooks-api');
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
  },
});
