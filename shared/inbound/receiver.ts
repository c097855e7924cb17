import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { QueueSender } from '../platform/aws/queue';
import type { Observability } from '../platform/observability';
import { errorResponse, type HttpResult } from '../platform/http/responses';

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
export function flushingObservability(
  observability: Observability,
  handle: (event: APIGatewayProxyEventV2) => Promise<HttpResult>,
) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await handle(event);
    } finally {
      observability.metrics.publishStoredMetrics();
      observability.logger.resetKeys();
    }
  };
}

/**
 * Reads a verified body as JSON and checks it is the sender's event envelope. A failure names what
 * is wrong (`invalid_json`, or `notEventCode` with the offending fields) for a 400 answer.
 */
export function parseSignedEnvelope<T>(
  payload: Buffer,
  schema: z.ZodType<T>,
  notEventCode: string,
  sender: string,
): { ok: true; envelope: T } | { ok: false; error: string; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, error: 'invalid_json', message: 'The signed body is not valid JSON' };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, envelope: result.data };
  const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
  return { ok: false, error: notEventCode, message: `The signed body is not a ${sender} event (check: ${fields})` };
}
