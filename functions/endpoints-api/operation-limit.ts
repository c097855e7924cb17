import type { Owner } from '../../shared/events/owner';
import type { LimitedOperation, OperationLimiter } from '../../shared/outbound/admission/org-operations';
import { problem } from '../../shared/platform/http/problem';
import type { HttpResult } from '../../shared/platform/http/responses';
import type { EndpointRecord } from '../../shared/outbound/endpoint';
import type { WebhooksApiDependencies } from './dependencies';
import { endpointNotFound } from './endpoint-reads';

const NAMES: Record<LimitedOperation, string> = { test: 'test sends', resend: 'resends', recover: 'recoveries' };

/**
 * Takes one of the owner's operations for this minute; past the limit, the 429 problem to answer with
 * (and `Retry-After`, the seconds until the minute ends). Undefined: go ahead.
 */
export async function refuseOverLimit(
  limiter: OperationLimiter,
  owner: Owner,
  operation: LimitedOperation,
  perMinute: number,
): Promise<HttpResult | undefined> {
  const verdict = await limiter.take(owner, operation);
  if (verdict.allowed) return undefined;
  const refusal = problem(
    429,
    'operation_rate_limited',
    `At most ${perMinute} ${NAMES[operation]} a minute per ` +
      `${typeof owner === 'string' ? 'organisation' : 'merchant'}; retry in ${verdict.retryAfterSeconds} s`,
  );
  return { ...refusal, headers: { ...refusal.headers, 'retry-after': String(verdict.retryAfterSeconds) } };
}

/**
 * Why an operation on the endpoint cannot run now: the endpoint is disabled (409), or the owner is over
 * its limit for the operation (429, which takes one of them). Undefined: go ahead.
 */
export async function refuseOperation(
  deps: Pick<WebhooksApiDependencies, 'operationLimits' | 'settings'>,
  owner: Owner,
  endpoint: EndpointRecord,
  operation: LimitedOperation,
): Promise<HttpResult | undefined> {
  if (!endpoint.enabled)
    return problem(
      409,
      'endpoint_disabled',
      `The endpoint is disabled (${endpoint.disabledReason ?? 'manual'}); re-enable it first`,
    );
  return refuseOverLimit(deps.operationLimits, owner, operation, deps.settings.orgOperationsPerMinute);
}

/** The endpoint an operation may run on now, or the answer refusing it: 404, 409 (disabled) or 429. */
export async function operableEndpoint(
  deps: Pick<WebhooksApiDependencies, 'endpoints' | 'operationLimits' | 'settings'>,
  owner: Owner,
  endpointId: string,
  operation: LimitedOperation,
): Promise<{ readonly endpoint: EndpointRecord } | { readonly refused: HttpResult }> {
  const endpoint = await deps.endpoints.get(owner, endpointId);
  if (!endpoint) return { refused: endpointNotFound() };
  const refused = await refuseOperation(deps, owner, endpoint, operation);
  return refused ? { refused } : { endpoint };
}
