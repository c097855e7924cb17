import * as z from 'zod';
import { syncJobScope } from '../../shared/catalog/provider-sync';
import { normaliseShopDomain } from '../../shared/inbound/connections/connection-input';
import type { Provider } from '../../shared/inbound/connections/connections-store';
import { ProviderApiError } from '../../shared/inbound/connections/provider-http';
import {
  shopBaseUrl,
  shopifyAuthorizeUrl,
  squareAuthorizeUrl,
} from '../../shared/inbound/connections/oauth/authorize-urls';
import { shopifyAuthorizeSchema, squareAuthorizeSchema } from '../../shared/inbound/connections/oauth/oauth-inputs';
import { newOAuthState } from '../../shared/inbound/connections/oauth/oauth-state';
import { jobView } from '../../shared/platform/jobs/job';
import { routesOver } from '../../shared/platform/http/owner-router';
import { parseJsonBody, type OrgRequest, type OrgRoute } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, noContent, type HttpResult } from '../../shared/platform/http/responses';
import { heldElsewhere } from './connect-account';
import type { ConnectionsOauthDependencies } from './dependencies';

/**
 * The organisation's side of OAuth: an admin asks for the provider's consent URL (with a fresh,
 * single-use state bound to the org, the user and, for Shopify, the shop), reads the initial sync's
 * progress, and disconnects (revoking the token at Square first).
 */

const providerSchema = z.enum(['square', 'shopify']);
const NO_STORE = { 'cache-control': 'no-store' } as const;

const notConfigured = (provider: Provider) =>
  problem(
    503,
    `${provider}_not_configured`,
    `No ${provider === 'shopify' ? 'Shopify app' : 'Square application'} is configured on this platform`,
  );
const connectedElsewhere = () =>
  problem(
    409,
    'account_connected_elsewhere',
    'This account is connected to another organisation; disconnect it there first',
  );
const connectionNotFound = () => problem(404, 'connection_not_found', 'No such connection');

export function createOrgRoutes(deps: ConnectionsOauthDependencies): Record<string, OrgRoute> {
  const route = routesOver(deps);
  return {
    'POST /v1/orgs/{orgId}/connections/shopify/authorize': route('admin', shopifyAuthorize),
    'POST /v1/orgs/{orgId}/connections/square/authorize': route('admin', squareAuthorize),
    'DELETE /v1/orgs/{orgId}/connections/{provider}': route('admin', disconnect),
    'GET /v1/orgs/{orgId}/connections/{provider}/sync': route('member', syncView),
  };
}

async function mintState(deps: ConnectionsOauthDependencies, request: OrgRequest, provider: Provider, shop?: string) {
  const state = newOAuthState({
    provider,
    orgId: request.orgId,
    subject: request.principal.subject,
    ...(shop !== undefined && { shop }),
    now: deps.now(),
  });
  await deps.oauthStore.putState(state);
  return state;
}

async function shopifyAuthorize(deps: ConnectionsOauthDependencies, request: OrgRequest): Promise<HttpResult> {
  const input = parseJsonBody(request.event, shopifyAuthorizeSchema);
  const shop = normaliseShopDomain(input.shop);
  if (!shop)
    return problem(422, 'validation_failed', 'Invalid request: shop', [
      { field: 'shop', message: 'must be a shop domain like example.myshopify.com' },
    ]);
  const app = deps.shopify;
  if (!app) return notConfigured('shopify');
  if (await heldElsewhere(deps.connections, 'shopify', shop, request.orgId)) return connectedElsewhere();
  const state = await mintState(deps, request, 'shopify', shop);
  const authorizeUrl = shopifyAuthorizeUrl({
    shopBaseUrl: shopBaseUrl(app.shopBaseUrlTemplate, shop),
    clientId: app.apiKey,
    scopes: app.scopes,
    redirectUri: `${deps.settings.publicBaseUrl}/oauth/shopify/callback`,
    state: state.nonce,
  });
  return json(200, { authorizeUrl, expiresAt: new Date(state.expiresAt * 1000).toISOString() }, NO_STORE);
}

async function squareAuthorize(deps: ConnectionsOauthDependencies, request: OrgRequest): Promise<HttpResult> {
  parseJsonBody(request.event, squareAuthorizeSchema);
  const app = deps.square;
  if (!app) return notConfigured('square');
  const state = await mintState(deps, request, 'square');
  const authorizeUrl = squareAuthorizeUrl({ baseUrl: app.baseUrl, clientId: app.applicationId, state: state.nonce });
  return json(200, { authorizeUrl, expiresAt: new Date(state.expiresAt * 1000).toISOString() }, NO_STORE);
}

/** Revokes at Square; a token Square no longer knows (401) counts as revoked. */
async function revokeAtSquare(deps: ConnectionsOauthDependencies, account: string): Promise<void> {
  if (!deps.square) return;
  let accessToken: string;
  try {
    accessToken = await deps.tokens.accessToken('square', account);
  } catch {
    return; // no usable token left to revoke
  }
  try {
    await deps.square.client.revoke(accessToken);
  } catch (error) {
    if (!(error instanceof ProviderApiError && error.status === 401)) throw error;
  }
}

async function disconnect(deps: ConnectionsOauthDependencies, { orgId, event }: OrgRequest): Promise<HttpResult> {
  const provider = providerSchema.safeParse(event.pathParameters?.provider);
  if (!provider.success) return connectionNotFound();
  const connection = await deps.connections.orgConnection(orgId, provider.data);
  if (!connection) return connectionNotFound();
  if (provider.data === 'square' && connection.state !== 'revoked') {
    try {
      await revokeAtSquare(deps, connection.account);
    } catch (error) {
      deps.observability.logger.error('Square did not revoke the token; the connection is kept', { orgId, error });
      return problem(502, 'revoke_failed', 'Square did not confirm the revocation; try again');
    }
  }
  await deps.tokens.delete(provider.data, connection.account);
  await deps.connections.disconnect(orgId, provider.data);
  deps.observability.logger.info('Provider disconnected', {
    orgId,
    provider: provider.data,
    account: connection.account,
  });
  return noContent();
}

async function syncView(deps: ConnectionsOauthDependencies, { orgId, event }: OrgRequest): Promise<HttpResult> {
  const provider = providerSchema.safeParse(event.pathParameters?.provider);
  if (!provider.success) return connectionNotFound();
  const connection = await deps.connections.orgConnection(orgId, provider.data);
  const job = connection?.syncJobId ? await deps.jobs.get(syncJobScope(orgId), connection.syncJobId) : undefined;
  if (!connection || !job) return problem(404, 'sync_not_found', 'No sync has run for this connection');
  return json(200, { ...jobView(job), provider: provider.data, account: connection.account });
}
