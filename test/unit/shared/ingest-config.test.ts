import { describe, expect, it } from 'vitest';
import {
  MAX_SOURCE_BODY_BYTES,
  loadShopifyIngestConfig,
  loadSourcesIngestConfig,
  loadSquareIngestConfig,
} from '../../../shared/platform/config';
import { ConfigurationError } from '../../../shared/platform/errors';

const base = {
  CATALOG_QUEUE_URL: 'http://sqs/catalog',
  CONNECTIONS_TABLE_NAME: 'connections',
  INBOUND_SOURCES_QUEUE_URL: 'http://sqs/inbound',
};

describe('Module: ingest configuration', () => {
  describe('Function: loadSquareIngestConfig', () => {
    it('reads the key list from the environment and keeps the notification URL verbatim', () => {
      const config = loadSquareIngestConfig({
        ...base,
        SQUARE_SIGNATURE_KEY: 'k1,k2',
        SQUARE_NOTIFICATION_URL: 'https://hooks.example.com/api/webhooks/square/',
      });
      expect(config).toEqual({
        catalogQueueUrl: 'http://sqs/catalog',
        connectionsTable: 'connections',
        signatureKey: { kind: 'value', value: 'k1,k2' },
        notificationUrl: 'https://hooks.example.com/api/webhooks/square/',
        maxBodyBytes: 512 * 1024,
      });
    });

    it('reads the key from Secrets Manager in AWS, and leaves the URL unset when it is', () => {
      const config = loadSquareIngestConfig({
        ...base,
        SQUARE_SIGNATURE_KEY_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:square',
      });
      expect(config.signatureKey).toEqual({
        kind: 'secretsManager',
        secretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:square',
      });
      expect(config.notificationUrl).toBeUndefined();
    });

    it('fails at cold start without a key or with a URL that is not http(s)', () => {
      expect(() => loadSquareIngestConfig(base)).toThrow(ConfigurationError);
      expect(() =>
        loadSquareIngestConfig({
          ...base,
          SQUARE_SIGNATURE_KEY: 'k',
          SQUARE_NOTIFICATION_URL: 'ftp://hooks.example.com/x',
        }),
      ).toThrow(/SQUARE_NOTIFICATION_URL/);
    });
  });

  describe('Function: loadShopifyIngestConfig', () => {
    it('needs the client secret', () => {
      expect(loadShopifyIngestConfig({ ...base, SHOPIFY_API_SECRET: 's1,s2' }).apiSecret).toEqual({
        kind: 'value',
        value: 's1,s2',
      });
      expect(() => loadShopifyIngestConfig(base)).toThrow(/SHOPIFY_API_SECRET/);
    });
  });

  describe('Function: loadSourcesIngestConfig', () => {
    it('defaults the retention to 30 days and caps bodies to what a listing item can hold', () => {
      const config = loadSourcesIngestConfig({ ...base, ENDPOINT_SECRETS_LOCAL_KEY: 'local-key-material-0123456789' });
      expect(config).toMatchObject({
        sourceEventRetentionDays: 30,
        maxBodyBytes: MAX_SOURCE_BODY_BYTES,
        endpointSecretsKey: { kind: 'local' },
      });
      expect(
        loadSourcesIngestConfig({
          ...base,
          ENDPOINT_SECRETS_LOCAL_KEY: 'local-key-material-0123456789',
          SOURCE_EVENT_RETENTION_DAYS: '7',
          MAX_WEBHOOK_BODY_BYTES: '1000',
        }),
      ).toMatchObject({
        sourceEventRetentionDays: 7,
        maxBodyBytes: 1000,
      });
    });
  });
});
