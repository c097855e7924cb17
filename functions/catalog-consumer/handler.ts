import { createDocumentClient, createSecretsManagerClient, createSqsClient } from '../../shared/platform/aws/clients';
import { inboundLoggingFor } from '../../shared/inbound/log/inbound-logging';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { createSquareCatalogClient } from '../../shared/catalog/square-catalog-client';
import { loadCatalogConsumerConfig, loadInboundLogConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { QUEUES } from '../../shared/platform/topology';
import { createCatalogConsumer } from './catalog-consumer';

const config = loadCatalogConsumerConfig();
const documents = createDocumentClient();
const accessTokens =
  config.squareAccessToken &&
  createSecretList({ location: config.squareAccessToken, client: createSecretsManagerClient });

export const handler = createCatalogConsumer({
  store: createCatalogStore(documents, config.catalogTable),
  connections: createConnectionsStore(documents, config.connectionsTable),
  squareCatalog:
    accessTokens &&
    createSquareCatalogClient({
      accessToken: async () => (await accessTokens.current())[0] as string,
      baseUrl: config.squareApiBaseUrl,
    }),
  events: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  now: () => new Date(),
  observability: createObservability('catalog-consumer'),
  maxReceiveCount: QUEUES.catalog.maxReceiveCount,
  inboundLog: inboundLoggingFor(documents, loadInboundLogConfig()),
});
