import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processCatalogMessage, type CatalogDependencies, type CatalogOutcome } from '../../shared/catalog/process-catalog-event';
import { METRIC_NAMES } from '../../shared/metric-names';
import type { Observability } from '../../shared/observability';
import { queuedWebhookSchema } from '../../shared/queue-message';

/**
 * SQS → catalog. Each message is processed on its own; failures are reported per message
 * (`ReportBatchItemFailures`), so one bad message is retried (and after `maxReceiveCount` moved to
 * the DLQ) without holding back the rest of its batch. Events from accounts no organisation has
 * connected are kept for replay and count as processed.
 */

export interface CatalogConsumerDependencies extends CatalogDependencies {
  readonly observability: Observability;
  /** Receives before SQS moves a message to the DLQ; used to say so in the log. */
  readonly maxReceiveCount: number;
}

const METRIC = METRIC_NAMES.catalogConsumer;

export function createCatalogConsumer(deps: CatalogConsumerDependencies) {
  const { logger, metrics } = deps.observability;

  function record(outcome: CatalogOutcome): void {
    if (outcome.outcome === 'ignored' || outcome.outcome === 'unmatched') metrics.addMetric(METRIC[outcome.outcome], MetricUnit.Count, 1);
    for (const kind of ['applied', 'stale', 'duplicate'] as const) {
      if (outcome[kind] > 0) metrics.addMetric(METRIC[kind], MetricUnit.Count, outcome[kind]);
    }
    if (outcome.published.length > 0) metrics.addMetric(METRIC.stockoutPublished, MetricUnit.Count, outcome.published.length);
    const { pull } = outcome;
    if (pull?.status === 'pulled') {
      metrics.addMetric(METRIC.pulled, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.objectsPulled, MetricUnit.Count, pull.objects);
      if (pull.invalid > 0) logger.warn('Square catalog objects without the expected shape were left out of the pull', { invalid: pull.invalid, merchantId: outcome.account });
    }
    if (pull?.status === 'skipped') {
      metrics.addMetric(METRIC.pullSkipped, MetricUnit.Count, 1);
      const context = { merchantId: outcome.account, orgId: outcome.orgId };
      // No token is a deployment choice; a token of another merchant is a misconfiguration.
      if (pull.reason === 'no_access_token') logger.info('Square catalog pull skipped: no access token; the catalog version was recorded', context);
      else logger.warn('Square catalog pull skipped: the access token belongs to another merchant; the catalog version was recorded', context);
    }
    const summary = { provider: outcome.provider, account: outcome.account, orgId: outcome.orgId, applied: outcome.applied, stale: outcome.stale, duplicate: outcome.duplicate, published: outcome.published, pull };
    if (outcome.outcome === 'unmatched') logger.info('Catalog event kept: no organisation has connected this account', summary);
    else if (outcome.outcome === 'ignored') logger.info('Catalog event ignored', { ...summary, reason: outcome.reason });
    else logger.info('Catalog event processed', summary);
  }

  async function processRecord(sqsRecord: SQSRecord): Promise<void> {
    const receiveCount = Number(sqsRecord.attributes.ApproximateReceiveCount);
    logger.appendKeys({ messageId: sqsRecord.messageId, receiveCount });
    try {
      const message = queuedWebhookSchema.parse(JSON.parse(sqsRecord.body));
      logger.appendKeys({ correlationId: message.correlationId, source: message.source, eventId: message.eventId, eventType: message.eventType });
      record(await processCatalogMessage(message, deps));
    } catch (error) {
      metrics.addMetric(METRIC.failed, MetricUnit.Count, 1);
      const lastAttempt = receiveCount >= deps.maxReceiveCount;
      logger.error(lastAttempt ? 'Catalog event failed for the last time; SQS moves it to the dead-letter queue' : 'Catalog event failed; it will be retried', { error });
      throw error;
    } finally {
      logger.resetKeys();
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
