import { readFileSync } from 'node:fs';
import type { App, CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import {
  BUSINESS_METRIC_ALARMS,
  BUSINESS_METRICS,
  INBOUND_LOG_METRICS,
  DELIVERY_LATENCY,
  ENDPOINT_DISABLED,
  MANUAL_RESENDS,
  OVERDUE_REQUEUED,
  RECOVERED_DELIVERIES,
  RECOVERIES,
  STALE_ATTEMPTS_REQUEUED,
  WEBHOOK_FUNCTIONS,
} from '../../infra/constructs/dashboard';
import { oauthTokenContext } from '../../shared/inbound/connections/connection-tokens';
import { EXTERNAL_CONSUMER_ACTIONS, OAUTH_SETTINGS_FUNCTIONS, type WebhooksStack } from '../../infra/webhooks-stack';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import {
  BUCKETS,
  ENDPOINT_SECRETS_KEY,
  ENV,
  FUNCTIONS,
  METRICS_NAMESPACE,
  OPS_TOPIC,
  QUEUES,
  ROUTES,
  SECRETS,
  SCHEDULES,
  SQS_MAX_MESSAGE_BYTES,
  TABLES,
  type BucketName,
  type FunctionAccess,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type TableName,
  type TableSpec,
} from '../../shared/platform/topology';
import { sourceSecretContext } from '../../shared/inbound/connections/source-secret';
import { secretContext } from '../../shared/outbound/endpoint';

// The feature flags and JWT settings the CLI would pass from cdk.json, plus: no esbuild bundling and no
// CloudFormation schema validation, which keeps one synthesis around a second. The shared synthesis does
// not throw on cdk-nag findings (failSynthOnValidationErrors: false) so that a finding fails only the
// cdk-nag test below instead of every test; the last test checks that a real synthesis does fail.
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

const REPORT_ONLY = { '@aws-cdk/core:failSynthOnValidationErrors': false };

function synthesise(extraContext: Record<string, unknown> = {}): { app: App; stack: WebhooksStack } {
  return buildApp({
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extraContext },
    env: {},
  });
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const functionSpecs: Record<FunctionName, FunctionSpec> = FUNCTIONS;
const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
const consumedQueues = QUEUE_NAMES.filter((name) => QUEUES[name].consumer !== undefined);
const unconsumedQueues = QUEUE_NAMES.filter((name) => QUEUES[name].consumer === undefined);
const REQUIRED_SECRETS = Object.values(SECRETS).filter((spec) => spec.required).length;
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

let app: App;
let stack: WebhooksStack;
let template: Template;
let resources: Record<string, Resource>;

const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attribute = 'Arn'): unknown => ({ 'Fn::GetAtt': [id, attribute] });

/** Every Allow statement in the policies attached to a function's execution role. */
function roleStatements(name: FunctionName): Statement[] {
  const roleId = logicalId(stack.functions[name].role as IConstruct);
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === 'Allow');
}
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const statementsWithAction = (statements: Statement[], prefix: string): Statement[] =>
  statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));
/** Resources of a statement as a list. */
const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
/** Every resource a role may call an action on (exact action name). */
const resourcesFor = (statements: Statement[], action: string): unknown[] =>
  statements.filter((statement) => actionsOf(statement).includes(action)).flatMap(resourcesOf);

beforeAll(() => {
  ({ app, stack } = synthesise(REPORT_ONLY));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe('queues', () => {
  it.each(Object.keys(QUEUES) as QueueName[])('%s has a DLQ, the topology settings and 1 MiB messages', (name) => {
    const spec = QUEUES[name];
    const queue = resources[logicalId(stack.queues[name].queue)]?.Properties;
    const dlqId = logicalId(stack.queues[name].deadLetterQueue);
    const dlq = resources[dlqId]?.Properties;
    expect(queue?.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(dlqId), maxReceiveCount: spec.maxReceiveCount });
    expect(queue?.MaximumMessageSize).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(dlq?.MaximumMessageSize).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(queue?.MessageRetentionPeriod).toBe(spec.retentionDays * 86_400);
    expect(dlq?.MessageRetentionPeriod).toBe(spec.dlq.retentionDays * 86_400);
    expect(queue?.SqsManagedSseEnabled).toBe(true);
    expect(dlq?.SqsManagedSseEnabled).toBe(true);

    // The consumer's deployed timeout, read from the template, not from the spec the queue was built from.
    expect(queue?.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
    if (spec.consumer) {
      const consumer = resources[logicalId(stack.functions[spec.consumer.function])]?.Properties;
      expect(queue?.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (consumer?.Timeout as number));
    }
  });

  it('every queue that is not itself a DLQ has one', () => {
    const queues = ofType('AWS::SQS::Queue');
    const dlqIds = new Set(
      queues.flatMap(([, q]) => {
        const redrive = q.Properties.RedrivePolicy as
          { deadLetterTargetArn?: { 'Fn::GetAtt': [string, string] } } | undefined;
        return redrive?.deadLetterTargetArn ? [redrive.deadLetterTargetArn['Fn::GetAtt'][0]] : [];
      }),
    );
    expect(queues).toHaveLength(2 * Object.keys(QUEUES).length);
    for (const [id, queue] of queues) {
      if (!dlqIds.has(id)) expect(queue.Properties.RedrivePolicy, id).toBeDefined();
    }
  });

  const mappingsOf = (name: QueueName) =>
    ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) =>
        JSON.stringify(mapping.Properties.EventSourceArn) ===
        JSON.stringify(getAtt(logicalId(stack.queues[name].queue))),
    );

  it.each(consumedQueues)('%s feeds its consumer with partial batch failures and its concurrency cap', (name) => {
    const consumer = QUEUES[name].consumer;
    if (!consumer) throw new Error(`${name} has no consumer`);
    const mappings = mappingsOf(name);
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.[1].Properties;
    expect(mapping).toMatchObject({
      FunctionName: { Ref: logicalId(stack.functions[consumer.function]) },
      BatchSize: consumer.batchSize,
      MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping?.ScalingConfig).toEqual(
      consumer.maxConcurrency === undefined ? undefined : { MaximumConcurrency: consumer.maxConcurrency },
    );
  });

  it('has exactly one event source mapping per consumed queue', () => {
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(consumedQueues.length);
  });

  it('leaves the inbound-sources queue to other services: a DLQ, no event source mapping, no function receiving from \
it', () => {
    expect(unconsumedQueues).toContain('inboundSources');
    const { queue, deadLetterQueue } = stack.queues.inboundSources;
    expect(resources[logicalId(queue)]?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(logicalId(deadLetterQueue)),
      maxReceiveCount: QUEUES.inboundSources.maxReceiveCount,
    });
    expect(mappingsOf('inboundSources')).toEqual([]);
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const receiving = resourcesFor(roleStatements(name), 'sqs:ReceiveMessage').map((r) => JSON.stringify(r));
      expect(receiving, name).not.toContain(JSON.stringify(getAtt(logicalId(queue))));
    }
    // sources-webhook fills it.
    expect(resourcesFor(roleStatements('sourcesWebhook'), 'sqs:SendMessage')).toEqual([getAtt(logicalId(queue))]);
  });

  it('offers the consumer of the inbound-sources queue a managed policy scoped to that queue, and outputs both', () => {
    const policy = stack.externalConsumerPolicies.inboundSources;
    expect(policy).toBeDefined();
    expect(Object.keys(stack.externalConsumerPolicies).sort()).toEqual([...unconsumedQueues].sort());
    const policyId = logicalId(policy as IConstruct);
    expect(policy?.node.id).toBe('InboundSourcesConsumerPolicy');
    const properties = resources[policyId]?.Properties;
    const statements = (properties?.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [...EXTERNAL_CONSUMER_ACTIONS].sort(),
        Resource: getAtt(logicalId(stack.queues.inboundSources.queue)),
      },
    ]);
    expect([...EXTERNAL_CONSUMER_ACTIONS].sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    // Attached to nothing here: the consuming service attaches it to its own role.
    expect(properties?.Roles).toBeUndefined();
    template.hasOutput('InboundSourcesConsumerPolicyArn', { Value: { Ref: policyId } });
    template.hasOutput('InboundSourcesQueueUrl', { Value: { Ref: logicalId(stack.queues.inboundSources.queue) } });
  });

  it('runs up to 200 delivery batches at once (10× load plus room for dead endpoints), and caps every consumer', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(stack.queues.delivery.queue)),
      FunctionName: { Ref: logicalId(stack.functions.delivery) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 200 },
    });
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping'))
      expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: expect.any(Number) });
  });

  it('rejects non-TLS access to every queue', () => {
    for (const [id] of ofType('AWS::SQS::Queue')) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('functions', () => {
  it('creates one function per topology entry, Node 24 on arm64, traced, with Powertools settings', () => {
    // CDK's own BucketDeployment provider (the console's assets, see console.test.ts) is not a topology function.
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    expect(functions).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const [name, spec] of Object.entries(functionSpecs) as [FunctionName, FunctionSpec][]) {
      const fn = resources[logicalId(stack.functions[name])]?.Properties;
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMiB,
        Description: spec.description,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) as unknown } },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: spec.dir,
            POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
            POWERTOOLS_LOG_LEVEL: 'INFO',
          }) as unknown,
        },
      });
      const variables = (fn as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      // The ingest functions go without run-time source maps (cold start); every other function has them.
      expect(variables.NODE_OPTIONS).toBe(spec.runtimeSourceMaps === false ? undefined : '--enable-source-maps');
    }
  });

  it('gives every function log group a retention', () => {
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toEqual(expect.any(Number));
    }
  });

  it('passes each function exactly the environment its access implies', () => {
    for (const [name, spec] of Object.entries(functionSpecs) as [FunctionName, FunctionSpec][]) {
      const variables = (resources[logicalId(stack.functions[name])]?.Properties.Environment as { Variables: object })
        .Variables;
      const expected = [
        ...Object.keys(spec.access.tables ?? {}).map((table) => TABLES[table as TableName].envVar),
        ...Object.keys(spec.access.buckets ?? {}).map((bucket) => BUCKETS[bucket as BucketName].envVar),
        ...(spec.access.sendsTo ?? []).map((queue) => QUEUES[queue].envVar),
        ...(spec.access.sendsToDeadLetter ?? []).map((queue) => QUEUES[queue].dlq.envVar),
        ...(spec.access.secrets ?? [])
          .filter((secret) => SECRETS[secret].required)
          .map((secret) => SECRETS[secret].arnEnvVar),
        ...(spec.access.publishesOpsAlerts ? [OPS_TOPIC.envVar] : []),
        ...(spec.access.endpointSecrets ? [ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar] : []),
        ...ROUTES.filter((route) => route.function === name && route.urlEnvVar).map(
          (route) => route.urlEnvVar as string,
        ),
        ...(name === 'eventsApi' ? [ENV.eventPublishers] : []),
        // Where callbacks and receivers are reached and the console is (client ids and scopes only when set
        // in context).
        ...(OAUTH_SETTINGS_FUNCTIONS.includes(name) ? [ENV.publicBaseUrl, ENV.consoleUrl] : []),
      ];
      const topologyVariables = Object.keys(variables).filter((key) => !/^(POWERTOOLS_|NODE_OPTIONS$)/.test(key));
      expect(topologyVariables.sort(), name).toEqual(expected.sort());
    }
  });

  it('hands square-webhook the exact URL Square signs (SQUARE_NOTIFICATION_URL), equal to the SquareWebhookUrl \
output', () => {
    const url = { 'Fn::Join': ['', [getAtt(logicalId(stack.httpApi), 'ApiEndpoint'), '/api/webhooks/square']] };
    const variables = (
      resources[logicalId(stack.functions.squareWebhook)]?.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables[ENV.squareNotificationUrl]).toEqual(url);
    expect(ENV.squareNotificationUrl).toBe('SQUARE_NOTIFICATION_URL');
    template.hasOutput('SquareWebhookUrl', {
      Value: url,
      Description: Match.stringLikeRegexp('SQUARE_NOTIFICATION_URL'),
    });
    // No other function gets it.
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      if (name === 'squareWebhook') continue;
      const other = (
        resources[logicalId(stack.functions[name])]?.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(other, name).not.toHaveProperty(ENV.squareNotificationUrl);
    }
  });

  it(
    'hands the delivery function the endpoint secrets key ARN, and not its DLQ (exhausted ' +
      'deliveries stay out of it)',
    () => {
      const variables = (
        resources[logicalId(stack.functions.delivery)]?.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(QUEUES.delivery.dlq.envVar).toBeDefined();
      expect(variables[QUEUES.delivery.dlq.envVar as string]).toBeUndefined();
      expect(variables[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar]).toEqual(
        getAtt(logicalId(stack.endpointSecretsKey as IConstruct)),
      );
    },
  );
});

describe('tables', () => {
  it.each(Object.keys(TABLES) as TableName[])(
    '%s is on-demand with PITR, encryption, TTL from spec, retained',
    (name) => {
      const spec = TABLES[name];
      const table = resources[logicalId(stack.tables[name])];
      expect(table?.DeletionPolicy).toBe('Retain');
      expect(table?.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          { AttributeName: spec.sortKey, KeyType: 'RANGE' },
        ],
      });
      const ttl = 'ttlAttribute' in spec ? { AttributeName: spec.ttlAttribute, Enabled: true } : undefined;
      expect(table?.Properties.TimeToLiveSpecification).toEqual(ttl);
    },
  );

  it.each(Object.keys(TABLES) as TableName[])(
    '%s has exactly the topology GSIs: string keys, all attributes projected',
    (name) => {
      const spec: TableSpec = TABLES[name];
      const properties = resources[logicalId(stack.tables[name])]?.Properties;
      const expected = (spec.indexes ?? []).map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }));
      expect(properties?.GlobalSecondaryIndexes).toEqual(expected.length > 0 ? expected : undefined);
      const keyAttributes = [
        spec.partitionKey,
        spec.sortKey,
        ...(spec.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey]),
      ];
      expect(properties?.AttributeDefinitions).toEqual(
        expect.arrayContaining(keyAttributes.map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' }))),
      );
    },
  );

  it(
    'indexes the webhooks table by endpoint, and its pending deliveries by due time (what the ' + 'sweeper queries)',
    () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byEndpoint',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byDue',
            KeySchema: [
              { AttributeName: 'duePk', KeyType: 'HASH' },
              { AttributeName: 'dueSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    },
  );

  it('invokes the sweeper on an EventBridge schedule and pages when it fails', () => {
    const sweeperSchedule = SCHEDULES.find((schedule) => schedule.function === 'sweeper');
    const rules = ofType('AWS::Events::Rule').filter(([, rule]) =>
      JSON.stringify(rule.Properties.Targets).includes(logicalId(stack.functions.sweeper)),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({
      ScheduleExpression: `rate(${sweeperSchedule?.everyMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [expect.objectContaining({ Arn: getAtt(logicalId(stack.functions.sweeper)) })],
    });
    const sweeperAlarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, alarm]) =>
        alarm.Properties.MetricName === 'Errors' &&
        JSON.stringify(alarm.Properties.Dimensions).includes(logicalId(stack.functions.sweeper)),
    );
    expect(sweeperAlarms).toHaveLength(1);
  });

  it('has a TTL on at least one table (the ops table)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { Enabled: true } });
  });
});

describe('HTTP API', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (routeKey, route) => {
    const matches = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
    expect(matches).toHaveLength(1);
    const properties = matches[0]?.[1].Properties;
    if (route.auth === 'jwt') {
      expect(properties?.AuthorizationType).toBe('JWT');
      expect(properties?.AuthorizerId).toBeDefined();
    } else if (route.auth === 'iam') {
      expect(properties?.AuthorizationType).toBe('AWS_IAM');
      expect(properties?.AuthorizerId).toBeUndefined();
    } else {
      expect(properties?.AuthorizationType).toBe('NONE');
      expect(properties?.AuthorizerId).toBeUndefined();
    }
  });

  it('requires SigV4 (AWS_IAM) on POST /internal/events and on every /internal route', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.find((r) => r.RouteKey === 'POST /internal/events')?.AuthorizationType).toBe('AWS_IAM');
    for (const route of routes.filter((r) => String(r.RouteKey).includes(' /internal/'))) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('AWS_IAM');
    }
  });

  it('offers internal publishers a managed policy: invoke on exactly the internal route, send to the events \
queue', () => {
    const policies = ofType('AWS::IAM::ManagedPolicy');
    // The publisher policy, plus one consumer policy per queue other services consume.
    expect(policies).toHaveLength(1 + unconsumedQueues.length);
    const policyId = logicalId(stack.internalPublisherPolicy as IConstruct);
    const statements = (resources[policyId]?.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const invoke = statementsWithAction(statements, 'execute-api:');
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0] as Statement)).toEqual(['execute-api:Invoke']);
    expect(invoke[0]?.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':execute-api:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':',
          { Ref: logicalId(stack.httpApi) },
          '/$default/POST/internal/events',
        ],
      ],
    });
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.events.queue))]);
    expect(
      statements
        .flatMap(actionsOf)
        .filter((action) => !/^(execute-api:Invoke|sqs:(SendMessage|GetQueueAttributes|GetQueueUrl))$/.test(action)),
    ).toEqual([]);
    // Attached to nothing in this stack: other services attach it to their own roles.
    expect(resources[policyId]?.Properties.Roles).toBeUndefined();
    template.hasOutput('InternalEventsPublisherPolicyArn', { Value: { Ref: policyId } });
  });

  it('puts the JWT authorizer on every /v1 route and none on the webhook routes', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const v1 = routes.filter((r) => String(r.RouteKey).includes(' /v1/'));
    expect(v1.length).toBeGreaterThan(0);
    for (const route of v1) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('JWT');
      expect(route.AuthorizerId, String(route.RouteKey)).toBeDefined();
    }
    for (const key of [
      'ANY /webhooks/stripe',
      'ANY /api/webhooks/square',
      'ANY /api/webhooks/shopify',
      'ANY /webhooks/sources/{sourceId}',
    ]) {
      const route = routes.find((r) => r.RouteKey === key);
      expect(route?.AuthorizationType, key).toBe('NONE');
      expect(route?.AuthorizerId, key).toBeUndefined();
    }
  });

  it('puts the JWT authorizer on every connections and catalog route', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const expected = ROUTES.filter(
      (route) =>
        route.function === 'connectionsApi' ||
        route.function === 'catalogApi' ||
        (route.function === 'connectionsOauth' && route.auth === 'jwt'),
    );
    expect(expected.length).toBeGreaterThanOrEqual(9);
    for (const spec of expected) {
      const route = routes.find((r) => r.RouteKey === `${spec.method} ${spec.path}`);
      expect(route?.AuthorizationType, spec.path).toBe('JWT');
      expect(route?.AuthorizerId, spec.path).toEqual({ Ref: expect.any(String) as unknown });
    }
  });

  it('leaves only /webhooks/, /api/webhooks/ and /oauth/ (callbacks) routes unauthenticated', () => {
    const unauthenticated = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties)
      .filter((r) => r.AuthorizationType === 'NONE')
      .map((r) => String(r.RouteKey).split(' ')[1] as string);
    expect(unauthenticated.length).toBe(ROUTES.filter((route) => route.auth === 'none').length);
    for (const path of unauthenticated) expect(path).toMatch(/^\/((api\/)?webhooks|oauth\/(shopify|square))\//);
  });

  it('configures the JWT authorizer from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: cdkJson.context.jwtIssuer, Audience: [cdkJson.context.jwtAudience] },
    });
  });

  it('logs access and throttles on the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });

  it('outputs the API, webhook and internal events URLs', () => {
    const endpoint = getAtt(logicalId(stack.httpApi), 'ApiEndpoint');
    template.hasOutput('ApiUrl', {});
    template.hasOutput('StripeWebhookUrl', { Value: { 'Fn::Join': ['', [endpoint, '/webhooks/stripe']] } });
    template.hasOutput('SquareWebhookUrl', { Value: { 'Fn::Join': ['', [endpoint, '/api/webhooks/square']] } });
    template.hasOutput('ShopifyWebhookUrl', {
      Value: { 'Fn::Join': ['', [endpoint, '/api/webhooks/shopify']] },
      Description: Match.stringLikeRegexp('Shopify'),
    });
    template.hasOutput('SourcesWebhookUrlTemplate', {
      Value: { 'Fn::Join': ['', [endpoint, '/webhooks/sources/{sourceId}']] },
      Description: Match.stringLikeRegexp('sourceId'),
    });
    template.hasOutput('InternalEventsUrl', {
      Description: Match.stringLikeRegexp('execute-api:Invoke'),
      Value: { 'Fn::Join': ['', [getAtt(logicalId(stack.httpApi), 'ApiEndpoint'), '/internal/events']] },
    });
  });
});

describe('least privilege', () => {
  const billingQueueArn = (): unknown => getAtt(logicalId(stack.queues.billing.queue));

  it('stripe-webhook may send to the billing queue and read its secret, and touch no table', () => {
    const statements = roleStatements('stripeWebhook');
    const send = statementsWithAction(statements, 'sqs:SendMessage');
    expect(send).toHaveLength(1);
    expect(send[0]?.Resource).toEqual(billingQueueArn());
    expect(statementsWithAction(statements, 'dynamodb:')).toEqual([]);
    expect(statementsWithAction(statements, 'sns:')).toEqual([]);
    expect(statementsWithAction(statements, 'secretsmanager:GetSecretValue')[0]?.Resource).toEqual({
      Ref: logicalId(stack.secrets.stripeWebhookSecret as Secret),
    });
  });

  const tableArn = (name: TableName): unknown => getAtt(logicalId(stack.tables[name]));
  const dynamoResources = (statements: Statement[]): string[] => [
    ...new Set(
      statementsWithAction(statements, 'dynamodb:')
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r)),
    ),
  ];

  it('square-webhook reads (never writes) the connections table, sends only to the catalog queue, reads only its \
signature key', () => {
    const statements = roleStatements('squareWebhook');
    expect(dynamoResources(statements)).toEqual([JSON.stringify(tableArn('connections'))]);
    const actions = statementsWithAction(statements, 'dynamodb:').flatMap(actionsOf);
    expect(actions).toEqual(['dynamodb:GetItem']);
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.catalog.queue))]);
    expect(statementsWithAction(statements, 'sqs:ReceiveMessage')).toEqual([]);
    expect(resourcesFor(statements, 'secretsmanager:GetSecretValue')).toEqual([
      { Ref: logicalId(stack.secrets.squareSignatureKey as Secret) },
    ]);
    expect(statementsWithAction(statements, 'kms:')).toEqual([]);
    expect(statementsWithAction(statements, 'sns:')).toEqual([]);
  });

  it('shopify-webhook has no DynamoDB access, sends only to the catalog queue, reads only its client secret', () => {
    const statements = roleStatements('shopifyWebhook');
    expect(statementsWithAction(statements, 'dynamodb:')).toEqual([]);
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.catalog.queue))]);
    expect(resourcesFor(statements, 'secretsmanager:GetSecretValue')).toEqual([
      { Ref: logicalId(stack.secrets.shopifyApiSecret as Secret) },
    ]);
    expect(statementsWithAction(statements, 'kms:')).toEqual([]);
  });

  it(
    'catalog-consumer consumes the catalog queue, writes catalog, connections, ops alerts and the inbound log, ' +
      'and sends only to the events queue',
    () => {
      const statements = roleStatements('catalogConsumer');
      expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.events.queue))]);
      expect(resourcesFor(statements, 'sqs:ReceiveMessage')).toEqual([getAtt(logicalId(stack.queues.catalog.queue))]);
      expect(
        dynamoResources(statements)
          .filter((resource) => !resource.includes('/index/'))
          .sort(),
      ).toEqual(
        [
          JSON.stringify(tableArn('catalog')),
          JSON.stringify(tableArn('connections')),
          JSON.stringify(tableArn('ops')),
          JSON.stringify(tableArn('inbound')),
        ].sort(),
      );
      expect(statementsWithAction(statements, 'dynamodb:').flatMap(actionsOf)).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      );
      // The optional Square access token is off by default: no secret to read.
      expect(statementsWithAction(statements, 'secretsmanager:')).toEqual([]);
    },
  );

  it(
    'keeps large inbound bodies in an encrypted, private, TLS-only bucket that expires them after ' +
      'the log retention',
    () => {
      const bucket = resources[logicalId(stack.buckets.inboundBodies)]!;
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [
            expect.objectContaining({ ExpirationInDays: BUCKETS.inboundBodies.expireAfterDays, Status: 'Enabled' }),
          ],
        },
      });
      // Object access only, for exactly the functions topology gives it to; writers also put.
      for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
        const mode = (functionSpecs[name].access as FunctionAccess).buckets?.inboundBodies;
        const actions = roleStatements(name)
          .filter((statement) => JSON.stringify(statement.Resource).includes(logicalId(stack.buckets.inboundBodies)))
          .flatMap(actionsOf);
        expect(actions.sort(), name).toEqual(
          mode === 'readWrite' ? ['s3:GetObject', 's3:PutObject'] : mode === 'read' ? ['s3:GetObject'] : [],
        );
      }
    },
  );

  it(
    'serves the inbound event log to JWT callers and its operator view over IAM only, outside the ' +
      'publisher policy',
    () => {
      const routes = Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
      const authOf = (key: string) =>
        routes.find((route) => route.Properties.RouteKey === key)?.Properties.AuthorizationType;
      expect(authOf('GET /v1/orgs/{orgId}/inbound/events')).toBe('JWT');
      expect(authOf('POST /v1/orgs/{orgId}/inbound/replay')).toBe('JWT');
      expect(authOf('GET /internal/inbound/events')).toBe('AWS_IAM');
      expect(authOf('POST /internal/inbound/events/{eventId}/replay')).toBe('AWS_IAM');
      const policy = JSON.stringify(resources[logicalId(stack.internalPublisherPolicy as IConstruct)]);
      expect(policy).not.toContain('inbound');
      expect(policy).not.toContain(logicalId(stack.queues.billing.queue));
    },
  );

  it('billingApi may only read the tables', () => {
    const statements = roleStatements('billingApi');
    const dynamo = statementsWithAction(statements, 'dynamodb:');
    expect(dynamo.length).toBeGreaterThan(0);
    const actions = dynamo.flatMap(actionsOf);
    for (const action of WRITE_ACTIONS) expect(actions).not.toContain(action);
    expect(statementsWithAction(statements, 'sqs:')).toEqual([]);
    expect(statementsWithAction(statements, 'sns:')).toEqual([]);
    expect(statementsWithAction(statements, 'secretsmanager:')).toEqual([]);
  });

  it('billing-consumer writes the tables, publishes alerts, consumes, and sends only to the events queue', () => {
    const statements = roleStatements('billingConsumer');
    expect(statementsWithAction(statements, 'dynamodb:').flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
    expect(statementsWithAction(statements, 'sns:Publish')[0]?.Resource).toEqual({ Ref: logicalId(stack.opsTopic) });
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.events.queue))]);
    expect(statementsWithAction(statements, 'sqs:ReceiveMessage')[0]?.Resource).toEqual(billingQueueArn());
  });

  const keyArn = (): unknown => getAtt(logicalId(stack.endpointSecretsKey as IConstruct));
  const purposeCondition = (name: FunctionName) => ({
    StringEquals: {
      'kms:EncryptionContext:purpose':
        ENDPOINT_SECRETS_KEY.purposes[functionSpecs[name].access.endpointSecrets?.of ?? 'endpoint'],
    },
  });
  const kmsActionsOn = (name: FunctionName, resource: unknown): string[] =>
    statementsWithAction(roleStatements(name), 'kms:')
      .filter((statement) => resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
      .flatMap(actionsOf);

  it('delivery sends to its queue only (never its DLQ), and may only decrypt endpoint secrets', () => {
    const statements = roleStatements('delivery');
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.delivery.queue))]);
    expect(kmsActionsOn('delivery', keyArn())).toEqual(['kms:Decrypt']);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toContain('kms:Decrypt');
    expect(actions).not.toContain('kms:Encrypt');
  });

  it('endpoints-api encrypts endpoint secrets and, for test sends and resends, decrypts them and sends \
deliveries', () => {
    expect(kmsActionsOn('endpointsApi', keyArn()).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    const statements = roleStatements('endpointsApi');
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual(
      expect.arrayContaining([
        getAtt(logicalId(stack.queues.delivery.queue)),
        // Recoveries are durable jobs: it queues their first step.
        getAtt(logicalId(stack.queues.jobs.queue)),
      ]),
    );
    expect(resourcesFor(statements, 'sqs:SendMessage')).toHaveLength(2);
    expect(statementsWithAction(statements, 'sqs:ReceiveMessage')).toEqual([]);
  });

  it('conditions every use of the endpoint secrets key on its EncryptionContext purpose', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const onKey = statementsWithAction(roleStatements(name), 'kms:').filter((statement) =>
        resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(keyArn())),
      );
      expect(onKey.length > 0, name).toBe(functionSpecs[name].access.endpointSecrets !== undefined);
      for (const statement of onKey) expect(statement.Condition, name).toEqual(purposeCondition(name));
    }
  });

  it('grants on the EncryptionContext purposes the functions actually use', () => {
    expect(secretContext({ orgId: 'org_1', endpointId: 'ep_1' }).purpose).toBe(ENDPOINT_SECRETS_KEY.purposes.endpoint);
    expect(sourceSecretContext('org_1', 'src_1').purpose).toBe(ENDPOINT_SECRETS_KEY.purposes.source);
    expect(purposeCondition('delivery').StringEquals['kms:EncryptionContext:purpose']).toBe('webhook-endpoint-secret');
    expect(purposeCondition('sourcesWebhook').StringEquals['kms:EncryptionContext:purpose']).toBe(
      'inbound-source-secret',
    );
    expect(kmsActionsOn('sourcesWebhook', keyArn())).toEqual(['kms:Decrypt']);
    expect(kmsActionsOn('connectionsApi', keyArn())).toEqual(['kms:Encrypt']);
  });

  it(
    'encrypts OAuth tokens under their own purpose: connections-oauth, the job worker and the refresher both ' +
      'ways, the catalog consumer decrypt only',
    () => {
      expect(oauthTokenContext('square', 'M1', 'access').purpose).toBe(ENDPOINT_SECRETS_KEY.purposes.oauthToken);
      for (const name of ['connectionsOauth', 'jobWorker', 'oauthTokenRefresh', 'catalogConsumer'] as const)
        expect(purposeCondition(name).StringEquals['kms:EncryptionContext:purpose'], name).toBe('oauth-token');
      expect(kmsActionsOn('connectionsOauth', keyArn()).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt']);
      expect(kmsActionsOn('catalogConsumer', keyArn())).toEqual(['kms:Decrypt']);
    },
  );

  it('runs the token refresher on an hourly EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: getAtt(logicalId(stack.functions.oauthTokenRefresh)) })],
    });
  });

  it('events-api may only send to the events queue', () => {
    const statements = roleStatements('eventsApi');
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.events.queue))]);
    expect(statementsWithAction(statements, 'dynamodb:')).toEqual([]);
    expect(statementsWithAction(statements, 'kms:')).toEqual([]);
    expect(statementsWithAction(statements, 'sns:')).toEqual([]);
    expect(statementsWithAction(statements, 'secretsmanager:')).toEqual([]);
    expect(statementsWithAction(statements, 'sqs:ReceiveMessage')).toEqual([]);
  });

  it('fanout writes the webhooks table and sends deliveries, with no KMS access', () => {
    const statements = roleStatements('fanout');
    expect(statementsWithAction(statements, 'kms:')).toEqual([]);
    expect(resourcesFor(statements, 'sqs:SendMessage')).toEqual([getAtt(logicalId(stack.queues.delivery.queue))]);
    expect(resourcesFor(statements, 'dynamodb:PutItem')).toEqual(
      expect.arrayContaining([getAtt(logicalId(stack.tables.webhooks))]),
    );
    expect(resourcesFor(statements, 'sqs:ReceiveMessage')).toEqual([getAtt(logicalId(stack.queues.events.queue))]);
  });

  it('only functions with sendsToDeadLetter may write to a DLQ', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const sendTargets = resourcesFor(roleStatements(name), 'sqs:SendMessage').map((r) => JSON.stringify(r));
      for (const queue of Object.keys(QUEUES) as QueueName[]) {
        const dlq = JSON.stringify(getAtt(logicalId(stack.queues[queue].deadLetterQueue)));
        expect(sendTargets.includes(dlq), `${name} → ${queue} DLQ`).toBe(
          functionSpecs[name].access.sendsToDeadLetter?.includes(queue) ?? false,
        );
      }
    }
  });

  it('uses no managed policies and "*" only for X-Ray', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      for (const statement of roleStatements(name).filter((s) => s.Resource === '*')) {
        expect(
          actionsOf(statement).every((action) => action.startsWith('xray:')),
          name,
        ).toBe(true);
      }
    }
  });
});

describe('secrets', () => {
  it('creates the required secrets (Stripe, Square, Shopify) and leaves the optional ones out by default', () => {
    expect(REQUIRED_SECRETS).toBe(3);
    for (const name of ['stripeWebhookSecret', 'squareSignatureKey', 'shopifyApiSecret'] as const) {
      expect(stack.secrets[name], name).toBeDefined();
      template.hasOutput(`${SECRETS[name].id}Arn`, { Description: Match.stringLikeRegexp('put-secret-value') });
    }
    expect(stack.secrets.stripeApiKey).toBeUndefined();
    expect(stack.secrets.squareAccessToken).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', REQUIRED_SECRETS);
  });

  it('hands each webhook function only its own signing secret', () => {
    const secretRefs = (name: FunctionName) => resourcesFor(roleStatements(name), 'secretsmanager:GetSecretValue');
    expect(secretRefs('squareWebhook')).toEqual([{ Ref: logicalId(stack.secrets.squareSignatureKey as Secret) }]);
    expect(secretRefs('shopifyWebhook')).toEqual([{ Ref: logicalId(stack.secrets.shopifyApiSecret as Secret) }]);
    expect(secretRefs('stripeWebhook')).toEqual([{ Ref: logicalId(stack.secrets.stripeWebhookSecret as Secret) }]);
    expect(secretRefs('sourcesWebhook')).toEqual([]);
  });

  it('with context squareCatalogPull=true, creates the Square access token secret and hands it to the catalog \
consumer only', () => {
    const { stack: withToken } = synthesise({ ...REPORT_ONLY, squareCatalogPull: 'true' });
    const withTokenTemplate = Template.fromStack(withToken);
    withTokenTemplate.resourceCountIs('AWS::SecretsManager::Secret', REQUIRED_SECRETS + 1);
    const secretId = withToken.getLogicalId(withToken.secrets.squareAccessToken?.node.defaultChild as CfnResource);
    withTokenTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS.catalogConsumer.description,
      Environment: { Variables: Match.objectLike({ [SECRETS.squareAccessToken.arnEnvVar]: { Ref: secretId } }) },
    });
    withTokenTemplate.hasOutput('SquareAccessTokenArn', {});
    const functionsWithToken = Object.values(withTokenTemplate.findResources('AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn).includes(SECRETS.squareAccessToken.arnEnvVar),
    );
    expect(functionsWithToken).toHaveLength(1);
  });

  it('with context stripeReconciliation=true, creates the API key secret and hands it to the consumer', () => {
    const { stack: withKey } = synthesise({ ...REPORT_ONLY, stripeReconciliation: 'true' });
    const withKeyTemplate = Template.fromStack(withKey);
    withKeyTemplate.resourceCountIs('AWS::SecretsManager::Secret', REQUIRED_SECRETS + 1);
    const secretId = withKey.getLogicalId(withKey.secrets.stripeApiKey?.node.defaultChild as CfnResource);
    withKeyTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS.billingConsumer.description,
      Environment: { Variables: Match.objectLike({ [SECRETS.stripeApiKey.arnEnvVar]: { Ref: secretId } }) },
    });
  });
});

describe('observability', () => {
  it('has the dashboard with every business metric under the service dimension', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.[1].Properties.DashboardName).toBe(`BetterDataWebhooks-${stack.stackName}`);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const [name, metrics] of Object.entries(BUSINESS_METRICS) as [FunctionName, string[]][]) {
      for (const metric of metrics) {
        expect(body).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"${FUNCTIONS[name].dir}\\"`);
      }
    }
    template.hasOutput('DashboardName', {});
  });

  it('draws the inbound log: duplicate receipts per provider, failed and unmatched outcomes, replays', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody);
    for (const title of ['duplicate receipts by provider', 'failed and unmatched outcomes', 'replays'])
      expect(body).toContain(`Inbound log: ${title}`);
    const lines = Object.values(INBOUND_LOG_METRICS).flat();
    expect(INBOUND_LOG_METRICS.duplicates.map((line) => line.label)).toEqual([
      'Stripe',
      'Square',
      'Shopify',
      'Signed sources',
    ]);
    for (const { service, metric, label } of lines) {
      const path = `\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"${FUNCTIONS[service].dir}\\"`;
      expect(body).toContain(`${path},{\\"label\\":\\"${label}\\"`);
    }
  });

  it('pages on Stripe events no organisation owns at once, and on bursts of failed or unmatched inbound events', () => {
    const alarmOn = (metric: string, service: FunctionName, threshold: number) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: FUNCTIONS[service].dir }],
        Threshold: threshold,
        Period: 300,
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: Match.stringLikeRegexp('inbound log'),
      });
    alarmOn(METRIC_NAMES.billingConsumer.orgUnresolved, 'billingConsumer', 1);
    alarmOn(METRIC_NAMES.billingConsumer.failed, 'billingConsumer', 5);
    alarmOn(METRIC_NAMES.catalogConsumer.failed, 'catalogConsumer', 5);
    alarmOn(METRIC_NAMES.catalogConsumer.unmatched, 'catalogConsumer', 10);
  });

  it('alarms to the ops topic when a DLQ holds a message', () => {
    const topic = { Ref: logicalId(stack.opsTopic) };
    for (const name of Object.keys(QUEUES) as QueueName[]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(logicalId(stack.queues[name].deadLetterQueue), 'QueueName') }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      });
    }
  });

  it('has one DLQ alarm per dead-letter queue in the template', () => {
    const dlqIds = ofType('AWS::SQS::Queue')
      .filter(([, queue]) => queue.Properties.RedrivePolicy === undefined)
      .map(([id]) => id);
    expect(dlqIds).toHaveLength(Object.keys(QUEUES).length);
    const alarmed = ofType('AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map(
        ([, alarm]) =>
          (alarm.Properties.Dimensions as [{ Value: { 'Fn::GetAtt': [string, string] } }])[0].Value['Fn::GetAtt'][0],
      );
    expect(alarmed.sort()).toEqual(dlqIds.sort());
  });

  it('draws what the sweeper re-queued per hour: overdue deliveries and stale attempts', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody);
    expect(OVERDUE_REQUEUED).toEqual({ service: 'sweeper', metric: 'OverdueDeliveryRequeued' });
    expect(STALE_ATTEMPTS_REQUEUED).toEqual({ service: 'sweeper', metric: 'StaleAttemptRequeued' });
    expect(body).toContain('Sweeper: stranded deliveries re-queued (per hour)');
    for (const [metric, label] of [
      [OVERDUE_REQUEUED.metric, 'overdue deliveries re-queued'],
      [STALE_ATTEMPTS_REQUEUED.metric, 'stale attempts re-queued'],
    ]) {
      expect(body).toContain(
        `\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"sweeper\\",` +
          `{\\"label\\":\\"${label}\\",\\"period\\":3600,\\"stat\\":\\"Sum\\"}`,
      );
    }
  });

  it('draws delivery latency percentiles, the disabled endpoints, manual resends and recoveries of the last \
day', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody);
    const metricRef = (metric: string, service: string) =>
      `\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"${service}\\"`;
    const latencyService = FUNCTIONS[DELIVERY_LATENCY.service].dir;
    expect(DELIVERY_LATENCY).toEqual({ service: 'delivery', metric: 'DeliveryLatency' });
    expect(ENDPOINT_DISABLED).toEqual({ service: 'delivery', metric: 'EndpointDisabled' });
    expect(MANUAL_RESENDS).toEqual({ service: 'endpointsApi', metric: 'ManualResend' });
    expect(RECOVERIES).toEqual({ service: 'endpointsApi', metric: 'RecoveryStarted' });
    expect(RECOVERED_DELIVERIES).toEqual({ service: 'endpointsApi', metric: 'RecoveryDeliveriesQueued' });
    for (const dedicated of [MANUAL_RESENDS, RECOVERIES, RECOVERED_DELIVERIES]) {
      expect(body).toContain(`${metricRef(dedicated.metric, 'endpoints-api')},{\\"label\\"`);
    }
    expect(body).toContain('Delivery latency');
    for (const statistic of ['p50', 'p95', 'p99']) {
      expect(body).toContain(
        `${metricRef(DELIVERY_LATENCY.metric, latencyService)},` +
          `{\\"label\\":\\"${statistic}\\",\\"stat\\":\\"${statistic}\\"}`,
      );
    }
    // A latency is not a count: it stays out of the delivery function's Sum graph.
    expect(body).not.toContain(`${metricRef(DELIVERY_LATENCY.metric, latencyService)},{\\"stat\\":\\"Sum\\"}`);
    expect(body).toContain('Disabled endpoints');
    expect(body).toContain(
      `${metricRef(ENDPOINT_DISABLED.metric, FUNCTIONS[ENDPOINT_DISABLED.service].dir)},` +
        `{\\"label\\":\\"disabled\\",\\"period\\":86400,\\"stat\\":\\"Sum\\"}`,
    );
    expect(body).toContain('\\"view\\":\\"singleValue\\"');
  });

  it('alarms on queue age, consumer errors and failed enqueues', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Period: 300,
      Threshold: 0,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.functions.billingConsumer) } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'WebhookEnqueueFailed',
      Dimensions: [{ Name: 'service', Value: FUNCTIONS.stripeWebhook.dir }],
      Threshold: 1,
    });
  });

  it('alarms on the backlog age of every queue, including the one other services consume', () => {
    for (const name of QUEUE_NAMES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(logicalId(stack.queues[name].queue), 'QueueName') }],
        AlarmActions: [{ Ref: logicalId(stack.opsTopic) }],
      });
    }
  });

  it(
    'alarms on the errors of every function: queue consumers (the catalog consumer included), webhook functions ' +
      'and APIs',
    () => {
      const alarmedFunctions = ofType('AWS::CloudWatch::Alarm')
        .filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/Lambda' && alarm.Properties.MetricName === 'Errors')
        .map(([, alarm]) => JSON.stringify((alarm.Properties.Dimensions as [{ Value: unknown }])[0].Value));
      const expected = new Set<FunctionName>([
        ...consumedQueues.map((name) => QUEUES[name].consumer?.function as FunctionName),
        ...WEBHOOK_FUNCTIONS,
        ...(Object.keys(FUNCTIONS) as FunctionName[]),
      ]);
      expect(expected).toContain('catalogConsumer');
      expect(WEBHOOK_FUNCTIONS).toEqual(
        expect.arrayContaining(['stripeWebhook', 'squareWebhook', 'shopifyWebhook', 'sourcesWebhook']),
      );
      expect(alarmedFunctions.sort()).toEqual(
        [...expected].map((name) => JSON.stringify({ Ref: logicalId(stack.functions[name]) })).sort(),
      );
    },
  );

  it('alarms on the enqueueFailed metric of every function that has one', () => {
    const withMetric = (Object.entries(METRIC_NAMES) as [FunctionName, Record<string, string>][]).filter(
      ([, metrics]) => metrics.enqueueFailed,
    );
    expect(withMetric.map(([name]) => name)).toContain('stripeWebhook');
    expect(BUSINESS_METRIC_ALARMS.map((alarm) => alarm.function).sort()).toEqual(
      withMetric.map(([name]) => name).sort(),
    );
    for (const [name, metrics] of withMetric) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS_NAMESPACE,
        MetricName: metrics.enqueueFailed,
        Dimensions: [{ Name: 'service', Value: FUNCTIONS[name].dir }],
        Threshold: 1,
        AlarmActions: [{ Ref: logicalId(stack.opsTopic) }],
      });
    }
  });

  it('keeps endpoint secrets under a rotating, retained customer key with an alias', () => {
    const keyId = logicalId(stack.endpointSecretsKey as IConstruct);
    expect(resources[keyId]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/betterdata-webhooks/${stack.stackName}/endpoint-secrets`,
      TargetKeyId: getAtt(keyId),
    });
  });

  it('encrypts the ops topic with a rotating customer key and enforces TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('reports no unacknowledged findings, errors or warnings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('is registered by buildApp and fails synthesis on an unacknowledged finding', () => {
    const { app: other, stack: otherStack } = synthesise();
    const secret = new Secret(otherStack, 'UnacknowledgedSecret');
    const paths = new AwsSolutionsChecks(other)
      .validateScope(other)
      .violations.filter((v) => v.ruleName === 'AwsSolutions-SMG4')
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(paths).toContain(secret.node.path + '/Resource');
    expect(() => other.synth()).toThrow(/AwsSolutions-SMG4/);
  });
});

describe('capacity settings', () => {
  it('reserves concurrency for the ingest functions and the events API only', () => {
    const reserved = (Object.keys(FUNCTIONS) as FunctionName[]).filter(
      (name) => resources[logicalId(stack.functions[name])]?.Properties.ReservedConcurrentExecutions !== undefined,
    );
    expect(reserved.sort()).toEqual([
      'eventsApi',
      'shopifyWebhook',
      'sourcesWebhook',
      'squareWebhook',
      'stripeWebhook',
    ]);
    for (const name of reserved)
      expect(resources[logicalId(stack.functions[name])]?.Properties.ReservedConcurrentExecutions).toBe(
        functionSpecs[name].reservedConcurrency,
      );
  });

  it('alarms when more than a threshold of endpoint circuits open within five minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC_NAMES.delivery.circuitOpened,
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'delivery' }],
      Threshold: 10,
      Period: 300,
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it(
    'takes delivery concurrency, reserved concurrency, the alarm threshold and deployment settings ' + 'from context',
    () => {
      const { stack: tuned } = synthesise({
        ...REPORT_ONLY,
        deliveryMaxConcurrency: 500,
        reservedConcurrency: false,
        circuitOpenAlarmThreshold: 3,
        endpointConcurrencyCap: 4,
        orgOperationsPerMinute: 30,
        unprovenEndpointTimeoutMs: 2000,
      });
      const tunedTemplate = Template.fromStack(tuned);
      tunedTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: tuned.getLogicalId(tuned.functions.delivery.node.defaultChild as CfnResource) },
        ScalingConfig: { MaximumConcurrency: 500 },
      });
      const functions = Object.values(tunedTemplate.findResources('AWS::Lambda::Function'));
      expect(functions.some((fn) => fn.Properties.ReservedConcurrentExecutions !== undefined)).toBe(false);
      tunedTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: METRIC_NAMES.delivery.circuitOpened,
        Threshold: 3,
      });
      const environmentOf = (name: FunctionName) =>
        (
          tunedTemplate.toJSON().Resources[tuned.getLogicalId(tuned.functions[name].node.defaultChild as CfnResource)]
            .Properties as { Environment: { Variables: Record<string, unknown> } }
        ).Environment.Variables;
      expect(environmentOf('delivery')[ENV.endpointConcurrencyCap]).toBe('4');
      expect(environmentOf('delivery')[ENV.unprovenEndpointTimeoutMs]).toBe('2000');
      expect(environmentOf('endpointsApi')[ENV.orgOperationsPerMinute]).toBe('30');
      expect(environmentOf('delivery')[ENV.orgOperationsPerMinute]).toBeUndefined();
      expect(() => synthesise({ deliveryMaxConcurrency: 1 })).toThrow(/deliveryMaxConcurrency must be 2–1000/);
    },
  );
});
