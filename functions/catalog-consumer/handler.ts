import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { inboundLoggingFor } from '../../shared/inbound/log/inbound-logging';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { createSquareCatalogClient } from '../../shared/catalog/square-catalog-client';
import { loadCatalogConsumerConfig, loadInboundLogConfig } from '../../shared/platform/config';
import { createConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createOAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { alertSinkFor } from '../../shared/platform/alerts';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { ConfigurationError } from '../../shared/platform/errors';
import { createObservability } from '../../shared/platform/observability';
import { providerEndpoint } from '../../shared/platform/provider-endpoints';
import { createSecretList, firstSecret } from '../../shared/platform/secrets';
import { QUEUES } from '../../shared/platform/topology';
import { createCatalogConsumer } from './catalog-consumer';

const config = loadCatalogConsumerConfig();
const documents = createDocumentClient();
const observability = createObservability('catalog-consumer');
const now = () => new Date();
const accessTokens =
  config.squareAccessToken && createSecretList({ location: config.squareAccessToken, read: sdkSecretReader() });
const oauthStore = createOAuthTokenStore(documents, config.connectionsTable);
// Decrypt only: Square tokens are refreshed by the scheduled refresher, never here.
const oauthTokens =
  config.endpointSecretsKey &&
  createConnectionTokens({
    store: oauthStore,
    cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
    refresher: {
      refresh: () => Promise.reject(new ConfigurationError('The catalog consumer does not refresh tokens')),
    },
    now,
  });
const connections = createConnectionsStore(documents, config.connectionsTable);

export const handler = createCatalogConsumer({
  store: createCatalogStore(documents, config.catalogTable),
  connections,
  squareCatalog:
    accessTokens &&
    createSquareCatalogClient({
      accessToken: firstSecret(accessTokens),
      baseUrl: providerEndpoint('square'),
    }),
  squareCatalogOf: async (merchantId) => {
    const token = await oauthTokens?.currentAccessToken('square', merchantId);
    return token === undefined
      ? undefined
      : createSquareCatalogClient({ accessToken: async () => token, baseUrl: providerEndpoint('square') });
  },
  lifecycle: {
    connections,
    deleteToken: (provider, account) => oauthStore.deleteToken(provider, account),
    alerts:
      config.opsTable === undefined
        ? undefined
        : alertSinkFor({ ...config, opsTable: config.opsTable }, documents, observability),
  },
  events: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  now,
  observability,
  maxReceiveCount: QUEUES.catalog.maxReceiveCount,
  inboundLog: inboundLoggingFor(documents, loadInboundLogConfig()),
});
