import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { startProviderSync } from '../../shared/catalog/provider-sync';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createOAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { createProviderClients } from '../../shared/catalog/provider-clients';
import { createConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import { loadConnectionsOauthConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import { createObservability } from '../../shared/platform/observability';
import { createConnectionsOauthHandler } from './connections-oauth';

const config = loadConnectionsOauthConfig();
const documents = createDocumentClient();
const sqs = createSqsClient();
const now = () => new Date();
const oauthStore = createOAuthTokenStore(documents, config.connectionsTable);
const providers = createProviderClients(config.oauth, sdkSecretReader(), now);
const jobsQueue = createQueueSender(sqs, config.jobs.jobsQueueUrl);
const jobs = createJobsStore(documents, config.jobs.jobsTable);

export const handler = createConnectionsOauthHandler({
  connections: createConnectionsStore(documents, config.connectionsTable),
  oauthStore,
  tokens: createConnectionTokens({
    store: oauthStore,
    cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
    refresher: providers.refresher,
    now,
  }),
  shopify: providers.shopify,
  square: providers.square,
  startSync: (params) =>
    startProviderSync({ jobs, queue: jobsQueue, now, retentionDays: config.jobs.jobRetentionDays }, params),
  jobs,
  catalogQueue: createQueueSender(sqs, config.catalogQueueUrl),
  settings: config.oauth,
  now,
  observability: createObservability('connections-oauth'),
});
