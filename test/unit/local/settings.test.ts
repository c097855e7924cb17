import { describe, expect, it } from 'vitest';
import { applyEnv, buildFunctionEnv } from '../../../infra/local/env';
import { dlqAttributes, queueAttributes, tableInput } from '../../../infra/local/provision';
import { DEV_JWT_SECRET, DEV_STRIPE_WEBHOOK_SECRET, readLocalSettings } from '../../../infra/local/settings';
import { QUEUES, TABLES } from '../../../shared/topology';

describe('readLocalSettings', () => {
  it('falls back to labelled development secrets, port 3000 and .data', () => {
    expect(readLocalSettings({})).toEqual({
      port: 3000,
      dataDir: '.data',
      stripeWebhookSecrets: [DEV_STRIPE_WEBHOOK_SECRET],
      jwtSecret: DEV_JWT_SECRET,
      internalApiToken: undefined,
      devDefaults: { stripeWebhookSecret: true, jwtSecret: true },
    });
  });

  it('reads comma-separated Stripe secrets and the other variables', () => {
    const settings = readLocalSettings({
      STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old',
      LOCAL_JWT_SECRET: 'jwt',
      PORT: '4000',
      DATA_DIR: '/tmp/x',
      INTERNAL_API_TOKEN: 'tok',
    });
    expect(settings).toMatchObject({ port: 4000, dataDir: '/tmp/x', stripeWebhookSecrets: ['whsec_new', 'whsec_old'], jwtSecret: 'jwt', internalApiToken: 'tok' });
    expect(settings.devDefaults).toEqual({ stripeWebhookSecret: false, jwtSecret: false });
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
      ALLOW_HTTP_ENDPOINTS: 'true',
      ALLOWED_PRIVATE_CIDRS: '127.0.0.0/8,::1/128',
    });
    expect(env).toHaveProperty('AWS_PROFILE', undefined);
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
