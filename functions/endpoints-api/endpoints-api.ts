import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MERCHANT_EVENT_TYPES, ORG_EVENT_TYPES } from '../../shared/events/event-catalog';
import { validateEventTypeFilters } from '../../shared/events/filters';
import { createMerchantRouter } from '../../shared/platform/http/merchant-router';
import { RequestValidationError } from '../../shared/platform/errors';
import { createOrgRouter, parseJsonBody } from '../../shared/platform/http/org-router';
import { problem, type FieldError } from '../../shared/platform/http/problem';
import { json, secretJson, type HttpResult } from '../../shared/platform/http/responses';
import { redactEndpointUrl, validateEndpointUrl } from '../../shared/outbound/transport/endpoint-url';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { endpointView, newEndpointRecord } from '../../shared/outbound/endpoint';
import { createEndpointSchema, patchEndpointSchema } from '../../shared/outbound/endpoint-requests';
import type { EndpointChanges } from '../../shared/outbound/endpoints-store';
import { newEndpointId } from '../../shared/events/ids';
import type { WebhooksApiDependencies } from './dependencies';
import { readEndpointAttempts, readMessage } from './endpoint-reads';
import { createMerchantRoutes } from './merchant-webhook';
import { createOperationRoutes } from './operations';

/**
 * The endpoints API: an organisation's admins register the URLs that receive its events; members may
 * read them and their delivery history. Another organisation's endpoints and messages are 404.
 */

const endpointNotFound = () => problem(404, 'endpoint_not_found', 'No such endpoint');

export function createWebhooksApiHandler(
  deps: WebhooksApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const { settings } = deps;

  /** Checks the URL and the filters beyond their JSON shape; all problems at once. */
  function validateEndpointFields(
    fields: { url?: string; eventTypes?: readonly string[] },
    types: readonly string[] = ORG_EVENT_TYPES,
  ): string | undefined {
    const errors: FieldError[] = [];
    let url: string | undefined;
    if (fields.url !== undefined) {
      const checked = validateEndpointUrl(fields.url, { allowHttp: settings.allowHttp, policy: settings.policy });
      if (checked.ok) url = checked.url;
      else errors.push(...checked.problems);
    }
    if (fields.eventTypes !== undefined) {
      for (const filterProblem of validateEventTypeFilters(fields.eventTypes, types)) {
        errors.push({
          field: filterProblem.index === undefined ? 'eventTypes' : `eventTypes[${filterProblem.index}]`,
          message: filterProblem.message,
        });
      }
    }
    if (errors.length > 0)
      throw new RequestValidationError(
        422,
        `Invalid endpoint: ${[...new Set(errors.map((error) => error.field))].join(', ')}`,
        errors,
      );
    return url;
  }

  const merchantRoutes = createMerchantRoutes(
    deps,
    (fields) => validateEndpointFields(fields, MERCHANT_EVENT_TYPES) as string,
  );
  const merchantRouter = createMerchantRouter(merchantRoutes, deps.observability.logger);
  const orgRouter = createOrgRouter(
    {
      ...createOperationRoutes(deps),

      'GET /v1/orgs/{orgId}/webhooks/endpoints': {
        role: 'member',
        handle: async ({ orgId }) => {
          const endpoints = await deps.endpoints.list(orgId);
          return json(200, {
            items: endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(endpointView),
          });
        },
      },

      'POST /v1/orgs/{orgId}/webhooks/endpoints': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const input = parseJsonBody(event, createEndpointSchema);
          const url = validateEndpointFields(input) as string;
          const at = deps.now().toISOString();
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
              at,
            },
            secret,
            deps.cipher,
          );
          // The cap is a counter taken with a conditional write: concurrent creates cannot pass it together.
          if ((await deps.endpoints.create(endpoint, settings.maxEndpointsPerOrg)) === 'limit_reached') {
            return problem(
              409,
              'endpoint_limit_reached',
              `An organisation can have at most ${settings.maxEndpointsPerOrg} endpoints`,
            );
          }
          deps.observability.logger.info('Endpoint created', { orgId, endpointId, url: redactEndpointUrl(url) });
          // The only time the secret is shown: it is stored encrypted and never returned again.
          return secretJson(
            201,
            { ...endpointView(endpoint), secret },
            { location: `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}` },
          );
        },
      },

      'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'member',
        handle: async ({ orgId, event }) => {
          const endpoint = await deps.endpoints.get(orgId, event.pathParameters?.endpointId ?? '');
          return endpoint ? json(200, endpointView(endpoint)) : endpointNotFound();
        },
      },

      'PATCH /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const endpointId = event.pathParameters?.endpointId ?? '';
          const patch = parseJsonBody(event, patchEndpointSchema);
          const url = validateEndpointFields(patch);
          const current = await deps.endpoints.get(orgId, endpointId);
          if (!current) return endpointNotFound();
          const at = deps.now().toISOString();
          const changes: EndpointChanges = {
            ...(url !== undefined && { url }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.eventTypes !== undefined && { eventTypes: patch.eventTypes }),
            ...(patch.rateLimitPerSecond !== undefined && { rateLimitPerSecond: patch.rateLimitPerSecond }),
            ...(patch.enabled === true &&
              !current.enabled && { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }),
            ...(patch.enabled === false &&
              current.enabled && { enabled: false, disabledReason: 'manual' as const, disabledAt: at }),
          };
          const updated = await deps.endpoints.update(orgId, endpointId, changes, at);
          if (!updated) return endpointNotFound();
          // Re-enabling an automatically disabled endpoint: offer what it missed, ready to POST to …/recover.
          const missed =
            changes.enabled === true && current.disabledReason !== 'manual'
              ? (current.failingSince ?? current.disabledAt)
              : null;
          return json(200, {
            ...endpointView(updated),
            ...(missed && {
              recovery: {
                since: missed,
                until: at,
                href: `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}/recover`,
              },
            }),
          });
        },
      },

      'DELETE /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const deleted = await deps.endpoints.delete(orgId, event.pathParameters?.endpointId ?? '');
          return deleted ? { statusCode: 204, headers: {}, body: '' } : endpointNotFound();
        },
      },

      'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts': {
        role: 'member',
        handle: async ({ orgId, event }) =>
          readEndpointAttempts(deps, orgId, event.pathParameters?.endpointId ?? '', event),
      },

      'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}': {
        role: 'member',
        handle: async ({ orgId, event }) => readMessage(deps, orgId, event.pathParameters?.messageId ?? ''),
      },
    },
    deps.observability.logger,
  );
  return (event) => (Object.hasOwn(merchantRoutes, event.routeKey) ? merchantRouter(event) : orgRouter(event));
}
