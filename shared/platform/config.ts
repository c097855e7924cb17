import { z } from 'zod';
import { ConfigurationError } from './errors';
import { ipPolicyFrom, type IpPolicy } from '../outbound/transport/ip-policy';
import { DEFAULT_RETRY_SCHEDULE_MS, parseDurationList } from '../outbound/retry-schedule';
import {
  BUCKETS,
  DEFAULT_INBOUND_EVENT_RETENTION_DAYS,
  ENDPOINT_SECRETS_KEY,
  ENV,
  SECRETS,
  SQS_MAX_MESSAGE_BYTES,
  type SecretName,
} from './topology';
import {
  DEFAULT_BREAKER_THRESHOLD,
  DEFAULT_CONCURRENCY_CAP,
  DEFAULT_PROBE_INTERVAL_MS,
  DEFAULT_UNPROVEN_TIMEOUT_MS,
} from '../outbound/admission/policy';
import { DEFAULT_DNS_TIMEOUT_MS } from '../outbound/transport/cancellable-resolver';

/** Test sends, resends and recoveries one organisation may start per minute, each. */
export const DEFAULT_ORG_OPERATIONS_PER_MINUTE = 10;

/**
 * The one config loader. Each function asks for the settings it needs; values are validated once at
 * cold start so a misconfigured function fails loudly before it answers anything.
 */

type Env = Record<string, string | undefined>;

// Pure calls: a function whose loader does not use them (the ingest functions) bundles without zod.
const nonEmpty = /* @__PURE__ */ (() => z.string().trim().min(1))();

/** Raw bodies travel base64-encoded inside the queue envelope, so they must stay under ¾ of SQS's cap. */
export const MAX_QUEUED_BODY_BYTES = Math.floor(((SQS_MAX_MESSAGE_BYTES - 8_192) * 3) / 4);
export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 512 * 1024;

function read<T>(env: Env, name: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(env[name]);
  if (!result.success) {
    const problem = result.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigurationError(`Environment variable ${name} is invalid: ${problem}`);
  }
  return result.data;
}

/**
 * Hand-written readers for the ingest functions' settings: the ingest path loads without zod
 * (bundle size and cold start; README, Performance). Same messages as `read`.
 */
function invalid(name: string, problem: string): ConfigurationError {
  return new ConfigurationError(`Environment variable ${name} is invalid: ${problem}`);
}

function requiredText(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw invalid(name, 'is required');
  return value;
}

function integerSetting(env: Env, name: string, limits: { max: number; fallback: number }): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return limits.fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw invalid(name, 'must be a positive integer');
  if (value > limits.max) throw invalid(name, `must be at most ${limits.max}`);
  return value;
}

/** Kept verbatim (not normalised): Square signs over the exact string. */
function optionalHttpUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) throw invalid(name, 'must be an http(s) URL');
  return value;
}

/** Where a secret comes from: its value in the environment (local), or a Secrets Manager ARN (AWS). */
export type SecretLocation = { kind: 'value'; value: string } | { kind: 'secretsManager'; secretId: string };

export function requiredSecretLocation(env: Env, name: SecretName): SecretLocation {
  const location = secretLocation(env, name);
  if (location) return location;
  const spec = SECRETS[name];
  throw new ConfigurationError(`Set ${spec.valueEnvVar} (locally) or ${spec.arnEnvVar} (in AWS): ${spec.description}`);
}

export function secretLocation(env: Env, name: SecretName): SecretLocation | undefined {
  const spec = SECRETS[name];
  const value = env[spec.valueEnvVar]?.trim();
  if (value) return { kind: 'value', value };
  const secretId = env[spec.arnEnvVar]?.trim();
  if (secretId) return { kind: 'secretsManager', secretId };
  return undefined;
}

/** A secret value may list several secrets, comma-separated, while one is being rolled. */
export function splitSecretList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export interface StripeIngestConfig {
  readonly billingQueueUrl: string;
  readonly webhookSecret: SecretLocation;
  readonly maxBodyBytes: number;
}

export function loadStripeIngestConfig(env: Env = process.env): StripeIngestConfig {
  return {
    billingQueueUrl: requiredText(env, ENV.billingQueueUrl),
    webhookSecret: requiredSecretLocation(env, 'stripeWebhookSecret'),
    maxBodyBytes: maxWebhookBodyBytes(env),
  };
}

export interface BillingConsumerConfig {
  readonly billingTable: string;
  readonly eventsQueueUrl: string;
  readonly opsTable: string;
  readonly opsTopicArn: string | undefined;
  readonly alertRetentionDays: number;
  readonly stripeApiKey: SecretLocation | undefined;
}

export function loadBillingConsumerConfig(env: Env = process.env): BillingConsumerConfig {
  return {
    billingTable: read(env, ENV.billingTable, nonEmpty),
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
    stripeApiKey: secretLocation(env, 'stripeApiKey'),
  };
}

export interface ApiConfig {
  readonly billingTable: string;
  readonly opsTable: string;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  return {
    billingTable: read(env, ENV.billingTable, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
  };
}

/** How endpoint signing secrets are encrypted at rest: a KMS key in AWS, a local key on a laptop. */
export type EndpointSecretsKey = { kind: 'kms'; keyId: string } | { kind: 'local'; keyMaterial: string };

function endpointSecretsKey(env: Env): EndpointSecretsKey {
  const keyId = env[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar]?.trim();
  if (keyId) return { kind: 'kms', keyId };
  const keyMaterial = env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]?.trim();
  if (keyMaterial) return { kind: 'local', keyMaterial };
  throw new ConfigurationError(
    `Set ${ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar} (in AWS) or ${ENDPOINT_SECRETS_KEY.localKeyEnvVar} (locally) to ` +
      `encrypt endpoint signing secrets`,
  );
}

const booleanFlag = /* @__PURE__ */ (() =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value === 'true' || value === '1'))();

function ipPolicy(env: Env): IpPolicy {
  return ipPolicyFrom(env[ENV.allowedPrivateCidrs]);
}

function durations(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const text = env[name]?.trim();
  if (!text) return fallback;
  try {
    return parseDurationList(text);
  } catch (error) {
    throw new ConfigurationError(`Environment variable ${name} is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** 15 s per attempt, as Svix's hosted service; the delivery function's own timeout leaves room for it. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;

const attemptTimeoutMs = (env: Env) =>
  read(env, ENV.deliveryTimeoutMs, z.coerce.number().int().min(100).max(30_000).default(DEFAULT_ATTEMPT_TIMEOUT_MS));

export interface EventsApiConfig {
  readonly eventsQueueUrl: string;
  /** JSON: role ARN → `{ eventTypes, owners }` (shared/events/publishers.ts parses it); `{}` refuses everyone. */
  readonly eventPublishers: string;
}

export function loadEventsApiConfig(env: Env = process.env): EventsApiConfig {
  return {
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    eventPublishers: read(env, ENV.eventPublishers, nonEmpty.default('{}')),
  };
}

export interface FanoutConfig {
  readonly webhooksTable: string;
  readonly deliveryQueueUrl: string;
  readonly messageRetentionDays: number;
}

export function loadFanoutConfig(env: Env = process.env): FanoutConfig {
  return {
    webhooksTable: read(env, ENV.webhooksTable, nonEmpty),
    deliveryQueueUrl: read(env, ENV.deliveryQueueUrl, nonEmpty),
    messageRetentionDays: read(env, ENV.messageRetentionDays, z.coerce.number().int().positive().default(30)),
  };
}

export interface DeliveryConfig {
  readonly webhooksTable: string;
  readonly opsTable: string;
  readonly opsTopicArn: string | undefined;
  readonly deliveryQueueUrl: string;
  readonly endpointSecretsKey: EndpointSecretsKey;
  readonly allowHttp: boolean;
  readonly policy: IpPolicy;
  readonly scheduleMs: readonly number[];
  readonly timeoutMs: number;
  readonly disableAfterMs: number;
  readonly attemptRetentionDays: number;
  readonly alertRetentionDays: number;
  /** Admission control (shared/outbound/admission): per-endpoint concurrency cap and circuit breaker. */
  readonly admission: DeliveryAdmissionConfig;
  /** Budget for resolving an endpoint's host, inside the attempt's deadline. */
  readonly dnsTimeoutMs: number;
}

export interface DeliveryAdmissionConfig {
  readonly concurrencyCap: number;
  readonly breakerThreshold: number;
  readonly probeIntervalMs: number;
  /** The deadline of a first try to an endpoint without a recent success (policy.ts, attemptBudgetMs). */
  readonly unprovenTimeoutMs: number;
}

function deliveryAdmissionConfig(env: Env): DeliveryAdmissionConfig {
  const [probeIntervalMs] = durations(env, ENV.circuitProbeInterval, [DEFAULT_PROBE_INTERVAL_MS]);
  return {
    concurrencyCap: read(
      env,
      ENV.endpointConcurrencyCap,
      z.coerce.number().int().min(1).max(1_000).default(DEFAULT_CONCURRENCY_CAP),
    ),
    breakerThreshold: read(
      env,
      ENV.circuitBreakerThreshold,
      z.coerce.number().int().min(1).max(100).default(DEFAULT_BREAKER_THRESHOLD),
    ),
    probeIntervalMs: probeIntervalMs as number,
    unprovenTimeoutMs: read(
      env,
      ENV.unprovenEndpointTimeoutMs,
      z.coerce.number().int().min(100).max(30_000).default(DEFAULT_UNPROVEN_TIMEOUT_MS),
    ),
  };
}

export function loadDeliveryConfig(env: Env = process.env): DeliveryConfig {
  const [disableAfterMs] = durations(env, ENV.endpointDisableAfter, [5 * 86_400_000]);
  return {
    webhooksTable: read(env, ENV.webhooksTable, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    deliveryQueueUrl: read(env, ENV.deliveryQueueUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    allowHttp: read(env, ENV.allowHttpEndpoints, booleanFlag),
    policy: ipPolicy(env),
    scheduleMs: durations(env, ENV.deliveryRetrySchedule, DEFAULT_RETRY_SCHEDULE_MS),
    timeoutMs: attemptTimeoutMs(env),
    disableAfterMs: disableAfterMs as number,
    attemptRetentionDays: read(env, ENV.attemptRetentionDays, z.coerce.number().int().positive().default(30)),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
    admission: deliveryAdmissionConfig(env),
    dnsTimeoutMs: read(
      env,
      ENV.dnsTimeoutMs,
      z.coerce.number().int().min(50).max(30_000).default(DEFAULT_DNS_TIMEOUT_MS),
    ),
  };
}

/**
 * The endpoints API also delivers (test sends, resends) through the one delivery path, so it needs
 * what the delivery function needs, plus how long the messages it stores are kept.
 */
export interface WebhooksApiConfig extends DeliveryConfig, JobsConfig {
  readonly maxEndpointsPerOrg: number;
  readonly messageRetentionDays: number;
  /** Test sends, resends and recoveries one organisation may start per minute, each. */
  readonly orgOperationsPerMinute: number;
}

export function loadWebhooksApiConfig(env: Env = process.env): WebhooksApiConfig {
  return {
    ...loadDeliveryConfig(env),
    // Recoveries are durable jobs that this API starts.
    ...loadJobsConfig(env),
    maxEndpointsPerOrg: read(env, ENV.maxEndpointsPerOrg, z.coerce.number().int().positive().max(1_000).default(50)),
    messageRetentionDays: read(env, ENV.messageRetentionDays, z.coerce.number().int().positive().default(30)),
    orgOperationsPerMinute: read(
      env,
      ENV.orgOperationsPerMinute,
      z.coerce.number().int().min(1).max(10_000).default(DEFAULT_ORG_OPERATIONS_PER_MINUTE),
    ),
  };
}

export interface ConnectionsApiConfig {
  readonly connectionsTable: string;
  /** Encrypts signed sources' secrets (the endpoint secrets key, under its own encryption-context purpose). */
  readonly endpointSecretsKey: EndpointSecretsKey;
  /** How far back a source's event listing reaches; the same setting that sets the events' TTL. */
  readonly sourceEventRetentionDays: number;
}

export function loadConnectionsApiConfig(env: Env = process.env): ConnectionsApiConfig {
  return {
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    sourceEventRetentionDays: integerSetting(env, ENV.sourceEventRetentionDays, { max: 365, fallback: 30 }),
  };
}

/** Whole bodies are kept in the source's event listing, so they must fit a DynamoDB item (400 KB). */
export const MAX_SOURCE_BODY_BYTES = 350 * 1024;

const maxWebhookBodyBytes = (env: Env) =>
  integerSetting(env, ENV.maxWebhookBodyBytes, {
    max: MAX_QUEUED_BODY_BYTES,
    fallback: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  });

export interface SquareIngestConfig {
  readonly catalogQueueUrl: string;
  readonly connectionsTable: string;
  readonly signatureKey: SecretLocation;
  /**
   * The notification URL registered with Square, byte for byte (Square signs URL + body). Absent:
   * only connections' own notification URLs are tried.
   */
  readonly notificationUrl: string | undefined;
  readonly maxBodyBytes: number;
}

export function loadSquareIngestConfig(env: Env = process.env): SquareIngestConfig {
  return {
    catalogQueueUrl: requiredText(env, ENV.catalogQueueUrl),
    connectionsTable: requiredText(env, ENV.connectionsTable),
    signatureKey: requiredSecretLocation(env, 'squareSignatureKey'),
    // Not trimmed or normalised: the signature covers the exact string.
    notificationUrl: optionalHttpUrl(env, ENV.squareNotificationUrl),
    maxBodyBytes: maxWebhookBodyBytes(env),
  };
}

export interface ShopifyIngestConfig {
  readonly catalogQueueUrl: string;
  readonly apiSecret: SecretLocation;
  readonly maxBodyBytes: number;
}

export function loadShopifyIngestConfig(env: Env = process.env): ShopifyIngestConfig {
  return {
    catalogQueueUrl: requiredText(env, ENV.catalogQueueUrl),
    apiSecret: requiredSecretLocation(env, 'shopifyApiSecret'),
    maxBodyBytes: maxWebhookBodyBytes(env),
  };
}

export interface SourcesIngestConfig {
  readonly connectionsTable: string;
  readonly inboundSourcesQueueUrl: string;
  /** Decrypts sources' signing secrets (the endpoint secrets key, `inbound-source-secret` purpose). */
  readonly endpointSecretsKey: EndpointSecretsKey;
  readonly maxBodyBytes: number;
  readonly sourceEventRetentionDays: number;
}

export function loadSourcesIngestConfig(env: Env = process.env): SourcesIngestConfig {
  return {
    connectionsTable: requiredText(env, ENV.connectionsTable),
    inboundSourcesQueueUrl: requiredText(env, ENV.inboundSourcesQueueUrl),
    endpointSecretsKey: endpointSecretsKey(env),
    maxBodyBytes: Math.min(maxWebhookBodyBytes(env), MAX_SOURCE_BODY_BYTES),
    sourceEventRetentionDays: integerSetting(env, ENV.sourceEventRetentionDays, { max: 365, fallback: 30 }),
  };
}

export interface CatalogConsumerConfig {
  readonly catalogTable: string;
  readonly connectionsTable: string;
  readonly eventsQueueUrl: string;
  /** Optional: without it `catalog.version.updated` is recorded but nothing is pulled. */
  readonly squareAccessToken: SecretLocation | undefined;
  /** Decrypts merchants' OAuth tokens for their catalog pulls; undefined: only SQUARE_ACCESS_TOKEN pulls. */
  readonly endpointSecretsKey: EndpointSecretsKey | undefined;
  /** Uninstalls, revocations and compliance requests raise ops alerts here. */
  readonly opsTable: string | undefined;
  readonly opsTopicArn: string | undefined;
  readonly alertRetentionDays: number;
}

export function loadCatalogConsumerConfig(env: Env = process.env): CatalogConsumerConfig {
  return {
    catalogTable: read(env, ENV.catalogTable, nonEmpty),
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    squareAccessToken: secretLocation(env, 'squareAccessToken'),
    endpointSecretsKey:
      env[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar]?.trim() || env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]?.trim()
        ? endpointSecretsKey(env)
        : undefined,
    opsTable: read(env, ENV.opsTable, nonEmpty.optional()),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
  };
}

export interface CatalogApiConfig {
  readonly catalogTable: string;
}

export function loadCatalogApiConfig(env: Env = process.env): CatalogApiConfig {
  return { catalogTable: read(env, ENV.catalogTable, nonEmpty) };
}

export interface JobsConfig {
  readonly jobsTable: string;
  readonly jobsQueueUrl: string;
  readonly jobRetentionDays: number;
}

/** Read by the job worker and by every function that starts jobs. */
export function loadJobsConfig(env: Env = process.env): JobsConfig {
  return {
    jobsTable: read(env, ENV.jobsTable, nonEmpty),
    jobsQueueUrl: read(env, ENV.jobsQueueUrl, nonEmpty),
    jobRetentionDays: read(env, ENV.jobRetentionDays, z.coerce.number().int().positive().default(30)),
  };
}

export type SquareEnvironment = 'sandbox' | 'production';

/** Square's OAuth and API host per environment (SQUARE_BASE_URL overrides it, e.g. with a simulator). */
export const SQUARE_BASE_URLS: Readonly<Record<SquareEnvironment, string>> = {
  production: 'https://connect.squareup.com',
  sandbox: 'https://connect.squareupsandbox.com',
};

/** What the platform asks a shop for: products and their stock, read only. */
export const DEFAULT_SHOPIFY_SCOPES = 'read_products,read_inventory';

export interface ShopifyAppConfig {
  /** The app's client id (public). */
  readonly apiKey: string;
  /** The app's client secrets: sign callbacks and webhooks, authenticate token calls (first one current). */
  readonly apiSecret: SecretLocation;
  readonly scopes: readonly string[];
  /** `https://{shop}` in production; a simulator's `http://127.0.0.1:<port>/shops/{shop}` locally. */
  readonly shopBaseUrlTemplate: string;
}

export interface SquareAppConfig {
  readonly applicationId: string;
  readonly applicationSecret: SecretLocation;
  readonly environment: SquareEnvironment;
  readonly baseUrl: URL;
}

export interface OauthAppsConfig {
  /** Where the callbacks and receivers are reachable from the internet, without a trailing slash. */
  readonly publicBaseUrl: string;
  /** Where the browser is sent back after a callback, with `?connected=` or `?error=`. */
  readonly consoleUrl: string;
  /** Undefined when no Shopify app is configured (SHOPIFY_API_KEY unset): Shopify cannot be connected. */
  readonly shopify: ShopifyAppConfig | undefined;
  /** Undefined when no Square application is configured (SQUARE_APPLICATION_ID unset). */
  readonly square: SquareAppConfig | undefined;
}

const httpUrl = /* @__PURE__ */ (() => z.url({ protocol: /^https?$/ }))();

function shopifyApp(env: Env): ShopifyAppConfig | undefined {
  const apiKey = read(env, ENV.shopifyApiKey, nonEmpty.optional());
  if (apiKey === undefined) return undefined;
  const template = read(env, ENV.shopifyShopBaseUrlTemplate, nonEmpty.default('https://{shop}'));
  if (!template.includes('{shop}'))
    throw new ConfigurationError(`Environment variable ${ENV.shopifyShopBaseUrlTemplate} must contain {shop}`);
  const scopes = read(env, ENV.shopifyScopes, nonEmpty.default(DEFAULT_SHOPIFY_SCOPES));
  return {
    apiKey,
    apiSecret: requiredSecretLocation(env, 'shopifyApiSecret'),
    scopes: splitSecretList(scopes),
    shopBaseUrlTemplate: template.replace(/\/+$/, ''),
  };
}

function squareApp(env: Env): SquareAppConfig | undefined {
  const applicationId = read(env, ENV.squareApplicationId, nonEmpty.optional());
  if (applicationId === undefined) return undefined;
  const environment = read(env, ENV.squareEnvironment, z.enum(['sandbox', 'production']).default('production'));
  const baseUrl = read(env, ENV.squareBaseUrl, httpUrl.optional()) ?? SQUARE_BASE_URLS[environment];
  return {
    applicationId,
    applicationSecret: requiredSecretLocation(env, 'squareApplicationSecret'),
    environment,
    baseUrl: new URL(baseUrl),
  };
}

export function loadOauthAppsConfig(env: Env = process.env): OauthAppsConfig {
  const publicBaseUrl = read(env, ENV.publicBaseUrl, httpUrl).replace(/\/+$/, '');
  return {
    publicBaseUrl,
    consoleUrl: read(env, ENV.consoleUrl, httpUrl.optional()) ?? `${publicBaseUrl}/console/`,
    shopify: shopifyApp(env),
    square: squareApp(env),
  };
}

export interface ConnectionsOauthConfig {
  readonly connectionsTable: string;
  /** Where kept events of a newly connected account are replayed. */
  readonly catalogQueueUrl: string;
  /** Encrypts OAuth tokens (the endpoint secrets key, `oauth-token` purpose). */
  readonly endpointSecretsKey: EndpointSecretsKey;
  readonly jobs: JobsConfig;
  readonly oauth: OauthAppsConfig;
}

export function loadConnectionsOauthConfig(env: Env = process.env): ConnectionsOauthConfig {
  return {
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    catalogQueueUrl: read(env, ENV.catalogQueueUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    jobs: loadJobsConfig(env),
    oauth: loadOauthAppsConfig(env),
  };
}

export interface ProviderSyncConfig {
  readonly catalogTable: string;
  readonly connectionsTable: string;
  /** Stockout signals of synced stock levels are published here. */
  readonly eventsQueueUrl: string;
  readonly endpointSecretsKey: EndpointSecretsKey;
  readonly oauth: OauthAppsConfig;
}

/** What the job worker's provider-sync steps need, besides the jobs table and queue. */
export function loadProviderSyncConfig(env: Env = process.env): ProviderSyncConfig {
  return {
    catalogTable: read(env, ENV.catalogTable, nonEmpty),
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    oauth: loadOauthAppsConfig(env),
  };
}

export interface TokenRefreshConfig {
  readonly connectionsTable: string;
  readonly opsTable: string;
  readonly opsTopicArn: string | undefined;
  readonly alertRetentionDays: number;
  readonly endpointSecretsKey: EndpointSecretsKey;
  readonly oauth: OauthAppsConfig;
}

export function loadTokenRefreshConfig(env: Env = process.env): TokenRefreshConfig {
  return {
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
    endpointSecretsKey: endpointSecretsKey(env),
    oauth: loadOauthAppsConfig(env),
  };
}

/** Deliveries one step of a recovery job marks and queues (one page of the endpoint's deliveries). */
export const DEFAULT_RECOVERY_PAGE_SIZE = 500;

export interface JobWorkerConfig extends JobsConfig {
  readonly webhooksTable: string;
  readonly deliveryQueueUrl: string;
  readonly recoveryPageSize: number;
}

/** The job worker: the jobs machinery plus what each job kind's step touches. */
export function loadJobWorkerConfig(env: Env = process.env): JobWorkerConfig {
  return {
    ...loadJobsConfig(env),
    webhooksTable: read(env, ENV.webhooksTable, nonEmpty),
    deliveryQueueUrl: read(env, ENV.deliveryQueueUrl, nonEmpty),
    recoveryPageSize: read(
      env,
      ENV.recoveryPageSize,
      z.coerce.number().int().positive().max(1_000).default(DEFAULT_RECOVERY_PAGE_SIZE),
    ),
  };
}

export interface SweeperConfig {
  readonly webhooksTable: string;
  readonly deliveryQueueUrl: string;
  /** An attempt is stale (its worker crashed) after 4 × this, as the claim's takeover rule says. */
  readonly timeoutMs: number;
}

export function loadSweeperConfig(env: Env = process.env): SweeperConfig {
  return {
    webhooksTable: read(env, ENV.webhooksTable, nonEmpty),
    deliveryQueueUrl: read(env, ENV.deliveryQueueUrl, nonEmpty),
    timeoutMs: attemptTimeoutMs(env),
  };
}
export interface InboundLogConfig {
  readonly inboundTable: string;
  /** Claim-check bucket for raw bodies too large for a log item. */
  readonly inboundBodiesBucket: string;
  /** Days each logged event is kept (DynamoDB TTL; the body bucket's lifecycle follows it in the stack). */
  readonly retentionDays: number;
}

/** Read by the inbound consumers, the sources receiver, the inbound API and the job worker. */
export function loadInboundLogConfig(env: Env = process.env): InboundLogConfig {
  return {
    inboundTable: read(env, ENV.inboundTable, nonEmpty),
    inboundBodiesBucket: read(env, ENV.inboundBodiesBucket, nonEmpty),
    retentionDays: read(
      env,
      ENV.inboundEventRetentionDays,
      // Never longer than the body bucket keeps claim-checked bodies.
      z.coerce
        .number()
        .int()
        .positive()
        .max(BUCKETS.inboundBodies.expireAfterDays - 1)
        .default(DEFAULT_INBOUND_EVENT_RETENTION_DAYS),
    ),
  };
}
