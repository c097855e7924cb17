import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { createProviderClients } from '../../shared/catalog/provider-clients';
import { SYNC_JOB_KIND } from '../../shared/catalog/provider-sync';
import { createProviderSyncStep } from '../../shared/catalog/provider-sync-steps';
import { createConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createOAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { inboundLogStoreFor } from '../../shared/inbound/log/inbound-logging';
import { INBOUND_REPLAY_JOB_KIND, inboundReplayStep } from '../../shared/inbound/log/replay-job';
import { replayQueuesFor } from '../../shared/inbound/log/replay-queues';
import { loadInboundLogConfig, loadJobWorkerConfig, loadProviderSyncConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import type { JobStep } from '../../shared/platform/jobs/job-runner';
import { createObservability } from '../../shared/platform/observability';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createRecoveryStep, RECOVERY_JOB_KIND } from '../../shared/outbound/recovery-job';
import { createJobWorker } from './job-worker';

const config = loadJobWorkerConfig();
const syncConfig = loadProviderSyncConfig();
const documents = createDocumentClient();
const sqs = createSqsClient();
const now = () => new Date();
const providers = createProviderClients(syncConfig.oauth, sdkSecretReader(), now);
const tokens = createConnectionTokens({
  store: createOAuthTokenStore(documents, syncConfig.connectionsTable),
  cipher: createSecretCipher(syncConfig.endpointSecretsKey, createKmsClient),
  refresher: providers.refresher,
  now,
});

/** Each job kind's step function, by kind. A kind's step is built here from its own clients and stores. */
const steps: Record<string, JobStep> = {
  [SYNC_JOB_KIND]: createProviderSyncStep({
    store: createCatalogStore(documents, syncConfig.catalogTable),
    events: createQueueSender(sqs, syncConfig.eventsQueueUrl),
    connections: createConnectionsStore(documents, syncConfig.connectionsTable),
    accessToken: (params) => tokens.accessToken(params.provider, params.account),
    shopify: providers.shopify?.client,
    square: providers.square?.catalog,
    now,
  }),
  [RECOVERY_JOB_KIND]: createRecoveryStep({
    recoveries: createRecoveriesStore(documents, config.webhooksTable),
    messages: createMessagesStore(documents, config.webhooksTable),
    deliveryQueue: createQueueSender(sqs, config.deliveryQueueUrl),
    pageSize: config.recoveryPageSize,
    now,
  }),
  [INBOUND_REPLAY_JOB_KIND]: inboundReplayStep({
    store: inboundLogStoreFor(documents, loadInboundLogConfig()),
    queues: replayQueuesFor(sqs),
  }),
};

export const handler = createJobWorker({
  jobs: createJobsStore(documents, config.jobsTable),
  queue: createQueueSender(sqs, config.jobsQueueUrl),
  steps,
  now,
  observability: createObservability('job-worker'),
});
