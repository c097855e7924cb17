import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  BENCH_STRIPE_SECRET,
  eventForOrg,
  fixtureWithFreshId,
  stripeHttpEvent,
  stripeSignature,
} from './stripe-payloads';

/**
 * The first event each cold-start process handles. Known functions get a realistic event on their
 * main path, answered by the loopback AWS stub (which stores nothing, so reads find nothing);
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
