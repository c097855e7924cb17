import { z } from 'zod';
import { ConfigurationError } from './errors';
import { ipPolicyFrom, type IpPolicy } from '../outbound/transport/ip-policy';
import { DEFAULT_RETRY_SCHEDULE_MS, parseDurationList } from '../outbound/retry-schedule';
import {
  DEFAULT_BREAKER_THRESHOLD,
  DEFAULT_CONCURRENCY_CAP,
  DEFAULT_PROBE_INTERVAL_MS,
} from '../outbound/admission/policy';
import { DEFAULT_ORG_OPERATIONS_PER_MINUTE } from '../outbound/admission/org-operations';
import { DEFAULT_DNS_TIMEOUT_MS } from '../outbound/transport/cancellable-resolver';
import { ENDPOINT_SECRETS_KEY, ENV, SECRETS, SQS_MAX_MESSAGE_BYTES, type SecretName } from './topology';

/**
 * The one config loader. Each function asks for the settings it needs; values are validated once at
 * cold start so a misconfigured function fails loudly before it answers anything.
 */

type Env = Record<string, string | undefined>;

const nonEmpty = z.string().trim().min(1);

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
    billingQueueUrl: read(env, ENV.billingQueueUrl, nonEmpty),
    webhookSecret: requiredSecretLocation(env, 'stripeWebhookSecret'),
    maxBodyBytes: read(
      env,
      ENV.maxWebhookBodyBytes,
      z.coerce.number().int().positive().max(MAX_QUEUED_BODY_BYTES).default(DEFAULT_MAX_WEBHOOK_BODY_BYTES),
    ),
  };
}

export interface BillingConsumerConfig {
  readonly billingTable: string;
  readonly eventsQueueUrl: string;
  readonly opsTable: string;
  readonly opsTopicArn: string | undefined;
  readonly alertRetentionDays: number;
  readonly stripeApiKey: SecretLocation | undefined;
  /** Test-only override of Stripe's API address (a fake Stripe on loopback). */
  readonly stripeApiBaseUrl: URL | undefined;
}

export function loadBillingConsumerConfig(env: Env = process.env): BillingConsumerConfig {
  return {
    billingTable: read(env, ENV.billingTable, nonEmpty),
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
    stripeApiKey: secretLocation(env, 'stripeApiKey'),
    stripeApiBaseUrl: read(
      env,
      ENV.stripeApiBaseUrl,
      z
        .url()
        .optional()
        .transform((value) => (value ? new URL(value) : undefined)),
    ),
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
    `Set ${ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar} (in AWS) or ${ENDPOINT_SECRETS_KEY.localKeyEnvVar} (locally) to encrypt endpoint signing secrets`,
  );
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

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

export interface EventsApiConfig {
  readonly eventsQueueUrl: string;
}

export function loadEventsApiConfig(env: Env = process.env): EventsApiConfig {
  return { eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty) };
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
  readonly deliveryDlqUrl: string;
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
  };
}

export function loadDeliveryConfig(env: Env = process.env): DeliveryConfig {
  const [disableAfterMs] = durations(env, ENV.endpointDisableAfter, [5 * 86_400_000]);
  return {
    webhooksTable: read(env, ENV.webhooksTable, nonEmpty),
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    deliveryQueueUrl: read(env, ENV.deliveryQueueUrl, nonEmpty),
    deliveryDlqUrl: read(env, ENV.deliveryDlqUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    allowHttp: read(env, ENV.allowHttpEndpoints, booleanFlag),
    policy: ipPolicy(env),
    scheduleMs: durations(env, ENV.deliveryRetrySchedule, DEFAULT_RETRY_SCHEDULE_MS),
    timeoutMs: read(
      env,
      ENV.deliveryTimeoutMs,
      z.coerce.number().int().min(100).max(30_000).default(DEFAULT_ATTEMPT_TIMEOUT_MS),
    ),
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
export interface WebhooksApiConfig extends DeliveryConfig {
  readonly maxEndpointsPerOrg: number;
  readonly messageRetentionDays: number;
  /** Deliveries one recovery call queues at most (10,000); the rest is left to a continuation. */
  readonly recoveryMaxPerCall: number;
  /** Test sends, resends and recoveries one organisation may start per minute, each. */
  readonly orgOperationsPerMinute: number;
}

export function loadWebhooksApiConfig(env: Env = process.env): WebhooksApiConfig {
  return {
    ...loadDeliveryConfig(env),
    maxEndpointsPerOrg: read(env, ENV.maxEndpointsPerOrg, z.coerce.number().int().positive().max(1_000).default(50)),
    messageRetentionDays: read(env, ENV.messageRetentionDays, z.coerce.number().int().positive().default(30)),
    recoveryMaxPerCall: read(
      env,
      ENV.recoveryMaxPerCall,
      z.coerce.number().int().positive().max(10_000).default(10_000),
    ),
    orgOperationsPerMinute: read(
      env,
      ENV.orgOperationsPerMinute,
      z.coerce.number().int().min(1).max(10_000).default(DEFAULT_ORG_OPERATIONS_PER_MINUTE),
    ),
  };
}

export interface ConnectionsApiConfig {
  readonly connectionsTable: string;
  /** Where kept events of a newly connected Square merchant or Shopify shop are replayed. */
  readonly catalogQueueUrl: string;
  /** Encrypts signed sources' secrets (the endpoint secrets key, under its own encryption-context purpose). */
  readonly endpointSecretsKey: EndpointSecretsKey;
  /** Accept an `http:` Square notification URL (local development only). */
  readonly allowHttp: boolean;
  /** How far back a source's event listing reaches; the same setting that sets the events' TTL. */
  readonly sourceEventRetentionDays: number;
}

export function loadConnectionsApiConfig(env: Env = process.env): ConnectionsApiConfig {
  return {
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    catalogQueueUrl: read(env, ENV.catalogQueueUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    allowHttp: read(env, ENV.allowHttpEndpoints, booleanFlag),
    sourceEventRetentionDays: read(
      env,
      ENV.sourceEventRetentionDays,
      z.coerce.number().int().positive().max(365).default(30),
    ),
  };
}

/** Whole bodies are kept in the source's event listing, so they must fit a DynamoDB item (400 KB). */
export const MAX_SOURCE_BODY_BYTES = 350 * 1024;

const maxWebhookBodyBytes = (env: Env) =>
  read(
    env,
    ENV.maxWebhookBodyBytes,
    z.coerce.number().int().positive().max(MAX_QUEUED_BODY_BYTES).default(DEFAULT_MAX_WEBHOOK_BODY_BYTES),
  );

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
    catalogQueueUrl: read(env, ENV.catalogQueueUrl, nonEmpty),
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    signatureKey: requiredSecretLocation(env, 'squareSignatureKey'),
    // Not trimmed or normalised: the signature covers the exact string.
    notificationUrl: read(env, ENV.squareNotificationUrl, z.url({ protocol: /^https?$/ }).optional()),
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
    catalogQueueUrl: read(env, ENV.catalogQueueUrl, nonEmpty),
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
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    inboundSourcesQueueUrl: read(env, ENV.inboundSourcesQueueUrl, nonEmpty),
    endpointSecretsKey: endpointSecretsKey(env),
    maxBodyBytes: Math.min(maxWebhookBodyBytes(env), MAX_SOURCE_BODY_BYTES),
    sourceEventRetentionDays: read(
      env,
      ENV.sourceEventRetentionDays,
      z.coerce.number().int().positive().max(365).default(30),
    ),
  };
}

export interface CatalogConsumerConfig {
  readonly catalogTable: string;
  readonly connectionsTable: string;
  readonly eventsQueueUrl: string;
  /** Optional: without it `catalog.version.updated` is recorded but nothing is pulled. */
  readonly squareAccessToken: SecretLocation | undefined;
  /** Square's API address; a fake Square on loopback in tests. */
  readonly squareApiBaseUrl: URL;
}

export function loadCatalogConsumerConfig(env: Env = process.env): CatalogConsumerConfig {
  return {
    catalogTable: read(env, ENV.catalogTable, nonEmpty),
    connectionsTable: read(env, ENV.connectionsTable, nonEmpty),
    eventsQueueUrl: read(env, ENV.eventsQueueUrl, nonEmpty),
    squareAccessToken: secretLocation(env, 'squareAccessToken'),
    squareApiBaseUrl: read(
      env,
      ENV.squareApiBaseUrl,
      z
        .preprocess(
          (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
          z.url({ protocol: /^https?$/ }).default('https://connect.squareup.com'),
        )
        .transform((value) => new URL(value)),
    ),
  };
}

export interface CatalogApiConfig {
  readonly catalogTable: string;
}

export function loadCatalogApiConfig(env: Env = process.env): CatalogApiConfig {
  return { catalogTable: read(env, ENV.catalogTable, nonEmpty) };
}
