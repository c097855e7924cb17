import * as z from 'zod';
import { ConfigurationError } from './errors';
import { ipPolicyFrom, type IpPolicy } from './net/ip-allowlist';
import { DAY_MS, parseDurationList } from './durations';
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
  DEFAULT_DNS_TIMEOUT_MS,
  DEFAULT_PROBE_INTERVAL_MS,
  DEFAULT_RETRY_SCHEDULE_MS,
  DEFAULT_UNPROVEN_TIMEOUT_MS,
} from './delivery-defaults';

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

const maxWebhookBodyBytes = (env: Env) =>
  integerSetting(env, ENV.maxWebhookBodyBytes, {
    max: MAX_QUEUED_BODY_BYTES,
    fallback: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  });

const requiredTextAt = (name: string) => (env: Env) => requiredText(env, name);
const secretAt = (name: SecretName) => (env: Env) => requiredSecretLocation(env, name);

type IngestReaders = Record<string, (env: Env) => unknown>;
type IngestConfig<Readers extends IngestReaders> = { readonly [Field in keyof Readers]: ReturnType<Readers[Field]> };

/** An ingest function's loader from one hand-written reader per field: its config type is exactly those fields. */
function ingestLoader<Readers extends IngestReaders>(readers: Readers) {
  return (env: Env = process.env): IngestConfig<Readers> =>
    Object.fromEntries(
      Object.entries(readers).map(([field, readSetting]) => [field, readSetting(env)]),
    ) as IngestConfig<Readers>;
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

export const loadStripeIngestConfig = /* @__PURE__ */ ingestLoader({
  billingQueueUrl: requiredTextAt(ENV.billingQueueUrl),
  webhookSecret: secretAt('stripeWebhookSecret'),
  maxBodyBytes: maxWebhookBodyBytes,
});
export type StripeIngestConfig = ReturnType<typeof loadStripeIngestConfig>;

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

/** One duration (the first of a list), e.g. `ENDPOINT_DISABLE_AFTER=5d`. */
const duration = (name: string, fallbackMs: number) => (env: Env) => durations(env, name, [fallbackMs])[0] as number;

/** 15 s per attempt, as Svix's hosted service; the delivery function's own timeout leaves room for it. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;

/** Deliveries one step of a recovery job marks and queues (one page of the endpoint's deliveries). */
export const DEFAULT_RECOVERY_PAGE_SIZE = 500;

/** The kinds of setting, each read one way: required or optional text, and bounded whole numbers. */
const text = (name: string) => (env: Env) => read(env, name, nonEmpty);
const optionalText = (name: string) => (env: Env) => read(env, name, nonEmpty.optional());
const textOr = (name: string, fallback: string) => (env: Env) => read(env, name, nonEmpty.default(fallback));

/** A whole number with a default; without `min`, it must be positive. */
function wholeNumber(name: string, limits: { min?: number; max?: number; fallback: number }) {
  return (env: Env): number => {
    const whole = z.coerce.number().int();
    const floored = limits.min === undefined ? whole.positive() : whole.min(limits.min);
    const bounded = limits.max === undefined ? floored : floored.max(limits.max);
    return read(env, name, bounded.default(limits.fallback));
  };
}

/** Admission control (shared/outbound/admission): per-endpoint concurrency cap and circuit breaker. */
export interface DeliveryAdmissionConfig {
  readonly concurrencyCap: number;
  readonly breakerThreshold: number;
  readonly probeIntervalMs: number;
  /** The deadline of a first try to an endpoint without a recent success (policy.ts, attemptBudgetMs). */
  readonly unprovenTimeoutMs: number;
}

function deliveryAdmissionConfig(env: Env): DeliveryAdmissionConfig {
  const probeIntervalMs = duration(ENV.circuitProbeInterval, DEFAULT_PROBE_INTERVAL_MS)(env);
  return {
    concurrencyCap: wholeNumber(ENV.endpointConcurrencyCap, { min: 1, max: 1_000, fallback: DEFAULT_CONCURRENCY_CAP })(
      env,
    ),
    breakerThreshold: wholeNumber(ENV.circuitBreakerThreshold, {
      min: 1,
      max: 100,
      fallback: DEFAULT_BREAKER_THRESHOLD,
    })(env),
    probeIntervalMs,
    unprovenTimeoutMs: wholeNumber(ENV.unprovenEndpointTimeoutMs, {
      min: 100,
      max: 30_000,
      fallback: DEFAULT_UNPROVEN_TIMEOUT_MS,
    })(env),
  };
}

/**
 * Every setting a function may read, once: the config field it fills, its variable and how it is
 * parsed. A loader lists the fields its function needs; its config type is exactly those fields.
 * Pure (built on first use of a loader): the ingest functions bundle without it, and without zod.
 */
const SETTINGS = /* @__PURE__ */ (() => ({
  billingTable: text(ENV.billingTable),
  opsTable: text(ENV.opsTable),
  opsTopicArn: optionalText(ENV.opsTopicArn),
  alertRetentionDays: wholeNumber(ENV.alertRetentionDays, { fallback: 90 }),
  eventsQueueUrl: text(ENV.eventsQueueUrl),
  /** JSON: role ARN → `{ eventTypes, owners }` (shared/events/publishers.ts parses it); `{}` refuses everyone. */
  eventPublishers: textOr(ENV.eventPublishers, '{}'),
  stripeApiKey: (env: Env) => secretLocation(env, 'stripeApiKey'),
  /** Optional: without it `catalog.version.updated` is recorded but nothing is pulled. */
  squareAccessToken: (env: Env) => secretLocation(env, 'squareAccessToken'),
  webhooksTable: text(ENV.webhooksTable),
  deliveryQueueUrl: text(ENV.deliveryQueueUrl),
  messageRetentionDays: wholeNumber(ENV.messageRetentionDays, { fallback: 30 }),
  endpointSecretsKey,
  allowHttp: (env: Env) => read(env, ENV.allowHttpEndpoints, booleanFlag),
  policy: (env: Env): IpPolicy => ipPolicyFrom(env[ENV.allowedPrivateCidrs]),
  scheduleMs: (env: Env) => durations(env, ENV.deliveryRetrySchedule, DEFAULT_RETRY_SCHEDULE_MS),
  /** Per attempt; the sweeper counts an attempt stale (its worker crashed) after 4 × this. */
  timeoutMs: wholeNumber(ENV.deliveryTimeoutMs, { min: 100, max: 30_000, fallback: DEFAULT_ATTEMPT_TIMEOUT_MS }),
  disableAfterMs: duration(ENV.endpointDisableAfter, 5 * DAY_MS),
  attemptRetentionDays: wholeNumber(ENV.attemptRetentionDays, { fallback: 30 }),
  admission: deliveryAdmissionConfig,
  /** Budget for resolving an endpoint's host, inside the attempt's deadline. */
  dnsTimeoutMs: wholeNumber(ENV.dnsTimeoutMs, { min: 50, max: 30_000, fallback: DEFAULT_DNS_TIMEOUT_MS }),
  maxEndpointsPerOrg: wholeNumber(ENV.maxEndpointsPerOrg, { max: 1_000, fallback: 50 }),
  /** Test sends, resends and recoveries one organisation may start per minute, each. */
  orgOperationsPerMinute: wholeNumber(ENV.orgOperationsPerMinute, {
    min: 1,
    max: 10_000,
    fallback: DEFAULT_ORG_OPERATIONS_PER_MINUTE,
  }),
  connectionsTable: text(ENV.connectionsTable),
  /** How far back a source's event listing reaches; the same setting that sets the events' TTL. */
  sourceEventRetentionDays: (env: Env) => integerSetting(env, ENV.sourceEventRetentionDays, { max: 365, fallback: 30 }),
  catalogTable: text(ENV.catalogTable),
  catalogQueueUrl: text(ENV.catalogQueueUrl),
  jobsTable: text(ENV.jobsTable),
  jobsQueueUrl: text(ENV.jobsQueueUrl),
  jobRetentionDays: wholeNumber(ENV.jobRetentionDays, { fallback: 30 }),
  recoveryPageSize: wholeNumber(ENV.recoveryPageSize, { max: 1_000, fallback: DEFAULT_RECOVERY_PAGE_SIZE }),
}))();

type Settings = { readonly [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]> };

/** The fields a loader reads, written as space-separated names: `['webhooksTable opsTable', …]`. */
type Words<S extends string> = S extends `${infer Head} ${infer Rest}` ? Head | Words<Rest> : S;
type Fields<L extends readonly string[]> = Words<L[number]> & keyof Settings;

/** A loader reading exactly the `fields`, in that order (the first invalid one is the error reported). */
function loader<const L extends readonly string[]>(fields: Words<L[number]> extends keyof Settings ? L : never) {
  const names = fields.join(' ').split(' ') as (keyof Settings)[];
  return (env: Env = process.env): Pick<Settings, Fields<L>> =>
    Object.fromEntries(names.map((name) => [name, SETTINGS[name](env)])) as Pick<Settings, Fields<L>>;
}

const BILLING_CONSUMER = ['billingTable eventsQueueUrl opsTable opsTopicArn alertRetentionDays stripeApiKey'] as const;
export type BillingConsumerConfig = Pick<Settings, Fields<typeof BILLING_CONSUMER>>;
export const loadBillingConsumerConfig = /* @__PURE__ */ loader(BILLING_CONSUMER);

const API = ['billingTable opsTable'] as const;
export type ApiConfig = Pick<Settings, Fields<typeof API>>;
export const loadApiConfig = /* @__PURE__ */ loader(API);

const EVENTS_API = ['eventsQueueUrl eventPublishers'] as const;
export type EventsApiConfig = Pick<Settings, Fields<typeof EVENTS_API>>;
export const loadEventsApiConfig = /* @__PURE__ */ loader(EVENTS_API);

const FANOUT = ['webhooksTable deliveryQueueUrl messageRetentionDays'] as const;
export type FanoutConfig = Pick<Settings, Fields<typeof FANOUT>>;
export const loadFanoutConfig = /* @__PURE__ */ loader(FANOUT);

const DELIVERY = [
  'webhooksTable opsTable opsTopicArn deliveryQueueUrl endpointSecretsKey',
  'allowHttp policy scheduleMs timeoutMs disableAfterMs',
  'attemptRetentionDays alertRetentionDays admission dnsTimeoutMs',
] as const;
export type DeliveryConfig = Pick<Settings, Fields<typeof DELIVERY>>;
export const loadDeliveryConfig = /* @__PURE__ */ loader(DELIVERY);

/** Read by the job worker and by every function that starts jobs. */
const JOBS = ['jobsTable jobsQueueUrl jobRetentionDays'] as const;
export type JobsConfig = Pick<Settings, Fields<typeof JOBS>>;
export const loadJobsConfig = /* @__PURE__ */ loader(JOBS);

/**
 * The endpoints API also delivers (test sends, resends) through the one delivery path, so it needs
 * what the delivery function needs, plus the jobs (recoveries are durable jobs it starts), its limits
 * and how long the messages it stores are kept.
 */
const WEBHOOKS_API = /* @__PURE__ */ (() =>
  [...DELIVERY, ...JOBS, 'maxEndpointsPerOrg messageRetentionDays orgOperationsPerMinute'] as const)();
export type WebhooksApiConfig = Pick<Settings, Fields<typeof WEBHOOKS_API>>;
export const loadWebhooksApiConfig = /* @__PURE__ */ loader(WEBHOOKS_API);

const CONNECTIONS_API = ['connectionsTable endpointSecretsKey sourceEventRetentionDays'] as const;
export type ConnectionsApiConfig = Pick<Settings, Fields<typeof CONNECTIONS_API>>;
export const loadConnectionsApiConfig = /* @__PURE__ */ loader(CONNECTIONS_API);

/** Whole bodies are kept in the source's event listing, so they must fit a DynamoDB item (400 KB). */
export const MAX_SOURCE_BODY_BYTES = 350 * 1024;

export const loadSquareIngestConfig = /* @__PURE__ */ ingestLoader({
  catalogQueueUrl: requiredTextAt(ENV.catalogQueueUrl),
  connectionsTable: requiredTextAt(ENV.connectionsTable),
  signatureKey: secretAt('squareSignatureKey'),
  /**
   * The notification URL registered with Square, byte for byte (Square signs URL + body): not trimmed
   * or normalised. Absent: only connections' own notification URLs are tried.
   */
  notificationUrl: (env: Env) => optionalHttpUrl(env, ENV.squareNotificationUrl),
  maxBodyBytes: maxWebhookBodyBytes,
});
export type SquareIngestConfig = ReturnType<typeof loadSquareIngestConfig>;

export const loadShopifyIngestConfig = /* @__PURE__ */ ingestLoader({
  catalogQueueUrl: requiredTextAt(ENV.catalogQueueUrl),
  apiSecret: secretAt('shopifyApiSecret'),
  maxBodyBytes: maxWebhookBodyBytes,
});
export type ShopifyIngestConfig = ReturnType<typeof loadShopifyIngestConfig>;

export const loadSourcesIngestConfig = /* @__PURE__ */ ingestLoader({
  connectionsTable: requiredTextAt(ENV.connectionsTable),
  inboundSourcesQueueUrl: requiredTextAt(ENV.inboundSourcesQueueUrl),
  /** Decrypts sources' signing secrets (the endpoint secrets key, `inbound-source-secret` purpose). */
  endpointSecretsKey,
  maxBodyBytes: (env: Env) => Math.min(maxWebhookBodyBytes(env), MAX_SOURCE_BODY_BYTES),
  sourceEventRetentionDays: (env: Env) => integerSetting(env, ENV.sourceEventRetentionDays, { max: 365, fallback: 30 }),
});
export type SourcesIngestConfig = ReturnType<typeof loadSourcesIngestConfig>;

const CATALOG_CONSUMER = ['catalogTable connectionsTable eventsQueueUrl squareAccessToken alertRetentionDays'] as const;
export type CatalogConsumerConfig = Pick<Settings, Fields<typeof CATALOG_CONSUMER>> & {
  /** Decrypts merchants' OAuth tokens for their catalog pulls; undefined: only SQUARE_ACCESS_TOKEN pulls. */
  readonly endpointSecretsKey: EndpointSecretsKey | undefined;
  /** Uninstalls, revocations and compliance requests raise ops alerts here. */
  readonly opsTable: string | undefined;
  readonly opsTopicArn: string | undefined;
};

export function loadCatalogConsumerConfig(env: Env = process.env): CatalogConsumerConfig {
  const keySet = env[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar]?.trim() || env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]?.trim();
  return {
    ...loader(CATALOG_CONSUMER)(env),
    endpointSecretsKey: keySet ? endpointSecretsKey(env) : undefined,
    opsTable: optionalText(ENV.opsTable)(env),
    opsTopicArn: optionalText(ENV.opsTopicArn)(env),
  };
}

const CATALOG_API = ['catalogTable'] as const;
export type CatalogApiConfig = Pick<Settings, Fields<typeof CATALOG_API>>;
export const loadCatalogApiConfig = /* @__PURE__ */ loader(CATALOG_API);

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

const withOauthApps = (env: Env) => ({ oauth: loadOauthAppsConfig(env) });

const CONNECTIONS_OAUTH = ['connectionsTable catalogQueueUrl endpointSecretsKey'] as const;
/** `catalogQueueUrl`: where kept events of a newly connected account are replayed. */
export type ConnectionsOauthConfig = Pick<Settings, Fields<typeof CONNECTIONS_OAUTH>> & {
  readonly jobs: JobsConfig;
  readonly oauth: OauthAppsConfig;
};

export function loadConnectionsOauthConfig(env: Env = process.env): ConnectionsOauthConfig {
  return { ...loader(CONNECTIONS_OAUTH)(env), jobs: loadJobsConfig(env), ...withOauthApps(env) };
}

/** What the job worker's provider-sync steps need, besides the jobs table and queue. */
const PROVIDER_SYNC = ['catalogTable connectionsTable eventsQueueUrl endpointSecretsKey'] as const;
export type ProviderSyncConfig = Pick<Settings, Fields<typeof PROVIDER_SYNC>> & { readonly oauth: OauthAppsConfig };

export function loadProviderSyncConfig(env: Env = process.env): ProviderSyncConfig {
  return { ...loader(PROVIDER_SYNC)(env), ...withOauthApps(env) };
}

const TOKEN_REFRESH = ['connectionsTable opsTable opsTopicArn alertRetentionDays endpointSecretsKey'] as const;
export type TokenRefreshConfig = Pick<Settings, Fields<typeof TOKEN_REFRESH>> & { readonly oauth: OauthAppsConfig };

export function loadTokenRefreshConfig(env: Env = process.env): TokenRefreshConfig {
  return { ...loader(TOKEN_REFRESH)(env), ...withOauthApps(env) };
}

/** The job worker: the jobs machinery plus what each job kind's step touches. */
const JOB_WORKER = /* @__PURE__ */ (() => [...JOBS, 'webhooksTable deliveryQueueUrl recoveryPageSize'] as const)();
export type JobWorkerConfig = Pick<Settings, Fields<typeof JOB_WORKER>>;
export const loadJobWorkerConfig = /* @__PURE__ */ loader(JOB_WORKER);

/** `timeoutMs`: an attempt is stale (its worker crashed) after 4 × this, as the claim's takeover rule says. */
const SWEEPER = ['webhooksTable deliveryQueueUrl timeoutMs'] as const;
export type SweeperConfig = Pick<Settings, Fields<typeof SWEEPER>>;
export const loadSweeperConfig = /* @__PURE__ */ loader(SWEEPER);

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

/**
 * The sources receiver's part of it, read without zod (the ingest path): the table and retention; its
 * bodies always fit their item, so no bucket.
 */
export function loadIngestInboundLogConfig(env: Env = process.env): Omit<InboundLogConfig, 'inboundBodiesBucket'> {
  return {
    inboundTable: requiredText(env, ENV.inboundTable),
    retentionDays: integerSetting(env, ENV.inboundEventRetentionDays, {
      max: BUCKETS.inboundBodies.expireAfterDays - 1,
      fallback: DEFAULT_INBOUND_EVENT_RETENTION_DAYS,
    }),
  };
}
