import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { createMerchantRouter } from '../../shared/platform/http/merchant-router';
import { createOrgRouter, parseJsonBody, type OrgRoute } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, noContent, secretJson, type HttpResult } from '../../shared/platform/http/responses';
import { redactEndpointUrl } from '../../shared/outbound/transport/endpoint-url';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { endpointView, newEndpointRecord, type EndpointRecord } from '../../shared/outbound/endpoint';
import { createEndpointSchema, patchEndpointSchema } from '../../shared/outbound/endpoint-requests';
import type { EndpointChanges } from '../../shared/outbound/endpoints-store';
import { newEndpointId } from '../../shared/events/ids';
import type { WebhooksApiDependencies } from './dependencies';
import { validateEndpointFields } from './endpoint-fields';
import { endpointNotFound, readEndpointAttempts, readMessage } from './endpoint-reads';
import { orgEndpointRoute, type EndpointOperation } from './endpoint-route';
import { createMerchantRoutes } from './merchant-webhook';
import { createOperationRoutes } from './operations';

/**
 * The endpoints API: an organisation's admins register the URLs that receive its events; members may
 * read them and their delivery history. Another organisation's endpoints and messages are 404.
 */

export function createWebhooksApiHandler(
  deps: WebhooksApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const { logger } = deps.observability;
  const merchantRoutes = createMerchantRoutes(deps);
  const merchantRouter = createMerchantRouter(merchantRoutes, logger);
  const orgRouter = createOrgRouter({ ...createOperationRoutes(deps), ...createEndpointRoutes(deps) }, logger);
  return (event) => (Object.hasOwn(merchantRoutes, event.routeKey) ? merchantRouter(event) : orgRouter(event));
}

/** The organisation's endpoints and their delivery history. */
function createEndpointRoutes(deps: WebhooksApiDependencies): Record<string, OrgRoute> {
  const ENDPOINTS = '/v1/orgs/{orgId}/webhooks/endpoints';
  return {
    [`GET ${ENDPOINTS}`]: {
      role: 'member',
      handle: async ({ orgId }) => {
        const endpoints = await deps.endpoints.list(orgId);
        return json(200, { items: endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(endpointView) });
      },
    },
    [`POST ${ENDPOINTS}`]: { role: 'admin', handle: ({ orgId, event }) => createEndpoint(deps, orgId, event) },
    [`GET ${ENDPOINTS}/{endpointId}`]: orgEndpointRoute(deps, 'member', readEndpoint),
    [`PATCH ${ENDPOINTS}/{endpointId}`]: orgEndpointRoute(deps, 'admin', updateEndpoint),
    [`DELETE ${ENDPOINTS}/{endpointId}`]: orgEndpointRoute(deps, 'admin', deleteEndpoint),
    [`GET ${ENDPOINTS}/{endpointId}/attempts`]: orgEndpointRoute(deps, 'member', readEndpointAttempts),
    'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}': {
      role: 'member',
      handle: async ({ orgId, event }) => readMessage(deps, orgId, event.pathParameters?.messageId ?? ''),
    },
  };
}

/** `POST …/endpoints`: a new endpoint and its signing secret, shown this once. */
async function createEndpoint(
  deps: WebhooksApiDependencies,
  orgId: string,
  event: APIGatewayProxyEventV2,
): Promise<HttpResult> {
  const { maxEndpointsPerOrg } = deps.settings;
  const input = parseJsonBody(event, createEndpointSchema);
  const url = validateEndpointFields(deps.settings, input) as string;
  const endpointId = newEndpointId();
  const secret = generateSigningSecret();
  const endpoint = await newEndpointRecord(
    {
      owner: orgId,
      endpointId,
      url,
      description: input.description,
      eventTypes: input.eventTypes,
      enabled: input.enabled,
      rateLimitPerSecond: input.rateLimitPerSecond,
      at: deps.now().toISOString(),
    },
    secret,
    deps.cipher,
  );
  // The cap is a counter taken with a conditional write: concurrent creates cannot pass it together.
  if ((await deps.endpoints.create(endpoint, maxEndpointsPerOrg)) === 'limit_reached') {
    const limit = `An organisation can have at most ${maxEndpointsPerOrg} endpoints`;
    return problem(409, 'endpoint_limit_reached', limit);
  }
  deps.observability.logger.info('Endpoint created', { orgId, endpointId, url: redactEndpointUrl(url) });
  // The only time the secret is shown: it is stored encrypted and never returned again.
  const location = `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}`;
  return secretJson(201, { ...endpointView(endpoint), secret }, { location });
}

const readEndpoint: EndpointOperation<string> = async (deps, orgId, endpointId) => {
  const endpoint = await deps.endpoints.get(orgId, endpointId);
  return endpoint ? json(200, endpointView(endpoint)) : endpointNotFound();
};

const deleteEndpoint: EndpointOperation<string> = async (deps, orgId, endpointId) =>
  (await deps.endpoints.delete(orgId, endpointId)) ? noContent() : endpointNotFound();

/**
 * What a PATCH (its URL already checked) changes; switching `enabled` also sets or clears why and
 * since when the endpoint is off.
 */
function endpointChanges(
  current: EndpointRecord,
  patch: z.output<typeof patchEndpointSchema>,
  at: string,
): EndpointChanges {
  return {
    ...(patch.url !== undefined && { url: patch.url }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.eventTypes !== undefined && { eventTypes: patch.eventTypes }),
    ...(patch.rateLimitPerSecond !== undefined && { rateLimitPerSecond: patch.rateLimitPerSecond }),
    ...(patch.enabled === true &&
      !current.enabled && { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }),
    ...(patch.enabled === false &&
      current.enabled && { enabled: false, disabledReason: 'manual' as const, disabledAt: at }),
  };
}

/** `PATCH …/endpoints/{endpointId}`; re-enabling an automatically disabled endpoint offers a recovery. */
const updateEndpoint: EndpointOperation<string> = async (deps, orgId, endpointId, event) => {
  const patch = parseJsonBody(event, patchEndpointSchema);
  const url = validateEndpointFields(deps.settings, patch);
  const current = await deps.endpoints.get(orgId, endpointId);
  if (!current) return endpointNotFound();
  const at = deps.now().toISOString();
  const changes = endpointChanges(current, { ...patch, url }, at);
  const updated = await deps.endpoints.update(orgId, endpointId, changes, at);
  if (!updated) return endpointNotFound();
  // Re-enabling an automatically disabled endpoint: offer what it missed, ready to POST to …/recover.
  const missed =
    changes.enabled === true && current.disabledReason !== 'manual'
      ? (current.failingSince ?? current.disabledAt)
      : null;
  const href = `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}/recover`;
  return json(200, { ...endpointView(updated), ...(missed && { recovery: { since: missed, until: at, href } }) });
};
