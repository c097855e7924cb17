import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { InvalidPayloadError, RequestValidationError } from '../errors';
import { ownerAccessCheck, ownerPrincipalReader, type Access, type OwnerPrincipal, type Role } from './auth';
import { problem } from './problem';
import type { HttpResult } from './responses';

/**
 * The one router of the JWT-protected APIs, whoever owns the path (an organisation or a merchant):
 * dispatch on the route key, let the owner's `authorize` check the caller against the route's role,
 * and turn validation errors into problem details and anything else into a logged 500.
 */

export interface OwnerRoute<Request> {
  readonly role: Role;
  readonly handle: (request: Request) => Promise<HttpResult>;
}

/**
 * Routes whose handlers are plain functions of the API's dependencies and the request:
 * `const route = routesOver(deps); { 'GET /v1/…': route('member', readThing) }`.
 */
export function routesOver<Deps>(deps: Deps) {
  return <Request>(role: Role, handle: (deps: Deps, request: Request) => Promise<HttpResult>): OwnerRoute<Request> => ({
    role,
    handle: (request) => handle(deps, request),
  });
}

/** The request handed to the route, or the answer (401/403/404) that ends it. */
export type Authorization<Request> = { readonly request: Request } | { readonly denied: HttpResult };

export type Authorize<Request> = (event: APIGatewayProxyEventV2, role: Role) => Authorization<Request>;

/** How an owner kind is named to a caller its access check turned away. */
export interface OwnerNames {
  /** The token claim that names the owner, e.g. `org_id`. */
  readonly claim: string;
  /** What a 404 calls it, e.g. `organisation`. */
  readonly noun: string;
}

/** What a route of one owner kind gets: the owner's id under `key`, the checked caller, the event. */
export type OwnerRequest<Key extends string> = Readonly<Record<Key, string>> & {
  readonly principal: OwnerPrincipal<Key>;
  readonly event: APIGatewayProxyEventV2;
};

/**
 * One kind of owner, checked: the path parameter `key` names the owner, and the caller's token must
 * name the same one in its `names.claim` claim, with the route's role.
 */
export function ownerAuthorizer<Key extends string>(key: Key, names: OwnerNames): Authorize<OwnerRequest<Key>> {
  const principalOf = ownerPrincipalReader(key, names.claim);
  const checkAccess = ownerAccessCheck(key);
  return (event, role) => {
    const ownerId = event.pathParameters?.[key];
    const principal = principalOf(event);
    const access = checkAccess(principal, ownerId, role);
    return access === 'allowed' && principal && ownerId
      ? { request: { [key]: ownerId, principal, event } as OwnerRequest<Key> }
      : { denied: deniedAnswer(access === 'allowed' ? 'not_found' : access, role, names) };
  };
}

/** The router factory of one owner kind: `ownerRouter('orgId', …)(routes, logger)`. */
export function ownerRouter<Key extends string>(key: Key, names: OwnerNames) {
  const authorize = ownerAuthorizer(key, names);
  return (routes: Record<string, OwnerRoute<OwnerRequest<Key>>>, logger: Logger) =>
    createOwnerRouter(routes, authorize, logger);
}

/** The 401, 404 or 403 answer to a caller whose access is not `allowed`. */
function deniedAnswer(access: Exclude<Access, 'allowed'>, role: Role, names: OwnerNames): HttpResult {
  if (access === 'unauthenticated')
    return problem(401, 'unauthenticated', `A valid bearer token with ${names.claim} and role claims is required`);
  if (access === 'not_found') return problem(404, 'not_found', `No such ${names.noun}`);
  return problem(403, 'forbidden', `This needs the ${role} role`);
}

export function createOwnerRouter<Request>(
  routes: Record<string, OwnerRoute<Request>>,
  authorize: Authorize<Request>,
  logger: Logger,
) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return problem(404, 'route_not_found', `No route for ${event.routeKey}`);
    const authorization = authorize(event, route.role);
    if ('denied' in authorization) return authorization.denied;
    try {
      return await route.handle(authorization.request);
    } catch (error) {
      return requestFailure(error, event, logger);
    }
  };
}

/** A handler's failure as problem details: 400/422 for invalid input, else 500 (logged). */
export function requestFailure(error: unknown, event: APIGatewayProxyEventV2, logger: Logger): HttpResult {
  const answer = problemOf(error);
  if (answer) return answer;
  logger.error('API request failed', { error, routeKey: event.routeKey });
  return problem(500, 'internal_error', 'Something went wrong; try again');
}

/** The problem answer of a request the caller got wrong; undefined for anything else. */
function problemOf(error: unknown): HttpResult | undefined {
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
  return undefined;
}
