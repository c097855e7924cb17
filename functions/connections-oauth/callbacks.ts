import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { normaliseShopDomain } from '../../shared/inbound/connections/connection-input';
import type { Provider } from '../../shared/inbound/connections/connections-store';
import { consoleRedirect } from '../../shared/inbound/connections/oauth/authorize-urls';
import { isStateNonce, stateProblem, type OAuthState } from '../../shared/inbound/connections/oauth/oauth-state';
import { shopifyCallbackProblem } from '../../shared/inbound/connections/oauth/shopify-callback';
import type { TokenGrant } from '../../shared/inbound/connections/token-grant';
import type { HttpResult } from '../../shared/platform/http/responses';
import { connectAccount, heldElsewhere } from './connect-account';
import type { ConnectionsOauthDependencies } from './dependencies';

/**
 * `GET /oauth/shopify/callback` and `GET /oauth/square/callback`: the browser comes back from the
 * provider's consent page. Nothing here trusts the request until it is proven: Shopify's query HMAC
 * and fresh timestamp, then the single-use state (taken, so a replay finds nothing), then the code is
 * exchanged with the provider, whose answer says which account it is. Every outcome sends the browser
 * back to the console with `?connected=<provider>` or `?error=<code>`; on an error nothing is stored.
 */

class CallbackRefused extends Error {
  constructor(
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(code, options);
  }
}

function queryOf(event: APIGatewayProxyEventV2): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(event.rawQueryString ?? ''));
}

async function takeState(
  deps: ConnectionsOauthDependencies,
  nonce: string | undefined,
  provider: Provider,
  shop?: string,
) {
  const state: OAuthState | undefined = isStateNonce(nonce) ? await deps.oauthStore.takeState(nonce) : undefined;
  const problem = stateProblem(state, { provider, ...(shop !== undefined && { shop }) }, deps.now());
  if (problem || !state) throw new CallbackRefused(problem ?? 'unknown_state');
  return state;
}

async function exchange<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new CallbackRefused('token_exchange_failed', { cause: error });
  }
}

export function createCallbacks(deps: ConnectionsOauthDependencies) {
  const { logger } = deps.observability;

  function redirect(outcome: { connected: string } | { error: string }): HttpResult {
    return {
      statusCode: 302,
      headers: { location: consoleRedirect(deps.settings.consoleUrl, outcome), 'cache-control': 'no-store' },
      body: '',
    };
  }

  async function finish(orgId: string, provider: Provider, account: string, grant: TokenGrant): Promise<HttpResult> {
    const outcome = await connectAccount(deps, { orgId, provider, account, grant });
    if (outcome.status === 'conflict') throw new CallbackRefused('account_connected_elsewhere');
    logger.info('Provider connected by OAuth', { orgId, provider, account, syncJobId: outcome.syncJobId });
    return redirect({ connected: provider });
  }

  async function shopify(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const app = deps.shopify;
    if (!app) throw new CallbackRefused('shopify_not_configured');
    const query = queryOf(event);
    const signed = shopifyCallbackProblem(query, await app.secrets.current(), deps.now());
    if (signed) throw new CallbackRefused(signed === 'stale_timestamp' ? 'stale_request' : 'invalid_signature');
    const shop = normaliseShopDomain(query.shop ?? '');
    if (!shop) throw new CallbackRefused('invalid_shop');
    const state = await takeState(deps, query.state, 'shopify', shop);
    if (!query.code) throw new CallbackRefused('missing_code');
    if (await heldElsewhere(deps.connections, 'shopify', shop, state.orgId))
      throw new CallbackRefused('account_connected_elsewhere');
    const grant = await exchange(() => app.client.exchangeCode(shop, query.code as string));
    try {
      await app.client.registerWebhooks(shop, grant.accessToken, `${deps.settings.publicBaseUrl}/api/webhooks/shopify`);
    } catch (error) {
      logger.error('Shopify webhook subscriptions could not be registered; nothing was stored', { shop, error });
      throw new CallbackRefused('webhook_registration_failed');
    }
    return finish(state.orgId, 'shopify', shop, grant);
  }

  async function square(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const app = deps.square;
    if (!app) throw new CallbackRefused('square_not_configured');
    const query = queryOf(event);
    const state = await takeState(deps, query.state, 'square');
    // The seller declined on Square's page.
    if (query.error) throw new CallbackRefused(query.error === 'access_denied' ? 'access_denied' : 'provider_error');
    if (!query.code) throw new CallbackRefused('missing_code');
    const grant = await exchange(() => app.client.exchangeCode(query.code as string));
    // The merchant is the one Square's token answer names, never one from the request.
    return finish(state.orgId, 'square', grant.merchantId, grant);
  }

  const wrap =
    (provider: Provider, handle: (event: APIGatewayProxyEventV2) => Promise<HttpResult>) =>
    async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
      try {
        return await handle(event);
      } catch (error) {
        if (!(error instanceof CallbackRefused)) {
          logger.error('OAuth callback failed', { provider, error });
          return redirect({ error: 'internal_error' });
        }
        logger.warn('OAuth callback refused', { provider, reason: error.code, cause: error.cause });
        return redirect({ error: error.code });
      }
    };

  return { shopify: wrap('shopify', shopify), square: wrap('square', square) };
}
