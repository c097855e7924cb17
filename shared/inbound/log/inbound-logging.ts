import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundLogConfig } from '../../platform/config';
import { createInboundLogStore } from './inbound-log-store';
import type { InboundLogging } from './logged-processing';

/** The inbound log as every function that writes it builds it from its configuration. */
export function inboundLoggingFor(
  documents: DynamoDBDocumentClient,
  s3: S3Client,
  config: InboundLogConfig,
): InboundLogging {
  return {
    store: createInboundLogStore(documents, s3, config.inboundTable, config.inboundBodiesBucket),
    retentionDays: config.retentionDays,
    now: () => new Date(),
  };
}
