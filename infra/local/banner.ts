import { QUEUES, ROUTES } from '../../shared/topology';
import { DEFAULT_PORT, type LocalSettings } from './settings';

/** The start-up text: where things are, which secrets are development values, and what to try. */

export interface BannerInput {
  readonly url: string;
  readonly port: number;
  readonly dynamodbDataDir: string | undefined;
  readonly settings: LocalSettings;
}

function secretLine(name: string, value: string, isDev: boolean): string {
  if (isDev) return `  ${name.padEnd(22)} ${value}   [DEV default — set ${name} in .env]`;
  const masked = value.length > 10 ? `${value.slice(0, 6)}…${value.slice(-4)}` : '…';
  return `  ${name.padEnd(22)} ${masked}   (from the environment)`;
}

export function formatBanner({ url, port, dynamodbDataDir, settings }: BannerInput): string {
  const routeWidth = Math.max(...ROUTES.map((route) => route.path.length));
  const routes = ROUTES.map(
    (route) =>
      `  ${route.method.padEnd(6)} ${route.path.padEnd(routeWidth)}  → ${route.function.padEnd(15)} ${route.auth === 'jwt' ? 'JWT' : 'no auth'}`,
  );
  const queues = Object.values(QUEUES).map(
    (q) =>
      `  ${q.localName} → ${q.consumer.function} (batch ${q.consumer.batchSize}, window ${q.consumer.maxBatchingWindowSeconds} s, ` +
      `DLQ ${q.dlq.localName} after ${q.maxReceiveCount} receives)`,
  );
  const urlFlag = port === DEFAULT_PORT ? '' : ` --url ${url}`;
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
      secretLine(i === 0 ? 'STRIPE_WEBHOOK_SECRET' : '', secret, settings.devDefaults.stripeWebhookSecret),
    ),
    secretLine('LOCAL_JWT_SECRET', settings.jwtSecret, settings.devDefaults.jwtSecret),
    '',
    'Try it:',
    `  npm run send -- stripe customer.subscription.created --org org_123 --plan growth${urlFlag}`,
    '  export TOKEN=$(npm run -s token -- --org org_123 --role admin)',
    `  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/orgs/org_123/billing`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
