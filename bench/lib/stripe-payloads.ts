import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildStripeEvent, type StripeEventType } from '../../infra/local/stripe-events';
import { signatureHeader } from '../../shared/inbound/signatures/stripe';
import { REPO_ROOT } from './paths';

/**
 * Realistic Stripe webhook bodies, signed exactly as Stripe signs them. The fixtures are real
 * Stripe payloads (≈6–7 KB, pretty-printed as Stripe sends them); the small event is an
 * `invoice.paid` trimmed to the fields a billing consumer reads (≈1 KB), the size of the many lean
 * events Stripe sends.
 */

export const BENCH_STRIPE_SECRET = 'whsec_benchmark_only_0123456789abcdefghijklmnop';

export function fixtureText(type: StripeEventType): string {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', `stripe.${type}.json`), 'utf8');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function stripeEventId(): string {
  return `evt_${Array.from(randomBytes(24), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')}`;
}

/** The fixture's exact bytes with a fresh event id (so a pool of bodies is not one body repeated). */
export function fixtureWithFreshId(type: StripeEventType): string {
  const text = fixtureText(type);
  const replaced = text.replace(/"id": "evt_[A-Za-z0-9_]+"/, `"id": "${stripeEventId()}"`);
  if (replaced === text) throw new Error(`No event id found in the ${type} fixture`);
  return replaced;
}

/** ≈1 KB `invoice.paid`, pretty-printed like Stripe's payloads. */
export function smallInvoicePaid(orgId = 'org_bench'): string {
  const fixture = JSON.parse(fixtureText('invoice.paid')) as {
    api_version: string;
    created: number;
    data: { object: Record<string, unknown> };
  };
  const invoice = fixture.data.object;
  const keep = [
    'id',
    'object',
    'amount_due',
    'amount_paid',
    'amount_remaining',
    'attempt_count',
    'attempted',
    'billing_reason',
    'created',
    'currency',
    'customer',
    'livemode',
    'status',
    'status_transitions',
    'total',
  ];
  const object: Record<string, unknown> = Object.fromEntries(
    keep.filter((key) => key in invoice).map((key) => [key, invoice[key]]),
  );
  object.parent = {
    type: 'subscription_details',
    subscription_details: { metadata: { org_id: orgId }, subscription: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw' },
  };
  const event = {
    id: stripeEventId(),
    object: 'event',
    api_version: fixture.api_version,
    created: fixture.created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'invoice.paid',
  };
  return JSON.stringify(event, null, 2);
}

/** A fixture-based event for a given organisation, as `npm run send` builds it (compact JSON). */
export function eventForOrg(
  type: StripeEventType,
  orgId: string,
  extra: { plan?: string; created?: number; customerId?: string; subscriptionId?: string } = {},
): string {
  const fixture = JSON.parse(fixtureText(type)) as Record<string, unknown>;
  return JSON.stringify(buildStripeEvent(fixture, type, { orgId, ...extra }));
}

export function stripeSignature(
  body: string,
  secret: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  return signatureHeader([secret], timestampSeconds, body);
}

/** The HTTP API (payload 2.0) event API Gateway hands the ingest function for a JSON POST. */
export function stripeHttpEvent(
  body: string,
  signature: string,
  requestId = `req-${randomBytes(8).toString('hex')}`,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /webhooks/stripe',
    rawPath: '/webhooks/stripe',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'stripe-signature': signature,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      host: 'api.example.com',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/webhooks/stripe',
        protocol: 'HTTP/1.1',
        sourceIp: '3.18.12.63',
        userAgent: 'Stripe/1.0',
      },
      requestId,
      routeKey: 'ANY /webhooks/stripe',
      stage: '$default',
      time: '28/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}
