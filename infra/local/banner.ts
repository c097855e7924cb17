import { ENDPOINT_SECRETS_KEY, QUEUES, ROUTES, SECRETS, type RouteAuth } from '../../shared/topology';
import { localConcurrency } from './pollers';
import { DEFAULT_PORT, LOCAL_ENV, type LocalSettings } from './settings';

/** The start-up text: where things are, which secrets are development values, and what to try. */

export interface BannerInput {
  readonly url: string;
  readonly port: number;
  readonly dynamodbDataDir: string | undefined;
  readonly settings: LocalSettings;
}

const AUTH_LABELS: Record<RouteAuth, string> = {
  none: 'no auth (HMAC in the function)',
  jwt: 'JWT',
  iam: `IAM (locally: Bearer $${LOCAL_ENV.internalApiToken})`,
};

const SECRET_NAME_WIDTH = 26;

function secretLine(name: string, value: string, isDev: boolean): string {
  if (isDev) return `  ${name.padEnd(SECRET_NAME_WIDTH)} ${value}   [DEV default — set ${name} in .env]`;
  const masked = value.length > 10 ? `${value.slice(0, 6)}…${value.slice(-4)}` : '…';
  return `  ${name.padEnd(SECRET_NAME_WIDTH)} ${masked}   (from the environment)`;
}

/** A sample platform event, as another Better Data service would publish it. */
export const SAMPLE_EVENT = {
  id: 'evt_demo_1',
  type: 'webhook.test',
  orgId: 'org_123',
  occurredAt: '2026-01-01T00:00:00Z',
  data: { message: 'hello' },
} as const;

export function formatBanner({ url, port, dynamodbDataDir, settings }: BannerInput): string {
  const routeWidth = Math.max(...ROUTES.map((route) => route.path.length));
  const routes = ROUTES.map(
    (route) => `  ${route.method.padEnd(6)} ${route.path.padEnd(routeWidth)}  → ${route.function.padEnd(15)} ${AUTH_LABELS[route.auth]}`,
  );
  const queues = Object.values(QUEUES).map(
    (q) =>
      `  ${q.localName} → ${q.consumer.function} (batch ${q.consumer.batchSize}, window ${q.consumer.maxBatchingWindowSeconds} s, ` +
      `${localConcurrency(q)} at a time, DLQ ${q.dlq.localName} after ${q.maxReceiveCount} receives)`,
  );
  const urlFlag = port === DEFAULT_PORT ? '' : ` --url ${url}`;
  const eventsRoute = ROUTES.find((route) => route.function === 'eventsApi');
  const tokenVariable = LOCAL_ENV.internalApiToken;
  const publishExample = eventsRoute
    ? [
        settings.devDefaults.internalApiToken
          ? `  export ${tokenVariable}=${settings.internalApiToken}`
          : `  # ${tokenVariable}: the value in your environment or .env`,
        `  curl -X ${eventsRoute.method} -H "Authorization: Bearer $${tokenVariable}" -H 'content-type: application/json' ` +
          `${url}${eventsRoute.path} -d '${JSON.stringify(SAMPLE_EVENT)}'`,
      ]
    : [];
  return [
    '',
    'Better Data Webhooks — local runtime (no AWS account; the same handler modules as Lambda)',
    '',
    `API        ${url}`,
    ...routes,
    'Queues',
    ...queues,
    `Data       DynamoDB: ${dynamodbDataDir ?? 'in memory (--memory), lost on exit'}; SQS/SNS: in memory`,
    '           (DynamoDB TTL is not applied locally)',
    'Secrets',
    ...settings.stripeWebhookSecrets.map((secret, i) =>
      secretLine(i === 0 ? SECRETS.stripeWebhookSecret.valueEnvVar : '', secret, settings.devDefaults.stripeWebhookSecret),
    ),
    secretLine(LOCAL_ENV.jwtSecret, settings.jwtSecret, settings.devDefaults.jwtSecret),
    secretLine(tokenVariable, settings.internalApiToken, settings.devDefaults.internalApiToken),
    secretLine(ENDPOINT_SECRETS_KEY.localKeyEnvVar, settings.endpointSecretsLocalKey, settings.devDefaults.endpointSecretsLocalKey),
    '',
    'Try it:',
    `  npm run send -- stripe customer.subscription.created --org org_123 --plan growth${urlFlag}`,
    '  export TOKEN=$(npm run -s token -- --org org_123 --role admin)',
    `  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/orgs/org_123/billing`,
    ...(publishExample.length > 0 ? ['Publish an event (as another Better Data service would):', ...publishExample] : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
