import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { checkMerchantAccess, merchantPrincipalOf, type MerchantPrincipal, type Role } from './auth';
import { answerErrors } from './org-router';
import { problem } from './problem';
import type { HttpResult } from './responses';

/**
 * The JWT-protected `/v1/merchants/{merchantId}/…` API (Commerce Gateway merchants): as the org
 * router, but the token must carry `merchant_id` equal to the path's merchant. Another merchant — and
 * any organisation token — gets 404, so merchant ids cannot be probed.
 */

export interface MerchantRequest {
  readonly merchantId: string;
  readonly principal: MerchantPrincipal;
  readonly event: APIGatewayProxyEventV2;
}

export interface MerchantRoute {
  readonly role: Role;
  readonly handle: (request: MerchantRequest) => Promise<HttpResult>;
}

export function createMerchantRouter(routes: Record<string, MerchantRoute>, logger: Logger) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return problem(404, 'route_not_found', `No route for ${event.routeKey}`);
    const merchantId = event.pathParameters?.merchantId;
    const principal = merchantPrincipalOf(event);
    const access = checkMerchantAccess(principal, merchantId, route.role);
    if (access === 'unauthenticated' || !principal)
      return problem(401, 'unauthenticated', 'A valid bearer token with merchant_id and role claims is required');
    if (access === 'not_found' || !merchantId) return problem(404, 'not_found', 'No such merchant');
    if (access === 'forbidden') return problem(403, 'forbidden', `This needs the ${route.role} role`);
    return answerErrors(() => route.handle({ merchantId, principal, event }), event, logger);
  };
}
