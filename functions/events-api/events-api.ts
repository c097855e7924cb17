import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../../shared/platform/aws/queue';
import { EnqueueError } from '../../shared/platform/errors';
import { InvalidEventError } from '../../shared/events/errors';
import { parsePlatformEvent } from '../../shared/events/event-catalog';
import { publishEvent } from '../../shared/events/publish';
import { mayPublish, publisherOf, type PublisherAllowlist } from '../../shared/events/publishers';
import { problem } from '../../shared/platform/http/problem';
import { rawBody } from '../../shared/platform/http/raw-body';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';

/**
 * `POST /internal/events`: how Better Data services publish a domain event over HTTP (the other
 * way in is the events queue itself, open only to the platform's own roles). IAM-authorised in AWS;
 * the caller's role must be on the publisher allowlist for the event's type and owner kind (else 403),
 * the event is validated against the catalog, queued for fan-out, and answered 202 with the message id
 * tenants will see.
 */

export interface EventsApiDependencies {
  readonly queue: QueueSender;
  readonly publishers: PublisherAllowlist;
  readonly observability: Observability;
}

const METRIC = METRIC_NAMES.eventsApi;

type EventWithIam = APIGatewayProxyEventV2 & { requestContext: { authorizer?: { iam?: { userArn?: string } } } };

export function createEventsApiHandler(deps: EventsApiDependencies) {
  const { logger, metrics } = deps.observability;

  function refuse(callerArn: string, reason: string): HttpResult {
    metrics.addMetric(METRIC.forbidden, MetricUnit.Count, 1);
    logger.warn('Publisher refused', { caller: callerArn, reason });
    return problem(403, 'publisher_not_allowed', reason);
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const caller = (event as EventWithIam).requestContext.authorizer?.iam;
    // API Gateway's IAM authorizer runs first; this only guards against a route left without it.
    if (!caller?.userArn) return problem(403, 'forbidden', 'This route needs an IAM-signed request');
    const publisher = publisherOf(deps.publishers, caller.userArn);
    if (!publisher.allowed) return refuse(caller.userArn, publisher.reason);
    let input: unknown;
    try {
      input = JSON.parse(rawBody(event).toString('utf8'));
    } catch {
      return problem(400, 'invalid_json', 'The body is not valid JSON');
    }
    const correlationId = event.requestContext.requestId;
    try {
      const decision = mayPublish(deps.publishers, caller.userArn, parsePlatformEvent(input));
      if (!decision.allowed) return refuse(caller.userArn, decision.reason);
      const { messageId, event: published } = await publishEvent(input, deps.queue, correlationId);
      metrics.addMetric(METRIC.accepted, MetricUnit.Count, 1);
      logger.info('Event accepted', {
        messageId,
        eventId: published.id,
        eventType: published.type,
        orgId: published.orgId,
        ...(published.merchantId !== undefined && { merchantId: published.merchantId }),
        caller: caller.userArn,
        correlationId,
      });
      return json(202, { messageId });
    } catch (error) {
      if (error instanceof InvalidEventError) {
        metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
        return problem(422, 'invalid_event', error.message, error.issues);
      }
      if (error instanceof EnqueueError) {
        logger.error('Could not queue the event', { error, correlationId });
        return problem(
          503,
          'enqueue_failed',
          'The event could not be queued; publish it again (the same id is delivered once)',
        );
      }
      throw error;
    }
  }

  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await handle(event);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
