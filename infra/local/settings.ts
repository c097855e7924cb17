import { splitSecretList } from '../../shared/config';
import { ENDPOINT_SECRETS_KEY, SECRETS } from '../../shared/topology';

/**
 * The local runtime's own settings, read from the environment (and `.env`). Where a secret is unset a
 * clearly labelled development value is used, so `npm start` works out of the box; the banner says so.
 */

export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_local_development_secret_do_not_use_in_production';
export const DEV_JWT_SECRET = 'local-development-jwt-secret-do-not-use-in-production';
/** Callers of `auth: 'iam'` routes present it as `Authorization: Bearer …` (AWS: SigV4). */
export const DEV_INTERNAL_API_TOKEN = 'local-development-internal-api-token-do-not-use-in-production';
/** Key material for the local AES-256-GCM cipher of endpoint signing secrets (AWS: a KMS key). */
export const DEV_ENDPOINT_SECRETS_LOCAL_KEY = 'local-development-endpoint-secrets-key-do-not-use-in-production';
export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.data';

/** Variable names the local runtime reads for itself (function variables come from topology's ENV). */
export const LOCAL_ENV = {
  port: 'PORT',
  dataDir: 'DATA_DIR',
  jwtSecret: 'LOCAL_JWT_SECRET',
  internalApiToken: 'INTERNAL_API_TOKEN',
} as const;

export interface LocalSettings {
  readonly port: number;
  readonly dataDir: string;
  /** Every accepted Stripe signing secret; the first one signs `npm run send` events. */
  readonly stripeWebhookSecrets: readonly string[];
  readonly jwtSecret: string;
  /** Stands in for SigV4 on `auth: 'iam'` routes. */
  readonly internalApiToken: string;
  readonly endpointSecretsLocalKey: string;
  /** Which of the secrets are development defaults (printed with a DEV label). */
  readonly devDefaults: {
    readonly stripeWebhookSecret: boolean;
    readonly jwtSecret: boolean;
    readonly internalApiToken: boolean;
    readonly endpointSecretsLocalKey: boolean;
  };
}

type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function parsePort(value: string | undefined, fallback = DEFAULT_PORT): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be 0–65535, got "${text}"`);
  return port;
}

export function readLocalSettings(env: Env = process.env): LocalSettings {
  const stripeSecrets = splitSecretList(env[SECRETS.stripeWebhookSecret.valueEnvVar] ?? '');
  const jwtSecret = nonEmpty(env[LOCAL_ENV.jwtSecret]);
  const internalApiToken = nonEmpty(env[LOCAL_ENV.internalApiToken]);
  const endpointSecretsLocalKey = nonEmpty(env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]);
  return {
    port: parsePort(env[LOCAL_ENV.port]),
    dataDir: nonEmpty(env[LOCAL_ENV.dataDir]) ?? DEFAULT_DATA_DIR,
    stripeWebhookSecrets: stripeSecrets.length > 0 ? stripeSecrets : [DEV_STRIPE_WEBHOOK_SECRET],
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    internalApiToken: internalApiToken ?? DEV_INTERNAL_API_TOKEN,
    endpointSecretsLocalKey: endpointSecretsLocalKey ?? DEV_ENDPOINT_SECRETS_LOCAL_KEY,
    devDefaults: {
      stripeWebhookSecret: stripeSecrets.length === 0,
      jwtSecret: jwtSecret === undefined,
      internalApiToken: internalApiToken === undefined,
      endpointSecretsLocalKey: endpointSecretsLocalKey === undefined,
    },
  };
}
