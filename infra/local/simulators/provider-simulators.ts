import { ENV } from '../../../shared/platform/topology';
import { startShopifySimulator, type ShopifySimulator } from './shopify-simulator';
import { startSquareSimulator, type SquareSimulator } from './square-simulator';

/**
 * The Shopify and Square simulators the local runtime starts when no real app is configured
 * (SHOPIFY_API_KEY / SQUARE_APPLICATION_ID unset), and the variables that point the functions at them.
 * With real app credentials set, nothing starts and the functions talk to the real providers.
 */

export const DEV_SHOPIFY_API_KEY = 'local-development-shopify-api-key';
export const DEV_SQUARE_APPLICATION_ID = 'sandbox-sq0idb-local-development';
export const DEV_SQUARE_APPLICATION_SECRET = 'local-development-square-application-secret-do-not-use-in-production';

export interface ProviderSimulators {
  readonly shopify: ShopifySimulator | undefined;
  readonly square: SquareSimulator | undefined;
  /** Variables for the functions: app ids and secrets, and the simulators' base URLs. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

export async function startProviderSimulators(input: {
  readonly env: Env;
  readonly publicBaseUrl: string;
  readonly shopifyApiSecret: string;
  readonly squareSignatureKey: string;
  readonly squareNotificationUrl: string;
}): Promise<ProviderSimulators> {
  const set = (name: string) => (input.env[name]?.trim() ?? '') !== '';
  const env: Record<string, string> = {};
  let shopify: ShopifySimulator | undefined;
  let square: SquareSimulator | undefined;
  if (!set(ENV.shopifyApiKey)) {
    shopify = await startShopifySimulator({
      apiKey: DEV_SHOPIFY_API_KEY,
      apiSecret: input.shopifyApiSecret,
      complianceUrl: `${input.publicBaseUrl}/api/webhooks/shopify`,
    });
    env[ENV.shopifyApiKey] = DEV_SHOPIFY_API_KEY;
    env[ENV.shopifyShopBaseUrlTemplate] = shopify.shopBaseUrlTemplate;
  }
  if (!set(ENV.squareApplicationId)) {
    square = await startSquareSimulator({
      applicationId: DEV_SQUARE_APPLICATION_ID,
      applicationSecret: DEV_SQUARE_APPLICATION_SECRET,
      redirectUrl: `${input.publicBaseUrl}/oauth/square/callback`,
      signatureKey: input.squareSignatureKey,
      notificationUrl: input.squareNotificationUrl,
    });
    env[ENV.squareApplicationId] = DEV_SQUARE_APPLICATION_ID;
    env[ENV.squareApplicationSecret] = DEV_SQUARE_APPLICATION_SECRET;
    env[ENV.squareEnvironment] = 'sandbox';
    env[ENV.squareBaseUrl] = square.url;
    // The catalog consumer's pull reads the same simulated merchant.
    if (!set(ENV.squareApiBaseUrl)) env[ENV.squareApiBaseUrl] = square.url;
  }
  return {
    shopify,
    square,
    env,
    close: async () => {
      await Promise.all([shopify?.close(), square?.close()]);
    },
  };
}
