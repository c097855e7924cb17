import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import {
  AnyPrincipal,
  Effect,
  type IRole,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  BUCKETS,
  DEPLOYMENT_SETTINGS,
  ENDPOINT_SECRETS_KEY,
  ENV,
  FUNCTIONS,
  METRICS_NAMESPACE,
  OPS_TOPIC,
  QUEUES,
  ROUTES,
  SCHEDULES,
  SECRETS,
  TABLES,
  THROTTLES,
  type BucketName,
  type FunctionAccess,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type RouteSpec,
  type SecretName,
  type TableName,
  type TableSpec,
  type Throttle,
  type ThrottleName,
} from '../shared/platform/topology';
import { parsePublisherAllowlist, unrestrictedPublishers } from '../shared/events/publishers';
import { itemGrantStatements } from './access/item-grants';
import { cdkBundlingOptions } from './bundling';
import { WebhooksDashboard } from './constructs/dashboard';
import {
  ENDPOINT_SECRET_ACTIONS,
  addEndpointSecretsKeyPolicy,
  createEndpointSecretsKey,
} from './constructs/endpoint-secrets-key';
import { createHttpApi } from './constructs/http-api';
import { createOpsTopic } from './constructs/ops-topic';
import { entries, mapRecord } from './constructs/records';
import { createBuckets, createQueues, createTables, type QueuePair } from './constructs/storage';
import { WebhooksConsole } from './constructs/console';
import { parseAllowedOrigins, PORTAL_ALLOWED_ORIGINS_CONTEXT } from './console-settings';

/**
 * The whole system as one stack, derived from shared/topology.ts: adding a table, queue, secret,
 * function access or route there needs no change here.
 *
 * CDK context:
 * - `jwtIssuer`, `jwtAudience` (required): the JWT authorizer on `auth: 'jwt'` routes.
 * - `stripeReconciliation` (optional, default false): creates the Stripe API key secret and hands it to
 *   its consumers. `squareCatalogPull` (optional, default false) does the same for the Square access
 *   token. Other optional secrets are switched on by a context key named after the secret.
 * - `opsAlertEmail` (optional): subscribes this address to the ops alerts topic.
 * - `eventPublishers` (optional, default none): who may publish through `POST /internal/events`, role ARN →
 *   `{ eventTypes, owners }` (shared/events/publishers.ts); an object, or its JSON on the command line.
 * - `eventsQueueOperators` (optional): role ARNs that may send to the events queue besides the platform's
 *   own functions and unrestricted publishers, e.g. the ops role that redrives its DLQ.
 * - `throttles` (optional): per route class (topology THROTTLES), `{ rateLimit, burstLimit }` overrides.
 * - `portalAllowedOrigins` (optional): origins of apps embedding the <betterdata-webhooks> portal; the
 *   API's CORS allows them and the console's own origin only. `consoleOidcClientId` (optional, default
 *   the first jwtAudience): the console's OIDC client. `consoleConnectOrigins` (optional): other hosts the
 *   console may call (an identity provider's token endpoint on another domain).
 * - Capacity (optional, docs/capacity.md): `<queue>MaxConcurrency` (e.g. `deliveryMaxConcurrency`)
 *   overrides a consumer's concurrent batches; `reservedConcurrency: false` leaves out the reserved
 *   concurrency of the ingest functions and the events API (accounts with a small quota);
 *   `circuitOpenAlarmThreshold` (default 10) sets the circuit-openings alarm; every DEPLOYMENT_SETTINGS
 *   key (e.g. `endpointConcurrencyCap`, `orgOperationsPerMinute`) becomes its functions' variable.
 */

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Ninety days: billing disputes surface weeks later, and matches the default ops alert retention. */
const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/** Optional secrets and the context key that switches each on (default: the secret's own name). */
const OPTIONAL_SECRET_CONTEXT: Partial<Record<SecretName, string>> = {
  stripeApiKey: 'stripeReconciliation',
  squareAccessToken: 'squareCatalogPull',
  // Square OAuth: `-c squareOauth=true -c squareApplicationId=sq0idp-…`.
  squareApplicationSecret: 'squareOauth',
};

/**
 * Why each secret has no Secrets Manager rotation (cdk-nag AwsSolutions-SMG4): the provider issues the
 * value. One entry per topology secret, so a new secret cannot be acknowledged without a reason.
 */
const UNROTATABLE_SECRET_REASONS: Record<SecretName, string> = {
  stripeWebhookSecret:
    'Stripe issues webhook signing secrets (whsec_…) per endpoint and rolls them in the Stripe dashboard; the new ' +
    'value is then stored here, so Secrets Manager rotation cannot generate it.',
  stripeApiKey:
    'Stripe issues API keys (restricted keys are created and rolled in the Stripe dashboard); the new value is then ' +
    'stored here, so Secrets Manager rotation cannot generate it.',
  squareSignatureKey:
    'Square issues the signature key of each webhook subscription (Developer Console or Webhook Subscriptions API) ' +
    'and replaces it there; the new value is then stored here, so Secrets Manager rotation cannot generate it.',
  shopifyApiSecret:
    "Shopify issues the app's client secret that signs webhooks (app settings in the Partner/Dev Dashboard) and " +
    'rotates it there; the new value is then stored here, so Secrets Manager rotation cannot generate it.',
  squareAccessToken:
    'Square issues access tokens (Developer Console personal access token, or OAuth) and revokes or renews ' +
    'them there; the new value is then stored here, so Secrets Manager rotation cannot generate it.',
  squareApplicationSecret:
    'Square issues the application secret in the Developer Console (OAuth page) and replaces it there; the new ' +
    'value is then stored here, so Secrets Manager rotation cannot generate it.',
};

/** Actions a consumer in another Better Data service needs on a queue this stack does not consume. */
export const EXTERNAL_CONSUMER_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
] as const;

/** Outputs describing the unauthenticated webhook URLs, per function behind them (others get a generic one). */
const WEBHOOK_URL_DESCRIPTIONS: Partial<Record<FunctionName, string>> = {
  stripeWebhook: 'Register this URL as the webhook endpoint in the Stripe dashboard',
  squareWebhook:
    'Register this exact string as the notification URL of the Square webhook subscription. Square signs ' +
    'notification URL + body, ' +
    'so it must be byte-for-byte the SQUARE_NOTIFICATION_URL of the square-webhook function, which this stack sets ' +
    'to this same value: ' +
    'a URL registered with Square in any other form (custom domain, trailing slash, http) fails every signature check',
  shopifyWebhook:
    "Subscribe the Shopify app's webhooks (products/create, products/update, products/delete, " +
    'inventory_levels/update) to this URL; ' +
    'Shopify signs them with the app client secret (ShopifyApiSecretArn)',
  sourcesWebhook:
    'Template: each registered inbound source posts its events to this URL with {sourceId} replaced by its id, ' +
    'signed with x-betterdata-signature',
};

/** FUNCTIONS widened to the interface, for access fields a given function does not set. */
const functionSpecs: Record<FunctionName, FunctionSpec> = FUNCTIONS;

/**
 * The internal routes a publishing service may call: publishing events. Attaching a provider account
 * (POST /internal/connections) is an operator's act, granted to operators' roles, not to publishers.
 */
const isPublisherRoute = (route: RouteSpec): boolean => route.auth === 'iam' && route.function === 'eventsApi';

/** The functions that read the OAuth apps' settings (PUBLIC_BASE_URL, CONSOLE_URL, client ids, scopes). */
export const OAUTH_SETTINGS_FUNCTIONS: readonly FunctionName[] = [
  'connectionsOauth',
  'jobWorker',
  'oauthTokenRefresh',
  'catalogConsumer',
];

/** Lambda reads every environment variable from one 4 KB block: keep the publisher allowlist well inside it. */
const MAX_EVENT_PUBLISHERS_JSON = 2_048;

/** The handler file a function is bundled from: `functions/<dir>/handler.ts`. */
export function handlerEntry(spec: FunctionSpec): string {
  return join(PROJECT_ROOT, 'functions', spec.dir, 'handler.ts');
}

export type WebhooksStackProps = StackProps;
export type { QueuePair } from './constructs/storage';

export class WebhooksStack extends Stack {
  readonly tables: Record<TableName, Table>;
  readonly buckets: Record<BucketName, Bucket>;
  readonly queues: Record<QueueName, QueuePair>;
  readonly secrets: Partial<Record<SecretName, Secret>>;
  readonly functions: Record<FunctionName, NodejsFunction>;
  readonly opsTopic: Topic;
  /** Encrypts endpoint signing secrets; created when some function has `endpointSecrets` access. */
  readonly endpointSecretsKey: Key | undefined;
  /** Lets other Better Data services call the `auth: 'iam'` routes and send to the events queue. */
  readonly internalPublisherPolicy: ManagedPolicy | undefined;
  /**
   * Per queue without a consumer in this stack (topology `consumer` absent): a managed policy that lets
   * the Better Data service consuming it receive, delete and extend visibility on that queue only.
   */
  readonly externalConsumerPolicies: Partial<Record<QueueName, ManagedPolicy>> = {};
  readonly httpApi: HttpApi;
  readonly httpStage: HttpStage;
  /** The HTTP API's access log group (one JSON line per request). */
  readonly httpApiAccessLogs: LogGroup;
  readonly routes: HttpRoute[] = [];
  readonly dashboard: WebhooksDashboard;
  /** Request rates per route class: topology THROTTLES with the `throttles` context applied. */
  readonly throttles: Record<ThrottleName, Throttle>;
  /** The `eventPublishers` context as the events-api function reads it (EVENT_PUBLISHERS). */
  private readonly eventPublishersJson: string;
  /** The web console and portal script (S3 + CloudFront); the API's CORS allows its origin. */
  readonly console: WebhooksConsole;

  constructor(scope: Construct, id: string, props: WebhooksStackProps = {}) {
    super(scope, id, {
      description: 'Better Data Webhooks: verified inbound webhooks, signed outbound webhooks, billing and read API',
      ...props,
    });
    this.throttles = this.throttleContext();
    this.eventPublishersJson = this.eventPublishersContext();
    const jwt = this.jwtContext();

    this.tables = createTables(this);
    this.buckets = createBuckets(this);
    this.queues = createQueues(this);
    this.secrets = this.createSecrets();
    this.opsTopic = createOpsTopic(this, this.optionalContextText('opsAlertEmail'));
    this.endpointSecretsKey = createEndpointSecretsKey(this);

    this.functions = mapRecord(FUNCTIONS, (spec: FunctionSpec, name) => this.createFunction(spec, name));
    if (this.endpointSecretsKey) addEndpointSecretsKeyPolicy(this.endpointSecretsKey, this.functions);
    this.restrictEventsQueueSenders();
    this.connectQueueConsumers();

    const http = createHttpApi(this, {
      ...jwt,
      functions: this.functions,
      throttles: this.throttles,
      logRetention: LOG_RETENTION,
    });
    ({ api: this.httpApi, stage: this.httpStage, accessLogs: this.httpApiAccessLogs } = http);
    this.routes.push(...http.routes);
    this.addRouteUrls();
    this.console = this.createConsole(jwt);
    this.console.allowOn(this.httpApi);
    this.addOauthSettings();
    this.createSchedules();
    this.internalPublisherPolicy = this.createInternalPublisherPolicy();
    for (const [name, spec] of entries(QUEUES)) {
      if (!spec.consumer) this.externalConsumerPolicies[name] = this.createExternalConsumerPolicy(name);
    }

    this.dashboard = new WebhooksDashboard(this, 'Observability', {
      functions: this.functions,
      queues: this.queues,
      httpApi: this.httpApi,
      accessLogs: this.httpApiAccessLogs,
      alarmTopic: this.opsTopic,
      ...this.positiveIntegerContext('circuitOpenAlarmThreshold', (threshold) => ({
        circuitOpenAlarmThreshold: threshold,
      })),
    });

    this.createOutputs();
  }

  /** The JWT authorizer's settings (required context): an https issuer and one or more audiences. */
  private jwtContext(): { jwtIssuer: string; jwtAudience: [string, ...string[]] } {
    const [jwtIssuer] = this.contextList('jwtIssuer');
    const jwtAudience = this.contextList('jwtAudience');
    if (!/^https:\/\//.test(jwtIssuer)) {
      throw new Error(`CDK context jwtIssuer must be an https URL, got ${jwtIssuer}`);
    }
    return { jwtIssuer, jwtAudience };
  }

  /** Required secrets, and optional ones whose context flag is on, each with a random placeholder value. */
  private createSecrets(): Partial<Record<SecretName, Secret>> {
    const secrets: Partial<Record<SecretName, Secret>> = {};
    for (const [name, spec] of entries(SECRETS)) {
      if (!spec.required && !this.flagContext(OPTIONAL_SECRET_CONTEXT[name] ?? name)) continue;
      const secret = new Secret(this, spec.id, {
        description: spec.description,
        // A random placeholder: until the operator stores the real value, signature checks fail closed.
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: UNROTATABLE_SECRET_REASONS[name] });
      secrets[name] = secret;
    }
    return secrets;
  }

  /** Each queue's consumer function reads it through an event source mapping (partial batch responses). */
  private connectQueueConsumers(): void {
    for (const [name, { consumer }] of entries(QUEUES)) {
      if (!consumer) continue; // consumed by another Better Data service: see externalConsumerPolicies
      this.functions[consumer.function].addEventSource(
        new SqsEventSource(this.queues[name].queue, {
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          ...this.maxConcurrencyOf(name, consumer.maxConcurrency),
        }),
      );
    }
  }

  /** Functions that must know their own public URL (Square signs it): the same string as the output. */
  private addRouteUrls(): void {
    for (const route of ROUTES) {
      if (!route.urlEnvVar) continue;
      if (route.path.includes('{'))
        throw new Error(`Route ${route.path} has urlEnvVar but a path variable: its URL is not one string`);
      this.functions[route.function].addEnvironment(route.urlEnvVar, this.routeUrl(route));
    }
  }

  private createConsole(jwt: { jwtIssuer: string; jwtAudience: [string, ...string[]] }): WebhooksConsole {
    return new WebhooksConsole(this, 'Console', {
      apiUrl: this.httpApi.apiEndpoint,
      oidc: {
        issuer: jwt.jwtIssuer,
        clientId: this.optionalContextList('consoleOidcClientId')[0] ?? jwt.jwtAudience[0],
        audience: jwt.jwtAudience[0],
      },
      portalAllowedOrigins: parseAllowedOrigins(this.optionalContextList(PORTAL_ALLOWED_ORIGINS_CONTEXT)),
      extraConnectOrigins: this.optionalContextList('consoleConnectOrigins'),
    });
  }

  private createSchedules(): void {
    for (const schedule of SCHEDULES) {
      new Rule(this, schedule.id, {
        description: `Runs ${FUNCTIONS[schedule.function].id} every ${schedule.everyMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [new LambdaFunction(this.functions[schedule.function], { retryAttempts: 2 })],
      });
    }
  }

  private createFunction(spec: FunctionSpec, name: FunctionName): NodejsFunction {
    const logGroup = new LogGroup(this, `${spec.id}Logs`, { retention: LOG_RETENTION });
    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write only to its own log group.
    const role = new Role(this, `${spec.id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.dir}`,
    });
    logGroup.grantWrite(role);
    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: spec.dir,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // Stack traces mapped at run time, except where topology.ts turns it off (the ingest functions).
      ...(spec.runtimeSourceMaps !== false && { NODE_OPTIONS: '--enable-source-maps' }),
      ...this.grantDataAccess(spec, role),
      ...this.grantKeysSecretsAndAlerts(spec, role),
      ...this.deploymentSettingsOf(name),
    };
    // The function behind the internal publish route decides who may publish what.
    if (ROUTES.some((route) => route.path === '/internal/events' && route.function === name)) {
      environment[ENV.eventPublishers] = this.eventPublishersJson;
    }

    const fn = new NodejsFunction(this, spec.id, {
      entry: handlerEntry(spec),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: spec.description,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMiB,
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment,
      ...(spec.reservedConcurrency !== undefined &&
        this.node.tryGetContext('reservedConcurrency') !== false &&
        this.node.tryGetContext('reservedConcurrency') !== 'false' && {
          reservedConcurrentExecutions: spec.reservedConcurrency,
        }),
      // The SDK from the runtime, rarely used packages beside the bundle: see infra/bundling.ts.
      bundling: cdkBundlingOptions(spec.dir),
    });
    this.acknowledgeFunctionPolicyFindings(role, spec.access);
    return fn;
  }

  /** Tables, buckets and queues the function may use: grants on its role, and their names in its environment. */
  private grantDataAccess(spec: FunctionSpec, role: Role): Record<string, string> {
    const environment: Record<string, string> = {};
    const { access } = spec;
    for (const [tableName, grants] of entries(access.tables ?? {})) {
      if (!grants) continue;
      const table = this.tables[tableName];
      const tableSpec: TableSpec = TABLES[tableName];
      for (const statement of itemGrantStatements(table, tableSpec, grants)) role.addToPrincipalPolicy(statement);
      environment[tableSpec.envVar] = table.tableName;
    }
    for (const [bucketName, mode] of entries(access.buckets ?? {})) {
      if (!mode) continue;
      const bucket = this.buckets[bucketName];
      // Objects only (no bucket-level actions): get, plus put for writers; S3-managed keys need no KMS grant.
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: mode === 'readWrite' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
          resources: [bucket.arnForObjects('*')],
        }),
      );
      environment[BUCKETS[bucketName].envVar] = bucket.bucketName;
    }
    for (const queueName of access.sendsTo ?? []) {
      const { queue } = this.queues[queueName];
      queue.grantSendMessages(role);
      environment[QUEUES[queueName].envVar] = queue.queueUrl;
    }
    for (const queueName of access.sendsToDeadLetter ?? []) {
      const { deadLetterQueue } = this.queues[queueName];
      const envVar = QUEUES[queueName].dlq.envVar;
      if (!envVar)
        throw new Error(`${spec.id} sends to the DLQ of ${queueName}, but QUEUES.${queueName}.dlq has no envVar`);
      deadLetterQueue.grantSendMessages(role);
      environment[envVar] = deadLetterQueue.queueUrl;
    }
    return environment;
  }

  /** The endpoint secrets key, Secrets Manager secrets and the ops alert topic the function may use. */
  private grantKeysSecretsAndAlerts(spec: FunctionSpec, role: Role): Record<string, string> {
    const environment: Record<string, string> = {};
    const { access } = spec;
    if (access.endpointSecrets) {
      const key = this.endpointSecretsKey;
      if (!key) throw new Error(`${spec.id} needs the endpoint secrets key, which was not created`);
      // Only this key, only the calls the function makes, and only for the kind of secret it handles.
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ENDPOINT_SECRET_ACTIONS[access.endpointSecrets.use],
          resources: [key.keyArn],
          conditions: {
            StringEquals: { 'kms:EncryptionContext:purpose': ENDPOINT_SECRETS_KEY.purposes[access.endpointSecrets.of] },
          },
        }),
      );
      environment[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar] = key.keyArn;
    }
    for (const secretName of access.secrets ?? []) {
      const secret = this.secrets[secretName];
      if (!secret) continue; // an optional secret that is switched off: the function runs without it
      secret.grantRead(role);
      environment[SECRETS[secretName].arnEnvVar] = secret.secretArn;
    }
    if (access.publishesOpsAlerts) {
      this.opsTopic.grantPublish(role);
      environment[OPS_TOPIC.envVar] = this.opsTopic.topicArn;
    }
    return environment;
  }

  /** Deployment settings (cdk context) that this function reads from its environment. */
  private deploymentSettingsOf(name: FunctionName): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const setting of DEPLOYMENT_SETTINGS) {
      const value = this.node.tryGetContext(setting.context) as unknown;
      if (value === undefined || !setting.functions.includes(name)) continue;
      environment[setting.envVar] = String(value);
    }
    return environment;
  }

  /** cdk-nag findings on the role's default policy that are intended, each with its reason. */
  private acknowledgeFunctionPolicyFindings(role: Role, access: FunctionAccess): void {
    // X-Ray (tracing: ACTIVE) puts its PutTraceSegments/PutTelemetryRecords statement on Resource "*".
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (!defaultPolicy) return;
    Validations.of(defaultPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement added by tracing: ACTIVE uses Resource "*": xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords support no resource-level permissions.',
    });
    if (access.publishesOpsAlerts) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing to the KMS-encrypted ops topic needs kms:GenerateDataKey*; the statement is scoped to the ' +
          'ops topic key only (added by topic.grantPublish).',
      });
    }
    for (const bucketName of Object.keys(access.buckets ?? {}) as BucketName[]) {
      const bucketLogicalId = this.getLogicalId(this.buckets[bucketName].node.defaultChild as CfnBucket);
      Validations.of(defaultPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
        reason:
          `Object keys of ${BUCKETS[bucketName].id} are inbound event ids, not known in ` +
          `advance; the wildcard covers that bucket's objects only.`,
      });
    }
  }

  /**
   * Only the platform's own functions that send to the events queue, publishers allowed every event type
   * for both owner kinds, and `eventsQueueOperators` may send to it: a narrower publisher must go through
   * `POST /internal/events`, where its allowlist entry is checked.
   */
  private restrictEventsQueueSenders(): void {
    const { queue } = this.queues.events;
    const platformRoles = entries(functionSpecs)
      .filter(([, spec]) => spec.access.sendsTo?.includes('events'))
      .map(([name]) => (this.functions[name].role as IRole).roleArn);
    const allowed = [
      ...platformRoles,
      ...unrestrictedPublishers(parsePublisherAllowlist(this.eventPublishersJson)),
      ...this.optionalContextList('eventsQueueOperators'),
    ];
    queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyListedRolesSendEvents',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': allowed } },
      }),
    );
  }

  /**
   * The OAuth apps' public settings (client ids, scopes, environment) from CDK context, and where the
   * callbacks and receivers are reachable (the API's own URL unless a custom domain is given) and where
   * the browser lands after a callback (the deployed console unless `consoleUrl` is given).
   * The app secrets come from Secrets Manager like the others.
   */
  private addOauthSettings(): void {
    const context = (key: string) => this.optionalContextText(key);
    const publicBaseUrl = context('publicBaseUrl') ?? this.httpApi.apiEndpoint;
    const settings: Partial<Record<(typeof ENV)[keyof typeof ENV], string | undefined>> = {
      [ENV.publicBaseUrl]: publicBaseUrl,
      // The deployed console (CloudFront) unless it is served elsewhere behind a custom domain.
      [ENV.consoleUrl]: context('consoleUrl') ?? this.console.url,
      [ENV.shopifyApiKey]: context('shopifyApiKey'),
      [ENV.shopifyScopes]: context('shopifyScopes'),
      [ENV.squareApplicationId]: context('squareApplicationId'),
      [ENV.squareEnvironment]: context('squareEnvironment'),
    };
    for (const name of OAUTH_SETTINGS_FUNCTIONS) {
      for (const [variable, value] of Object.entries(settings)) {
        if (value !== undefined) this.functions[name].addEnvironment(variable, value);
      }
    }
  }

  /** The public URL of a route on the $default stage (path variables stay as `{name}`). */
  private routeUrl(route: RouteSpec): string {
    return `${this.httpApi.apiEndpoint}${route.path}`;
  }

  /** The execute-api ARN of one route on the $default stage (path variables become `*`). */
  private executeApiArn(route: RouteSpec): string {
    const method = route.method === 'ANY' ? '*' : route.method;
    return this.httpApi.arnForExecuteApi(method, route.path.replace(/\{[^}]+\}/g, '*'), this.httpStage.stageName);
  }

  /** Queues the functions behind the publish routes send to: internal callers may send to them directly. */
  private internalQueues(): QueueName[] {
    const iamRoutes = ROUTES.filter(isPublisherRoute);
    return [...new Set(iamRoutes.flatMap((route) => functionSpecs[route.function].access.sendsTo ?? []))];
  }

  /**
   * A managed policy other Better Data services attach to their roles to publish events: invoke on
   * exactly the `auth: 'iam'` routes, and SendMessage on the queues those routes feed (the events
   * queue), for callers inside AWS that skip HTTP. Attached to nothing here.
   */
  private createInternalPublisherPolicy(): ManagedPolicy | undefined {
    const iamRoutes = ROUTES.filter(isPublisherRoute);
    if (iamRoutes.length === 0) return undefined;
    const policy = new ManagedPolicy(this, 'InternalEventsPublisherPolicy', {
      description:
        `Publish platform events: SigV4 calls to ` +
        `${iamRoutes.map((r) => `${r.method} ${r.path}`).join(', ')} and SendMessage to the queue behind them`,
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: iamRoutes.map((route) => this.executeApiArn(route)),
        }),
      ],
    });
    for (const queueName of this.internalQueues()) this.queues[queueName].queue.grantSendMessages(policy);
    return policy;
  }

  /**
   * A managed policy the Better Data service that consumes a queue of this stack attaches to its role:
   * receive, delete, extend visibility and read attributes, on that queue only (not its DLQ). The queue
   * uses SQS-managed encryption, so no KMS permission is needed. Attached to nothing here.
   */
  private createExternalConsumerPolicy(name: QueueName): ManagedPolicy {
    const spec = QUEUES[name];
    const policy = new ManagedPolicy(this, `${spec.id.replace(/Queue$/, '')}ConsumerPolicy`, {
      description:
        `Consume ${spec.id} (receive, delete, change visibility, read attributes); for the Better Data ` +
        `service that consumes it`,
      statements: [
        new PolicyStatement({ actions: [...EXTERNAL_CONSUMER_ACTIONS], resources: [this.queues[name].queue.queueArn] }),
      ],
    });
    return policy;
  }

  private createOutputs(): void {
    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the HTTP API', value: this.httpStage.url });
    this.addWebhookUrlOutputs();
    this.addPublisherOutputs();
    this.addExternalConsumerOutputs();
    this.addSecretOutputs();
    new CfnOutput(this, 'OpsAlertsTopicArn', {
      description: 'Ops alerts and CloudWatch alarms are published here; subscribe the on-call channel',
      value: this.opsTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard with business metrics, queue health, Lambda and API metrics',
      value: this.dashboard.dashboard.dashboardName,
    });
  }

  /**
   * One per unauthenticated route: the OAuth redirect URLs (ShopifyOauthRedirectUrl, …) and the webhook
   * URLs (StripeWebhookUrl, …; a path with a variable is a template, SourcesWebhookUrlTemplate).
   */
  private addWebhookUrlOutputs(): void {
    for (const route of ROUTES.filter((r) => r.auth === 'none' && r.path.startsWith('/oauth/'))) {
      // What each provider's app must list as its redirect URL.
      const provider = route.path.split('/')[2] ?? '';
      const name = provider.charAt(0).toUpperCase() + provider.slice(1);
      new CfnOutput(this, `${name}OauthRedirectUrl`, {
        description:
          `Register this exact URL as the OAuth redirect URL of the ${name} app (PUBLIC_BASE_URL + ${route.path} ` +
          `with a custom domain)`,
        value: this.routeUrl(route),
      });
    }
    for (const route of ROUTES.filter((r) => r.auth === 'none' && !r.path.startsWith('/oauth/'))) {
      const base = FUNCTIONS[route.function].id.replace(/Function$/, '');
      const isTemplate = route.path.includes('{');
      new CfnOutput(this, `${base}Url${isTemplate ? 'Template' : ''}`, {
        description:
          WEBHOOK_URL_DESCRIPTIONS[route.function] ??
          `Webhook URL of ${FUNCTIONS[route.function].dir}` +
            (isTemplate ? ' (template: the sender fills in the {…} path variables)' : ''),
        value: this.routeUrl(route),
      });
    }
  }

  /** Where and how other Better Data services publish events: the internal route, its policy, its queue. */
  private addPublisherOutputs(): void {
    const eventsRoute = ROUTES.find((route) => route.function === 'eventsApi' && route.auth === 'iam');
    if (eventsRoute) {
      new CfnOutput(this, 'InternalEventsUrl', {
        description:
          `Other Better Data services publish events here (${eventsRoute.method}, SigV4-signed for service ` +
          `execute-api): ` +
          `the caller needs execute-api:Invoke on ${eventsRoute.method} ${eventsRoute.path} of the $default stage, ` +
          'e.g. by attaching the InternalEventsPublisherPolicyArn output to its role. HTTP APIs take no resource ' +
          'policies, so a caller in another account assumes a role in this account that has that policy.',
        value: `${this.httpApi.apiEndpoint}${eventsRoute.path}`,
      });
    }
    if (!this.internalPublisherPolicy) return;
    new CfnOutput(this, 'InternalEventsPublisherPolicyArn', {
      description:
        'Managed policy to attach to the role of a Better Data service that publishes events: ' +
        'execute-api:Invoke on the internal routes and sqs:SendMessage on the events queue. ' +
        'The role must also be listed in the eventPublishers context (what it may publish); the queue ' +
        'accepts only roles listed for every type and owner kind',
      value: this.internalPublisherPolicy.managedPolicyArn,
    });
    for (const queueName of this.internalQueues()) {
      new CfnOutput(this, `${QUEUES[queueName].id}Url`, {
        description:
          `${QUEUES[queueName].id}, for internal publishers listed for every event type and owner kind ` +
          `(eventPublishers), which may send to SQS directly instead of calling the internal route`,
        value: this.queues[queueName].queue.queueUrl,
      });
    }
  }

  /** Per queue another Better Data service consumes: its URL and the managed policy its consumer attaches. */
  private addExternalConsumerOutputs(): void {
    for (const [name, policy] of entries(this.externalConsumerPolicies)) {
      const spec = QUEUES[name];
      new CfnOutput(this, `${spec.id}Url`, {
        description:
          `${spec.id}: consumed by another Better Data service, not by this stack (DLQ ${spec.dlq.id} ` +
          `after ${spec.maxReceiveCount} receives, visibility timeout ${spec.visibilityTimeoutSeconds} s)`,
        value: this.queues[name].queue.queueUrl,
      });
      new CfnOutput(this, `${policy.node.id}Arn`, {
        description:
          `Managed policy to attach to the role of the service that consumes ${spec.id}: ` +
          `${EXTERNAL_CONSUMER_ACTIONS.join(', ')} on that queue only`,
        value: policy.managedPolicyArn,
      });
    }
  }

  /** The keys and secrets an operator fills in or looks up after deploying. */
  private addSecretOutputs(): void {
    if (this.endpointSecretsKey) {
      new CfnOutput(this, 'EndpointSecretsKeyArn', {
        description: 'KMS key encrypting webhook endpoint signing secrets (retained on stack deletion)',
        value: this.endpointSecretsKey.keyArn,
      });
    }
    for (const [name, secret] of entries(this.secrets)) {
      if (!secret) continue;
      const spec = SECRETS[name];
      new CfnOutput(this, `${spec.id}Arn`, {
        description:
          `${spec.description}. Created with a random placeholder: after deploy, store the real value ` +
          `with: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string '<value>'`,
        value: secret.secretArn,
      });
    }
  }

  /** An optional text context value, trimmed; undefined when unset or empty. */
  private optionalContextText(key: string): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }

  /** A required context value: a string, a comma-separated string, or a JSON array of strings. */
  private contextList(key: string): [string, ...string[]] {
    const value = this.node.tryGetContext(key) as unknown;
    const values = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [])
      .filter((item): item is string => typeof item === 'string')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    const [first, ...rest] = values;
    if (first === undefined) throw new Error(`Set CDK context ${key} (cdk.json or -c ${key}=...)`);
    return [first, ...rest];
  }

  /** An optional list context value (JSON array or comma-separated); empty when unset. */
  private optionalContextList(key: string): string[] {
    return this.node.tryGetContext(key) === undefined ? [] : this.contextList(key);
  }

  /** `eventPublishers` as JSON, validated the way the events-api function validates it. */
  private eventPublishersContext(): string {
    const value = this.node.tryGetContext('eventPublishers') as unknown;
    const json = value === undefined ? '{}' : typeof value === 'string' ? value : JSON.stringify(value);
    parsePublisherAllowlist(json);
    const compact = JSON.stringify(JSON.parse(json));
    if (compact.length > MAX_EVENT_PUBLISHERS_JSON) {
      throw new Error(
        `CDK context eventPublishers is ${compact.length} characters; keep it under ${MAX_EVENT_PUBLISHERS_JSON}`,
      );
    }
    return compact;
  }

  /** Topology THROTTLES with the `throttles` context applied: `{ "<class>": { rateLimit, burstLimit } }`. */
  private throttleContext(): Record<ThrottleName, Throttle> {
    const raw = this.node.tryGetContext('throttles') as unknown;
    const overrides = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>;
    const throttles: Record<ThrottleName, Throttle> = { ...THROTTLES };
    for (const [name, value] of Object.entries(overrides)) {
      if (!(name in THROTTLES)) {
        throw new Error(`CDK context throttles.${name}: not a route class (${Object.keys(THROTTLES).join(', ')})`);
      }
      const { rateLimit, burstLimit } = (value ?? {}) as Partial<Throttle>;
      if (!Number.isInteger(rateLimit) || !Number.isInteger(burstLimit) || !(rateLimit! > 0) || !(burstLimit! > 0)) {
        throw new Error(`CDK context throttles.${name} needs positive whole rateLimit and burstLimit`);
      }
      throttles[name as ThrottleName] = { rateLimit: rateLimit!, burstLimit: burstLimit! };
    }
    return throttles;
  }

  /** A consumer's concurrent batches: context `<queue>MaxConcurrency`, else the topology's value. */
  private maxConcurrencyOf(queue: QueueName, fallback: number | undefined): { maxConcurrency?: number } {
    const fromContext = this.positiveIntegerContext(`${queue}MaxConcurrency`, (value) => ({ maxConcurrency: value }));
    if (
      fromContext.maxConcurrency !== undefined &&
      (fromContext.maxConcurrency < 2 || fromContext.maxConcurrency > 1_000)
    )
      throw new Error(`CDK context ${queue}MaxConcurrency must be 2–1000 (Lambda's limit)`);
    return fromContext.maxConcurrency !== undefined
      ? fromContext
      : fallback !== undefined
        ? { maxConcurrency: fallback }
        : {};
  }

  /** An optional positive integer context value, handed to `use`; `{}` when absent. */
  private positiveIntegerContext<T extends object>(key: string, use: (value: number) => T): T | Record<string, never> {
    const value = this.node.tryGetContext(key) as unknown;
    if (value === undefined) return {};
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new Error(`CDK context ${key} must be a positive integer`);
    return use(number);
  }

  /** A boolean context flag: `true` in cdk.json or `-c key=true` on the command line. */
  private flagContext(key: string): boolean {
    const value = this.node.tryGetContext(key) as unknown;
    return value === true || value === 'true';
  }
}
