import type { TokenRefresher } from '../inbound/connections/connection-tokens';
import { createShopifyAdminClient } from '../inbound/connections/shopify-admin-client';
import { createSquareOAuthClient } from '../inbound/connections/square-oauth-client';
import type { OauthAppsConfig } from '../platform/config';
import { ConfigurationError } from '../platform/errors';
import { createSecretList, firstSecret, type SecretReader } from '../platform/secrets';
import { createSquareCatalogClient, SQUARE_API_VERSION } from './square-catalog-client';

/**
 * The provider clients every OAuth user builds the same way from the one configuration: the
 * connections function, the sync steps, the scheduled refresher and the catalog consumer.
 */
export function createProviderClients(config: OauthAppsConfig, readSecret: SecretReader, now: () => Date) {
  const shopifyApp = config.shopify;
  const shopifySecrets = shopifyApp && createSecretList({ location: shopifyApp.apiSecret, read: readSecret });
  const shopify = shopifyApp &&
    shopifySecrets && {
      client: createShopifyAdminClient({
        apiKey: shopifyApp.apiKey,
        apiSecret: firstSecret(shopifySecrets),
        shopBaseUrlTemplate: shopifyApp.shopBaseUrlTemplate,
        now,
      }),
      apiKey: shopifyApp.apiKey,
      scopes: shopifyApp.scopes,
      shopBaseUrlTemplate: shopifyApp.shopBaseUrlTemplate,
      secrets: shopifySecrets,
    };

  const squareApp = config.square;
  const squareSecret = squareApp && createSecretList({ location: squareApp.applicationSecret, read: readSecret });
  const catalogPages = (baseUrl: URL) => (accessToken: string) =>
    createSquareCatalogClient({ accessToken: async () => accessToken, baseUrl });
  const square = squareApp &&
    squareSecret && {
      client: createSquareOAuthClient({
        applicationId: squareApp.applicationId,
        applicationSecret: firstSecret(squareSecret),
        baseUrl: squareApp.baseUrl,
        apiVersion: SQUARE_API_VERSION,
      }),
      applicationId: squareApp.applicationId,
      baseUrl: squareApp.baseUrl,
      /** Catalog and inventory pages read with one merchant's token. */
      catalog: catalogPages(squareApp.baseUrl),
      merchantOf: (accessToken: string) => catalogPages(squareApp.baseUrl)(accessToken).tokenMerchantId(),
    };

  const refresher: TokenRefresher = {
    async refresh(provider, account, refreshToken) {
      if (provider === 'shopify') {
        if (!shopify) throw new ConfigurationError('No Shopify app is configured to refresh a token with');
        return shopify.client.refresh(account, refreshToken);
      }
      if (!square) throw new ConfigurationError('No Square application is configured to refresh a token with');
      return square.client.refresh(refreshToken);
    },
  };

  return { shopify, square, refresher };
}
