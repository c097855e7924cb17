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
  recoveryPageSize: 'RECOVERY_PAGE_SIZE',
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
  jobsTable: 'JOBS_TABLE_NAME',
  jobsQueueUrl: 'JOBS_QUEUE_URL',
  jobRetentionDays: 'JOB_RETENTION_DAYS',
  eventPublishers: 'EVENT_PUBLISHERS',
  shopifyApiKey: 'SHOPIFY_API_KEY',
  shopifyScopes: 'SHOPIFY_SCOPES',
  shopifyShopBaseUrlTemplate: 'SHOPIFY_SHOP_BASE_URL_TEMPLATE',
  squareApplicationId: 'SQUARE_APPLICATION_ID',
  squareApplicationSecret: 'SQUARE_APPLICATION_SECRET',
  squareApplicationSecretArn: 'SQUARE_APPLICATION_SECRET_ARN',
  squareEnvironment: 'SQUARE_ENVIRONMENT',
  squareBaseUrl: 'SQUARE_BASE_URL',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  consoleUrl: 'CONSOLE_URL',
  inboundTable: 'INBOUND_TABLE_NAME',
  inboundBodiesBucket: 'INBOUND_BODIES_BUCKET',
  inboundEventRetentionDays: 'INBOUND_EVENT_RETENTION_DAYS',
  endpointConcurrencyCap: 'ENDPOINT_CONCURRENCY_CAP',
  circuitBreakerThreshold: 'CIRCUIT_BREAKER_THRESHOLD',
  circuitProbeInterval: 'CIRCUIT_PROBE_INTERVAL',
  dnsTimeoutMs: 'DNS_TIMEOUT_MS',
  unprovenEndpointTimeoutMs: 'UNPROVEN_ENDPOINT_TIMEOUT_MS',
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
    indexes: [
      { name: 'byEndpoint', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      // Pending deliveries by when their next attempt is due, in a few shards: what the sweeper queries.
      { name: 'byDue', partitionKey: 'duePk', sortKey: 'dueSk' },
    ],
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
  jobs: {
    // Durable jobs (recoveries, provider syncs, bulk replays) with their checkpoints, under their owner's
    // partition, and the locks that allow one active job per endpoint or connection.
    id: 'JobsTable',
    localName: 'jobs',
    envVar: ENV.jobsTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
  },
  inbound: {
    // The inbound event log: every verified webhook once per provider event id (`INBOUND#<id>` / `EVENT`),
    // listed newest first per organisation, or under `UNATTRIBUTED` until one is resolved.
    id: 'InboundTable',
    localName: 'inbound',
    envVar: ENV.inboundTable,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byOwner', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
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
  | 'docsApi'
  | 'jobWorker'
  | 'connectionsOauth'
  | 'oauthTokenRefresh'
  | 'sweeper'
  | 'inboundApi';

export type QueueName = 'billing' | 'events' | 'delivery' | 'catalog' | 'inboundSources' | 'jobs';
export type SecretName =
  | 'stripeWebhookSecret'
  | 'stripeApiKey'
  | 'squareSignatureKey'
  | 'shopifyApiSecret'
  | 'squareAccessToken'
  | 'squareApplicationSecret';

/** The DynamoDB calls a function may make (IAM action names without the `dynamodb:` prefix). */
export type DynamoAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/**
 * One item-scoped grant: these actions, only on items whose partition key starts with one of
 * `keyPrefixes` (an IAM `dynamodb:LeadingKeys` condition). With `index`, the grant is on that global
 * secondary index and the prefixes are of the index's partition key. Every table here keys items by
 * kind (`ORG#…`, `MSG#…`, `ACCOUNT#…`), so a prefix names the kinds of items a function may touch.
 */
export interface ItemGrant {
  readonly actions: readonly DynamoAction[];
  readonly keyPrefixes: readonly string[];
  readonly index?: string;
}

/** What a function may touch; the CDK app turns this into grants and environment variables. */
export interface FunctionAccess {
  /** Per table, the item-scoped grants: the calls the function makes on the kinds of items it touches. */
  readonly tables?: Partial<Record<TableName, readonly ItemGrant[]>>;
  readonly buckets?: Partial<Record<BucketName, 'read' | 'readWrite'>>;
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

/** Ops alerts live under `ALERTS#<org>` (shared/platform/alerts.ts). */
export const OPS_ALERTS_PREFIX = 'ALERTS#';
/** Raising an alert: a conditional put, a read when it already exists, marking it published. */
const OPS_ALERT_WRITES: ItemGrant = { actions: ['PutItem', 'GetItem', 'UpdateItem'], keyPrefixes: [OPS_ALERTS_PREFIX] };

/** Recording an inbound event in its log: a conditional put, a read when it exists, counting receipts. */
const INBOUND_LOG_WRITES: ItemGrant = { actions: ['GetItem', 'PutItem', 'UpdateItem'], keyPrefixes: ['INBOUND#'] };
/** The outbound items of an owner: endpoints (per org or merchant), messages with their deliveries, endpoint stats. */
const OUTBOUND_ITEM_PREFIXES = ['ORG#', 'MERCHANT#', 'MSG#', 'EPSTATS#'] as const;

/** A function that answers one HTTP request: 10 s and 512 MiB unless it says otherwise. */
const REQUEST_FUNCTION_SIZE = { timeoutSeconds: 10, memoryMiB: 512 } as const;
/** A consumer of an SQS batch: a minute and 1 GiB for a batch of its work. */
const BATCH_CONSUMER_SIZE = { timeoutSeconds: 60, memoryMiB: 1024 } as const;

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
  /**
   * `false`: no `--enable-source-maps` at run time. The ingest functions answer providers on a
   * deadline and Node parses the whole map at import with it on (README, Performance); their maps
   * still ship beside the bundle, so a logged stack's bundle line:column maps back offline.
   */
  readonly runtimeSourceMaps?: false;
}

export const FUNCTIONS = {
  stripeWebhook: {
    id: 'StripeWebhookFunction',
    dir: 'stripe-webhook',
    description: 'Verifies Stripe webhook signatures and queues billing events',
    // Stripe expects a quick answer; the handler only verifies and enqueues.
    ...REQUEST_FUNCTION_SIZE,
    access: { sendsTo: ['billing'], secrets: ['stripeWebhookSecret'] },
    reservedConcurrency: 50,
    runtimeSourceMaps: false,
  },
  billingConsumer: {
    id: 'BillingConsumerFunction',
    dir: 'billing-consumer',
    description: 'Applies Stripe billing events to billing records, capabilities and the audit log',
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: {
        // The record and audit log of an org, the customer→org mapping; writes are conditional puts.
        billing: [{ actions: ['GetItem', 'PutItem'], keyPrefixes: ['ORG#', 'CUSTOMER#'] }],
        ops: [OPS_ALERT_WRITES],
        // The inbound event log: reads, records and counts receipts of its events (conditional put, updates).
        inbound: [INBOUND_LOG_WRITES],
      },
      buckets: { inboundBodies: 'readWrite' },
      sendsTo: ['events'],
      secrets: ['stripeApiKey'],
      publishesOpsAlerts: true,
    },
  },
  billingApi: {
    id: 'BillingApiFunction',
    dir: 'billing-api',
    description: 'Read API: billing records, audit log and ops alerts',
    ...REQUEST_FUNCTION_SIZE,
    access: {
      tables: {
        billing: [{ actions: ['GetItem', 'Query'], keyPrefixes: ['ORG#'] }],
        ops: [{ actions: ['Query'], keyPrefixes: [OPS_ALERTS_PREFIX] }],
      },
    },
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
      tables: {
        webhooks: [
          // Endpoints, their secrets, slot counter and recovery counters (per owner), messages with their
          // deliveries and attempts, health counters; a test send reads its context in one batch.
          {
            actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
            keyPrefixes: OUTBOUND_ITEM_PREFIXES,
          },
          // An endpoint's attempts and deliveries, newest first (attempt log).
          { actions: ['Query'], keyPrefixes: ['EP#'], index: 'byEndpoint' },
          // An endpoint's circuit state (admission item) for its stats; per-org operation counters.
          { actions: ['GetItem'], keyPrefixes: ['ADMISSION#'] },
          { actions: ['UpdateItem'], keyPrefixes: ['OPLIMIT#'] },
        ],
        ops: [OPS_ALERT_WRITES],
        // Recoveries are durable jobs: it stores them (with their one-per-endpoint lock) and reads them.
        jobs: [{ actions: ['GetItem', 'PutItem'], keyPrefixes: ['ORG#', 'MERCHANT#'] }],
      },
      sendsTo: ['delivery', 'jobs'],
      publishesOpsAlerts: true,
      endpointSecrets: { use: 'encryptDecrypt', of: 'endpoint' },
    },
  },
  eventsApi: {
    id: 'EventsApiFunction',
    dir: 'events-api',
    description: 'Internal publish route: validates domain events and queues them for fan-out',
    ...REQUEST_FUNCTION_SIZE,
    access: { sendsTo: ['events'] },
    reservedConcurrency: 100,
  },
  fanout: {
    id: 'FanoutFunction',
    dir: 'fanout',
    description: 'Turns each published event into one stored message and a delivery task per matching endpoint',
    ...BATCH_CONSUMER_SIZE,
    access: {
      tables: {
        // Lists the owner's endpoints, stores the message and its deliveries, counts pending deliveries.
        webhooks: [
          {
            actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
            keyPrefixes: OUTBOUND_ITEM_PREFIXES,
          },
          // Reads (never writes) the endpoints' admission items: a task for an open circuit is queued delayed.
          { actions: ['BatchGetItem'], keyPrefixes: ['ADMISSION#'] },
        ],
      },
      sendsTo: ['delivery'],
    },
  },
  delivery: {
    id: 'DeliveryFunction',
    dir: 'delivery',
    description: 'Signs and posts webhooks to tenant endpoints, logs every attempt, schedules retries',
    // Up to 10 deliveries run side by side, each capped by DELIVERY_TIMEOUT_MS (15 s by default).
    ...BATCH_CONSUMER_SIZE,
    access: {
      tables: {
        // Reads and settles the endpoint, claims and completes attempts, counts outcomes; never deletes.
        webhooks: [
          // The endpoint, its secrets and the message come in one batch read.
          {
            actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
            keyPrefixes: OUTBOUND_ITEM_PREFIXES,
          },
          // Admission (rate-limit slots, leases, circuit breaker): one item per endpoint.
          { actions: ['GetItem', 'UpdateItem'], keyPrefixes: ['ADMISSION#'] },
        ],
        ops: [OPS_ALERT_WRITES],
      },
      sendsTo: ['delivery'],
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
    access: {
      sendsTo: ['catalog'],
      secrets: ['squareSignatureKey'],
      // Internet-facing: one lookup of the org a Square merchant is connected to, nothing else.
      tables: { connections: [{ actions: ['GetItem'], keyPrefixes: ['ACCOUNT#square#'] }] },
    },
    reservedConcurrency: 50,
    runtimeSourceMaps: false,
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
    runtimeSourceMaps: false,
  },
  sourcesWebhook: {
    id: 'SourcesWebhookFunction',
    dir: 'sources-webhook',
    description: 'Verifies x-betterdata-signature on registered inbound sources and queues their events',
    ...REQUEST_FUNCTION_SIZE,
    access: {
      sendsTo: ['inboundSources'],
      // Internet-facing: reads the source (its org and secrets) and appends to its 30-day event listing.
      tables: {
        connections: [
          { actions: ['GetItem'], keyPrefixes: ['SOURCE#'] },
          { actions: ['PutItem'], keyPrefixes: ['SOURCE_EVENTS#'] },
        ],
        // Logs each event before queueing it; source bodies fit their log item, so no bucket.
        inbound: [INBOUND_LOG_WRITES],
      },
      endpointSecrets: { use: 'decrypt', of: 'source' },
    },
    reservedConcurrency: 50,
    runtimeSourceMaps: false,
  },
  connectionsApi: {
    id: 'ConnectionsApiFunction',
    dir: 'connections-api',
    description: 'Connections API: Square merchants, Shopify shops and signed inbound sources of an organisation',
    ...REQUEST_FUNCTION_SIZE,
    // Connecting (and replaying kept events) moved to connectionsOauth: sources only here.
    access: {
      tables: {
        // Sources and their events, and the org's connections it lists; connecting moved to connectionsOauth.
        connections: [
          {
            actions: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
            keyPrefixes: ['ORG#', 'ACCOUNT#', 'SOURCE#', 'SOURCE_EVENTS#'],
          },
        ],
      },
      endpointSecrets: { use: 'encrypt', of: 'source' },
    },
  },
  catalogConsumer: {
    id: 'CatalogConsumerFunction',
    dir: 'catalog-consumer',
    description: 'Applies Square and Shopify catalog and stock events; pulls changed Square catalog objects',
    ...BATCH_CONSUMER_SIZE,
    // The connection's own OAuth token pulls a merchant's changed catalog; uninstalls and revocations alert ops.
    access: {
      tables: {
        // Applies events; erases a shop's catalog on shop/redact.
        catalog: [{ actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'], keyPrefixes: ['ORG#'] }],
        // Which org an account belongs to; unmatched events kept until connected; revocations mark the
        // connection and delete its token; the merchant's own token pulls its changed catalog.
        connections: [
          { actions: ['GetItem'], keyPrefixes: ['ACCOUNT#', 'OAUTH_TOKEN'] },
          { actions: ['PutItem', 'DeleteItem'], keyPrefixes: ['UNMATCHED#'] },
          { actions: ['UpdateItem', 'DeleteItem'], keyPrefixes: ['ORG#', 'ACCOUNT#', 'OAUTH_TOKEN'] },
        ],
        ops: [OPS_ALERT_WRITES],
        // The inbound event log: reads, records and counts receipts of its events.
        inbound: [INBOUND_LOG_WRITES],
      },
      buckets: { inboundBodies: 'readWrite' },
      sendsTo: ['events'],
      secrets: ['squareAccessToken'],
      publishesOpsAlerts: true,
      endpointSecrets: { use: 'decrypt', of: 'oauthToken' },
    },
  },
  catalogApi: {
    id: 'CatalogApiFunction',
    dir: 'catalog-api',
    description: 'Read API for catalog items and stock levels; per-organisation inventory settings',
    ...REQUEST_FUNCTION_SIZE,
    // Lists items and levels, writes the org's inventory settings: no deletes, no updates.
    access: { tables: { catalog: [{ actions: ['Query', 'PutItem'], keyPrefixes: ['ORG#'] }] } },
  },
  docsApi: {
    id: 'DocsApiFunction',
    dir: 'docs-api',
    description: 'API documentation: the event catalog (JSON Schema and examples) and the OpenAPI document',
    ...REQUEST_FUNCTION_SIZE,
    // Everything it answers is generated from code at load time: no tables, queues or secrets.
    access: {},
  },
  jobWorker: {
    id: 'JobWorkerFunction',
    dir: 'job-worker',
    description: 'Runs durable jobs (recoveries, provider syncs, bulk replays) one checkpointed step at a time',
    // One step is one page of work; the step functions keep a page well under this.
    timeoutSeconds: 120,
    memoryMiB: 1024,
    // Provider syncs: read the connection's OAuth token (refreshing Shopify's hourly token) and write the catalog.
    access: {
      tables: {
        // Reads, checkpoints and finishes jobs, and frees a finished job's lock; jobs live under their owner.
        jobs: [{ actions: ['GetItem', 'PutItem', 'DeleteItem'], keyPrefixes: ['ORG#', 'MERCHANT#'] }],
        // Syncs: the connection and its token (refreshing Shopify's hourly token), then catalog pages.
        connections: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keyPrefixes: ['ORG#', 'ACCOUNT#', 'OAUTH_TOKEN'] },
        ],
        catalog: [{ actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keyPrefixes: ['ORG#'] }],
        // Recovery steps: page an endpoint's deliveries, mark each "re-sent by recovery X", queue it.
        webhooks: [
          { actions: ['UpdateItem'], keyPrefixes: ['MSG#'] },
          { actions: ['Query'], keyPrefixes: ['EP#'], index: 'byEndpoint' },
        ],
        // Bulk inbound replays: a page of an org's logged events, then each one's stored body.
        inbound: [
          { actions: ['GetItem'], keyPrefixes: ['INBOUND#'] },
          { actions: ['Query'], keyPrefixes: ['ORG#'], index: 'byOwner' },
        ],
      },
      buckets: { inboundBodies: 'read' },
      // Recoveries queue deliveries; bulk inbound replays put stored events back on their consumer's queue.
      sendsTo: ['jobs', 'events', 'delivery', 'billing', 'catalog', 'inboundSources'],
      secrets: ['shopifyApiSecret', 'squareApplicationSecret'],
      endpointSecrets: { use: 'encryptDecrypt', of: 'oauthToken' },
    },
  },
  connectionsOauth: {
    id: 'ConnectionsOauthFunction',
    dir: 'connections-oauth',
    description:
      'Connects Shopify shops and Square merchants by OAuth: authorize, callbacks, tokens, webhooks, initial ' +
      'sync, disconnect',
    // A callback exchanges the code, registers five webhook subscriptions and starts the sync.
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: {
        // States, tokens, connections and their lookups; kept unmatched events replayed on connect.
        connections: [
          {
            actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
            keyPrefixes: ['ORG#', 'ACCOUNT#', 'OAUTH_STATE#', 'OAUTH_TOKEN', 'UNMATCHED#'],
          },
        ],
        jobs: [{ actions: ['GetItem', 'PutItem'], keyPrefixes: ['ORG#'] }],
      },
      sendsTo: ['jobs', 'catalog'],
      secrets: ['shopifyApiSecret', 'squareApplicationSecret'],
      endpointSecrets: { use: 'encryptDecrypt', of: 'oauthToken' },
    },
  },
  oauthTokenRefresh: {
    id: 'OauthTokenRefreshFunction',
    dir: 'oauth-token-refresh',
    description: 'Scheduled: refreshes provider OAuth tokens well before they expire; alerts before one lapses',
    timeoutSeconds: 120,
    memoryMiB: 512,
    access: {
      tables: {
        // Every token lives under one partition, so one query finds those due.
        connections: [{ actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keyPrefixes: ['OAUTH_TOKEN'] }],
        ops: [OPS_ALERT_WRITES],
      },
      secrets: ['shopifyApiSecret', 'squareApplicationSecret'],
      publishesOpsAlerts: true,
      endpointSecrets: { use: 'encryptDecrypt', of: 'oauthToken' },
    },
  },
  sweeper: {
    id: 'SweeperFunction',
    dir: 'sweeper',
    description: 'Re-queues deliveries whose next attempt is overdue by 15 minutes (a lost task or a crashed attempt)',
    timeoutSeconds: 60,
    memoryMiB: 512,
    access: {
      tables: {
        // Finds overdue deliveries by due time, reads their attempt claim, moves their due time on.
        webhooks: [
          { actions: ['GetItem', 'UpdateItem'], keyPrefixes: ['MSG#'] },
          { actions: ['Query'], keyPrefixes: ['DUE#'], index: 'byDue' },
        ],
      },
      sendsTo: ['delivery'],
    },
  },
  inboundApi: {
    id: 'InboundApiFunction',
    dir: 'inbound-api',
    description: 'Inbound event log: list, read and replay verified webhooks; bulk replays; operator view',
    ...REQUEST_FUNCTION_SIZE,
    // A replay puts the stored event back on its consumer's queue; the consumer applies it idempotently.
    access: {
      tables: {
        // Reads events and their bodies; lists an org's events, or the unattributed ones for operators.
        inbound: [
          { actions: ['GetItem'], keyPrefixes: ['INBOUND#'] },
          { actions: ['Query'], keyPrefixes: ['ORG#', 'UNATTRIBUTED'], index: 'byOwner' },
        ],
        // Starts an org's bulk replay (the job and its lock) and reads it back.
        jobs: [{ actions: ['GetItem', 'PutItem'], keyPrefixes: ['ORG#'] }],
      },
      buckets: { inboundBodies: 'read' },
      sendsTo: ['billing', 'catalog', 'inboundSources', 'jobs'],
    },
  },
} as const satisfies Record<FunctionName, FunctionSpec>;

/** Functions EventBridge invokes on a schedule (the local runtime runs a timer instead). */
export interface ScheduleSpec {
  readonly id: string;
  readonly function: FunctionName;
  readonly everyMinutes: number;
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  // Square tokens live 30 days and Shopify's an hour: hourly runs refresh each well before it lapses.
  { id: 'OauthTokenRefreshSchedule', function: 'oauthTokenRefresh', everyMinutes: 60 },
  // Deliveries stranded by a lost task or a crashed attempt are re-queued within minutes of going overdue.
  { id: 'SweeperSchedule', function: 'sweeper', everyMinutes: 5 },
];

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

/**
 * A queue and its DLQ named alike (`Billing`: `BillingQueue`, `BillingDeadLetterQueue`, `<localName>-dlq`),
 * both kept 14 days; a message moves to the DLQ after 5 receives.
 */
function queueNamed(
  name: string,
  localName: string,
  settings: Pick<QueueSpec, 'envVar' | 'visibilityTimeoutSeconds' | 'consumer'> & { readonly dlqEnvVar?: EnvName },
): QueueSpec {
  const { dlqEnvVar, ...queue } = settings;
  const dlq = { id: `${name}DeadLetterQueue`, localName: `${localName}-dlq`, retentionDays: 14 };
  return {
    id: `${name}Queue`,
    localName,
    ...queue,
    retentionDays: 14,
    maxReceiveCount: 5,
    dlq: dlqEnvVar === undefined ? dlq : { ...dlq, envVar: dlqEnvVar },
  };
}

type QueueConsumer = NonNullable<QueueSpec['consumer']>;

/**
 * A queue this stack consumes: messages stay invisible for 6 × its consumer's timeout (AWS guidance),
 * handed over in batches of up to 10 (a second at most to fill one) unless the consumer says otherwise.
 */
function consumedBy(
  consumer: Pick<QueueConsumer, 'function' | 'maxConcurrency'> & Partial<QueueConsumer>,
): Pick<QueueSpec, 'visibilityTimeoutSeconds' | 'consumer'> {
  return {
    visibilityTimeoutSeconds: 6 * FUNCTIONS[consumer.function].timeoutSeconds,
    consumer: { batchSize: 10, maxBatchingWindowSeconds: 1, ...consumer },
  };
}

export const QUEUES: Record<QueueName, QueueSpec> = {
  billing: queueNamed('Billing', 'billing-events', {
    envVar: ENV.billingQueueUrl,
    // Stripe sends a handful of events per subscription; reconciliation reads Stripe's rate-limited API.
    ...consumedBy({ function: 'billingConsumer', maxConcurrency: 10, localMaxConcurrency: 1 }),
  }),
  events: queueNamed('Events', 'platform-events', {
    envVar: ENV.eventsQueueUrl,
    // 10×: 1,000 events/s in batches of 10 taking ≈ 0.2 s need ≈ 20 batches at once (docs/capacity.md).
    ...consumedBy({ function: 'fanout', maxConcurrency: 50, localMaxConcurrency: 2 }),
  }),
  // Retries are scheduled by re-sending with a delay, not by redrive, and an exhausted delivery is
  // recorded failed and leaves the queue normally: only a task the code could not process (a crash,
  // an unreadable message) reaches the DLQ, and its alarm pages.
  delivery: queueNamed('Delivery', 'webhook-deliveries', {
    envVar: ENV.deliveryQueueUrl,
    dlqEnvVar: ENV.deliveryDlqUrl,
    // 10×: 3,000 deliveries/s in batches of 10 taking ≈ 0.4 s need ≈ 120 batches; the rest is headroom
    // for endpoints that hold a batch until their circuit opens (docs/capacity.md). CDK context
    // `deliveryMaxConcurrency` overrides it per deployment.
    // Locally 50: deliveries mostly wait on sockets, but each also calls the one DynamoDB emulator.
    ...consumedBy({ function: 'delivery', maxConcurrency: 200, localMaxConcurrency: 50 }),
  }),
  catalog: queueNamed('Catalog', 'catalog-events', {
    envVar: ENV.catalogQueueUrl,
    ...consumedBy({ function: 'catalogConsumer', maxConcurrency: 50, localMaxConcurrency: 2 }),
  }),
  inboundSources: queueNamed('InboundSources', 'inbound-sources', {
    envVar: ENV.inboundSourcesQueueUrl,
    // Consumed by other Better Data services; their consumers' timeouts are theirs to fit under this.
    visibilityTimeoutSeconds: 300,
  }),
  // The runner retries failed steps itself (with a delay) and fails the job after 5 tries: only a
  // message it cannot read, or a worker that crashes again and again, reaches the DLQ.
  jobs: queueNamed('Jobs', 'jobs', {
    envVar: ENV.jobsQueueUrl,
    // One step per invocation: a step is a page of work that may take seconds.
    ...consumedBy({ function: 'jobWorker', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 5 }),
  }),
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
  { context: 'unprovenEndpointTimeoutMs', envVar: ENV.unprovenEndpointTimeoutMs, functions: ['delivery'] },
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
  /** The route's own throttle (THROTTLES); absent = the stage default, `THROTTLES.api`. */
  readonly throttle?: ThrottleName;
}

export interface Throttle {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Requests API Gateway accepts at once above the steady rate (token bucket size). */
  readonly burstLimit: number;
}

/**
 * Request rates per route class (README, "Throttles"). Each webhook route has its own route-level
 * throttle, so an anonymous flood on one (a signed source's URL is public) answers 429 there only and
 * Stripe, Square and Shopify keep getting through. Sized to a provider's peak with headroom: Shopify
 * bulk edits send one inventory_levels/update per variant, Square sends one inventory.count.updated per
 * item and location, Stripe billing runs are bursty but small. The CDK context key `throttles`
 * overrides any of them.
 */
export const THROTTLES = {
  /** The stage default: the JWT APIs and the internal route. */
  api: { rateLimit: 500, burstLimit: 1000 },
  stripe: { rateLimit: 100, burstLimit: 200 },
  square: { rateLimit: 200, burstLimit: 400 },
  shopify: { rateLimit: 300, burstLimit: 600 },
  /** Tenants' own signed senders: the URL is guessable, so the smallest share. */
  sources: { rateLimit: 50, burstLimit: 100 },
  /** OAuth callbacks: one browser redirect per install, so a flood of forged callbacks stays small. */
  oauth: { rateLimit: 10, burstLimit: 20 },
} as const satisfies Record<string, Throttle>;

export type ThrottleName = keyof typeof THROTTLES;

/** Routes of one function behind the JWT authorizer, each written `'METHOD /path'`. */
function jwtRoutes(fn: FunctionName, routes: readonly `${RouteSpec['method']} /${string}`[]): RouteSpec[] {
  return routes.map((route) => {
    const [method, path] = route.split(' ') as [RouteSpec['method'], string];
    return { method, path, function: fn, auth: 'jwt' };
  });
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'ANY', path: '/webhooks/stripe', function: 'stripeWebhook', auth: 'none', throttle: 'stripe' },
  ...jwtRoutes('billingApi', [
    'GET /v1/orgs/{orgId}/billing',
    'GET /v1/orgs/{orgId}/audit',
    'GET /v1/orgs/{orgId}/alerts',
  ]),
  { method: 'POST', path: '/internal/events', function: 'eventsApi', auth: 'iam' },
  ...jwtRoutes('endpointsApi', [
    'GET /v1/orgs/{orgId}/webhooks/endpoints',
    'POST /v1/orgs/{orgId}/webhooks/endpoints',
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}',
    'PATCH /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}',
    'DELETE /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}',
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts',
    'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}',
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate',
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test',
    'POST /v1/orgs/{orgId}/webhooks/messages/{messageId}/resend',
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats',
    'GET /v1/orgs/{orgId}/webhooks/stats',
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover',
    'GET /v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}',
    'PUT /v1/merchants/{merchantId}/webhook',
    'GET /v1/merchants/{merchantId}/webhook',
    'DELETE /v1/merchants/{merchantId}/webhook',
    'POST /v1/merchants/{merchantId}/webhook/secret/rotate',
    'GET /v1/merchants/{merchantId}/webhook/attempts',
    'GET /v1/merchants/{merchantId}/webhook/stats',
    'POST /v1/merchants/{merchantId}/webhook/recover',
    'GET /v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}',
    'GET /v1/merchants/{merchantId}/webhook/messages/{messageId}',
  ]),
  {
    method: 'ANY',
    path: '/api/webhooks/square',
    function: 'squareWebhook',
    auth: 'none',
    urlEnvVar: ENV.squareNotificationUrl,
    throttle: 'square',
  },
  { method: 'ANY', path: '/api/webhooks/shopify', function: 'shopifyWebhook', auth: 'none', throttle: 'shopify' },
  {
    method: 'ANY',
    path: '/webhooks/sources/{sourceId}',
    function: 'sourcesWebhook',
    auth: 'none',
    throttle: 'sources',
  },
  ...jwtRoutes('connectionsApi', [
    'GET /v1/orgs/{orgId}/connections',
    'PUT /v1/orgs/{orgId}/connections/square',
    'PUT /v1/orgs/{orgId}/connections/shopify',
  ]),
  ...jwtRoutes('connectionsOauth', [
    'DELETE /v1/orgs/{orgId}/connections/{provider}',
    'POST /v1/orgs/{orgId}/connections/shopify/authorize',
    'POST /v1/orgs/{orgId}/connections/square/authorize',
    'GET /v1/orgs/{orgId}/connections/{provider}/sync',
  ]),
  { method: 'GET', path: '/oauth/shopify/callback', function: 'connectionsOauth', auth: 'none', throttle: 'oauth' },
  { method: 'GET', path: '/oauth/square/callback', function: 'connectionsOauth', auth: 'none', throttle: 'oauth' },
  { method: 'POST', path: '/internal/connections', function: 'connectionsOauth', auth: 'iam' },
  ...jwtRoutes('connectionsApi', [
    'PUT /v1/orgs/{orgId}/connections/sources/{sourceId}',
    'GET /v1/orgs/{orgId}/connections/sources/{sourceId}/events',
  ]),
  ...jwtRoutes('catalogApi', [
    'GET /v1/orgs/{orgId}/catalog/items',
    'GET /v1/orgs/{orgId}/inventory',
    'PUT /v1/orgs/{orgId}/settings/inventory',
  ]),
  ...jwtRoutes('docsApi', [
    'GET /v1/webhooks/event-types',
    'GET /v1/webhooks/event-types/{type}',
    'GET /v1/openapi.json',
  ]),
  ...jwtRoutes('inboundApi', [
    'GET /v1/orgs/{orgId}/inbound/events',
    'GET /v1/orgs/{orgId}/inbound/events/{eventId}',
    'POST /v1/orgs/{orgId}/inbound/events/{eventId}/replay',
    'POST /v1/orgs/{orgId}/inbound/replay',
    'GET /v1/orgs/{orgId}/inbound/replays/{replayId}',
  ]),
  { method: 'GET', path: '/internal/inbound/events', function: 'inboundApi', auth: 'iam' },
  { method: 'GET', path: '/internal/inbound/events/{eventId}', function: 'inboundApi', auth: 'iam' },
  { method: 'POST', path: '/internal/inbound/events/{eventId}/replay', function: 'inboundApi', auth: 'iam' },
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
  squareApplicationSecret: {
    id: 'SquareApplicationSecret',
    description: 'Square application secret (OAuth); enables connecting Square merchants by OAuth',
    arnEnvVar: ENV.squareApplicationSecretArn,
    valueEnvVar: ENV.squareApplicationSecret,
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
   * needs, so the delivery function cannot decrypt inbound sources' secrets and the reverse. The key
   * policy names, per purpose, the roles that may encrypt or decrypt under it (from their
   * `endpointSecrets` access): a new purpose is one line here plus `endpointSecrets` on its functions.
   */
  purposes: { endpoint: 'webhook-endpoint-secret', source: 'inbound-source-secret', oauthToken: 'oauth-token' },
} as const;

export type SecretPurpose = keyof typeof ENDPOINT_SECRETS_KEY.purposes;

export type BucketName = 'inboundBodies';

export interface BucketSpec {
  readonly id: string;
  /** Bucket name used by the local runtime (a folder under DATA_DIR); in AWS CloudFormation names it. */
  readonly localName: string;
  readonly envVar: EnvName;
  /** Objects are deleted this many days after they were written (S3 lifecycle; a sweep locally). */
  readonly expireAfterDays: number;
}

/** Default of INBOUND_EVENT_RETENTION_DAYS: how long the inbound event log keeps each event. */
export const DEFAULT_INBOUND_EVENT_RETENTION_DAYS = 30;

export const BUCKETS: Record<BucketName, BucketSpec> = {
  inboundBodies: {
    // Raw bodies of logged inbound events too large for their DynamoDB item (claim-check).
    id: 'InboundBodiesBucket',
    localName: 'inbound-bodies',
    envVar: ENV.inboundBodiesBucket,
    // One day past the log's retention, so an item never outlives its body.
    expireAfterDays: DEFAULT_INBOUND_EVENT_RETENTION_DAYS + 1,
  },
};

export const OPS_TOPIC = { id: 'OpsAlertsTopic', localName: 'ops-alerts', envVar: ENV.opsTopicArn } as const;

export const METRICS_NAMESPACE = 'BetterDataWebhooks';
