import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundLogConfig } from '../../platform/config';
import { inboundLogStoreFor } from './inbound-log-store';
import type { InboundLogging } from './logged-processing';

/** The inbound log as every function that writes it builds it from its configuration. */
export function inboundLoggingFor(documents: DynamoDBDocumentClient, config: InboundLogConfig): InboundLogging {
  return {
    store: inboundLogStoreFor(documents, config),
    retentionDays: config.retentionDays,
    now: () => new Date(),
  };
}
