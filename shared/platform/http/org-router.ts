import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { InvalidPayloadError } from '../errors';
import { checkOrgAccess, principalOf, type Principal, type Role } from './auth';
import { problem, type FieldError } from './problem';
import { rawBody } from '../../inbound/raw-body';
import type { HttpResult } from './responses';

/**
 * The JWT-protected `/v1/orgs/{orgId}/…` API: dispatch on the route key, check the caller may act in
 * that organisation with the route's role, and turn validation errors into problem details. Route
 * handlers receive the organisation id already checked.
 */

export interface OrgRequest {
  readonly orgId: string;
  readonly principal: Principal;
  readonly event: APIGatewayProxyEventV2;
}

export interface OrgRoute {
  readonly role: Role;
  readonly handle: (request: OrgRequest) => Promise<HttpResult>;
}

/** A request that failed validation; `status` 400 for unreadable input, 422 for well-formed but invalid. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  constructor(
    readonly status: 400 | 422,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export function createOrgRouter(routes: Record<string, OrgRoute>, logger: Logger) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return problem(404, 'route_not_found', `No route for ${event.routeKey}`);
    const orgId = event.pathParameters?.orgId;
    const principal = principalOf(event);
    const access = checkOrgAccess(principal, orgId, route.role);
    if (access === 'unauthenticated' || !principal)
      return problem(401, 'unauthenticated', 'A valid bearer token with org_id and role claims is required');
    if (access === 'not_found' || !orgId) return problem(404, 'not_found', 'No such organisation');
    if (access === 'forbidden') return problem(403, 'forbidden', `This needs the ${route.role} role`);
    return answerErrors(() => route.handle({ orgId, principal, event }), event, logger);
  };
}

/** Runs a route handler, answering its failure with `requestFailure`. */
export async function answerErrors(
  handle: () => Promise<HttpResult>,
  event: APIGatewayProxyEventV2,
  logger: Logger,
): Promise<HttpResult> {
  try {
    return await handle();
  } catch (error) {
    return requestFailure(error, event, logger);
  }
}

/** A handler's failure as problem details: 400/422 for invalid input, else 500 (logged). */
export function requestFailure(error: unknown, event: APIGatewayProxyEventV2, logger: Logger): HttpResult {
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

function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '');
    const field = [prefix, path].filter(Boolean).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        field: [field === '(root)' ? '' : field, key].filter(Boolean).join('.'),
        message: 'Unknown field',
      }));
    return [{ field, message: issue.message }];
  });
}

/** Parses and validates a JSON body: 400 when it is not JSON, 422 naming each invalid field. */
export function parseJsonBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  let input: unknown;
  try {
    input = JSON.parse(rawBody(event).toString('utf8'));
  } catch {
    throw new RequestValidationError(400, 'The body is not valid JSON');
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new RequestValidationError(422, `Invalid request: ${errors.map((error) => error.field).join(', ')}`, errors);
  }
  return result.data;
}

/** `?limit=&cursor=` of every listing: 1–100 items (20 by default) and an opaque cursor. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2_048).optional(),
});

/** Validates the query string: 400 naming each invalid parameter. */
export function parseQuery<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new RequestValidationError(
      400,
      `Invalid query: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`,
      errors,
    );
  }
  return result.data;
}
