import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { checkMerchantAccess, merchantPrincipalOf, type MerchantPrincipal } from './auth';
import { createOwnerRouter, type Authorize, type OwnerRoute } from './owner-router';
import { problem } from './problem';

/**
 * The JWT-protected `/v1/merchants/{merchantId}/…` API (Commerce Gateway merchants): the owner
 * router, with the token must carry `merchant_id` equal to the path's merchant. Another merchant — and
 * any organisation token — gets 404, so merchant ids cannot be probed.
 */

export interface MerchantRequest {
  readonly merchantId: string;
  readonly principal: MerchantPrincipal;
  readonly event: APIGatewayProxyEventV2;
}

export type MerchantRoute = OwnerRoute<MerchantRequest>;

/** The merchant in the path, checked against the caller's token (`merchant_id`) and the route's role. */
const authorizeMerchant: Authorize<MerchantRequest> = (event, role) => {
  const merchantId = event.pathParameters?.merchantId;
  const principal = merchantPrincipalOf(event);
  const access = checkMerchantAccess(principal, merchantId, role);
  if (access === 'unauthenticated' || !principal)
    return {
      denied: problem(401, 'unauthenticated', 'A valid bearer token with merchant_id and role claims is required'),
    };
  if (access === 'not_found' || !merchantId) return { denied: problem(404, 'not_found', 'No such merchant') };
  if (access === 'forbidden') return { denied: problem(403, 'forbidden', `This needs the ${role} role`) };
  return { request: { merchantId, principal, event } };
};

export function createMerchantRouter(routes: Record<string, MerchantRoute>, logger: Logger) {
  return createOwnerRouter(routes, authorizeMerchant, logger);
}
