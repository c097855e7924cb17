import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createProviderClients } from '../../shared/catalog/provider-clients';
import { createConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import { createOAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { alertSinkFor } from '../../shared/platform/alerts';
import { loadTokenRefreshConfig } from '../../shared/platform/config';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createTokenRefreshHandler } from './oauth-token-refresh';

const config = loadTokenRefreshConfig();
const documents = createDocumentClient();
const now = () => new Date();
const observability = createObservability('oauth-token-refresh');
const store = createOAuthTokenStore(documents, config.connectionsTable);

export const handler = createTokenRefreshHandler({
  store,
  tokens: createConnectionTokens({
    store,
    cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
    refresher: createProviderClients(config.oauth, sdkSecretReader(), now).refresher,
    now,
  }),
  alerts: alertSinkFor(config, documents, observability),
  now,
  observability,
});
