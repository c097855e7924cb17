import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Observability } from '../observability';

/**
 * The shell of every SQS consumer (billing, catalog, fan-out, delivery): the Lambda context on the
 * logger, failures reported per message (`ReportBatchItemFailures`, so one bad message is retried
 * without holding back the rest of its batch) and the metrics flushed once per invocation, whatever
 * happened. The consumer supplies only what to do with one record.
 */
export type RecordHandler = (record: SQSRecord) => Promise<void>;

/** One invocation's work: its record handler, and what to finish once every record is done. */
export interface BatchScope {
  readonly processRecord: RecordHandler;
  readonly finish?: () => Promise<void>;
}

export interface SqsConsumerShell {
  readonly observability: Observability;
  /** Side by side (a slow record does not hold back the others) or one at a time (log keys per message). */
  readonly inParallel: boolean;
  /** The same handler for every batch, or a fresh scope per batch (e.g. stats summed per batch). */
  readonly handler: { readonly processRecord: RecordHandler } | { readonly startBatch: () => BatchScope };
}

export function createSqsConsumer(shell: SqsConsumerShell) {
  const { logger, metrics } = shell.observability;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const batch: BatchScope = 'startBatch' in shell.handler ? shell.handler.startBatch() : shell.handler;
    try {
      return await processPartialResponse(event, batch.processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: shell.inParallel,
      });
    } finally {
      await batch.finish?.();
      metrics.publishStoredMetrics();
    }
  };
}
