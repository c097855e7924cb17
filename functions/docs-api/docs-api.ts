import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { eventTypeViews, findEventType } from '../../shared/events/event-types';
import { principalOf } from '../../shared/platform/http/auth';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import type { Observability } from '../../shared/platform/observability';
import type { OpenApiDocument } from '../../shared/openapi/document';

/**
 * The documentation routes: the event catalog (`GET /v1/webhooks/event-types[/{type}]`) and the
 * OpenAPI document (`GET /v1/openapi.json`). Behind the JWT authorizer like the rest of /v1, but
 * open to any valid token whatever its organisation or role: nothing here is per-tenant.
 */

export interface DocsApiDependencies {
  /** The document is generated once (at cold start in Lambda) and served as is. */
  readonly openApiDocument: () => OpenApiDocument;
  readonly observability: Observability;
}

const CACHEABLE = { 'cache-control': 'private, max-age=300' } as const;

export function createDocsApiHandler(
  deps: DocsApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return async (event) => {
    if (!principalOf(event))
      return problem(401, 'unauthenticated', 'A valid bearer token with org_id and role claims is required');
    try {
      switch (event.routeKey) {
        case 'GET /v1/webhooks/event-types':
          return json(200, { items: eventTypeViews() }, CACHEABLE);
        case 'GET /v1/webhooks/event-types/{type}': {
          const view = findEventType(event.pathParameters?.type ?? '');
          return view ? json(200, view, CACHEABLE) : problem(404, 'event_type_not_found', 'No such event type');
        }
        case 'GET /v1/openapi.json':
          return json(200, deps.openApiDocument(), CACHEABLE);
        default:
          return problem(404, 'route_not_found', `No route for ${event.routeKey}`);
      }
    } catch (error) {
      deps.observability.logger.error('Docs request failed', { error, routeKey: event.routeKey });
      return problem(500, 'internal_error', 'Something went wrong; try again');
    }
  };
}
