import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createOrgRouter, requestFailure } from '../../shared/platform/http/org-router';
import type { HttpResult } from '../../shared/platform/http/responses';
import { createCallbacks } from './callbacks';
import type { ConnectionsOauthDependencies } from './dependencies';
import { createInternalConnect } from './internal-connect';
import { createOrgRoutes } from './org-routes';

/**
 * Connecting Shopify shops and Square merchants by proving ownership (OAuth): the org routes (JWT),
 * the providers' callbacks (no JWT: proven by HMAC and state) and the operator's attach route (IAM).
 */
export function createConnectionsOauthHandler(
  deps: ConnectionsOauthDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const { logger } = deps.observability;
  const orgRouter = createOrgRouter(createOrgRoutes(deps), logger);
  const callbacks = createCallbacks(deps);
  const internalConnect = createInternalConnect(deps);

  async function internal(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    try {
      return await internalConnect(event);
    } catch (error) {
      return requestFailure(error, event, logger);
    }
  }

  const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<HttpResult>> = {
    'GET /oauth/shopify/callback': callbacks.shopify,
    'GET /oauth/square/callback': callbacks.square,
    'POST /internal/connections': internal,
  };

  return async (event) => {
    try {
      return await (routes[event.routeKey] ?? orgRouter)(event);
    } finally {
      deps.observability.metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
