import { describe, expect, it } from 'vitest';
import { applyEnv, buildFunctionEnv } from '../../../infra/local/env';
import { dlqAttributes, queueAttributes, tableInput } from '../../../infra/local/provision';
import { formatBanner } from '../../../infra/local/banner';
import { localConcurrency } from '../../../infra/local/pollers';
import {
  DEV_ENDPOINT_SECRETS_LOCAL_KEY,
  DEV_INTERNAL_API_TOKEN,
  DEV_JWT_SECRET,
  DEV_STRIPE_WEBHOOK_SECRET,
  readLocalSettings,
} from '../../../infra/local/settings';
import { ENDPOINT_SECRETS_KEY, ENV, QUEUES, ROUTES, TABLES } from '../../../shared/topology';

describe('readLocalSettings', () => {
  it('falls back to labelled development secrets, port 3000 and .data', () => {
    expect(readLocalSettings({})).toEqual({
      port: 3000,
      dataDir: '.data',
      stripeWebhookSecrets: [DEV_STRIPE_WEBHOOK_SECRET],
      jwtSecret: DEV_JWT_SECRET,
      internalApiToken: DEV_INTERNAL_API_TOKEN,
      endpointSecretsLocalKey: DEV_ENDPOINT_SECRETS_LOCAL_KEY,
      devDefaults: { stripeWebhookSecret: true, jwtSecret: true, internalApiToken: true, endpointSecretsLocalKey: true },
    });
    for (const value of [DEV_STRIPE_WEBHOOK_SECRET, DEV_JWT_SECRET, DEV_INTERNAL_API_TOKEN, DEV_ENDPOINT_SECRETS_LOCAL_KEY]) {
      expect(value).toMatch(/do_not_use_in_production|do-not-use-in-production/);
    }
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
    expect(settings.devDefaults).toEqual({ stripeWebhookSecret: false, jwtSecret: false, internalApiToken: false, endpointSecretsLocalKey: false });
    expect(() => readLocalSettings({ PORT: 'eighty' })).toThrow();
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
    ]);
    expect(input.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
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
    expect(dlqAttributes(spec)).toEqual({ MessageRetentionPeriod: String(spec.dlq.retentionDays * 86_400), MaximumMessageSize: '1048576' });
  });
});

describe('function environment', () => {
  const settings = readLocalSettings({ STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b' });

  it('combines emulator variables, secrets, local switches and overrides (overrides last)', () => {
    const env = buildFunctionEnv({
      emulatorEnv: { AWS_REGION: 'us-east-1', BILLING_TABLE_NAME: 'billing' },
      settings,
      quiet: true,
      current: {},
      overrides: { STRIPE_API_BASE_URL: 'http://127.0.0.1:1', BILLING_TABLE_NAME: 'other' },
    });
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      BILLING_TABLE_NAME: 'other',
      STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b',
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
  });

  it('passes the internal API token and local key the user set', () => {
    const own = readLocalSettings({ INTERNAL_API_TOKEN: 'tok', ENDPOINT_SECRETS_LOCAL_KEY: 'my-own-local-key-material' });
    const env = buildFunctionEnv({ emulatorEnv: {}, settings: own, quiet: false, current: {}, overrides: {} });
    expect(env).toMatchObject({ INTERNAL_API_TOKEN: 'tok', ENDPOINT_SECRETS_LOCAL_KEY: 'my-own-local-key-material' });
  });

  it('keeps what the user set for the overridable defaults', () => {
    const env = buildFunctionEnv({ emulatorEnv: {}, settings, quiet: true, current: { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'DEBUG' }, overrides: {} });
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
  it('runs maxConcurrency batches of a queue at once, one when the topology sets none', () => {
    expect(localConcurrency(QUEUES.delivery)).toBe(QUEUES.delivery.consumer.maxConcurrency);
    expect(localConcurrency(QUEUES.billing)).toBe(1);
  });
});

describe('formatBanner', () => {
  const banner = (env: Record<string, string>) =>
    formatBanner({ url: 'http://127.0.0.1:3000', port: 3000, dynamodbDataDir: undefined, settings: readLocalSettings(env) });

  it('lists every route with its authorization, and labels development secrets', () => {
    const text = banner({});
    for (const route of ROUTES) expect(text).toContain(route.path);
    expect(text).toMatch(/POST\s+\/internal\/events\s+→ eventsApi\s+IAM/);
    for (const value of [DEV_INTERNAL_API_TOKEN, DEV_ENDPOINT_SECRETS_LOCAL_KEY]) {
      expect(text.split('\n').find((line) => line.includes(value))).toContain('[DEV default');
    }
    expect(text).toContain(`export INTERNAL_API_TOKEN=${DEV_INTERNAL_API_TOKEN}`);
    expect(text).toContain(
      `curl -X POST -H "Authorization: Bearer $INTERNAL_API_TOKEN" -H 'content-type: application/json' http://127.0.0.1:3000/internal/events ` +
        `-d '{"id":"evt_demo_1","type":"webhook.test","orgId":"org_123","occurredAt":"2026-01-01T00:00:00Z","data":{"message":"hello"}}'`,
    );
  });

  it('masks secrets from the environment and does not print them', () => {
    const text = banner({ INTERNAL_API_TOKEN: 'secret-token-from-env-1234', ENDPOINT_SECRETS_LOCAL_KEY: 'secret-key-material-from-env-5678' });
    expect(text).not.toContain('secret-token-from-env-1234');
    expect(text).not.toContain('secret-key-material-from-env-5678');
    expect(text).not.toContain('export INTERNAL_API_TOKEN=');
  });
});
