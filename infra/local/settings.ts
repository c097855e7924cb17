import { splitSecretList } from '../../shared/config';

/**
 * The local runtime's own settings, read from the environment (and `.env`). Where a secret is unset a
 * clearly labelled development value is used, so `npm start` works out of the box; the banner says so.
 */

export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_local_development_secret_do_not_use_in_production';
export const DEV_JWT_SECRET = 'local-development-jwt-secret-do-not-use-in-production';
export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = '.data';

export interface LocalSettings {
  readonly port: number;
  readonly dataDir: string;
  /** Every accepted Stripe signing secret; the first one signs `npm run send` events. */
  readonly stripeWebhookSecrets: readonly string[];
  readonly jwtSecret: string;
  readonly internalApiToken: string | undefined;
  /** Which of the secrets are development defaults (printed with a DEV label). */
  readonly devDefaults: { readonly stripeWebhookSecret: boolean; readonly jwtSecret: boolean };
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
  const stripeSecrets = splitSecretList(env.STRIPE_WEBHOOK_SECRET ?? '');
  const jwtSecret = nonEmpty(env.LOCAL_JWT_SECRET);
  return {
    port: parsePort(env.PORT),
    dataDir: nonEmpty(env.DATA_DIR) ?? DEFAULT_DATA_DIR,
    stripeWebhookSecrets: stripeSecrets.length > 0 ? stripeSecrets : [DEV_STRIPE_WEBHOOK_SECRET],
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    internalApiToken: nonEmpty(env.INTERNAL_API_TOKEN),
    devDefaults: { stripeWebhookSecret: stripeSecrets.length === 0, jwtSecret: jwtSecret === undefined },
  };
}
