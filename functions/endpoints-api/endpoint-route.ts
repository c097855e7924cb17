import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { merchantEndpointIdFor } from '../../shared/events/ids';
import type { Owner } from '../../shared/events/owner';
import type { Role } from '../../shared/platform/http/auth';
import type { MerchantRoute } from '../../shared/platform/http/merchant-router';
import type { OrgRoute } from '../../shared/platform/http/org-router';
import type { HttpResult } from '../../shared/platform/http/responses';
import type { WebhooksApiDependencies } from './dependencies';

/**
 * An operation on one endpoint, whoever owns it: an organisation's endpoint named in the path, or a
 * merchant's one federation webhook. Written once, routed twice.
 */
export type EndpointOperation<O extends Owner = Owner> = (
  deps: WebhooksApiDependencies,
  owner: O,
  endpointId: string,
  event: APIGatewayProxyEventV2,
) => Promise<HttpResult>;

/** `…/orgs/{orgId}/webhooks/endpoints/{endpointId}/…`: the organisation's endpoint of the path. */
export function orgEndpointRoute(
  deps: WebhooksApiDependencies,
  role: Role,
  operation: EndpointOperation<string>,
): OrgRoute {
  return { role, handle: ({ orgId, event }) => operation(deps, orgId, event.pathParameters?.endpointId ?? '', event) };
}

/** `…/merchants/{merchantId}/webhook/…`: the merchant's federation webhook. */
export function merchantWebhookRoute(
  deps: WebhooksApiDependencies,
  role: Role,
  operation: EndpointOperation,
): MerchantRoute {
  return {
    role,
    handle: ({ merchantId, event }) => operation(deps, { merchantId }, merchantEndpointIdFor(merchantId), event),
  };
}
