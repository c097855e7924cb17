import { describe, expect, it } from 'vitest';
import { applyEnv, buildFunctionEnv } from '../../../infra/local/env';
import { dlqAttributes, queueAttributes, tableInput } from '../../../infra/local/provision';
import { formatBanner } from '../../../infra/local/banner';
import { localConcurrency } from '../../../infra/local/pollers';
import {
  DEV_ENDPOINT_SECRETS_LOCAL_KEY,
  DEV_INTERNAL_API_TOKEN,
  DEV_JWT_SECRET,
  DEV_SHOPIFY_API_SECRET,
  DEV_SQUARE_SIGNATURE_KEY,
  DEV_STRIPE_WEBHOOK_SECRET,
  REQUIRED_SECRETS,
  devSecretValue,
  localRouteUrls,
  localSquareNotificationUrl,
  readLocalSettings,
} from '../../../infra/local/settings';
import {
  ENDPOINT_SECRETS_KEY,
  ENV,
  QUEUES,
  ROUTES,
  SECRETS,
  TABLES,
  type SecretName,
} from '../../../shared/platform/topology';

describe('readLocalSettings', () => {
  it('falls back to labelled development secrets, port 3000 and .data', () => {
    expect(readLocalSettings({})).toEqual({
      port: 3000,
      dataDir: '.data',
      secrets: {
        stripeWebhookSecret: [DEV_STRIPE_WEBHOOK_SECRET],
        squareSignatureKey: [DEV_SQUARE_SIGNATURE_KEY],
        shopifyApiSecret: [DEV_SHOPIFY_API_SECRET],
      },
      stripeWebhookSecrets: [DEV_STRIPE_WEBHOOK_SECRET],
      squareSignatureKeys: [DEV_SQUARE_SIGNATURE_KEY],
      shopifyApiSecrets: [DEV_SHOPIFY_API_SECRET],
      jwtSecret: DEV_JWT_SECRET,
      internalApiToken: DEV_INTERNAL_API_TOKEN,
      endpointSecretsLocalKey: DEV_ENDPOINT_SECRETS_LOCAL_KEY,
      outbound: {
        ALLOW_HTTP_ENDPOINTS: { value: 'true', isDefault: true },
        ALLOWED_PRIVATE_CIDRS: { value: '127.0.0.0/8,::1/128', isDefault: true },
      },
      allowedHosts: [],
      ttlSweepSeconds: 600,
      devDefaults: {
        stripeWebhookSecret: true,
        squareSignatureKey: true,
        shopifyApiSecret: true,
        jwtSecret: true,
        internalApiToken: true,
        endpointSecretsLocalKey: true,
      },
    });
    for (const value of [
      DEV_STRIPE_WEBHOOK_SECRET,
      DEV_SQUARE_SIGNATURE_KEY,
      DEV_SHOPIFY_API_SECRET,
      DEV_JWT_SECRET,
      DEV_INTERNAL_API_TOKEN,
      DEV_ENDPOINT_SECRETS_LOCAL_KEY,
    ]) {
      expect(value).toMatch(/do_not_use_in_production|do-not-use-in-production/);
    }
  });

  it('gives every required secret of the topology, and only those, a development default', () => {
    const required = (Object.keys(SECRETS) as SecretName[]).filter((name) => SECRETS[name].required);
    expect(REQUIRED_SECRETS).toEqual(required);
    expect(required).toEqual(expect.arrayContaining(['stripeWebhookSecret', 'squareSignatureKey', 'shopifyApiSecret']));
    const settings = readLocalSettings({});
    expect(Object.keys(settings.secrets).sort()).toEqual([...required].sort());
    for (const name of required) expect(settings.secrets[name], name).toEqual([devSecretValue(name)]);
    // Optional secrets switch a mode on: they are never invented.
    expect(settings.secrets).not.toHaveProperty('stripeApiKey');
    expect(settings.secrets).not.toHaveProperty('squareAccessToken');
    expect(devSecretValue('squareAccessToken')).toBe('local-development-square-access-token-do-not-use-in-production');
  });

  it('reads comma-separated Square signature keys and Shopify client secrets', () => {
    const settings = readLocalSettings({ SQUARE_SIGNATURE_KEY: ' sq_new , sq_old', SHOPIFY_API_SECRET: 'shpss_1' });
    expect(settings.squareSignatureKeys).toEqual(['sq_new', 'sq_old']);
    expect(settings.shopifyApiSecrets).toEqual(['shpss_1']);
    expect(settings.secrets).toMatchObject({ squareSignatureKey: ['sq_new', 'sq_old'], shopifyApiSecret: ['shpss_1'] });
    expect(settings.devDefaults).toMatchObject({
      squareSignatureKey: false,
      shopifyApiSecret: false,
      stripeWebhookSecret: true,
    });
    // Blank means unset.
    expect(readLocalSettings({ SQUARE_SIGNATURE_KEY: ' , ' }).squareSignatureKeys).toEqual([DEV_SQUARE_SIGNATURE_KEY]);
  });

  it('reads comma-separated Stripe secrets and the other variables', () => {
    const settings = readLocalSettings({
      STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old',
      LOCAL_JWT_SECRET: 'jwt',
      PORT: '4000',
      DATA_DIR: '/tmp/x',
      INTERNAL_API_TOKEN: 'tok',
      ENDPOINT_SECRETS_LOCAL_KEY: 'a-local-key-of-enough-length',
    });
    expect(settings).toMatchObject({
      port: 4000,
      dataDir: '/tmp/x',
      stripeWebhookSecrets: ['whsec_new', 'whsec_old'],
      jwtSecret: 'jwt',
      internalApiToken: 'tok',
      endpointSecretsLocalKey: 'a-local-key-of-enough-length',
    });
    expect(settings.devDefaults).toMatchObject({
      stripeWebhookSecret: false,
      jwtSecret: false,
      internalApiToken: false,
      endpointSecretsLocalKey: false,
    });
    expect(() => readLocalSettings({ PORT: 'eighty' })).toThrow();
  });
});

describe('outbound development defaults', () => {
  it('apply only where the user set nothing; an explicit value, even empty, wins', () => {
    const settings = readLocalSettings({ ALLOWED_PRIVATE_CIDRS: '127.0.0.1/32', ALLOW_HTTP_ENDPOINTS: '' });
    expect(settings.outbound).toEqual({
      ALLOWED_PRIVATE_CIDRS: { value: '127.0.0.1/32', isDefault: false },
      ALLOW_HTTP_ENDPOINTS: { value: '', isDefault: false },
    });
    const env = buildFunctionEnv({
      emulatorEnv: {},
      settings,
      gatewayUrl: 'http://127.0.0.1:3000',
      quiet: true,
      current: { ALLOWED_PRIVATE_CIDRS: '127.0.0.1/32', ALLOW_HTTP_ENDPOINTS: '' },
      overrides: {},
    });
    expect(env.ALLOWED_PRIVATE_CIDRS).toBe('127.0.0.1/32');
    expect(env.ALLOW_HTTP_ENDPOINTS).toBe('');
  });

  it('are shown in the banner with the value in force and where it came from', () => {
    const banner = formatBanner({
      url: 'http://127.0.0.1:3000',
      port: 3000,
      dynamodbDataDir: undefined,
      settings: readLocalSettings({ ALLOWED_PRIVATE_CIDRS: '127.0.0.1/32', LOCAL_ALLOWED_HOSTS: 'abc.ngrok.app' }),
    });
    expect(banner).toMatch(/ALLOWED_PRIVATE_CIDRS\s+127\.0\.0\.1\/32\s+\(from the environment\)/);
    expect(banner).toMatch(/ALLOW_HTTP_ENDPOINTS\s+true\s+\[DEV default/);
    expect(banner).toContain('localhost:3000, [::1]:3000, abc.ngrok.app');
  });

  it('refuses a TTL sweep interval that is not a whole number of seconds', () => {
    expect(() => readLocalSettings({ LOCAL_TTL_SWEEP_SECONDS: '1.5' })).toThrow(/LOCAL_TTL_SWEEP_SECONDS/);
    expect(readLocalSettings({ LOCAL_TTL_SWEEP_SECONDS: '0' }).ttlSweepSeconds).toBe(0);
  });
});

describe('provisioning inputs come from topology.ts', () => {
  it('creates pk/sk string-keyed on-demand tables', () => {
    expect(tableInput(TABLES.billing)).toEqual({
      TableName: 'billing',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('creates the topology GSIs with string keys and all attributes projected', () => {
    const input = tableInput(TABLES.webhooks);
    expect(input.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byEndpoint',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byDue',
        KeySchema: [
          { AttributeName: 'duePk', KeyType: 'HASH' },
          { AttributeName: 'dueSk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(input.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'duePk', 'dueSk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
    expect(tableInput(TABLES.billing)).not.toHaveProperty('GlobalSecondaryIndexes');
  });

  it('gives queues their visibility timeout, retention, size limit and redrive policy', () => {
    const spec = QUEUES.billing;
    expect(queueAttributes(spec, 'arn:dlq')).toEqual({
      VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(spec.retentionDays * 86_400),
      MaximumMessageSize: '1048576',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:dlq', maxReceiveCount: spec.maxReceiveCount }),
    });
    expect(queueAttributes(spec, 'arn:dlq', { visibilityTimeoutSeconds: 1 }).VisibilityTimeout).toBe('1');
    expect(dlqAttributes(spec)).toEqual({
      MessageRetentionPeriod: String(spec.dlq.retentionDays * 86_400),
      MaximumMessageSize: '1048576',
    });
  });
});

describe('localRouteUrls', () => {
  it('points SQUARE_NOTIFICATION_URL at the local Square route unless the user set it', () => {
    expect(localRouteUrls('http://127.0.0.1:3000', {})).toEqual({
      SQUARE_NOTIFICATION_URL: 'http://127.0.0.1:3000/api/webhooks/square',
    });
    expect(localSquareNotificationUrl('http://127.0.0.1:4100/', {})).toBe('http://127.0.0.1:4100/api/webhooks/square');
    const tunnel = 'https://abc.example-tunnel.dev/api/webhooks/square';
    expect(localSquareNotificationUrl('http://127.0.0.1:3000', { SQUARE_NOTIFICATION_URL: tunnel })).toBe(tunnel);
    expect(localSquareNotificationUrl('http://127.0.0.1:3000', { SQUARE_NOTIFICATION_URL: '  ' })).toBe(
      'http://127.0.0.1:3000/api/webhooks/square',
    );
  });

  it('covers exactly the routes that carry a urlEnvVar in the topology', () => {
    const withUrl = ROUTES.filter((route) => route.urlEnvVar);
    expect(withUrl.map((route) => [route.function, route.urlEnvVar])).toEqual([
      ['squareWebhook', ENV.squareNotificationUrl],
    ]);
    expect(Object.keys(localRouteUrls('http://x', {}))).toEqual(withUrl.map((route) => route.urlEnvVar));
  });
});

describe('function environment', () => {
  const settings = readLocalSettings({ STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b' });
  const gatewayUrl = 'http://127.0.0.1:3000';

  it('combines emulator variables, secrets, local switches and overrides (overrides last)', () => {
    const env = buildFunctionEnv({
      emulatorEnv: { AWS_REGION: 'us-east-1', BILLING_TABLE_NAME: 'billing' },
      settings,
      gatewayUrl,
      quiet: true,
      current: {},
      overrides: { STRIPE_API_BASE_URL: 'http://127.0.0.1:1', BILLING_TABLE_NAME: 'other' },
    });
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      BILLING_TABLE_NAME: 'other',
      STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b',
      SQUARE_SIGNATURE_KEY: DEV_SQUARE_SIGNATURE_KEY,
      SHOPIFY_API_SECRET: DEV_SHOPIFY_API_SECRET,
      SQUARE_NOTIFICATION_URL: 'http://127.0.0.1:3000/api/webhooks/square',
      STRIPE_API_BASE_URL: 'http://127.0.0.1:1',
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      [ENV.allowHttpEndpoints]: 'true',
      [ENV.allowedPrivateCidrs]: '127.0.0.0/8,::1/128',
      [ENDPOINT_SECRETS_KEY.localKeyEnvVar]: DEV_ENDPOINT_SECRETS_LOCAL_KEY,
      INTERNAL_API_TOKEN: DEV_INTERNAL_API_TOKEN,
    });
    expect(env).toHaveProperty('AWS_PROFILE', undefined);
    // A KMS key id from the shell would make the functions call a real KMS.
    expect(env).toHaveProperty(ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar, undefined);
    // Optional secrets are not invented.
    expect(env).not.toHaveProperty(SECRETS.squareAccessToken.valueEnvVar);
    expect(env).not.toHaveProperty(SECRETS.stripeApiKey.valueEnvVar);
  });

  it('passes the Square and Shopify secrets and the notification URL the user set', () => {
    const own = readLocalSettings({ SQUARE_SIGNATURE_KEY: 'sq_a, sq_b', SHOPIFY_API_SECRET: 'shpss_x' });
    const tunnel = 'https://abc.example-tunnel.dev/api/webhooks/square';
    const fromShell = buildFunctionEnv({
      emulatorEnv: {},
      settings: own,
      gatewayUrl,
      quiet: false,
      current: { SQUARE_NOTIFICATION_URL: tunnel },
      overrides: {},
    });
    expect(fromShell).toMatchObject({
      SQUARE_SIGNATURE_KEY: 'sq_a,sq_b',
      SHOPIFY_API_SECRET: 'shpss_x',
      SQUARE_NOTIFICATION_URL: tunnel,
    });
    const fromOverride = buildFunctionEnv({
      emulatorEnv: {},
      settings: own,
      gatewayUrl,
      quiet: false,
      current: {},
      overrides: { SQUARE_NOTIFICATION_URL: tunnel },
    });
    expect(fromOverride.SQUARE_NOTIFICATION_URL).toBe(tunnel);
  });

  it('passes the internal API token and local key the user set', () => {
    const own = readLocalSettings({
      INTERNAL_API_TOKEN: 'tok',
      ENDPOINT_SECRETS_LOCAL_KEY: 'my-own-local-key-material',
    });
    const env = buildFunctionEnv({
      emulatorEnv: {},
      settings: own,
      gatewayUrl,
      quiet: false,
      current: {},
      overrides: {},
    });
    expect(env).toMatchObject({ INTERNAL_API_TOKEN: 'tok', ENDPOINT_SECRETS_LOCAL_KEY: 'my-own-local-key-material' });
  });

  it('keeps what the user set for the overridable defaults', () => {
    const env = buildFunctionEnv({
      emulatorEnv: {},
      settings,
      gatewayUrl,
      quiet: true,
      current: { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'DEBUG' },
      overrides: {},
    });
    expect(env).not.toHaveProperty('POWERTOOLS_METRICS_DISABLED');
    expect(env).not.toHaveProperty('POWERTOOLS_LOG_LEVEL');
  });

  it('applies and restores process.env', () => {
    process.env.LOCAL_TEST_KEEP = 'before';
    delete process.env.LOCAL_TEST_NEW;
    const restore = applyEnv({ LOCAL_TEST_KEEP: 'during', LOCAL_TEST_NEW: 'x' });
    expect(process.env.LOCAL_TEST_KEEP).toBe('during');
    expect(process.env.LOCAL_TEST_NEW).toBe('x');
    restore();
    expect(process.env.LOCAL_TEST_KEEP).toBe('before');
    expect(process.env).not.toHaveProperty('LOCAL_TEST_NEW');
    delete process.env.LOCAL_TEST_KEEP;
  });
});

describe('localConcurrency', () => {
  it(
    'runs localMaxConcurrency (else maxConcurrency) batches of a queue at once, one when the ' +
      'topology sets neither, none without a consumer',
    () => {
      expect(localConcurrency(QUEUES.delivery)).toBe(QUEUES.delivery.consumer?.localMaxConcurrency);
      expect(localConcurrency(QUEUES.delivery)).toBe(50);
      expect(localConcurrency(QUEUES.billing)).toBe(1);
      expect(localConcurrency(QUEUES.catalog)).toBe(2);
      const delivery = QUEUES.delivery.consumer!;
      expect(localConcurrency({ ...QUEUES.delivery, consumer: { ...delivery, localMaxConcurrency: undefined } })).toBe(
        delivery.maxConcurrency,
      );
      expect(
        localConcurrency({
          ...QUEUES.delivery,
          consumer: { ...delivery, localMaxConcurrency: undefined, maxConcurrency: undefined },
        }),
      ).toBe(1);
      expect(QUEUES.inboundSources.consumer).toBeUndefined();
      expect(localConcurrency(QUEUES.inboundSources)).toBe(0);
    },
  );
});

describe('formatBanner', () => {
  const banner = (env: Record<string, string>) =>
    formatBanner({
      url: 'http://127.0.0.1:3000',
      port: 3000,
      dynamodbDataDir: undefined,
      settings: readLocalSettings(env),
    });

  it('lists every route with its authorization, and labels development secrets', () => {
    const text = banner({});
    for (const route of ROUTES) expect(text).toContain(route.path);
    expect(text).toMatch(/POST\s+\/internal\/events\s+→ eventsApi\s+IAM/);
    for (const value of [DEV_INTERNAL_API_TOKEN, DEV_ENDPOINT_SECRETS_LOCAL_KEY]) {
      expect(text.split('\n').find((line) => line.includes(value))).toContain('[DEV default');
    }
    expect(text).toContain(`export INTERNAL_API_TOKEN=${DEV_INTERNAL_API_TOKEN}`);
    expect(text).toContain(
      `curl -X POST -H "Authorization: Bearer $INTERNAL_API_TOKEN" -H 'content-type: application/json' ` +
        `http://127.0.0.1:3000/internal/events ` +
        `-d '{"id":"evt_demo_1","type":"webhook.test","orgId":"org_123",` +
        `"occurredAt":"2026-01-01T00:00:00Z","data":{"message":"hello"}}'`,
    );
  });

  it('masks secrets from the environment and does not print them', () => {
    const text = banner({
      INTERNAL_API_TOKEN: 'secret-token-from-env-1234',
      ENDPOINT_SECRETS_LOCAL_KEY: 'secret-key-material-from-env-5678',
      SQUARE_SIGNATURE_KEY: 'square-key-from-env-abcd,square-old-key-from-env-efgh',
      SHOPIFY_API_SECRET: 'shopify-secret-from-env-ijkl',
    });
    for (const secret of [
      'secret-token-from-env-1234',
      'secret-key-material-from-env-5678',
      'square-key-from-env-abcd',
      'square-old-key-from-env-efgh',
      'shopify-secret-from-env-ijkl',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('export INTERNAL_API_TOKEN=');
    expect(text).toMatch(/SQUARE_SIGNATURE_KEY\s+square…abcd\s+\(from the environment\)/);
    expect(text).toMatch(/SHOPIFY_API_SECRET\s+shopif…ijkl\s+\(from the environment\)/);
  });

  it('prints the development Square and Shopify secrets with a DEV label', () => {
    const text = banner({});
    for (const [name, value] of [
      ['SQUARE_SIGNATURE_KEY', DEV_SQUARE_SIGNATURE_KEY],
      ['SHOPIFY_API_SECRET', DEV_SHOPIFY_API_SECRET],
      ['STRIPE_WEBHOOK_SECRET', DEV_STRIPE_WEBHOOK_SECRET],
    ] as const) {
      const line = text.split('\n').find((l) => l.includes(value));
      expect(line, name).toContain(name);
      expect(line, name).toContain('[DEV default');
    }
  });

  it('lists the webhook URLs to configure, with the exact string Square signs', () => {
    const text = banner({});
    for (const path of [
      '/webhooks/stripe',
      '/api/webhooks/square',
      '/api/webhooks/shopify',
      '/webhooks/sources/{sourceId}',
    ]) {
      expect(text).toContain(`http://127.0.0.1:3000${path}`);
    }
    expect(text).toMatch(
      new RegExp(
        String.raw`\n {2}square-webhook\s+http://127\.0\.0\.1:3000/api/webhooks/square\n` +
          String.raw`\s+= SQUARE_NOTIFICATION_URL, the exact string the signature covers`,
      ),
    );
    const tunnel = 'https://abc.example-tunnel.dev/api/webhooks/square';
    const withTunnel = formatBanner({
      url: 'http://127.0.0.1:3000',
      port: 3000,
      dynamodbDataDir: undefined,
      settings: readLocalSettings({}),
      routeUrls: { SQUARE_NOTIFICATION_URL: tunnel },
    });
    expect(withTunnel).toContain(
      `signed as SQUARE_NOTIFICATION_URL=${tunnel} (from the environment): register exactly that`,
    );
  });

  it('shows how to send Square and Shopify test webhooks, with --url off the default port', () => {
    expect(banner({})).toContain('npm run send -- square inventory.count.updated --merchant <id>\n');
    expect(banner({})).toContain('npm run send -- shopify products/update --shop example.myshopify.com\n');
    const elsewhere = formatBanner({
      url: 'http://127.0.0.1:4100',
      port: 4100,
      dynamodbDataDir: undefined,
      settings: readLocalSettings({}),
    });
    expect(elsewhere).toContain(
      'npm run send -- square inventory.count.updated --merchant <id> --url http://127.0.0.1:4100',
    );
    expect(elsewhere).toContain(
      'npm run send -- shopify products/update --shop example.myshopify.com --url http://127.0.0.1:4100',
    );
    expect(elsewhere).toMatch(
      /square-webhook\s+http:\/\/127\.0\.0\.1:4100\/api\/webhooks\/square\n\s+= SQUARE_NOTIFICATION_URL/,
    );
  });

  it('lists consumed queues with their consumer, and the inbound-sources queue as consumed by other services', () => {
    const text = formatBanner({
      url: 'http://127.0.0.1:3000',
      port: 3000,
      dynamodbDataDir: undefined,
      settings: readLocalSettings({}),
      sqsEndpoint: 'http://127.0.0.1:5555',
      queueUrls: { inboundSources: { url: 'http://sqs.us-east-1.localhost:5555/000000000000/inbound-sources' } },
    });
    expect(text).toMatch(
      /catalog-events → catalogConsumer \(batch 10, window 1 s, 2 at a time, DLQ catalog-events-dlq after 5 receives\)/,
    );
    expect(text).toContain(
      'inbound-sources → consumed by other services, not polled here (DLQ inbound-sources-dlq after 5 receives)',
    );
    expect(text).toContain(
      'INBOUND_SOURCES_QUEUE_URL=http://sqs.us-east-1.localhost:5555/000000000000/inbound-sources on SQS endpoint ' +
        'http://127.0.0.1:5555',
    );
  });
});
