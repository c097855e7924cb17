import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { BillingRecord } from '../../shared/billing/billing-record';
import type { BillingStore } from '../../shared/billing/billing-store';
import { createOrgRouter, pageQuerySchema, parseQuery } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import type { Observability } from '../../shared/platform/observability';
import type { billingViewSchema, Documented } from '../../shared/openapi/response-schemas';
import type { AlertReader } from '../../shared/platform/alerts';

/** The read API: an organisation's billing record, audit log and ops alerts. */

export interface ApiDependencies {
  readonly billing: BillingStore;
  readonly alerts: AlertReader;
  readonly observability: Observability;
}

export function createApiHandler(deps: ApiDependencies): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return createOrgRouter(
    {
      'GET /v1/orgs/{orgId}/billing': {
        role: 'member',
        handle: async ({ orgId }) => {
          const record = await deps.billing.getRecord(orgId);
          return record
            ? json(200, billingView(record))
            : problem(404, 'billing_record_not_found', `Organisation ${orgId} has no billing record yet`);
        },
      },
      'GET /v1/orgs/{orgId}/audit': {
        role: 'member',
        handle: async ({ orgId, event }) =>
          json(200, await deps.billing.listAudit(orgId, parseQuery(event, pageQuerySchema))),
      },
      'GET /v1/orgs/{orgId}/alerts': {
        role: 'admin',
        handle: async ({ orgId, event }) =>
          json(200, await deps.alerts.list(orgId, parseQuery(event, pageQuerySchema))),
      },
    },
    deps.observability.logger,
  );
}

function billingView(record: BillingRecord): Documented<typeof billingViewSchema> {
  const { lastPayment, lastPaymentFailure } = record;
  return {
    orgId: record.orgId,
    plan: record.plan,
    subscribedPlan: record.subscribedPlan,
    status: record.status,
    capabilities: record.capabilities,
    stripe: record.stripe,
    currentPeriodEnd: record.currentPeriodEnd,
    cancelAtPeriodEnd: record.cancelAtPeriodEnd,
    lastPayment: lastPayment && {
      invoiceId: lastPayment.invoiceId,
      amountPaid: lastPayment.amountPaid,
      currency: lastPayment.currency,
      paidAt: lastPayment.paidAt,
    },
    lastPaymentFailure: lastPaymentFailure && {
      invoiceId: lastPaymentFailure.invoiceId,
      amountDue: lastPaymentFailure.amountDue,
      currency: lastPaymentFailure.currency,
      attemptCount: lastPaymentFailure.attemptCount,
      nextPaymentAttempt: lastPaymentFailure.nextPaymentAttempt,
      failedAt: lastPaymentFailure.failedAt,
    },
    updatedAt: record.updatedAt,
  };
}
