import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../aws/queue';
import type { Observability } from '../observability';
import { errorResponse, type HttpResult } from './responses';

/**
 * What every webhook receiver does once a request is verified: queue it, and acknowledge only when
 * the queue holds it. A failed enqueue answers 500 so the sender retries; nothing is lost.
 */
export async function queueVerifiedWebhook(options: {
  readonly queue: QueueSender;
  readonly body: string;
  readonly attributes: Record<string, string>;
  /** Who sent it, for the log and the 500's message (`Stripe`, `Square`, …). */
  readonly sender: string;
  readonly metricNames: { readonly queued: string; readonly enqueueFailed: string };
  readonly observability: Observability;
}): Promise<'queued' | HttpResult> {
  const { logger, metrics } = options.observability;
  try {
    const messageId = await options.queue.send(options.body, { attributes: options.attributes });
    logger.info(`${options.sender} event queued`, { messageId });
  } catch (error) {
    metrics.addMetric(options.metricNames.enqueueFailed, MetricUnit.Count, 1);
    logger.error(`Could not queue ${options.sender} event; answering 500 so it is sent again`, { error });
    return errorResponse(500, 'enqueue_failed', `The event could not be queued; ${options.sender} will retry`);
  }
  metrics.addMetric(options.metricNames.queued, MetricUnit.Count, 1);
  return 'queued';
}

/** Wraps an HTTP handler so each invocation flushes its metrics and drops its log keys. */
export function flushingObservability(observability: Observability, handle: (event: APIGatewayProxyEventV2) => Promise<HttpResult>) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await handle(event);
    } finally {
      observability.metrics.publishStoredMetrics();
      observability.logger.resetKeys();
    }
  };
}
