import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundLogConfig } from '../../platform/config';
import { lazyObjectStore } from '../../platform/aws/object-store';
import { createInboundLogStore, type InboundLogStore } from './inbound-log-store';
import type { InboundLogging } from './logged-processing';

/** The store as the functions build it from their configuration, large bodies in the bucket. */
export function inboundLogStoreFor(documents: DynamoDBDocumentClient, config: InboundLogConfig): InboundLogStore {
  return createInboundLogStore(documents, config.inboundTable, lazyObjectStore(config.inboundBodiesBucket));
}

/** The inbound log as every function that writes it builds it from its configuration. */
export function inboundLoggingFor(documents: DynamoDBDocumentClient, config: InboundLogConfig): InboundLogging {
  return {
    store: inboundLogStoreFor(documents, config),
    retentionDays: config.retentionDays,
    now: () => new Date(),
  };
}
