import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  BENCH_STRIPE_SECRET,
  eventForOrg,
  fixtureWithFreshId,
  stripeHttpEvent,
  stripeSignature,
} from './stripe-payloads';
import { shopifySignatureHeader } from '../../shared/inbound/signatures/shopify';
import { squareSignatureHeader } from '../../shared/inbound/signatures/square';
import { betterdataSignatureHeader } from '../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { BENCH_SOURCE_ID, BENCH_SOURCE_SECRET, BENCH_SQUARE_URL, benchFixture } from './ingest-state';

/**
 * The first event each cold-start process handles. Known functions get a realistic event on their
 * main path, answered by the loopback AWS stub (which stores nothing, so reads find nothing but the
 * ingest functions' canned merchant and source, bench/lib/ingest-state.ts); every ingest function a
 * verified event it queues;
 * functions this file does not know yet get a cheap request that needs no state: an ingest route a
 * badly signed POST, an API a GET without a token, a consumer an SQS batch whose one record is not
 * JSON.
 */

export interface FirstEvent {
  readonly description: string;
  readonly event: unknown;
}

const ACCOUNT = '123456789012';

function httpEvent(options: {
  method: string;
  routeKey: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  authorizer?: unknown;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example.com', ...options.headers },
    ...(options.pathParameters && { pathParameters: options.pathParameters }),
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'bench',
      },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: '28/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
      ...(options.authorizer !== undefined && { authorizer: options.authorizer }),
    },
    ...(options.body !== undefined && { body: options.body }),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

const jwt = (orgId: string) => ({ jwt: { claims: { org_id: orgId, role: 'admin', sub: 'user_bench' }, scopes: null } });

function sqsRecord(body: string, attributes: Record<string, string> = {}): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID().replaceAll('-', '')}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AIDABENCH',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [
        name,
        { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
      ]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:bench-queue`,
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
export { sqsRecord };

export function firstEventFor(dir: string): FirstEvent {
  switch (dir) {
    case 'stripe-webhook': {
      const body = fixtureWithFreshId('customer.subscription.created');
      return {
        description: 'signed 7 KB customer.subscription.created → 200 (GetSecretValue, SendMessage)',
        event: stripeHttpEvent(body, stripeSignature(body, BENCH_STRIPE_SECRET)),
      };
    }
    case 'square-webhook':
    case 'shopify-webhook':
    case 'sources-webhook':
      return verifiedIngestEvent(dir);
    case 'billing-api':
      return {
        description: 'GET /v1/orgs/{orgId}/billing with JWT claims → 404 (GetItem finds nothing)',
        event: httpEvent({
          method: 'GET',
          routeKey: 'GET /v1/orgs/{orgId}/billing',
          path: '/v1/orgs/org_bench/billing',
          pathParameters: { orgId: 'org_bench' },
          authorizer: jwt('org_bench'),
        }),
      };
    case 'endpoints-api':
      return {
        description: 'GET /v1/orgs/{orgId}/webhooks/endpoints with JWT claims → 200 [] (Query)',
        event: httpEvent({
          method: 'GET',
          routeKey: 'GET /v1/orgs/{orgId}/webhooks/endpoints',
          path: '/v1/orgs/org_bench/webhooks/endpoints',
          pathParameters: { orgId: 'org_bench' },
          authorizer: jwt('org_bench'),
        }),
      };
    case 'events-api':
      return {
        description: 'POST /internal/events (IAM caller) → 202 (SendMessage)',
        event: httpEvent({
          method: 'POST',
          routeKey: 'POST /internal/events',
          path: '/internal/events',
          body: JSON.stringify({
            id: 'evt_cold_1',
            type: 'webhook.test',
            orgId: 'org_bench',
            occurredAt: '2026-01-01T00:00:00Z',
            data: { message: 'hello' },
          }),
          authorizer: {
            iam: {
              accountId: ACCOUNT,
              userArn: `arn:aws:iam::${ACCOUNT}:role/publisher`,
              principalOrgId: null,
              cognitoIdentity: null,
            },
          },
        }),
      };
    case 'billing-consumer': {
      const raw = eventForOrg('customer.subscription.created', 'org_bench', { plan: 'growth' });
      const id = (JSON.parse(raw) as { id: string }).id;
      const message = {
        source: 'stripe',
        eventId: id,
        eventType: 'customer.subscription.created',
        receivedAt: new Date().toISOString(),
        correlationId: randomUUID(),
        rawBodyBase64: Buffer.from(raw).toString('base64'),
      };
      return {
        description: 'SQS batch of 1 queued customer.subscription.created → applied (GetItem, PutItem ×3, SendMessage)',
        event: sqsEvent(sqsRecord(JSON.stringify(message), { source: 'stripe', eventType: message.eventType })),
      };
    }
    case 'fanout':
      return {
        description: 'SQS batch of 1 platform event → message stored, no endpoints (PutItem, Query, UpdateItem)',
        event: sqsEvent(
          sqsRecord(
            JSON.stringify({
              id: 'evt_cold_1',
              type: 'webhook.test',
              orgId: 'org_bench',
              occurredAt: '2026-01-01T00:00:00Z',
              data: { message: 'hello' },
            }),
          ),
        ),
      };
    case 'delivery':
      return {
        description: 'SQS batch of 1 delivery task → endpoint not found, skipped (GetItem ×2, UpdateItem)',
        event: sqsEvent(
          sqsRecord(
            JSON.stringify({
              messageId: 'msg_cold',
              orgId: 'org_bench',
              endpointId: 'ep_cold',
              attempt: 1,
              trigger: 'scheduled',
              correlationId: randomUUID(),
            }),
          ),
        ),
      };
    default:
      break;
  }
  if (dir.endsWith('-webhook')) {
    return {
      description: 'POST with an invalid signature → 4xx (reads its signing secret)',
      event: httpEvent({
        method: 'POST',
        routeKey: `ANY /webhooks/${dir.replace(/-webhook$/, '')}`,
        path: `/webhooks/${dir.replace(/-webhook$/, '')}`,
        body: '{"id":"bench"}',
        headers: { 'x-square-hmacsha256-signature': 'AAAA', 'x-shopify-hmac-sha256': 'AAAA' },
      }),
    };
  }
  if (dir.endsWith('-api')) {
    return {
      description: 'GET without a token → 401/404',
      event: httpEvent({
        method: 'GET',
        routeKey: 'GET /v1/orgs/{orgId}',
        path: '/v1/orgs/org_bench',
        pathParameters: { orgId: 'org_bench' },
      }),
    };
  }
  return {
    description: 'SQS batch of 1 record that is not JSON → reported as a failed item',
    event: sqsEvent(sqsRecord('not json')),
  };
}

/** A signed event each of the other ingest functions verifies and queues (secrets: ingest-state.ts). */
function verifiedIngestEvent(dir: 'square-webhook' | 'shopify-webhook' | 'sources-webhook'): FirstEvent {
  const post = (path: string, body: string, headers: Record<string, string>, sourceId?: string) =>
    httpEvent({
      method: 'POST',
      routeKey: `POST ${path.replace(BENCH_SOURCE_ID, '{sourceId}')}`,
      path,
      body,
      headers,
      ...(sourceId && { pathParameters: { sourceId } }),
    });
  if (dir === 'square-webhook') {
    const body = benchFixture('square.inventory.count.updated.json');
    const signature = squareSignatureHeader(BENCH_STRIPE_SECRET, BENCH_SQUARE_URL, body);
    return {
      description:
        'signed inventory.count.updated for a connected merchant → 200 (GetSecretValue, GetItem, SendMessage)',
      event: post('/api/webhooks/square', body, { 'x-square-hmacsha256-signature': signature }),
    };
  }
  if (dir === 'shopify-webhook') {
    const body = benchFixture('shopify.products.update.json');
    return {
      description: 'signed products/update → 200 (GetSecretValue, SendMessage)',
      event: post('/api/webhooks/shopify', body, {
        'x-shopify-hmac-sha256': shopifySignatureHeader(BENCH_STRIPE_SECRET, body),
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': 'bench-shop.myshopify.com',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-api-version': '2025-10',
      }),
    };
  }
  const body = JSON.stringify({ id: 'ord_bench_1', type: 'order.created', data: { variantId: '788032119674292922' } });
  const signature = betterdataSignatureHeader(
    [parseSigningSecret(BENCH_SOURCE_SECRET)],
    Math.floor(Date.now() / 1000),
    body,
  );
  return {
    description: 'signed source event → 200 (GetItem, KMS Decrypt, PutItem log, SendMessage, PutItem listing)',
    event: post(`/webhooks/sources/${BENCH_SOURCE_ID}`, body, { 'x-betterdata-signature': signature }, BENCH_SOURCE_ID),
  };
}
