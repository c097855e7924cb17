import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { InvalidPayloadError } from '../errors';
import { checkMerchantAccess, merchantPrincipalOf, type MerchantPrincipal, type Role } from './auth';
import { RequestValidationError } from './org-router';
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
    try {
      return await route.handle({ merchantId, principal, event });
    } catch (error) {
      if (error instanceof RequestValidationError)
        return problem(
          error.status,
          error.status === 400 ? 'invalid_request' : 'validation_failed',
          error.message,
          error.errors,
        );
      if (error instanceof InvalidPayloadError)
        return problem(
          400,
          'invalid_request',
          error.message,
          error.issues.map((field) => ({ field, message: error.message })),
        );
      logger.error('API request failed', { error, routeKey: event.routeKey });
      return problem(500, 'internal_error', 'Something went wrong; try again');
    }
  };
}
