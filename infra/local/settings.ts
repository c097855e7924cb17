import { splitSecretList } from '../../shared/platform/config';
import { ENDPOINT_SECRETS_KEY, ENV, ROUTES, SECRETS, type SecretName } from '../../shared/platform/topology';
import { parseAllowedHosts } from './host-check';

/**
 * The local runtime's own settings, read from the environment (and `.env`). Where a secret is unset a
 * clearly labelled development value is used, so `npm start` works out of the box; the banner says so.
 * Every secret topology.ts marks `required` gets one; optional secrets (STRIPE_API_KEY, …) stay unset
 * unless the user sets them, as in AWS.
 */

export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_local_development_secret_do_not_use_in_production';
export const DEV_SQUARE_SIGNATURE_KEY = 'local-development-square-signature-key-do-not-use-in-production';
export const DEV_SHOPIFY_API_SECRET = 'local-development-shopify-api-secret-do-not-use-in-production';
export const DEV_JWT_SECRET = 'local-development-jwt-secret-do-not-use-in-production';
/** Callers of `auth: 'iam'` routes present it as `Authorization: Bearer …` (AWS: SigV4). */
export const DEV_INTERNAL_API_TOKEN = 'local-development-internal-api-token-do-not-use-in-production';
/** Key material for the local AES-256-GCM cipher of endpoint signing secrets (AWS: a KMS key). */
export const DEV_ENDPOINT_SECRETS_LOCAL_KEY = 'local-development-endpoint-secrets-key-do-not-use-in-production';
export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.data';

/** Development values of the required secrets; a required secret missing here gets one named after it. */
const DEV_SECRETS: Partial<Record<SecretName, string>> = {
  stripeWebhookSecret: DEV_STRIPE_WEBHOOK_SECRET,
  squareSignatureKey: DEV_SQUARE_SIGNATURE_KEY,
  shopifyApiSecret: DEV_SHOPIFY_API_SECRET,
};

/** Secrets the system cannot run without (topology `required: true`), in topology order. */
export const REQUIRED_SECRETS: readonly SecretName[] = (Object.keys(SECRETS) as SecretName[]).filter(
  (name) => SECRETS[name].required,
);

export function devSecretValue(name: SecretName): string {
  return (
    DEV_SECRETS[name] ??
    `local-development-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-do-not-use-in-production`
  );
}

/** Variable names the local runtime reads for itself (function variables come from topology's ENV). */
export const LOCAL_ENV = {
  port: 'PORT',
  dataDir: 'DATA_DIR',
  jwtSecret: 'LOCAL_JWT_SECRET',
  internalApiToken: 'INTERNAL_API_TOKEN',
  allowedHosts: 'LOCAL_ALLOWED_HOSTS',
  ttlSweepSeconds: 'LOCAL_TTL_SWEEP_SECONDS',
} as const;

/**
 * Outbound settings with a development default: tenants' endpoints on a laptop are plain-http
 * servers on loopback (AWS: https and global addresses only). The default applies only where the
 * user set nothing; an explicit value, even an empty one, wins.
 */
export const DEV_OUTBOUND_DEFAULTS = {
  [ENV.allowHttpEndpoints]: 'true',
  [ENV.allowedPrivateCidrs]: '127.0.0.0/8,::1/128',
} as const;

export interface SettingInForce {
  readonly value: string;
  readonly isDefault: boolean;
}

export interface LocalSettings {
  readonly port: number;
  readonly dataDir: string;
  /**
   * Every accepted value of each required secret (comma-separated lists split), by topology name; the
   * first value signs `npm run send` requests. The functions get them through `SECRETS[name].valueEnvVar`.
   */
  readonly secrets: Readonly<Partial<Record<SecretName, readonly string[]>>>;
  /** `secrets.stripeWebhookSecret`: every accepted Stripe signing secret. */
  readonly stripeWebhookSecrets: readonly string[];
  /** `secrets.squareSignatureKey`: every accepted Square subscription signature key. */
  readonly squareSignatureKeys: readonly string[];
  /** `secrets.shopifyApiSecret`: every accepted Shopify app client secret. */
  readonly shopifyApiSecrets: readonly string[];
  readonly jwtSecret: string;
  /** Stands in for SigV4 on `auth: 'iam'` routes. */
  readonly internalApiToken: string;
  readonly endpointSecretsLocalKey: string;
  /** ALLOW_HTTP_ENDPOINTS and ALLOWED_PRIVATE_CIDRS as the functions get them. */
  readonly outbound: Readonly<Record<keyof typeof DEV_OUTBOUND_DEFAULTS, SettingInForce>>;
  /** Host names the gateway answers besides loopback (LOCAL_ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
  /** How often expired items are deleted locally (DynamoDB TTL's stand-in); 0 only at start. */
  readonly ttlSweepSeconds: number;
  /** Which of the secrets are development defaults (printed with a DEV label); one entry per required secret. */
  readonly devDefaults: { readonly [name in SecretName]?: boolean } & {
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

function inForce(env: Env, name: keyof typeof DEV_OUTBOUND_DEFAULTS): SettingInForce {
  const value = env[name];
  return value === undefined ? { value: DEV_OUTBOUND_DEFAULTS[name], isDefault: true } : { value, isDefault: false };
}

/** Ten minutes by default; the sweep also runs once at start. */
function parseSweepSeconds(value: string | undefined): number {
  const text = nonEmpty(value);
  if (text === undefined) return 600;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new Error(`LOCAL_TTL_SWEEP_SECONDS must be a whole number ≥ 0, got "${text}"`);
  return seconds;
}

export function readLocalSettings(env: Env = process.env): LocalSettings {
  const secrets: Partial<Record<SecretName, readonly string[]>> = {};
  const secretDefaults: Partial<Record<SecretName, boolean>> = {};
  for (const name of REQUIRED_SECRETS) {
    const values = splitSecretList(env[SECRETS[name].valueEnvVar] ?? '');
    secrets[name] = values.length > 0 ? values : [devSecretValue(name)];
    secretDefaults[name] = values.length === 0;
  }
  const jwtSecret = nonEmpty(env[LOCAL_ENV.jwtSecret]);
  const internalApiToken = nonEmpty(env[LOCAL_ENV.internalApiToken]);
  const endpointSecretsLocalKey = nonEmpty(env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]);
  return {
    port: parsePort(env[LOCAL_ENV.port]),
    dataDir: nonEmpty(env[LOCAL_ENV.dataDir]) ?? DEFAULT_DATA_DIR,
    secrets,
    stripeWebhookSecrets: secrets.stripeWebhookSecret ?? [],
    squareSignatureKeys: secrets.squareSignatureKey ?? [],
    shopifyApiSecrets: secrets.shopifyApiSecret ?? [],
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    internalApiToken: internalApiToken ?? DEV_INTERNAL_API_TOKEN,
    endpointSecretsLocalKey: endpointSecretsLocalKey ?? DEV_ENDPOINT_SECRETS_LOCAL_KEY,
    outbound: {
      [ENV.allowHttpEndpoints]: inForce(env, ENV.allowHttpEndpoints),
      [ENV.allowedPrivateCidrs]: inForce(env, ENV.allowedPrivateCidrs),
    },
    allowedHosts: parseAllowedHosts(env[LOCAL_ENV.allowedHosts]),
    ttlSweepSeconds: parseSweepSeconds(env[LOCAL_ENV.ttlSweepSeconds]),
    devDefaults: {
      ...secretDefaults,
      jwtSecret: jwtSecret === undefined,
      internalApiToken: internalApiToken === undefined,
      endpointSecretsLocalKey: endpointSecretsLocalKey === undefined,
    },
  };
}

/**
 * The public URL of each route with a `urlEnvVar` (SQUARE_NOTIFICATION_URL), by variable name: what the
 * user set, else the route on the local gateway (`http://127.0.0.1:<port>/api/webhooks/square`). Square
 * signs exactly this string, so `npm run send -- square` must sign with the same value.
 */
export function localRouteUrls(gatewayUrl: string, env: Env = process.env): Record<string, string> {
  const base = gatewayUrl.replace(/\/+$/, '');
  const urls: Record<string, string> = {};
  for (const route of ROUTES) {
    if (route.urlEnvVar) urls[route.urlEnvVar] = nonEmpty(env[route.urlEnvVar]) ?? `${base}${route.path}`;
  }
  return urls;
}

/** The notification URL the local square-webhook function verifies against (see localRouteUrls). */
export function localSquareNotificationUrl(gatewayUrl: string, env: Env = process.env): string {
  const url = localRouteUrls(gatewayUrl, env)[ENV.squareNotificationUrl];
  if (url === undefined) throw new Error(`No route in topology.ts carries ${ENV.squareNotificationUrl}`);
  return url;
}
