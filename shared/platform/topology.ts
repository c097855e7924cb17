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
  webhooksTable: 'WEBHOOKS_TABLE_NAME',
  eventsQueueUrl: 'EVENTS_QUEUE_URL',
  deliveryQueueUrl: 'DELIVERY_QUEUE_URL',
  deliveryDlqUrl: 'DELIVERY_DLQ_URL',
  endpointSecretsKmsKeyId: 'ENDPOINT_SECRETS_KMS_KEY_ID',
  endpointSecretsLocalKey: 'ENDPOINT_SECRETS_LOCAL_KEY',
  allowHttpEndpoints: 'ALLOW_HTTP_ENDPOINTS',
  allowedPrivateCidrs: 'ALLOWED_PRIVATE_CIDRS',
  deliveryRetrySchedule: 'DELIVERY_RETRY_SCHEDULE',
  deliveryTimeoutMs: 'DELIVERY_TIMEOUT_MS',
  endpointDisableAfter: 'ENDPOINT_DISABLE_AFTER',
  attemptRetentionDays: 'ATTEMPT_RETENTION_DAYS',
  messageRetentionDays: 'MESSAGE_RETENTION_DAYS',
  maxEndpointsPerOrg: 'MAX_ENDPOINTS_PER_ORG',
  recoveryMaxPerCall: 'RECOVERY_MAX_PER_CALL',
  connectionsTable: 'CONNECTIONS_TABLE_NAME',
  catalogTable: 'CATALOG_TABLE_NAME',
  catalogQueueUrl: 'CATALOG_QUEUE_URL',
  inboundSourcesQueueUrl: 'INBOUND_SOURCES_QUEUE_URL',
  squareSignatureKey: 'SQUARE_SIGNATURE_KEY',
  squareSignatureKeyArn: 'SQUARE_SIGNATURE_KEY_ARN',
  squareNotificationUrl: 'SQUARE_NOTIFICATION_URL',
  squareAccessToken: 'SQUARE_ACCESS_TOKEN',
  squareAccessTokenArn: 'SQUARE_ACCESS_TOKEN_ARN',
  squareApiBaseUrl: 'SQUARE_API_BASE_URL',
  shopifyApiSecret: 'SHOPIFY_API_SECRET',
  shopifyApiSecretArn: 'SHOPIFY_API_SECRET_ARN',
  sourceEventRetentionDays: 'SOURCE_EVENT_RETENTION_DAYS',
  endpointConcurrencyCap: 'ENDPOINT_CONCURRENCY_CAP',
  circuitBreakerThreshold: 'CIRCUIT_BREAKER_THRESHOLD',
  circuitProbeInterval: 'CIRCUIT_PROBE_INTERVAL',
  dnsTimeoutMs: 'DNS_TIMEOUT_MS',
  orgOperationsPerMinute: 'ORG_OPERATIONS_PER_MINUTE',
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
  /** Global secondary indexes (string keys, all attributes projected). */
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey: string }[];
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
  webhooks: {
    id: 'WebhooksTable',
    localName: 'webhooks',
    envVar: ENV.webhooksTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    // Per-endpoint views (attempts, deliveries) of items that live under their message.
    indexes: [{ name: 'byEndpoint', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  connections: {
    // Provider connections (Square merchants, Shopify shops, signed sources), their reverse lookups,
    // verified events from not-yet-connected merchants, and 30 days of each source's events.
    id: 'ConnectionsTable',
    localName: 'connections',
    envVar: ENV.connectionsTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
  },
  catalog: {
    // Catalog items with their variants, stock levels, and per-org inventory settings.
    id: 'CatalogTable',
    localName: 'catalog',
    envVar: ENV.catalogTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

export type FunctionName =
  | 'stripeWebhook'
  | 'billingConsumer'
  | 'billingApi'
  | 'endpointsApi'
  | 'eventsApi'
  | 'fanout'
  | 'delivery'
  | 'squareWebhook'
  | 'shopifyWebhook'
  | 'sourcesWebhook'
  | 'connectionsApi'
  | 'catalogConsumer'
  | 'catalogApi'
  | 'docsApi';

export type QueueName = 'billing' | 'events' | 'delivery' | 'catalog' | 'inboundSources';
export type SecretName =
  'stripeWebhookSecret' | 'stripeApiKey' | 'squareSignatureKey' | 'shopifyApiSecret' | 'squareAccessToken';

/** What a function may touch; the CDK app turns this into grants and environment variables. */
export interface FunctionAccess {
  readonly tables?: Partial<Record<TableName, 'read' | 'readWrite'>>;
  readonly sendsTo?: readonly QueueName[];
  /** Queues whose dead-letter queue the function writes to itself (deliveries that ran out of retries). */
  readonly sendsToDeadLetter?: readonly QueueName[];
  readonly secrets?: readonly SecretName[];
  readonly publishesOpsAlerts?: boolean;
  /**
   * Encrypts or decrypts signing secrets kept for tenants (KMS in AWS, a local key on a laptop):
   * `of` says whose — outbound endpoints' or inbound sources' — and so which EncryptionContext purpose
   * the KMS grant is conditioned on.
   */
  readonly endpointSecrets?: { readonly use: 'encrypt' | 'decrypt' | 'encryptDecrypt'; readonly of: SecretPurpose };
}

export interface FunctionSpec {
  readonly id: string;
  /** Folder under functions/ holding handler.ts. */
  readonly dir: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  readonly access: FunctionAccess;
  /**
   * Concurrency set aside for this function alone (CDK context `reservedConcurrency: false` leaves it
   * out, for accounts whose quota is too small): synchronous ingest keeps answering while consumers
   * scale through a backlog. Sized in docs/capacity.md for the 10× load.
   */
  readonly reservedConcurrency?: number;
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
    reservedConcurrency: 50,
  },
  billingConsumer: {
    id: 'BillingConsumerFunction',
    dir: 'billing-consumer',
    description: 'Applies Stripe billing events to billing records, capabilities and the audit log',
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: { billing: 'readWrite', ops: 'readWrite' },
      sendsTo: ['events'],
      secrets: ['stripeApiKey'],
      publishesOpsAlerts: true,
    },
  },
  billingApi: {
    id: 'BillingApiFunction',
    dir: 'billing-api',
    description: 'Read API: billing records, audit log and ops alerts',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { billing: 'read', ops: 'read' } },
  },
  endpointsApi: {
    id: 'EndpointsApiFunction',
    dir: 'endpoints-api',
    description:
      'Endpoints API: endpoints, secret rotation, test sends, resends, recoveries, health, messages and attempts',
    // A test send or resend answers with its attempt, which may take DELIVERY_TIMEOUT_MS (15 s by default).
    timeoutSeconds: 30,
    memoryMiB: 512,
    // Test sends and resends go through the delivery path itself: sign (decrypt), post, log, settle.
    access: {
      tables: { webhooks: 'readWrite', ops: 'readWrite' },
      sendsTo: ['delivery'],
      sendsToDeadLetter: ['delivery'],
      publishesOpsAlerts: true,
      endpointSecrets: { use: 'encryptDecrypt', of: 'endpoint' },
    },
  },
  eventsApi: {
    id: 'EventsApiFunction',
    dir: 'events-api',
    description: 'Internal publish route: validates domain events and queues them for fan-out',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { sendsTo: ['events'] },
    reservedConcurrency: 100,
  },
  fanout: {
    id: 'FanoutFunction',
    dir: 'fanout',
    description: 'Turns each published event into one stored message and a delivery task per matching endpoint',
    timeoutSeconds: 60,
    memoryMiB: 1024,
    access: { tables: { webhooks: 'readWrite' }, sendsTo: ['delivery'] },
  },
  delivery: {
    id: 'DeliveryFunction',
    dir: 'delivery',
    description: 'Signs and posts webhooks to tenant endpoints, logs every attempt, schedules retries',
    // Up to 10 deliveries run side by side, each capped by DELIVERY_TIMEOUT_MS (15 s by default).
    timeoutSeconds: 60,
    memoryMiB: 1024,
    access: {
      tables: { webhooks: 'readWrite', ops: 'readWrite' },
      sendsTo: ['delivery'],
      sendsToDeadLetter: ['delivery'],
      publishesOpsAlerts: true,
      endpointSecrets: { use: 'decrypt', of: 'endpoint' },
    },
  },
  squareWebhook: {
    id: 'SquareWebhookFunction',
    dir: 'square-webhook',
    description: 'Verifies Square webhook signatures and queues catalog and inventory events',
    // Square wants an answer within 10 s: verify and enqueue only.
    timeoutSeconds: 8,
    memoryMiB: 512,
    access: { sendsTo: ['catalog'], secrets: ['squareSignatureKey'], tables: { connections: 'read' } },
    reservedConcurrency: 50,
  },
  shopifyWebhook: {
    id: 'ShopifyWebhookFunction',
    dir: 'shopify-webhook',
    description: 'Verifies Shopify webhook signatures and queues product and inventory events',
    // Shopify wants an answer within 5 s: verify and enqueue only.
    timeoutSeconds: 4,
    memoryMiB: 512,
    access: { sendsTo: ['catalog'], secrets: ['shopifyApiSecret'] },
    reservedConcurrency: 50,
  },
  sourcesWebhook: {
    id: 'SourcesWebhookFunction',
    dir: 'sources-webhook',
    description: 'Verifies x-betterdata-signature on registered inbound sources and queues their events',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      sendsTo: ['inboundSources'],
      tables: { connections: 'readWrite' },
      endpointSecrets: { use: 'decrypt', of: 'source' },
    },
    reservedConcurrency: 50,
  },
  connectionsApi: {
    id: 'ConnectionsApiFunction',
    dir: 'connections-api',
    description: 'Connections API: Square merchants, Shopify shops and signed inbound sources of an organisation',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { connections: 'readWrite' },
      sendsTo: ['catalog'],
      endpointSecrets: { use: 'encrypt', of: 'source' },
    },
  },
  catalogConsumer: {
    id: 'CatalogConsumerFunction',
    dir: 'catalog-consumer',
    description: 'Applies Square and Shopify catalog and stock events; pulls changed Square catalog objects',
    timeoutSeconds: 60,
    memoryMiB: 1024,
    access: {
      tables: { catalog: 'readWrite', connections: 'readWrite' },
      sendsTo: ['events'],
      secrets: ['squareAccessToken'],
    },
  },
  catalogApi: {
    id: 'CatalogApiFunction',
    dir: 'catalog-api',
    description: 'Read API for catalog items and stock levels; per-organisation inventory settings',
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { catalog: 'readWrite' } },
  },
  docsApi: {
    id: 'DocsApiFunction',
    dir: 'docs-api',
    description: 'API documentation: the event catalog (JSON Schema and examples) and the OpenAPI document',
    timeoutSeconds: 10,
    memoryMiB: 512,
    // Everything it answers is generated from code at load time: no tables, queues or secrets.
    access: {},
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
  readonly dlq: {
    readonly id: string;
    readonly localName: string;
    readonly retentionDays: number;
    readonly envVar?: EnvName;
  };
  /** Absent for queues that other Better Data services consume (no consumer in this stack). */
  readonly consumer?: {
    readonly function: FunctionName;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    /** Concurrent batches (Lambda's ESM `maxConcurrency`); absent = Lambda's default scaling. */
    readonly maxConcurrency?: number;
    /**
     * Batches the local runtime handles at once when that must be fewer than `maxConcurrency`: one
     * process and one DynamoDB emulator do the work of every Lambda there, so a CPU-bound consumer
     * gains nothing from more, and its batches would only take longer (past the function's timeout).
     */
    readonly localMaxConcurrency?: number;
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
    // Stripe sends a handful of events per subscription; reconciliation reads Stripe's rate-limited API.
    consumer: {
      function: 'billingConsumer',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 10,
      localMaxConcurrency: 1,
    },
  },
  events: {
    id: 'EventsQueue',
    localName: 'platform-events',
    envVar: ENV.eventsQueueUrl,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.fanout.timeoutSeconds,
    retentionDays: 14,
    maxReceiveCount: 5,
    dlq: { id: 'EventsDeadLetterQueue', localName: 'platform-events-dlq', retentionDays: 14 },
    // 10×: 1,000 events/s in batches of 10 taking ≈ 0.2 s need ≈ 20 batches at once (docs/capacity.md).
    consumer: {
      function: 'fanout',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 50,
      localMaxConcurrency: 2,
    },
  },
  delivery: {
    id: 'DeliveryQueue',
    localName: 'webhook-deliveries',
    envVar: ENV.deliveryQueueUrl,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.delivery.timeoutSeconds,
    retentionDays: 14,
    // Retries are scheduled by re-sending with a delay, not by redrive: this only catches crashes.
    maxReceiveCount: 5,
    dlq: {
      id: 'DeliveryDeadLetterQueue',
      localName: 'webhook-deliveries-dlq',
      retentionDays: 14,
      envVar: ENV.deliveryDlqUrl,
    },
    // 10×: 3,000 deliveries/s in batches of 10 taking ≈ 0.4 s need ≈ 120 batches; the rest is headroom
    // for endpoints that hold a batch until their circuit opens (docs/capacity.md). CDK context
    // `deliveryMaxConcurrency` overrides it per deployment.
    // Locally 50: deliveries mostly wait on sockets, but each also calls the one DynamoDB emulator.
    consumer: {
      function: 'delivery',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 200,
      localMaxConcurrency: 50,
    },
  },
  catalog: {
    id: 'CatalogQueue',
    localName: 'catalog-events',
    envVar: ENV.catalogQueueUrl,
    visibilityTimeoutSeconds: 6 * FUNCTIONS.catalogConsumer.timeoutSeconds,
    retentionDays: 14,
    maxReceiveCount: 5,
    dlq: { id: 'CatalogDeadLetterQueue', localName: 'catalog-events-dlq', retentionDays: 14 },
    consumer: {
      function: 'catalogConsumer',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 50,
      localMaxConcurrency: 2,
    },
  },
  inboundSources: {
    id: 'InboundSourcesQueue',
    localName: 'inbound-sources',
    envVar: ENV.inboundSourcesQueueUrl,
    // Consumed by other Better Data services; their consumers' timeouts are theirs to fit under this.
    visibilityTimeoutSeconds: 300,
    retentionDays: 14,
    maxReceiveCount: 5,
    dlq: { id: 'InboundSourcesDeadLetterQueue', localName: 'inbound-sources-dlq', retentionDays: 14 },
  },
};

/**
 * Per-deployment settings a CDK context key sets on the functions that read them (as environment
 * variables); absent, the functions' defaults apply (shared/platform/config.ts).
 */
export interface DeploymentSetting {
  readonly context: string;
  readonly envVar: EnvName;
  readonly functions: readonly FunctionName[];
}

export const DEPLOYMENT_SETTINGS: readonly DeploymentSetting[] = [
  { context: 'endpointConcurrencyCap', envVar: ENV.endpointConcurrencyCap, functions: ['delivery'] },
  { context: 'circuitBreakerThreshold', envVar: ENV.circuitBreakerThreshold, functions: ['delivery'] },
  { context: 'circuitProbeInterval', envVar: ENV.circuitProbeInterval, functions: ['delivery'] },
  { context: 'dnsTimeoutMs', envVar: ENV.dnsTimeoutMs, functions: ['delivery', 'endpointsApi'] },
  { context: 'orgOperationsPerMinute', envVar: ENV.orgOperationsPerMinute, functions: ['endpointsApi'] },
];

/** SQS refuses messages over 1 MiB; the raw body travels base64-encoded (×4/3) inside an envelope. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** `none`: the function authenticates (HMAC). `jwt`: the HTTP API JWT authorizer. `iam`: SigV4 (internal callers). */
export type RouteAuth = 'none' | 'jwt' | 'iam';

export interface RouteSpec {
  /** `ANY` lets the handler answer 405 itself instead of API Gateway's bare 404. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** HTTP API path template, e.g. `/v1/orgs/{orgId}/billing`. */
  readonly path: string;
  readonly function: FunctionName;
  readonly auth: RouteAuth;
  /**
   * The function learns this route's public URL from this variable (a path without variables): Square
   * signs `notificationUrl + body`, so the function must know the exact URL registered with Square
   * rather than rebuild it from the request. Set by the CDK app and the local runtime.
   */
  readonly urlEnvVar?: EnvName;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'ANY', path: '/webhooks/stripe', function: 'stripeWebhook', auth: 'none' },
  { method: 'GET', path: '/v1/orgs/{orgId}/billing', function: 'billingApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/audit', function: 'billingApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/alerts', function: 'billingApi', auth: 'jwt' },
  { method: 'POST', path: '/internal/events', function: 'eventsApi', auth: 'iam' },
  { method: 'GET', path: '/v1/orgs/{orgId}/webhooks/endpoints', function: 'endpointsApi', auth: 'jwt' },
  { method: 'POST', path: '/v1/orgs/{orgId}/webhooks/endpoints', function: 'endpointsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', function: 'endpointsApi', auth: 'jwt' },
  { method: 'PATCH', path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', function: 'endpointsApi', auth: 'jwt' },
  { method: 'DELETE', path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', function: 'endpointsApi', auth: 'jwt' },
  {
    method: 'GET',
    path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  { method: 'GET', path: '/v1/orgs/{orgId}/webhooks/messages/{messageId}', function: 'endpointsApi', auth: 'jwt' },
  {
    method: 'POST',
    path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/v1/orgs/{orgId}/webhooks/messages/{messageId}/resend',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  {
    method: 'GET',
    path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  { method: 'GET', path: '/v1/orgs/{orgId}/webhooks/stats', function: 'endpointsApi', auth: 'jwt' },
  {
    method: 'POST',
    path: '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  { method: 'GET', path: '/v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}', function: 'endpointsApi', auth: 'jwt' },
  { method: 'PUT', path: '/v1/merchants/{merchantId}/webhook', function: 'endpointsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/merchants/{merchantId}/webhook', function: 'endpointsApi', auth: 'jwt' },
  { method: 'DELETE', path: '/v1/merchants/{merchantId}/webhook', function: 'endpointsApi', auth: 'jwt' },
  { method: 'POST', path: '/v1/merchants/{merchantId}/webhook/secret/rotate', function: 'endpointsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/merchants/{merchantId}/webhook/attempts', function: 'endpointsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/merchants/{merchantId}/webhook/stats', function: 'endpointsApi', auth: 'jwt' },
  { method: 'POST', path: '/v1/merchants/{merchantId}/webhook/recover', function: 'endpointsApi', auth: 'jwt' },
  {
    method: 'GET',
    path: '/v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  {
    method: 'GET',
    path: '/v1/merchants/{merchantId}/webhook/messages/{messageId}',
    function: 'endpointsApi',
    auth: 'jwt',
  },
  {
    method: 'ANY',
    path: '/api/webhooks/square',
    function: 'squareWebhook',
    auth: 'none',
    urlEnvVar: ENV.squareNotificationUrl,
  },
  { method: 'ANY', path: '/api/webhooks/shopify', function: 'shopifyWebhook', auth: 'none' },
  { method: 'ANY', path: '/webhooks/sources/{sourceId}', function: 'sourcesWebhook', auth: 'none' },
  { method: 'GET', path: '/v1/orgs/{orgId}/connections', function: 'connectionsApi', auth: 'jwt' },
  { method: 'PUT', path: '/v1/orgs/{orgId}/connections/square', function: 'connectionsApi', auth: 'jwt' },
  { method: 'PUT', path: '/v1/orgs/{orgId}/connections/shopify', function: 'connectionsApi', auth: 'jwt' },
  { method: 'DELETE', path: '/v1/orgs/{orgId}/connections/{provider}', function: 'connectionsApi', auth: 'jwt' },
  { method: 'PUT', path: '/v1/orgs/{orgId}/connections/sources/{sourceId}', function: 'connectionsApi', auth: 'jwt' },
  {
    method: 'GET',
    path: '/v1/orgs/{orgId}/connections/sources/{sourceId}/events',
    function: 'connectionsApi',
    auth: 'jwt',
  },
  { method: 'GET', path: '/v1/orgs/{orgId}/catalog/items', function: 'catalogApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/orgs/{orgId}/inventory', function: 'catalogApi', auth: 'jwt' },
  { method: 'PUT', path: '/v1/orgs/{orgId}/settings/inventory', function: 'catalogApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/webhooks/event-types', function: 'docsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/webhooks/event-types/{type}', function: 'docsApi', auth: 'jwt' },
  { method: 'GET', path: '/v1/openapi.json', function: 'docsApi', auth: 'jwt' },
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
  squareSignatureKey: {
    id: 'SquareSignatureKey',
    description: 'Square webhook subscription signature key(s); comma-separated while rotating',
    arnEnvVar: ENV.squareSignatureKeyArn,
    valueEnvVar: ENV.squareSignatureKey,
    required: true,
  },
  shopifyApiSecret: {
    id: 'ShopifyApiSecret',
    description: 'Shopify app client secret(s) that sign webhooks; comma-separated while rotating',
    arnEnvVar: ENV.shopifyApiSecretArn,
    valueEnvVar: ENV.shopifyApiSecret,
    required: true,
  },
  squareAccessToken: {
    id: 'SquareAccessToken',
    description: 'Optional Square access token (ITEMS_READ); enables pulling changed catalog objects',
    arnEnvVar: ENV.squareAccessTokenArn,
    valueEnvVar: ENV.squareAccessToken,
    required: false,
  },
};

/** Encrypts tenants' endpoint signing secrets at rest: a KMS key in AWS, a local key on a laptop. */
export const ENDPOINT_SECRETS_KEY = {
  id: 'EndpointSecretsKey',
  kmsKeyIdEnvVar: ENV.endpointSecretsKmsKeyId,
  localKeyEnvVar: ENV.endpointSecretsLocalKey,
  /**
   * `purpose` in the KMS EncryptionContext of every Encrypt and Decrypt (`{ purpose, orgId, endpointId }`
   * or `{ purpose, orgId, sourceId }`); each function's KMS grant is conditioned on the one purpose it
   * needs, so the delivery function cannot decrypt inbound sources' secrets and the reverse.
   */
  purposes: { endpoint: 'webhook-endpoint-secret', source: 'inbound-source-secret' },
} as const;

export type SecretPurpose = keyof typeof ENDPOINT_SECRETS_KEY.purposes;

export const OPS_TOPIC = { id: 'OpsAlertsTopic', localName: 'ops-alerts', envVar: ENV.opsTopicArn } as const;

export const METRICS_NAMESPACE = 'BetterDataWebhooks';
