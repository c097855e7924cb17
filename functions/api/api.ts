import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { BillingRecord } from '../../shared/billing/billing-record';
import type { BillingStore } from '../../shared/billing/billing-store';
import { InvalidPayloadError } from '../../shared/errors';
import { checkOrgAccess, principalOf, type Role } from '../../shared/http/auth';
import { problem } from '../../shared/http/problem';
import { json, type HttpResult } from '../../shared/http/responses';
import type { Observability } from '../../shared/observability';
import type { AlertReader } from '../../shared/ops/alerts';

/** The read API: an organisation's billing record, audit log and ops alerts. */

export interface ApiDependencies {
  readonly billing: BillingStore;
  readonly alerts: AlertReader;
  readonly observability: Observability;
}

const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2_048).optional(),
});

type RouteHandler = (orgId: string, event: APIGatewayProxyEventV2) => Promise<HttpResult>;

export function createApiHandler(deps: ApiDependencies) {
  const { logger } = deps.observability;

  const routes: Record<string, { role: Role; handle: RouteHandler }> = {
    'GET /v1/orgs/{orgId}/billing': {
      role: 'member',
      handle: async (orgId) => {
        const record = await deps.billing.getRecord(orgId);
        return record ? json(200, billingView(record)) : problem(404, 'billing_record_not_found', `Organisation ${orgId} has no billing record yet`);
      },
    },
    'GET /v1/orgs/{orgId}/audit': {
      role: 'member',
      handle: async (orgId, event) => json(200, await deps.billing.listAudit(orgId, pageQuery(event))),
    },
    'GET /v1/orgs/{orgId}/alerts': {
      role: 'admin',
      handle: async (orgId, event) => json(200, await deps.alerts.list(orgId, pageQuery(event))),
    },
  };

  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route) return problem(404, 'route_not_found', `No route for ${event.routeKey}`);
    const orgId = event.pathParameters?.orgId;
    const access = checkOrgAccess(principalOf(event), orgId, route.role);
    if (access === 'unauthenticated') return problem(401, 'unauthenticated', 'A valid bearer token with org_id and role claims is required');
    if (access === 'not_found' || !orgId) return problem(404, 'not_found', 'No such organisation');
    if (access === 'forbidden') return problem(403, 'forbidden', `This needs the ${route.role} role`);
    try {
      return await route.handle(orgId, event);
    } catch (error) {
      if (error instanceof InvalidPayloadError) {
        return problem(400, 'invalid_request', error.message, error.issues.map((field) => ({ field, message: error.message })));
      }
      logger.error('API request failed', { error, routeKey: event.routeKey });
      return problem(500, 'internal_error', 'Something went wrong; try again');
    }
  };
}

function pageQuery(event: APIGatewayProxyEventV2): { limit: number; cursor?: string } {
  const parsed = pageQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.'));
    throw new InvalidPayloadError(`Invalid query: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, fields);
  }
  return parsed.data;
}

function billingView(record: BillingRecord) {
  return {
    orgId: record.orgId,
    plan: record.plan,
    subscribedPlan: record.subscribedPlan,
    status: record.status,
    capabilities: record.capabilities,
    stripe: record.stripe,
    currentPeriodEnd: record.currentPeriodEnd,
    cancelAtPeriodEnd: record.cancelAtPeriodEnd,
    lastPayment: record.lastPayment && { invoiceId: record.lastPayment.invoiceId, amountPaid: record.lastPayment.amountPaid, currency: record.lastPayment.currency, paidAt: record.lastPayment.paidAt },
    lastPaymentFailure: record.lastPaymentFailure && {
      invoiceId: record.lastPaymentFailure.invoiceId,
      amountDue: record.lastPaymentFailure.amountDue,
      currency: record.lastPaymentFailure.currency,
      attemptCount: record.lastPaymentFailure.attemptCount,
      nextPaymentAttempt: record.lastPaymentFailure.nextPaymentAttempt,
      failedAt: record.lastPaymentFailure.failedAt,
    },
    updatedAt: record.updatedAt,
  };
}
