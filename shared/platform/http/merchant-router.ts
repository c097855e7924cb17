import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { checkMerchantAccess, merchantPrincipalOf, type MerchantPrincipal } from './auth';
import { createOwnerRouter, ownerAuthorizer, type OwnerRoute } from './owner-router';

/**
 * The JWT-protected `/v1/merchants/{merchantId}/…` API (Commerce Gateway merchants): the owner
 * router, where the token must carry `merchant_id` equal to the path's merchant. Another merchant — and
 * any organisation token — gets 404, so merchant ids cannot be probed.
 */

export interface MerchantRequest {
  readonly merchantId: string;
  readonly principal: MerchantPrincipal;
  readonly event: APIGatewayProxyEventV2;
}

export type MerchantRoute = OwnerRoute<MerchantRequest>;

const authorizeMerchant = ownerAuthorizer({
  pathParameter: 'merchantId',
  principalOf: merchantPrincipalOf,
  checkAccess: checkMerchantAccess,
  names: { claim: 'merchant_id', noun: 'merchant' },
  request: (merchantId, principal: MerchantPrincipal, event): MerchantRequest => ({ merchantId, principal, event }),
});

export function createMerchantRouter(routes: Record<string, MerchantRoute>, logger: Logger) {
  return createOwnerRouter(routes, authorizeMerchant, logger);
}
