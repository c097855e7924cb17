import {
  ENDPOINT_SECRETS_KEY,
  FUNCTIONS,
  QUEUES,
  ROUTES,
  SECRETS,
  type FunctionName,
  type QueueName,
  type RouteAuth,
  type SecretName,
} from '../../shared/platform/topology';
import { localConcurrency } from './pollers';
import { DEFAULT_PORT, LOCAL_ENV, localRouteUrls, type LocalSettings } from './settings';

/** The start-up text: where things are, which secrets are development values, and what to try. */

export interface BannerInput {
  readonly url: string;
  readonly port: number;
  readonly dynamodbDataDir: string | undefined;
  readonly settings: LocalSettings;
  /** Values of the routes' `urlEnvVar`s (SQUARE_NOTIFICATION_URL); default: the routes on `url`. */
  readonly routeUrls?: Record<string, string>;
  /** Where queues without a consumer can be read from (printed for the services that consume them). */
  readonly sqsEndpoint?: string;
  readonly queueUrls?: Partial<Record<QueueName, { readonly url: string }>>;
  /** Base URLs of the DEV provider simulators that were started (none when real apps are configured). */
  readonly simulators?: { readonly shopify?: string | undefined; readonly square?: string | undefined };
  /** The web console's URL (DEV sign-in page). */
  readonly consoleUrl?: string;
  /** Where queues, messages and S3 objects are kept; undefined in memory. */
  readonly queueDataDir?: string | undefined;
  readonly releasedMessages?: number;
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

/** Example `npm run send` lines per webhook function (the command signs like the provider does). */
const SEND_EXAMPLES: Partial<Record<FunctionName, string>> = {
  stripeWebhook: 'npm run send -- stripe customer.subscription.created --org org_123 --plan growth',
  squareWebhook: 'npm run send -- square inventory.count.updated --merchant <id>',
  shopifyWebhook: 'npm run send -- shopify products/update --shop example.myshopify.com',
};

/** Which providers are simulated, and how to connect one end to end (OAuth) with no account. */
function simulatorLines(url: string, simulators: BannerInput['simulators']): string[] {
  if (!simulators?.shopify && !simulators?.square) return [];
  return [
    'Provider simulators (DEV: no Shopify or Square account needed; set SHOPIFY_API_KEY / ' +
      'SQUARE_APPLICATION_ID for real apps)',
    ...(simulators.shopify
      ? [
          `  Shopify ${simulators.shopify}   [DEV]  connect: POST ` +
            `${url}/v1/orgs/org_123/connections/shopify/authorize {"shop":"demo.myshopify.com"}`,
          `          open the authorizeUrl, click Approve; emit: POST ` +
            `${simulators.shopify}/shops/demo.myshopify.com/emit {"topic":"products/update","payload":{…}}`,
        ]
      : []),
    ...(simulators.square
      ? [
          `  Square  ${simulators.square}   [DEV]  connect: POST ` +
            `${url}/v1/orgs/org_123/connections/square/authorize {}`,
          `          open the authorizeUrl, click Approve; emit: POST ${simulators.square}/emit ` +
            `{"merchantId":"MLSIMULATED1","type":"inventory.count.updated","data":{…}}`,
        ]
      : []),
  ];
}

function routeLines(): string[] {
  const routeWidth = Math.max(...ROUTES.map((route) => route.path.length));
  const functionWidth = Math.max(...ROUTES.map((route) => route.function.length));
  return ROUTES.map(
    (route) =>
      `  ${route.method.padEnd(6)} ${route.path.padEnd(routeWidth)}  → ${route.function.padEnd(functionWidth)} ` +
      `${AUTH_LABELS[route.auth]}`,
  );
}

function queueLines(input: Pick<BannerInput, 'queueUrls' | 'sqsEndpoint'>): string[] {
  return (Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]).flatMap(([name, q]) => {
    if (q.consumer) {
      return [
        `  ${q.localName} → ${q.consumer.function} (batch ${q.consumer.batchSize}, window ` +
          `${q.consumer.maxBatchingWindowSeconds} s, ` +
          `${localConcurrency(q)} at a time, DLQ ${q.dlq.localName} after ${q.maxReceiveCount} receives)`,
      ];
    }
    const queueUrl = input.queueUrls?.[name]?.url;
    return [
      `  ${q.localName} → consumed by other services, not polled here (DLQ ${q.dlq.localName} after ` +
        `${q.maxReceiveCount} receives)`,
      ...(queueUrl && input.sqsEndpoint ? [`    ${q.envVar}=${queueUrl} on SQS endpoint ${input.sqsEndpoint}`] : []),
    ];
  });
}

const webhookRoutes = () => ROUTES.filter((route) => route.auth === 'none');

/** Each receiver's URL, and for a signed URL (Square signs URL + body) the exact string to register. */
function webhookUrlLines(url: string, routeUrls: Record<string, string>): string[] {
  const routes = webhookRoutes();
  const dirWidth = Math.max(...routes.map((route) => FUNCTIONS[route.function].dir.length));
  return routes.flatMap((route) => {
    const line = `  ${FUNCTIONS[route.function].dir.padEnd(dirWidth)}  ${url}${route.path}`;
    const signed = route.urlEnvVar ? routeUrls[route.urlEnvVar] : undefined;
    if (!route.urlEnvVar || signed === undefined) return [line];
    const indent = `  ${''.padEnd(dirWidth)}  `;
    return signed === `${url}${route.path}`
      ? [
          line,
          `${indent}= ${route.urlEnvVar}, the exact string the signature covers (set it in .env to a tunnel URL you ` +
            `register)`,
        ]
      : [line, `${indent}signed as ${route.urlEnvVar}=${signed} (from the environment): register exactly that`];
  });
}

function dataLines(dynamodbDataDir: string | undefined, settings: LocalSettings, input: Partial<BannerInput>) {
  return [
    `Data       DynamoDB: ${dynamodbDataDir ?? 'in memory (--memory), lost on exit'}`,
    `           SQS/SNS/S3: ${input.queueDataDir ?? 'in memory (--memory), lost on exit'}`,
    `           expired items deleted at start and every ${settings.ttlSweepSeconds} s (DynamoDB TTL's stand-in)`,
    ...(input.releasedMessages
      ? [`           ${input.releasedMessages} message(s) left in flight by the last run made visible again`]
      : []),
  ];
}

function outboundLines(settings: LocalSettings, port: number): string[] {
  return [
    'Outbound (development defaults apply only where you set nothing)',
    ...Object.entries(settings.outbound).map(
      ([name, setting]) =>
        `  ${name.padEnd(SECRET_NAME_WIDTH)} ${setting.value || '(empty)'}   ` +
        (setting.isDefault ? `[DEV default — set ${name} to change]` : '(from the environment)'),
    ),
    `Hosts      the gateway answers Host 127.0.0.1:${port}, localhost:${port}, [::1]:${port}` +
      (settings.allowedHosts.length > 0 ? `, ${settings.allowedHosts.join(', ')}` : '') +
      ` (others: 421; add a tunnel's in ${LOCAL_ENV.allowedHosts})`,
  ];
}

function secretLines(settings: LocalSettings): string[] {
  return [
    'Secrets',
    ...(Object.entries(settings.secrets) as [SecretName, readonly string[]][]).flatMap(([name, values]) =>
      values.map((secret, i) =>
        secretLine(i === 0 ? SECRETS[name].valueEnvVar : '', secret, settings.devDefaults[name] ?? false),
      ),
    ),
    secretLine(LOCAL_ENV.jwtSecret, settings.jwtSecret, settings.devDefaults.jwtSecret),
    secretLine(LOCAL_ENV.internalApiToken, settings.internalApiToken, settings.devDefaults.internalApiToken),
    secretLine(
      ENDPOINT_SECRETS_KEY.localKeyEnvVar,
      settings.endpointSecretsLocalKey,
      settings.devDefaults.endpointSecretsLocalKey,
    ),
  ];
}

/** How another Better Data service would publish a platform event to this system. */
function publishExampleLines(url: string, settings: LocalSettings): string[] {
  const eventsRoute = ROUTES.find((route) => route.function === 'eventsApi');
  if (!eventsRoute) return [];
  const tokenVariable = LOCAL_ENV.internalApiToken;
  return [
    'Publish an event (as another Better Data service would):',
    settings.devDefaults.internalApiToken
      ? `  export ${tokenVariable}=${settings.internalApiToken}`
      : `  # ${tokenVariable}: the value in your environment or .env`,
    `  curl -X ${eventsRoute.method} -H "Authorization: Bearer $${tokenVariable}" -H 'content-type: ` +
      `application/json' ` +
      `${url}${eventsRoute.path} -d '${JSON.stringify(SAMPLE_EVENT)}'`,
  ];
}

function tryItLines(url: string, port: number, settings: LocalSettings): string[] {
  const urlFlag = port === DEFAULT_PORT ? '' : ` --url ${url}`;
  const sendExamples = webhookRoutes().flatMap((route) => {
    const example = SEND_EXAMPLES[route.function];
    return example ? [`  ${example}${urlFlag}`] : [];
  });
  return [
    'Try it:',
    ...sendExamples,
    '  export TOKEN=$(npm run -s token -- --org org_123 --role admin)',
    `  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/orgs/org_123/billing`,
    ...publishExampleLines(url, settings),
  ];
}

export function formatBanner({ url, port, dynamodbDataDir, settings, ...input }: BannerInput): string {
  return [
    '',
    'Better Data Webhooks — local runtime (no AWS account; the same handler modules as Lambda)',
    '',
    ...(input.consoleUrl ? [`Console    ${input.consoleUrl}   (DEV sign-in: pick an organisation and a role)`] : []),
    `API        ${url}`,
    ...routeLines(),
    'Queues',
    ...queueLines(input),
    ...dataLines(dynamodbDataDir, settings, input),
    ...outboundLines(settings, port),
    'Webhook URLs (configure them with the sender; reaching them from the internet needs a tunnel)',
    ...webhookUrlLines(url, input.routeUrls ?? localRouteUrls(url, {})),
    ...secretLines(settings),
    ...simulatorLines(url, input.simulators),
    '',
    ...tryItLines(url, port, settings),
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
