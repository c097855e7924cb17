import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  processCatalogMessage,
  type CatalogDependencies,
  type CatalogOutcome,
} from '../../shared/catalog/process-catalog-event';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { createQueuedWebhookConsumer } from '../../shared/inbound/queued-webhook-consumer';
import { decodeQueuedBody } from '../../shared/inbound/queued-webhook';
import { processLogged, type InboundLogging, type Processed } from '../../shared/inbound/log/logged-processing';
import { receivedEventOf } from '../../shared/inbound/log/received-event';

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
  /** The inbound event log: deduplication on the provider's event id, outcomes, replays. */
  readonly inboundLog: InboundLogging;
}

/** The log's view of a catalog outcome. */
function tryResultOf(outcome: CatalogOutcome): Processed {
  const base = { orgId: outcome.orgId, ...(outcome.reason !== undefined && { reason: outcome.reason }) };
  if (outcome.outcome !== 'processed') return { ...base, status: outcome.outcome, changed: false, effects: {} };
  return {
    ...base,
    status: 'applied',
    changed: outcome.applied > 0 || outcome.published.length > 0,
    effects: {
      ...(outcome.written.length > 0 && { catalogItems: outcome.written }),
      ...(outcome.published.length > 0 && { publishedEventIds: outcome.published }),
    },
  };
}

const METRIC = METRIC_NAMES.catalogConsumer;

export function createCatalogConsumer(deps: CatalogConsumerDependencies) {
  const { logger, metrics } = deps.observability;

  function record(outcome: CatalogOutcome): void {
    if (outcome.outcome === 'ignored' || outcome.outcome === 'unmatched')
      metrics.addMetric(METRIC[outcome.outcome], MetricUnit.Count, 1);
    for (const kind of ['applied', 'stale', 'duplicate'] as const) {
      if (outcome[kind] > 0) metrics.addMetric(METRIC[kind], MetricUnit.Count, outcome[kind]);
    }
    if (outcome.published.length > 0)
      metrics.addMetric(METRIC.stockoutPublished, MetricUnit.Count, outcome.published.length);
    const { pull } = outcome;
    if (pull?.status === 'pulled') {
      metrics.addMetric(METRIC.pulled, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.objectsPulled, MetricUnit.Count, pull.objects);
      if (pull.invalid > 0)
        logger.warn('Square catalog objects without the expected shape were left out of the pull', {
          invalid: pull.invalid,
          merchantId: outcome.account,
        });
    }
    if (pull?.status === 'skipped') {
      metrics.addMetric(METRIC.pullSkipped, MetricUnit.Count, 1);
      const context = { merchantId: outcome.account, orgId: outcome.orgId };
      // No token is a deployment choice; a token of another merchant is a misconfiguration.
      if (pull.reason === 'no_access_token')
        logger.info('Square catalog pull skipped: no access token; the catalog version was recorded', context);
      else
        logger.warn(
          'Square catalog pull skipped: the access token belongs to another merchant; the catalog version was recorded',
          context,
        );
    }
    const summary = {
      provider: outcome.provider,
      account: outcome.account,
      orgId: outcome.orgId,
      applied: outcome.applied,
      stale: outcome.stale,
      duplicate: outcome.duplicate,
      published: outcome.published,
      pull,
      ...(outcome.lifecycle && { lifecycle: outcome.lifecycle }),
    };
    if (outcome.outcome === 'unmatched')
      logger.info('Catalog event kept: no organisation has connected this account', summary);
    else if (outcome.outcome === 'ignored')
      logger.info('Catalog event ignored', { ...summary, reason: outcome.reason });
    else logger.info('Catalog event processed', summary);
  }

  return createQueuedWebhookConsumer({
    label: 'Catalog',
    observability: deps.observability,
    maxReceiveCount: deps.maxReceiveCount,
    failedMetric: METRIC.failed,
    handle: async (message) => {
      const run = async () => {
        const outcome = await processCatalogMessage(message, deps);
        record(outcome);
        return tryResultOf(outcome);
      };
      const received = receivedEventOf(message, decodeQueuedBody(message));
      if ((await processLogged(deps.inboundLog, received, run)) === 'duplicate') {
        const duplicate =
          received.provider === 'square' ? METRIC.squareDuplicateReceipt : METRIC.shopifyDuplicateReceipt;
        metrics.addMetric(duplicate, MetricUnit.Count, 1);
        logger.info('Catalog event received again: counted, not applied again');
      }
    },
  });
}
