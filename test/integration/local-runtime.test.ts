import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { startGateway, type Gateway } from '../../infra/local/gateway';
import { topologyFunctions } from '../../infra/local/handlers';
import { signLocalToken } from '../../infra/local/jwt';
import type { LambdaHandler } from '../../infra/local/lambda-context';
import { silentLog } from '../../infra/local/log';
import { startPollers } from '../../infra/local/pollers';
import { startLocalSystem } from '../../infra/local/system';
import { LOCAL_INTERNAL_CALLER } from '../../infra/local/iam';
import { DEV_SHOPIFY_API_SECRET, DEV_SQUARE_SIGNATURE_KEY } from '../../infra/local/settings';
import {
  ENDPOINT_SECRETS_KEY,
  ENV,
  OPS_TOPIC,
  QUEUES,
  TABLES,
  type FunctionName,
  type QueueSpec,
  type RouteSpec,
} from '../../shared/platform/topology';

/**
 * The local runtime's moving parts against the in-process emulators, with throwaway handlers: the
 * SQS pollers (batching, partial failures, DLQ), the gateway (routing, event shape, authorizer,
 * error answers), provisioning and persistence. The real functions are tested elsewhere.
 */

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 12_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let emulators: Emulators;
let sqs: SQSClient;

beforeAll(async () => {
  emulators = await startEmulators({ memory: true, visibilityTimeoutSeconds: 1 });
  sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: emulators.region, credentials });
});

afterAll(async () => {
  sqs?.destroy();
  await emulators?.stop();
});

async function send(bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: emulators.queues.billing.url,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          MessageAttributes: { source: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
  }
}

async function queueCounts(url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

function pollWith(handler: (event: SQSEvent) => unknown) {
  return startPollers({
    sqsEndpoint: emulators.sqsEndpoint,
    region: emulators.region,
    queues: { billing: emulators.queues.billing },
    loadHandler: async () => handler as LambdaHandler,
    log: silentLog,
  });
}

describe('SQS pollers (Lambda event source mapping)', () => {
  it('honours the batch size, deletes successes, retries reported failures and dead-letters them after \
maxReceiveCount', async () => {
    const spec = QUEUES.billing;
    const consumer = spec.consumer;
    if (!consumer) throw new Error('the billing queue has a consumer in topology.ts');
    const good = Array.from({ length: 23 }, (_, i) => `good-${i}`);
    await send([...good, 'poison']);

    const batches: SQSRecord[][] = [];
    const pollers = pollWith((event) => {
      batches.push(event.Records);
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    try {
      await waitFor(async () => ((await queueCounts(emulators.queues.billing.dlqUrl)).visible > 0 ? true : undefined));
    } finally {
      await pollers.stop();
    }

    const records = batches.flat();
    expect(batches.every((batch) => batch.length <= consumer.batchSize)).toBe(true);
    expect(batches[0]).toHaveLength(consumer.batchSize);
    // Successes were deleted: each good message was delivered exactly once.
    expect(
      records
        .filter((r) => r.body.startsWith('good-'))
        .map((r) => r.body)
        .sort(),
    ).toEqual([...good].sort());
    // The failure came back after each visibility timeout until maxReceiveCount, then moved to the DLQ.
    const poison = records.filter((r) => r.body === 'poison');
    expect(poison.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(
      Array.from({ length: spec.maxReceiveCount }, (_, i) => String(i + 1)),
    );
    expect(await queueCounts(emulators.queues.billing.url)).toEqual({ visible: 0, inFlight: 0 });
    const dlq = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emulators.queues.billing.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dlq.Messages?.map((m) => m.Body)).toEqual(['poison']);

    // Records are shaped like Lambda's.
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: emulators.queues.billing.arn,
      awsRegion: emulators.region,
      messageAttributes: {
        source: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
    });
    expect(Object.keys(records[0]?.attributes ?? {})).toEqual(
      expect.arrayContaining([
        'ApproximateReceiveCount',
        'SentTimestamp',
        'SenderId',
        'ApproximateFirstReceiveTimestamp',
      ]),
    );
    expect(records[0]?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('deletes nothing when the handler throws: the whole batch comes back', async () => {
    await send(['retry-a', 'retry-b']);
    const batches: SQSRecord[][] = [];
    const pollers = pollWith((event) => {
      batches.push(event.Records);
      if (batches.length === 1) throw new Error('transient failure');
      return undefined;
    });
    try {
      await waitFor(() => (batches.length >= 2 ? true : undefined));
      await waitFor(async () => ((await queueCounts(emulators.queues.billing.url)).inFlight === 0 ? true : undefined));
    } finally {
      await pollers.stop();
    }
    expect(batches).toHaveLength(2);
    expect(batches[1]?.map((r) => r.body).sort()).toEqual(['retry-a', 'retry-b']);
    expect(batches[1]?.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
    expect(await queueCounts(emulators.queues.billing.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('never receives from a queue without a consumer (other services consume it)', async () => {
    const { inboundSources } = emulators.queues;
    expect(QUEUES.inboundSources.consumer).toBeUndefined();
    await sqs.send(new SendMessageCommand({ QueueUrl: inboundSources.url, MessageBody: 'for another service' }));
    const loaded: FunctionName[] = [];
    const pollers = startPollers({
      sqsEndpoint: emulators.sqsEndpoint,
      region: emulators.region,
      queues: { inboundSources },
      loadHandler: async (name) => {
        loaded.push(name);
        return (() => undefined) as LambdaHandler;
      },
      log: silentLog,
    });
    try {
      await sleep(1_500);
      expect(await queueCounts(inboundSources.url)).toEqual({ visible: 1, inFlight: 0 });
    } finally {
      await pollers.stop();
    }
    expect(loaded).toEqual([]);
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: inboundSources.url, MaxNumberOfMessages: 10 }),
    );
    expect(Messages?.map((m) => m.Body)).toEqual(['for another service']);
  });

  it('stops promptly in the middle of a long poll, and at once with immediate', async () => {
    for (const immediate of [false, true]) {
      const pollers = pollWith(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      await pollers.stop({ immediate });
      expect(Date.now() - started).toBeLessThan(immediate ? 300 : 1_500);
    }
  });
});

describe('SQS pollers: concurrent batches (maxConcurrency)', () => {
  // A throwaway queue with a long visibility timeout, so a blocked message is not received twice.
  let queue: { url: string; arn: string };

  beforeAll(async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'concurrency-test', Attributes: { VisibilityTimeout: '30' } }),
    );
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    queue = { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
  });

  /**
   * Sends `slow`, waits until its batch is being handled, then sends `fast`. The slow batch blocks
   * until `fast` has been handled (at most 2 s), so the order of events shows whether the second
   * message was handled while the first batch was still blocked.
   */
  async function slowThenFast(maxConcurrency: number | undefined): Promise<string[]> {
    const order: string[] = [];
    let markFastHandled: () => void = () => undefined;
    const fastHandled = new Promise<void>((resolve) => (markFastHandled = resolve));
    let markSlowStarted: () => void = () => undefined;
    const slowStarted = new Promise<void>((resolve) => (markSlowStarted = resolve));
    const handler = async (event: SQSEvent) => {
      for (const record of event.Records) {
        if (record.body === 'slow') {
          order.push('slow:start');
          markSlowStarted();
          await Promise.race([fastHandled, sleep(2_000)]);
          order.push('slow:end');
        } else {
          order.push(record.body);
          markFastHandled();
        }
      }
    };
    const spec: QueueSpec = {
      ...QUEUES.billing,
      consumer: {
        function: 'billingConsumer',
        batchSize: 1,
        maxBatchingWindowSeconds: 0,
        ...(maxConcurrency ? { maxConcurrency } : {}),
      },
    };
    const pollers = startPollers({
      sqsEndpoint: emulators.sqsEndpoint,
      region: emulators.region,
      queues: { billing: queue },
      queueSpecs: { ...QUEUES, billing: spec },
      loadHandler: async () => handler as LambdaHandler,
      log: silentLog,
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'slow' }));
      await slowStarted;
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'fast' }));
      await waitFor(() => (order.includes('slow:end') && order.includes('fast') ? true : undefined));
      await waitFor(async () => ((await queueCounts(queue.url)).inFlight === 0 ? true : undefined));
    } finally {
      await pollers.stop();
    }
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    return order;
  }

  it('with maxConcurrency 2, handles a second message while the first batch is still blocked', async () => {
    expect(await slowThenFast(2)).toEqual(['slow:start', 'fast', 'slow:end']);
  });

  it('without maxConcurrency, handles one batch at a time: the second message waits for the first', async () => {
    expect(await slowThenFast(undefined)).toEqual(['slow:start', 'slow:end', 'fast']);
  });
});

describe('HTTP gateway (API Gateway HTTP API, payload 2.0)', () => {
  const SECRET = 'gateway-test-secret';
  const INTERNAL_TOKEN = 'gateway-test-internal-token';
  const routes: RouteSpec[] = [
    { method: 'ANY', path: '/hooks/{name}', function: 'stripeWebhook', auth: 'none' },
    { method: 'GET', path: '/orgs/{orgId}', function: 'billingApi', auth: 'jwt' },
    { method: 'POST', path: '/internal/{name}', function: 'eventsApi', auth: 'iam' },
    { method: 'GET', path: '/behaviour/{kind}', function: 'billingConsumer', auth: 'none' },
  ];
  const invocations: FunctionName[] = [];
  type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
  const echo = (event: Event) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  const behaviours: Record<string, (event: Event) => unknown> = {
    throw: () => {
      throw new Error('handler bug');
    },
    text: () => 'plain string result',
    slow: () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 2_000)),
    binary: () => ({
      statusCode: 201,
      cookies: ['a=1; Path=/', 'b=2'],
      isBase64Encoded: true,
      body: Buffer.from([0, 1, 255]).toString('base64'),
    }),
  };
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway({
      port: 0,
      region: 'us-east-1',
      jwtSecret: SECRET,
      internalApiToken: INTERNAL_TOKEN,
      routes,
      functions: { ...topologyFunctions(), billingConsumer: { name: 'Test', timeoutSeconds: 0.3, memoryMiB: 128 } },
      log: silentLog,
      loadHandler: async (name) => {
        const handler = (event: Event) => {
          invocations.push(name);
          return name === 'billingConsumer' ? behaviours[event.pathParameters?.kind ?? '']?.(event) : echo(event);
        };
        return handler as LambdaHandler;
      },
    });
  });
  afterAll(() => gateway?.close());

  /** Raw request, to control headers exactly (fetch merges and adds its own). */
  function raw(method: string, path: string, headers: Array<[string, string]>, body?: Buffer) {
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
      (resolve, reject) => {
        const url = new URL(path, gateway.url);
        const rawHeaders = [['Host', url.host], ...headers].flat() as unknown as Record<string, string>;
        const req = httpRequest(url, { method, headers: rawHeaders }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        });
        req.on('error', reject);
        req.end(body);
      },
    );
  }

  it('answers 404 like API Gateway when no route matches', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/orgs/o1'],
      ['GET', '/hooks/a/b'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('builds the payload-2.0 event: text body, lower-cased joined headers, cookies, query and path \
parameters', async () => {
    const response = await raw(
      'POST',
      '/hooks/stripe?x=1&x=2&y=a%20b',
      [
        ['Content-Type', 'application/json'],
        ['X-Custom', 'one'],
        ['X-Custom', 'two'],
        ['Cookie', 'session=abc; theme=dark'],
      ],
      Buffer.from('{"hello":"wörld"}'),
    );
    expect(response.status).toBe(200);
    expect(response.headers['apigw-requestid']).toBeTruthy();
    const event = JSON.parse(response.body.toString()) as Event;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /hooks/{name}',
      rawPath: '/hooks/stripe',
      rawQueryString: 'x=1&x=2&y=a%20b',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { x: '1,2', y: 'a b' },
      pathParameters: { name: 'stripe' },
      body: '{"hello":"wörld"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'ANY /hooks/{name}',
        stage: '$default',
        http: { method: 'POST', path: '/hooks/stripe', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'one,two' });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('passes binary and untyped bodies base64-encoded, and no body as absent', async () => {
    const bytes = Buffer.from([0, 1, 2, 200, 255]);
    for (const headers of [[['content-type', 'application/octet-stream']], []] as Array<Array<[string, string]>>) {
      const event = JSON.parse((await raw('PUT', '/hooks/bin', headers, bytes)).body.toString()) as Event;
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
    }
    const empty = JSON.parse((await raw('GET', '/hooks/none', [])).body.toString()) as Event;
    expect(empty).not.toHaveProperty('body');
    expect(empty.isBase64Encoded).toBe(false);
  });

  it('answers 413 above 10 MiB without invoking the function', async () => {
    const before = invocations.length;
    const response = await fetch(`${gateway.url}/hooks/big`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(invocations.length).toBe(before);
  });

  it('emulates the JWT authorizer: 401 without invoking the function, claims as strings when valid', async () => {
    const before = invocations.length;
    const wrongSecret = await signLocalToken('another-secret', { orgId: 'o1', role: 'admin' });
    const expired = await signLocalToken(SECRET, {
      orgId: 'o1',
      role: 'admin',
      issuedAt: Math.floor(Date.now() / 1000) - 3600,
      ttlSeconds: 60,
    });
    for (const authorization of [undefined, 'Bearer', 'Bearer garbage', `Bearer ${wrongSecret}`, `Bearer ${expired}`]) {
      const response = await fetch(`${gateway.url}/orgs/o1`, { headers: authorization ? { authorization } : {} });
      expect(response.status, authorization).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
    expect(invocations.length).toBe(before);

    const token = await signLocalToken(SECRET, {
      orgId: 'o1',
      role: 'member',
      issuedAt: 1_900_000_000 - 60,
      ttlSeconds: 3600 * 24 * 365 * 10,
    });
    const response = await fetch(`${gateway.url}/orgs/o1`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const event = (await response.json()) as Event;
    expect(event.requestContext.authorizer.jwt).toEqual({
      claims: expect.objectContaining({ org_id: 'o1', role: 'member', sub: 'user_local_member', iat: '1899999940' }),
      scopes: null,
    });
    expect(typeof event.requestContext.authorizer.jwt.claims.exp).toBe('string');
  });

  it('emulates IAM authorization with the internal token: 403 Forbidden without invoking the function', async () => {
    const before = invocations.length;
    const jwt = await signLocalToken(SECRET, { orgId: 'o1', role: 'admin' });
    const refused = [
      undefined,
      'Bearer',
      'Bearer wrong-token',
      `Bearer ${INTERNAL_TOKEN}x`,
      INTERNAL_TOKEN,
      `Bearer ${jwt}`,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, ' +
        'Signature=00',
    ];
    for (const authorization of refused) {
      const response = await fetch(`${gateway.url}/internal/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: '{}',
      });
      expect(response.status, authorization).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
    }
    expect(invocations.length).toBe(before);
  });

  it('hands an accepted internal caller to the function as requestContext.authorizer.iam', async () => {
    const response = await fetch(`${gateway.url}/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INTERNAL_TOKEN}` },
      body: '{"id":"evt_1"}',
    });
    expect(response.status).toBe(200);
    const event = (await response.json()) as APIGatewayProxyEventV2WithIAMAuthorizer;
    expect(event.routeKey).toBe('POST /internal/{name}');
    expect(event.body).toBe('{"id":"evt_1"}');
    expect(event.requestContext.authorizer).toEqual({ iam: LOCAL_INTERNAL_CALLER });
    expect(event.requestContext.authorizer.iam.userArn).toBe(
      'arn:aws:sts::000000000000:assumed-role/local-internal-publisher/local',
    );
  });

  it('writes back structured results (base64 body, cookies) and infers 200 JSON for a string', async () => {
    const binary = await raw('GET', '/behaviour/binary', []);
    expect(binary.status).toBe(201);
    expect(binary.body).toEqual(Buffer.from([0, 1, 255]));
    expect(binary.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);

    const text = await fetch(`${gateway.url}/behaviour/text`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('application/json');
    expect(await text.text()).toBe('plain string result');
  });

  it('answers 500 when the handler throws or times out', async () => {
    for (const kind of ['throw', 'slow']) {
      const response = await fetch(`${gateway.url}/behaviour/${kind}`);
      expect(response.status, kind).toBe(500);
      expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    }
  });
});

describe('emulators', () => {
  it('provision exactly the topology and expose it through the functions’ environment', async () => {
    const env = emulators.functionEnvironment();
    const dynamodb = new DynamoDBClient({
      endpoint: emulators.dynamodbEndpoint,
      region: emulators.region,
      credentials,
    });
    const sns = new SNSClient({ endpoint: emulators.snsEndpoint, region: emulators.region, credentials });
    try {
      expect((await dynamodb.send(new ListTablesCommand({}))).TableNames?.sort()).toEqual(
        Object.values(TABLES)
          .map((t) => t.localName)
          .sort(),
      );
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: emulators.queues.billing.url, AttributeNames: ['All'] }),
      );
      expect(Attributes).toMatchObject({
        VisibilityTimeout: '1',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: String(14 * 86_400),
      });
      expect(JSON.parse(Attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: emulators.queues.billing.dlqArn,
        maxReceiveCount: QUEUES.billing.maxReceiveCount,
      });
      const topics = (await sns.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn);
      expect(topics).toEqual([emulators.opsTopicArn]);
      expect(emulators.opsTopicArn).toMatch(new RegExp(`:${OPS_TOPIC.localName}$`));

      // Global secondary indexes exist and answer queries.
      for (const spec of Object.values(TABLES)) {
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: spec.localName }));
        const indexes = 'indexes' in spec ? spec.indexes : [];
        expect(
          Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection?.ProjectionType]) ?? [],
          spec.localName,
        ).toEqual(indexes.map((index) => [index.name, 'ALL']));
      }
      const [index] = TABLES.webhooks.indexes;
      await dynamodb.send(
        new PutItemCommand({
          TableName: TABLES.webhooks.localName,
          Item: {
            pk: { S: 'msg#1' },
            sk: { S: 'attempt#1' },
            [index.partitionKey]: { S: 'ep#1' },
            [index.sortKey]: { S: '2026-01-01' },
          },
        }),
      );
      const { Items } = await dynamodb.send(
        new QueryCommand({
          TableName: TABLES.webhooks.localName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': { S: 'ep#1' } },
        }),
      );
      expect(Items?.map((item) => item.sk?.S)).toEqual(['attempt#1']);

      // Every queue, with its redrive policy.
      for (const [name, spec] of Object.entries(QUEUES)) {
        const queue = emulators.queues[name as keyof typeof QUEUES];
        const attributes = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['RedrivePolicy'] }),
        );
        expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}'), name).toEqual({
          deadLetterTargetArn: queue.dlqArn,
          maxReceiveCount: spec.maxReceiveCount,
        });
      }
    } finally {
      dynamodb.destroy();
      sns.destroy();
    }
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_SNS: emulators.snsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      [TABLES.billing.envVar]: TABLES.billing.localName,
      [TABLES.ops.envVar]: TABLES.ops.localName,
      [QUEUES.billing.envVar]: emulators.queues.billing.url,
      [OPS_TOPIC.envVar]: emulators.opsTopicArn,
    });
    for (const [name, spec] of Object.entries(TABLES)) expect(env[spec.envVar], name).toBe(spec.localName);
    for (const [name, spec] of Object.entries(QUEUES)) {
      const queue = emulators.queues[name as keyof typeof QUEUES];
      expect(env[spec.envVar], name).toBe(queue.url);
      if (spec.dlq.envVar) expect(env[spec.dlq.envVar], name).toBe(queue.dlqUrl);
    }
    expect(QUEUES.delivery.dlq.envVar).toBeDefined();
  });

  it('keep DynamoDB data on disk across a restart, and refuse a second runtime on the same directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-runtime-'));
    try {
      const item = { pk: { S: 'org#1' }, sk: { S: 'billing' }, plan: { S: 'growth' } };
      const first = await startEmulators({ dataDir });
      await expect(startEmulators({ dataDir })).rejects.toThrow(/Another local runtime/);
      const client1 = new DynamoDBClient({ endpoint: first.dynamodbEndpoint, region: first.region, credentials });
      await client1.send(new PutItemCommand({ TableName: TABLES.billing.localName, Item: item }));
      client1.destroy();
      await first.stop();

      const second = await startEmulators({ dataDir });
      const client2 = new DynamoDBClient({ endpoint: second.dynamodbEndpoint, region: second.region, credentials });
      const { Item } = await client2.send(
        new GetItemCommand({ TableName: TABLES.billing.localName, Key: { pk: item.pk, sk: item.sk } }),
      );
      client2.destroy();
      await second.stop();
      expect(Item).toEqual(item);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('startLocalSystem', () => {
  it('starts everything, applies the environment, allows one system at a time and restores process.env on \
stop', async () => {
    const before = process.env.BILLING_QUEUE_URL;
    const system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b' },
    });
    try {
      expect(system.stripeWebhookSecrets).toEqual(['whsec_a', 'whsec_b']);
      expect(system.env.STRIPE_WEBHOOK_SECRET).toBe('whsec_a,whsec_b');
      expect(process.env.BILLING_QUEUE_URL).toBe(system.queueUrls.billing.url);
      expect(system.env).toMatchObject({
        AWS_ENDPOINT_URL_SQS: system.sqsEndpoint,
        AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint,
        [QUEUES.delivery.dlq.envVar as string]: system.queueUrls.delivery.dlqUrl,
        [ENDPOINT_SECRETS_KEY.localKeyEnvVar]: expect.any(String) as unknown,
        INTERNAL_API_TOKEN: system.internalApiToken,
        ALLOW_HTTP_ENDPOINTS: 'true',
        ALLOWED_PRIVATE_CIDRS: '127.0.0.0/8,::1/128',
      });
      expect(system.env).not.toHaveProperty(ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar);
      // The internal route refuses a request without the token before any handler is loaded.
      const internal = await fetch(`${system.url}/internal/events`, { method: 'POST', body: '{}' });
      expect(internal.status).toBe(403);
      await expect(startLocalSystem({ port: 0, memory: true, quiet: true })).rejects.toThrow(/already running/);
      expect((await fetch(`${system.url}/nope`)).status).toBe(404);
    } finally {
      await system.stop();
    }
    expect(process.env.BILLING_QUEUE_URL).toBe(before);
  });

  it('gives Square and Shopify development secrets, points SQUARE_NOTIFICATION_URL at its own Square route, and \
leaves inbound-sources unpolled', async () => {
    const before = process.env[ENV.squareNotificationUrl];
    const system = await startLocalSystem({ port: 0, memory: true, quiet: true });
    try {
      expect(system.squareSignatureKeys).toEqual([DEV_SQUARE_SIGNATURE_KEY]);
      expect(system.shopifyApiSecrets).toEqual([DEV_SHOPIFY_API_SECRET]);
      expect(system.squareNotificationUrl).toBe(`${system.url}/api/webhooks/square`);
      expect(system.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(system.env).toMatchObject({
        [ENV.squareSignatureKey]: DEV_SQUARE_SIGNATURE_KEY,
        [ENV.shopifyApiSecret]: DEV_SHOPIFY_API_SECRET,
        [ENV.squareNotificationUrl]: system.squareNotificationUrl,
        [ENV.inboundSourcesQueueUrl]: system.queueUrls.inboundSources.url,
        [ENV.catalogQueueUrl]: system.queueUrls.catalog.url,
      });
      expect(process.env[ENV.squareNotificationUrl]).toBe(system.squareNotificationUrl);
      expect(system.env).not.toHaveProperty(ENV.squareAccessToken);

      // Nothing in this system consumes inbound-sources: a message stays there for the other services.
      const systemSqs = new SQSClient({ endpoint: system.sqsEndpoint, region: 'us-east-1', credentials });
      try {
        const queueUrl = system.queueUrls.inboundSources.url;
        await systemSqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"sourceId":"src_1"}' }));
        await sleep(1_500);
        const { Attributes = {} } = await systemSqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        expect(Attributes).toMatchObject({
          ApproximateNumberOfMessages: '1',
          ApproximateNumberOfMessagesNotVisible: '0',
        });
      } finally {
        systemSqs.destroy();
      }
    } finally {
      await system.stop();
    }
    expect(process.env[ENV.squareNotificationUrl]).toBe(before);
  });

  it('keeps the SQUARE_NOTIFICATION_URL and secrets the user set', async () => {
    const tunnel = 'https://abc.example-tunnel.dev/api/webhooks/square';
    const system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { SQUARE_NOTIFICATION_URL: tunnel, SQUARE_SIGNATURE_KEY: 'sq_new,sq_old', SHOPIFY_API_SECRET: 'shpss_1' },
    });
    try {
      expect(system.squareNotificationUrl).toBe(tunnel);
      expect(system.squareSignatureKeys).toEqual(['sq_new', 'sq_old']);
      expect(system.shopifyApiSecrets).toEqual(['shpss_1']);
      expect(system.env).toMatchObject({
        SQUARE_NOTIFICATION_URL: tunnel,
        SQUARE_SIGNATURE_KEY: 'sq_new,sq_old',
        SHOPIFY_API_SECRET: 'shpss_1',
      });
    } finally {
      await system.stop();
    }
  });
});
