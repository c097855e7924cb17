import { z } from 'zod';
import { ConfigurationError } from './errors';
import { ENV, SECRETS, SQS_MAX_MESSAGE_BYTES, type SecretName } from './topology';

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
    opsTable: read(env, ENV.opsTable, nonEmpty),
    opsTopicArn: read(env, ENV.opsTopicArn, nonEmpty.optional()),
    alertRetentionDays: read(env, ENV.alertRetentionDays, z.coerce.number().int().positive().default(90)),
    stripeApiKey: secretLocation(env, 'stripeApiKey'),
    stripeApiBaseUrl: read(env, ENV.stripeApiBaseUrl, z.url().optional().transform((value) => (value ? new URL(value) : undefined))),
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
