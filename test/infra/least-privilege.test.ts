import { readFileSync } from 'node:fs';
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { METRIC_ALARMS, REJECTION_RATE_PERCENT, THROTTLED_REQUESTS_METRIC } from '../../infra/constructs/alarms';
import type { WebhooksStack } from '../../infra/webhooks-stack';
import {
  ENDPOINT_SECRETS_KEY,
  ENV,
  FUNCTIONS,
  ROUTES,
  THROTTLES,
  type FunctionName,
} from '../../shared/platform/topology';

/**
 * Least privilege in the synthesised template: item-scoped DynamoDB grants per function, the endpoint
 * secrets key policy, who may send to the events queue and publish through the internal route, route
 * throttles, and the alarms that page the ops topic. Synthesised with a publisher allowlist, an events
 * queue operator and a throttle override in context, as an operator would deploy it.
 */

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

const BILLING_SERVICE = 'arn:aws:iam::123456789012:role/services/billing-service';
const PLATFORM_OPS = 'arn:aws:iam::123456789012:role/platform-ops';
const REDRIVER = 'arn:aws:iam::123456789012:role/ops-redrive';
const PUBLISHERS = {
  [BILLING_SERVICE]: { eventTypes: ['subscription.updated'], owners: ['org'] },
  [PLATFORM_OPS]: { eventTypes: ['*'], owners: ['org', 'merchant'] },
};

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: { AWS?: unknown };
  Condition?: Record<string, Record<string, unknown>>;
}
interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

let stack: WebhooksStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  ({ stack } = buildApp({
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      eventPublishers: JSON.stringify(PUBLISHERS),
      eventsQueueOperators: REDRIVER,
      throttles: { shopify: { rateLimit: 900, burstLimit: 1800 } },
    },
    env: {},
  }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ofType = (type: string): Resource[] => Object.values(resources).filter((r) => r.Type === type);
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const roleArnOf = (name: FunctionName) => ({
  'Fn::GetAtt': [logicalId(stack.functions[name].role as IConstruct), 'Arn'],
});

function dynamoStatements(name: FunctionName): Statement[] {
  const roleId = logicalId(stack.functions[name].role as IConstruct);
  return ofType('AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
}

const dynamoActions = (name: FunctionName): string[] =>
  [...new Set(dynamoStatements(name).flatMap(actionsOf))].map((action) => action.replace('dynamodb:', '')).sort();

/** `{ "<action>": ["<resource>|<prefix*>", …] }` for one function: what it may do where. */
function grantsOf(name: FunctionName): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of dynamoStatements(name)) {
    const resourceList = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    const prefixes = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[];
    for (const action of actionsOf(statement)) {
      for (const resource of resourceList) {
        const where = /\/index\/(\w+)/.exec(JSON.stringify(resource))?.[1] ?? tableOf(resource);
        for (const prefix of prefixes) (grants[action.replace('dynamodb:', '')] ??= []).push(`${where}|${prefix}`);
      }
    }
  }
  for (const list of Object.values(grants)) list.sort();
  return grants;
}

function tableOf(resource: unknown): string {
  const entry = Object.entries(stack.tables).find(([, table]) => JSON.stringify(resource).includes(logicalId(table)));
  return entry?.[0] ?? JSON.stringify(resource);
}

describe('item-scoped DynamoDB grants', () => {
  /** The exact DynamoDB actions each function performs (read from the stores it uses). */
  const EXPECTED_ACTIONS: Record<FunctionName, string[]> = {
    stripeWebhook: [],
    billingConsumer: ['GetItem', 'PutItem', 'UpdateItem'],
    billingApi: ['GetItem', 'Query'],
    endpointsApi: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    eventsApi: [],
    fanout: ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    delivery: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'],
    squareWebhook: ['GetItem'],
    shopifyWebhook: [],
    sourcesWebhook: ['GetItem', 'PutItem', 'UpdateItem'],
    connectionsApi: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
    catalogConsumer: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    catalogApi: ['PutItem', 'Query'],
    docsApi: [],
    jobWorker: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    connectionsOauth: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    oauthTokenRefresh: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
    sweeper: ['GetItem', 'Query', 'UpdateItem'],
    inboundApi: ['GetItem', 'PutItem', 'Query'],
  };

  it.each(Object.keys(FUNCTIONS) as FunctionName[])('%s gets exactly the actions it performs', (name) => {
    expect(dynamoActions(name)).toEqual(EXPECTED_ACTIONS[name] ?? []);
  });

  it('scopes every DynamoDB statement to key prefixes with dynamodb:LeadingKeys', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      for (const statement of dynamoStatements(name)) {
        const prefixes = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
        expect(Array.isArray(prefixes) ? prefixes : [prefixes], name).toEqual(
          expect.arrayContaining([expect.stringMatching(/^[A-Z_]+(#[a-z#]*)?\*$/)]),
        );
        expect(Object.keys(statement.Condition ?? {}), name).toEqual(['ForAllValues:StringLike']);
      }
    }
  });

  it('grants Scan to no function, and no BatchWriteItem either', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      for (const action of ['Scan', 'BatchWriteItem', '*']) {
        expect(dynamoActions(name), name).not.toContain(action);
      }
    }
  });

  it('grants BatchGetItem to delivery (items its GetItem may read) and fan-out (admission items) only', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const batchGet = grantsOf(name).BatchGetItem;
      if (name === 'fanout') {
        // Fan-out reads the endpoints' admission items (is a circuit open?) and nothing else in a batch.
        expect(batchGet, name).toEqual(['webhooks|ADMISSION#*']);
      } else if (name === 'delivery' || name === 'endpointsApi') {
        // The admission item (circuit, leases, rate slots) is read on its own, never in the batch.
        const webhooksGets = (grantsOf(name).GetItem ?? []).filter(
          (grant) => grant.startsWith('webhooks|') && grant !== 'webhooks|ADMISSION#*',
        );
        expect(batchGet, name).toEqual(webhooksGets);
      } else expect(batchGet, name).toBeUndefined();
    }
  });

  it('gives the internet-facing receivers no Scan, DeleteItem or BatchWriteItem', () => {
    const unauthenticated = [
      ...new Set(ROUTES.filter((route) => route.auth === 'none').map((route) => route.function)),
    ].sort();
    expect(unauthenticated).toEqual([
      'connectionsOauth',
      'shopifyWebhook',
      'sourcesWebhook',
      'squareWebhook',
      'stripeWebhook',
    ]);
    for (const name of unauthenticated.filter((n) => n !== 'connectionsOauth')) {
      for (const action of ['Scan', 'DeleteItem', 'BatchWriteItem'])
        expect(dynamoActions(name), name).not.toContain(action);
    }
    // The OAuth callbacks (HMAC- and state-checked) take a single-use state by deleting it: no Scan or batch.
    for (const action of ['Scan', 'BatchWriteItem']) expect(dynamoActions('connectionsOauth')).not.toContain(action);
  });

  it(
    'lets the Square receiver read only Square account lookups, and the sources receiver write only event ' +
      'listings and its inbound log entries',
    () => {
      expect(grantsOf('squareWebhook')).toEqual({ GetItem: ['connections|ACCOUNT#square#*'] });
      expect(grantsOf('sourcesWebhook')).toEqual({
        GetItem: ['connections|SOURCE#*', 'inbound|INBOUND#*'],
        PutItem: ['connections|SOURCE_EVENTS#*', 'inbound|INBOUND#*'],
        UpdateItem: ['inbound|INBOUND#*'],
      });
    },
  );

  it('lets the catalog read API list and write settings under organisations only, never delete', () => {
    expect(grantsOf('catalogApi')).toEqual({ PutItem: ['catalog|ORG#*'], Query: ['catalog|ORG#*'] });
  });

  it('lets the catalog consumer delete only catalog items, unmatched events and revoked connections', () => {
    expect(grantsOf('catalogConsumer').DeleteItem).toEqual([
      'catalog|ORG#*',
      'connections|ACCOUNT#*',
      'connections|OAUTH_TOKEN*',
      'connections|ORG#*',
      'connections|UNMATCHED#*',
    ]);
  });

  it('queries the byEndpoint index by endpoint key only from the endpoints API and recovery steps', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const onIndex = Object.values(grantsOf(name))
        .flat()
        .filter((grant) => grant.startsWith('byEndpoint|'));
      expect(onIndex, name).toEqual(['endpointsApi', 'jobWorker'].includes(name) ? ['byEndpoint|EP#*'] : []);
    }
  });

  it('lets the sweeper read and move only deliveries it finds through the byDue index, never put or delete', () => {
    expect(grantsOf('sweeper')).toEqual({
      GetItem: ['webhooks|MSG#*'],
      Query: ['byDue|DUE#*'],
      UpdateItem: ['webhooks|MSG#*'],
    });
  });

  it(
    'lets recovery steps only mark deliveries in the webhooks table, and the endpoints API only ' +
      'start and read jobs',
    () => {
      const onWebhooks = (name: FunctionName) =>
        Object.fromEntries(
          Object.entries(grantsOf(name)).flatMap(([action, grants]) => {
            const kept = grants.filter((grant) => !/^(jobs|catalog|connections|inbound|byOwner)\|/.test(grant));
            return kept.length > 0 ? [[action, kept] as const] : [];
          }),
        );
      expect(onWebhooks('jobWorker')).toEqual({ Query: ['byEndpoint|EP#*'], UpdateItem: ['webhooks|MSG#*'] });
      const jobsGrants = Object.entries(grantsOf('endpointsApi')).flatMap(([action, grants]) =>
        grants.filter((grant) => grant.startsWith('jobs|')).map((grant) => `${action} ${grant}`),
      );
      expect(jobsGrants.sort()).toEqual([
        'GetItem jobs|MERCHANT#*',
        'GetItem jobs|ORG#*',
        'PutItem jobs|MERCHANT#*',
        'PutItem jobs|ORG#*',
      ]);
    },
  );

  it(
    'lists the inbound log by owner only from the job worker (an org) and the inbound API (an org, or ' +
      'unattributed)',
    () => {
      for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
        const onIndex = Object.values(grantsOf(name))
          .flat()
          .filter((grant) => grant.startsWith('byOwner|'));
        const expected: Partial<Record<FunctionName, string[]>> = {
          jobWorker: ['byOwner|ORG#*'],
          inboundApi: ['byOwner|ORG#*', 'byOwner|UNATTRIBUTED*'],
        };
        expect(onIndex, name).toEqual(expected[name] ?? []);
      }
    },
  );

  it('keeps ops alerts to ALERTS# items: the billing API reads them, writers raise them', () => {
    expect(grantsOf('billingApi').Query).toEqual(['billing|ORG#*', 'ops|ALERTS#*']);
    for (const name of ['billingConsumer', 'delivery', 'endpointsApi'] as const) {
      expect(
        grantsOf(name).UpdateItem?.filter((grant) => grant.startsWith('ops|')),
        name,
      ).toEqual(['ops|ALERTS#*']);
    }
  });
});

describe('endpoint secrets key policy', () => {
  const keyPolicy = (): Statement[] =>
    (
      resources[logicalId(stack.endpointSecretsKey as IConstruct)]?.Properties.KeyPolicy as {
        Statement: Statement[];
      }
    ).Statement;

  it('leaves the account administration but no encrypt or decrypt', () => {
    const root = keyPolicy().find((statement) => statement.Sid === 'AccountAdministersTheKey') as Statement;
    expect(actionsOf(root)).not.toContain('kms:*');
    for (const action of actionsOf(root))
      expect(action).not.toMatch(/^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey)/);
    expect(keyPolicy().filter((statement) => actionsOf(statement).includes('kms:*'))).toEqual([]);
  });

  it('names, per purpose and action, exactly the roles whose topology access needs it', () => {
    const named = (action: string, purpose: string) => {
      const statement = keyPolicy().find(
        (s) =>
          actionsOf(s).includes(action) && s.Condition?.StringEquals?.['kms:EncryptionContext:purpose'] === purpose,
      );
      const principals = statement?.Principal?.AWS;
      return (Array.isArray(principals) ? principals : [principals]).map((p) => JSON.stringify(p)).sort();
    };
    const roles = (...names: FunctionName[]) => names.map((name) => JSON.stringify(roleArnOf(name))).sort();
    const { endpoint, source } = ENDPOINT_SECRETS_KEY.purposes;
    expect(named('kms:Encrypt', endpoint)).toEqual(roles('endpointsApi'));
    expect(named('kms:Decrypt', endpoint)).toEqual(roles('endpointsApi', 'delivery'));
    expect(named('kms:Encrypt', source)).toEqual(roles('connectionsApi'));
    expect(named('kms:Decrypt', source)).toEqual(roles('sourcesWebhook'));
    const { oauthToken } = ENDPOINT_SECRETS_KEY.purposes;
    expect(named('kms:Encrypt', oauthToken)).toEqual(roles('connectionsOauth', 'jobWorker', 'oauthTokenRefresh'));
    expect(named('kms:Decrypt', oauthToken)).toEqual(
      roles('catalogConsumer', 'connectionsOauth', 'jobWorker', 'oauthTokenRefresh'),
    );
    const users = keyPolicy().filter((s) => actionsOf(s).some((a) => /^kms:(Encrypt|Decrypt)$/.test(a)));
    expect(users).toHaveLength(6);
  });
});

describe('who may publish events', () => {
  it('hands the events API the allowlist from context, and no other function', () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const variables = (
        resources[logicalId(stack.functions[name])]?.Properties.Environment as { Variables: Record<string, string> }
      ).Variables;
      if (name === 'eventsApi') expect(JSON.parse(variables[ENV.eventPublishers] ?? '')).toEqual(PUBLISHERS);
      else expect(variables, name).not.toHaveProperty(ENV.eventPublishers);
    }
  });

  it(
    'denies SendMessage on the events queue to all but the platform senders, unrestricted publishers and ' +
      'operators',
    () => {
      const queueId = logicalId(stack.queues.events.queue);
      const policy = ofType('AWS::SQS::QueuePolicy').find((p) =>
        JSON.stringify(p.Properties.Queues).includes(queueId),
      ) as Resource;
      const deny = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.find(
        (statement) => statement.Sid === 'OnlyListedRolesSendEvents',
      ) as Statement;
      expect(deny).toMatchObject({ Effect: 'Deny', Action: 'sqs:SendMessage', Principal: { AWS: '*' } });
      const allowed = deny.Condition?.ArnNotEquals?.['aws:PrincipalArn'] as unknown[];
      expect(allowed.map((arn) => JSON.stringify(arn)).sort()).toEqual(
        [
          ...(['billingConsumer', 'catalogConsumer', 'eventsApi', 'jobWorker'] as const).map((name) => roleArnOf(name)),
          PLATFORM_OPS,
          REDRIVER,
        ]
          .map((arn) => JSON.stringify(arn))
          .sort(),
      );
      // The billing service may publish only subscription.updated: it must go through the route, which checks that.
      expect(JSON.stringify(allowed)).not.toContain('billing-service');
    },
  );

  it('refuses a malformed allowlist at synthesis', () => {
    expect(() =>
      buildApp({
        builtinCloudFormationValidation: false,
        context: {
          ...cdkJson.context,
          'aws:cdk:bundling-stacks': [],
          eventPublishers: { 'arn:aws:iam::123456789012:user/someone': { eventTypes: ['*'], owners: ['org'] } },
        },
        env: {},
      }),
    ).toThrow(/IAM role ARN/);
  });
});

describe('route throttles', () => {
  const stage = (): Record<string, unknown> => ofType('AWS::ApiGatewayV2::Stage')[0]?.Properties ?? {};

  it('gives every webhook route its own throttle, sized per provider, with context overrides applied', () => {
    expect(stage().RouteSettings).toEqual({
      'ANY /webhooks/stripe': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      'ANY /api/webhooks/square': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      'ANY /api/webhooks/shopify': { ThrottlingRateLimit: 900, ThrottlingBurstLimit: 1800 },
      'ANY /webhooks/sources/{sourceId}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      'GET /oauth/shopify/callback': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      'GET /oauth/square/callback': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    expect(stage().DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: THROTTLES.api.rateLimit,
      ThrottlingBurstLimit: THROTTLES.api.burstLimit,
    });
    for (const route of ROUTES.filter((r) => r.auth === 'none')) expect(route.throttle, route.path).toBeDefined();
  });

  it('creates the stage after the routes its settings name', () => {
    const stageEntry = Object.values(
      template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>,
    ).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const routeIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route')
      .filter(([, r]) => String(r.Properties.RouteKey).startsWith('ANY /'))
      .map(([id]) => id);
    expect(stageEntry?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('refuses an unknown route class or a non-positive limit in context', () => {
    const build = (throttles: unknown) => () =>
      buildApp({
        builtinCloudFormationValidation: false,
        context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], throttles },
        env: {},
      });
    expect(build({ paypal: { rateLimit: 1, burstLimit: 1 } })).toThrow(/not a route class/);
    expect(build({ stripe: { rateLimit: 0, burstLimit: 1 } })).toThrow(/positive whole/);
  });
});

describe('alarms that page', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties);
  const opsTopic = () => ({ Ref: logicalId(stack.opsTopic) });

  it('sends every alarm and its recovery to the ops topic', () => {
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([opsTopic()]);
      expect(alarm.OKActions, String(alarm.AlarmName)).toEqual([opsTopic()]);
    }
  });

  it('alarms on the throttles of every function', () => {
    const throttled = alarms()
      .filter((alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Throttles')
      .map((alarm) => JSON.stringify((alarm.Dimensions as [{ Value: unknown }])[0].Value))
      .sort();
    expect(throttled).toEqual(
      (Object.keys(FUNCTIONS) as FunctionName[])
        .map((name) => JSON.stringify({ Ref: logicalId(stack.functions[name]) }))
        .sort(),
    );
  });

  it('alarms on the API 5xx rate over 3 minutes and on 429s counted from the access log', () => {
    const rate = alarms().find((alarm) => String(alarm.AlarmName).endsWith('-HttpApi-5xx-rate'));
    expect(rate).toMatchObject({ EvaluationPeriods: 3, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(JSON.stringify(rate?.Metrics)).toContain('5xx');
    const throttled = alarms().find((alarm) => String(alarm.AlarmName).endsWith('-HttpApi-429'));
    expect(throttled).toMatchObject({ Threshold: 50, EvaluationPeriods: 1 });
    expect(throttled?.Metrics).toEqual([
      expect.objectContaining({
        MetricStat: {
          Metric: { MetricName: THROTTLED_REQUESTS_METRIC, Namespace: 'BetterDataWebhooks' },
          Period: 300,
          Stat: 'Sum',
        },
      }),
    ]);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId(stack.httpApiAccessLogs) },
      FilterPattern: '{ $.status = 429 }',
      MetricTransformations: [
        { MetricName: THROTTLED_REQUESTS_METRIC, MetricValue: '1', MetricNamespace: 'BetterDataWebhooks' },
      ],
    });
  });

  it('alarms per provider when more than half the requests are rejected for 15 minutes', () => {
    const rejection = alarms().filter((alarm) => String(alarm.AlarmName).endsWith('-rejection-rate'));
    expect(rejection.map((alarm) => String(alarm.AlarmName).split('-').slice(-3)[0]).sort()).toEqual([
      'ShopifyWebhookFunction',
      'SourcesWebhookFunction',
      'SquareWebhookFunction',
      'StripeWebhookFunction',
    ]);
    for (const alarm of rejection) {
      expect(alarm).toMatchObject({ EvaluationPeriods: 3, Threshold: REJECTION_RATE_PERCENT });
      const metrics = alarm.Metrics as { Expression?: string; MetricStat?: { Period: number } }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toMatch(
        /100 \* rejected_\d+ \/ \(rejected_\d+ \+ queued_\d+\)/,
      );
      for (const metric of metrics.filter((m) => m.MetricStat)) expect(metric.MetricStat?.Period).toBe(300);
    }
  });

  it('has one alarm per METRIC_ALARMS entry, the publisher refusals among them', () => {
    expect(METRIC_ALARMS.map((spec) => spec.metric)).toContain('EventPublisherRefused');
    for (const spec of METRIC_ALARMS) {
      const matching = alarms().filter(
        (alarm) =>
          alarm.MetricName === spec.metric &&
          JSON.stringify(alarm.Dimensions) ===
            JSON.stringify([{ Name: 'service', Value: FUNCTIONS[spec.function].dir }]),
      );
      expect(matching, spec.metric).toHaveLength(1);
    }
  });
});
