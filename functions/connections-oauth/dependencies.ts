import type { SyncParams } from '../../shared/catalog/provider-sync';
import type { ConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import type { ConnectionsStore } from '../../shared/inbound/connections/connections-store';
import type { OAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import type { ShopifyAdminClient } from '../../shared/inbound/connections/shopify-admin-client';
import type { SquareOAuthClient } from '../../shared/inbound/connections/square-oauth-client';
import type { QueueSender } from '../../shared/platform/aws/queue';
import type { JobsStore } from '../../shared/platform/jobs/jobs-store';
import type { Observability } from '../../shared/platform/observability';
import type { SecretList } from '../../shared/platform/secrets';

/** What the connections-oauth function is built from (handler.ts wires the real ones). */
export interface ConnectionsOauthDependencies {
  readonly connections: ConnectionsStore;
  readonly oauthStore: OAuthTokenStore;
  readonly tokens: ConnectionTokens;
  /** Undefined when no Shopify app is configured. */
  readonly shopify:
    | {
        readonly client: ShopifyAdminClient;
        readonly apiKey: string;
        readonly scopes: readonly string[];
        readonly shopBaseUrlTemplate: string;
        /** The app's client secrets (they sign the callback query). */
        readonly secrets: SecretList;
      }
    | undefined;
  readonly square:
    | {
        readonly client: SquareOAuthClient;
        readonly applicationId: string;
        readonly baseUrl: URL;
        /** The merchant a token belongs to (`GET /v2/merchants/me`). */
        readonly merchantOf: (accessToken: string) => Promise<string>;
      }
    | undefined;
  readonly startSync: (params: SyncParams) => Promise<{ jobId: string; started: boolean }>;
  readonly jobs: Pick<JobsStore, 'get'>;
  readonly catalogQueue: Pick<QueueSender, 'sendBatch'>;
  readonly settings: { readonly publicBaseUrl: string; readonly consoleUrl: string };
  readonly now: () => Date;
  readonly observability: Observability;
}
