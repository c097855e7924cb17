import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { normaliseShopDomain } from '../../shared/inbound/connections/connection-input';
import {
  internalConnectionSchema,
  type InternalConnectionInput,
} from '../../shared/inbound/connections/oauth/oauth-inputs';
import { ProviderApiError } from '../../shared/inbound/connections/provider-http';
import { parseJsonBody, RequestValidationError } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { connectAccount } from './connect-account';
import type { ConnectionsOauthDependencies } from './dependencies';

/**
 * `POST /internal/connections` (IAM): an operator attaches an account that already granted the app
 * access (a migration), with the provider's token. The account is never taken from the request: the
 * platform asks the provider whose token it is (Shopify: the shop it answers for; Square: the
 * merchant `GET /v2/merchants/me` names) before anything is saved.
 */

type EventWithIam = APIGatewayProxyEventV2 & { requestContext: { authorizer?: { iam?: { userArn?: string } } } };

export function createInternalConnect(deps: ConnectionsOauthDependencies) {
  const { logger } = deps.observability;

  async function accountOf(input: InternalConnectionInput): Promise<string | HttpResult> {
    if (input.provider === 'square') {
      if (!deps.square) return problem(503, 'square_not_configured', 'No Square application is configured');
      return deps.square.merchantOf(input.accessToken);
    }
    if (!deps.shopify) return problem(503, 'shopify_not_configured', 'No Shopify app is configured');
    const shop = normaliseShopDomain(input.shop ?? '');
    if (!shop)
      throw new RequestValidationError(422, 'Invalid request: shop', [
        { field: 'shop', message: 'is required for Shopify: a shop domain like example.myshopify.com' },
      ]);
    const answered = await deps.shopify.client.shopDomain(shop, input.accessToken);
    if (answered !== shop) return problem(422, 'token_of_another_shop', 'The token does not belong to this shop');
    return shop;
  }

  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const caller = (event as EventWithIam).requestContext.authorizer?.iam;
    // API Gateway's IAM authorizer runs first; this only guards against a route left without it.
    if (!caller) return problem(403, 'forbidden', 'This route needs an IAM-signed request');
    const input = parseJsonBody(event, internalConnectionSchema);
    let account: string | HttpResult;
    try {
      account = await accountOf(input);
    } catch (error) {
      if (!(error instanceof ProviderApiError)) throw error;
      return problem(422, 'token_rejected', `${input.provider} did not accept the token (${error.status})`);
    }
    if (typeof account !== 'string') return account;
    const outcome = await connectAccount(deps, {
      orgId: input.orgId,
      provider: input.provider,
      account,
      grant: {
        accessToken: input.accessToken,
        refreshToken: input.refreshToken ?? null,
        accessExpiresAt: input.accessExpiresAt ?? null,
        refreshExpiresAt: null,
        scopes: input.scopes ?? [],
      },
    });
    if (outcome.status === 'conflict')
      return problem(409, 'account_connected_elsewhere', 'This account is connected to another organisation');
    logger.info('Provider attached by an operator', {
      orgId: input.orgId,
      provider: input.provider,
      account,
      caller: caller.userArn,
    });
    return json(201, { orgId: input.orgId, provider: input.provider, account, syncJobId: outcome.syncJobId });
  };
}
