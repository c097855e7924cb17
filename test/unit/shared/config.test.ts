import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ORG_OPERATIONS_PER_MINUTE,
  loadCatalogConsumerConfig,
  loadDeliveryConfig,
  loadJobWorkerConfig,
  loadSweeperConfig,
  loadWebhooksApiConfig,
} from '../../../shared/platform/config';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../../../shared/platform/delivery-defaults';
import { ConfigurationError } from '../../../shared/platform/errors';
import { ENV } from '../../../shared/platform/topology';

const DELIVERY_ENV = {
  [ENV.webhooksTable]: 'webhooks',
  [ENV.opsTable]: 'ops',
  [ENV.deliveryQueueUrl]: 'http://sqs/delivery',
  ENDPOINT_SECRETS_LOCAL_KEY: 'local-key',
};

const JOBS_ENV = { [ENV.jobsTable]: 'jobs', [ENV.jobsQueueUrl]: 'http://sqs/jobs' };

describe('Module: config (settings read through one table)', () => {
  describe('Function: loadDeliveryConfig', () => {
    it('applies every default where nothing is set, and returns exactly the delivery fields', () => {
      // Act
      const config = loadDeliveryConfig(DELIVERY_ENV);

      // Assess
      expect(config).toEqual({
        webhooksTable: 'webhooks',
        opsTable: 'ops',
        opsTopicArn: undefined,
        deliveryQueueUrl: 'http://sqs/delivery',
        endpointSecretsKey: { kind: 'local', keyMaterial: 'local-key' },
        allowHttp: false,
        policy: { allowedPrivateCidrs: [] },
        scheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
        timeoutMs: 15_000,
        disableAfterMs: 5 * 86_400_000,
        attemptRetentionDays: 30,
        alertRetentionDays: 90,
        admission: { concurrencyCap: 10, breakerThreshold: 5, probeIntervalMs: 60_000, unprovenTimeoutMs: 2_500 },
        dnsTimeoutMs: 5_000,
      });
    });

    it('parses durations, flags, the private-address allowlist and bounded numbers', () => {
      // Act
      const config = loadDeliveryConfig({
        ...DELIVERY_ENV,
        [ENV.deliveryRetrySchedule]: '5s, 1m',
        [ENV.endpointDisableAfter]: '2d',
        [ENV.allowHttpEndpoints]: '1',
        [ENV.allowedPrivateCidrs]: '127.0.0.0/8',
        [ENV.circuitProbeInterval]: '30s',
        [ENV.endpointConcurrencyCap]: '3',
        [ENV.unprovenEndpointTimeoutMs]: '1500',
      });

      // Assess
      expect(config.scheduleMs).toEqual([5_000, 60_000]);
      expect(config.disableAfterMs).toBe(2 * 86_400_000);
      expect(config.allowHttp).toBe(true);
      expect(config.policy.allowedPrivateCidrs.map((cidr) => cidr.text)).toEqual(['127.0.0.0/8']);
      expect(config.admission).toEqual({
        concurrencyCap: 3,
        breakerThreshold: 5,
        probeIntervalMs: 30_000,
        unprovenTimeoutMs: 1_500,
      });
    });

    it('names the variable and the problem of a value out of bounds', () => {
      // Act
      const load = () => loadDeliveryConfig({ ...DELIVERY_ENV, [ENV.deliveryTimeoutMs]: '99' });

      // Assess
      expect(load).toThrow(ConfigurationError);
      expect(load).toThrow(/Environment variable DELIVERY_TIMEOUT_MS is invalid: .*100/);
    });

    it('reports the first missing setting in the order the loader reads them', () => {
      expect(() => loadDeliveryConfig({})).toThrow(/WEBHOOKS_TABLE_NAME is invalid/);
    });
  });

  describe('Function: loadWebhooksApiConfig', () => {
    it('is the delivery settings plus the jobs and the API’s own limits', () => {
      // Act
      const config = loadWebhooksApiConfig({ ...DELIVERY_ENV, ...JOBS_ENV, [ENV.maxEndpointsPerOrg]: '7' });

      // Assess
      expect(config).toEqual({
        ...loadDeliveryConfig(DELIVERY_ENV),
        jobsTable: 'jobs',
        jobsQueueUrl: 'http://sqs/jobs',
        jobRetentionDays: 30,
        maxEndpointsPerOrg: 7,
        messageRetentionDays: 30,
        orgOperationsPerMinute: DEFAULT_ORG_OPERATIONS_PER_MINUTE,
      });
    });

    it('refuses more endpoints per organisation than the platform allows', () => {
      const load = () => loadWebhooksApiConfig({ ...DELIVERY_ENV, ...JOBS_ENV, [ENV.maxEndpointsPerOrg]: '5000' });
      expect(load).toThrow(/MAX_ENDPOINTS_PER_ORG is invalid/);
    });
  });

  describe('Function: loadCatalogConsumerConfig', () => {
    const CATALOG_ENV = {
      [ENV.catalogTable]: 'catalog',
      [ENV.connectionsTable]: 'connections',
      [ENV.eventsQueueUrl]: 'http://sqs/events',
    };

    it('leaves the ops table, topic and secrets key unset when they are', () => {
      expect(loadCatalogConsumerConfig(CATALOG_ENV)).toEqual({
        catalogTable: 'catalog',
        connectionsTable: 'connections',
        eventsQueueUrl: 'http://sqs/events',
        squareAccessToken: undefined,
        alertRetentionDays: 90,
        endpointSecretsKey: undefined,
        opsTable: undefined,
        opsTopicArn: undefined,
      });
    });

    it('reads the secrets key and the ops table when set', () => {
      // Act
      const config = loadCatalogConsumerConfig({
        ...CATALOG_ENV,
        [ENV.endpointSecretsKmsKeyId]: 'arn:kms',
        [ENV.opsTable]: 'ops',
      });

      // Assess
      expect(config.endpointSecretsKey).toEqual({ kind: 'kms', keyId: 'arn:kms' });
      expect(config.opsTable).toBe('ops');
    });
  });

  describe('Functions: loadJobWorkerConfig, loadSweeperConfig', () => {
    it('read the same setting the same way wherever it is used', () => {
      // Prepare
      const env = { ...DELIVERY_ENV, ...JOBS_ENV, [ENV.deliveryTimeoutMs]: '2000', [ENV.recoveryPageSize]: '20' };

      // Act
      const jobWorker = loadJobWorkerConfig(env);
      const sweeper = loadSweeperConfig(env);

      // Assess
      expect(jobWorker).toEqual({
        jobsTable: 'jobs',
        jobsQueueUrl: 'http://sqs/jobs',
        jobRetentionDays: 30,
        webhooksTable: 'webhooks',
        deliveryQueueUrl: 'http://sqs/delivery',
        recoveryPageSize: 20,
      });
      expect(sweeper).toEqual({ webhooksTable: 'webhooks', deliveryQueueUrl: 'http://sqs/delivery', timeoutMs: 2_000 });
      expect(sweeper.timeoutMs).toBe(loadDeliveryConfig(env).timeoutMs);
    });
  });
});
