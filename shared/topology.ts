/**
 * The one description of the system's resources. The CDK app builds AWS resources from it and the
 * local runtime builds emulated ones from it, so queue settings, tables, routes and environment
 * variable names cannot drift between the two.
 */

export const ENV = {
  billingTable: 'BILLING_TABLE_NAME',
  opsTable: 'OPS_TABLE_NAME',
  billingQueueUrl: 'BILLING_QUEUE_URL',
  opsTopicArn: 'OPS_ALERTS_TOPIC_ARN',
  stripeWebhookSecret: 'STRIPE_WEBHOOK_SECRET',
  stripeWebhookSecretArn: 'STRIPE_WEBHOOK_SECRET_ARN',
  stripeApiKey: 'STRIPE_API_KEY',
  stripeApiKeySecretArn: 'STRIPE_API_KEY_SECRET_ARN',
  stripeApiBaseUrl: 'STRIPE_API_BASE_URL',
  maxWebhookBodyBytes: 'MAX_WEBHOOK_BODY_BYTES',
  alertRetentionDays: 'ALERT_RETENTION_DAYS',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export interface TableSpec {
  /** CDK construct id. */
  readonly id: string;
  /** Table name used by the local runtime; in AWS CloudFormation names it. */
  readonly localName: string;
  /** Environment variable through which functions learn the table name. */
  readonly envVar: EnvName;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL deletes items after it. */
  readonly ttlAttribute?: string;
}

export const TABLES = {
  billing: {
    id: 'BillingTable',
    localName: 'billing',
    envVar: ENV.billingTable,
    partitionKey: 'pk',
    sortKey: 'sk',
  },
  ops: {
    id: 'OpsTable',
    localName: 'ops',
    envVar: ENV.opsTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

export type FunctionName = 'stripeWebhook' | 'billingConsumer' | 'api';

export type QueueName = 'billing';
export type SecretName = 'stripeWebhookSecret' | 'stripeApiKey';

/** What a function may touch; the CDK app turns this into grants and environment variables. */
export interface FunctionAccess {
  readonly tables?: Partial<Record<TableName, 'read' | 'readWrite'>>;
  readonly sendsTo?: readonly QueueName[];
  readonly secrets?: readonly SecretName[];
  readonly publishesOpsAlerts?: boolean;
}

export interface FunctionSpec {
  readonly id: string;
  /** Folder under functions/ holding handler.ts. */
  readonly dir: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  readonly access: FunctionAccess;
}

export const FUNCTIONS = {
  stripeWebhook: {
    id: 'StripeWebhookFunction',
    dir: 'stripe-webhook',
    description: 'Verifies Stripe webhook signatures and queues billing events',
    // Stripe expects a quick answer; the handler only verifies and enqueues.
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { sendsTo: ['billing'], secrets: ['stripeWebhookSecret'] },
  },
  billingConsumer: {
    id: 'BillingConsumerFunction',
    dir: 'billing-consumer',
    description: 'Applies Stripe billing events to billing records, capabilities and the audit log',
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: { billing: 'readWrite', ops: 'readWrite' },
      secrets: ['stripeApiKey'],
      publishesOpsAlerts: true,
    },
  },
  api: {
    id: 'ApiFunction',
    dir: 'api',
    description: 'Read API: billing records, audit log and ops alerts',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { billing: 'read', ops: 'read' } },
  },
} as const satisfies Record<FunctionName, FunctionSpec>;

export interface QueueSpec {
  readonly id: string;
  readonly localName: string;
  readonly envVar: EnvName;
  /** Must be at least 6 × the consumer's timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number;
  readonly retentionDays: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly dlq: { readonly id: string; readonly localName: string; readonly retentionDays: number };
  readonly consumer: {
    readonly function: FunctionName;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
  };
}

export const QUEUES: Record<QueueName, QueueSpec> = {
  billing: {
    id: 'BillingQueue',
    localName: 'billing-events',
    envVar: ENV.billingQueueUrl,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.billingConsumer.timeoutSeconds,
    retentionDays: 14,
    maxReceiveCount: 5,
    dlq: { id: 'BillingDeadLetterQueue', localName: 'billing-events-dlq', retentionDays: 14 },
    consumer: { function: 'billingConsumer', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
};

/** SQS refuses messages over 1 MiB; the raw body travels base64-encoded (×4/3) inside an envelope. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export type RouteAuth = 'none' | 'jwt';

export interface RouteSpec {
  /** `ANY` lets the handler answer 405 itself instead of API Gateway's bare 404. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** HTTP API path template, e.g. `/v1/orgs/{orgId}/billing`. */
  readonly path: string;
  readonly function: FunctionName;
  readonly auth: RouteAuth;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'ANY', path: '/webhooks/stripe', function: 'stripeWebhook', auth: 'none' },
  { method: 'GET', path: '/v1/orgs/{orgId}/billing', function: 'api', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/audit', function: 'api', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/alerts', function: 'api', auth: 'jwt' },
];

export interface SecretSpec {
  readonly id: string;
  readonly description: string;
  /** In AWS the function reads the secret whose ARN is in this variable. */
  readonly arnEnvVar: EnvName;
  /** Locally (and in tests) the value itself comes from this variable. */
  readonly valueEnvVar: EnvName;
  /** Required secrets must have a value before the system can run; optional ones switch a mode on. */
  readonly required: boolean;
}

export const SECRETS: Record<SecretName, SecretSpec> = {
  stripeWebhookSecret: {
    id: 'StripeWebhookSecret',
    description: 'Stripe webhook signing secret(s), whsec_…; comma-separated while rolling',
    arnEnvVar: ENV.stripeWebhookSecretArn,
    valueEnvVar: ENV.stripeWebhookSecret,
    required: true,
  },
  stripeApiKey: {
    id: 'StripeApiKey',
    description: 'Optional Stripe API key (restricted, read-only subscriptions); enables reconciliation',
    arnEnvVar: ENV.stripeApiKeySecretArn,
    valueEnvVar: ENV.stripeApiKey,
    required: false,
  },
};

export const OPS_TOPIC = { id: 'OpsAlertsTopic', localName: 'ops-alerts', envVar: ENV.opsTopicArn } as const;

export const METRICS_NAMESPACE = 'BetterDataWebhooks';
