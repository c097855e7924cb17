import { ownerRouter, type OwnerRequest, type OwnerRoute } from './owner-router';

/**
 * The JWT-protected `/v1/merchants/{merchantId}/…` API (Commerce Gateway merchants): the owner
 * router, where the token must carry `merchant_id` equal to the path's merchant. Another merchant — and
 * any organisation token — gets 404, so merchant ids cannot be probed.
 */

export type MerchantRequest = OwnerRequest<'merchantId'>;
export type MerchantRoute = OwnerRoute<MerchantRequest>;

export const createMerchantRouter = ownerRouter('merchantId', { claim: 'merchant_id', noun: 'merchant' });
