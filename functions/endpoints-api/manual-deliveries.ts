import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { exampleEvent, type PlatformEvent } from '../../shared/events/event-catalog';
import { messageIdFor, newManualId, orgScope } from '../../shared/events/ids';
import { ownedByOrg } from '../../shared/events/owner';
import { deliver, type DeliveryOutcome } from '../../shared/outbound/deliver';
import type { EndpointRecord } from '../../shared/outbound/endpoint';
import { resendSchema, testSchema } from '../../shared/outbound/endpoint-requests';
import { messageBody, newDelivery } from '../../shared/outbound/fanout';
import type { Attempt, StoredMessage } from '../../shared/outbound/messages-store';
import { attemptView } from '../../shared/outbound/views';
import { parseJsonBody, parseOptionalJsonBody } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { WebhooksApiDependencies } from './dependencies';
import { endpointNotFound } from './endpoint-reads';
import { operableEndpoint, refuseOperation } from './operation-limit';
import type { EndpointOperation } from './endpoint-route';

/**
 * Deliveries an admin asks for: a test event to one endpoint, and a message sent again. Both go
 * through `deliver()`, the one delivery path (claim, sign, post, log, settle), and answer with the
 * attempt they made.
 */

const METRIC = METRIC_NAMES.endpointsApi;

function count(deps: WebhooksApiDependencies, metric: string): void {
  deps.observability.metrics.addMetric(metric, MetricUnit.Count, 1);
  deps.observability.metrics.publishStoredMetrics();
}

/** The attempt a test send or resend made, read back from the attempt log. */
async function attemptAnswer(
  deps: WebhooksApiDependencies,
  delivery: { messageId: string; endpointId: string; outcome: DeliveryOutcome },
  pick: (attempt: Attempt) => boolean,
): Promise<HttpResult> {
  const { messageId, endpointId, outcome } = delivery;
  const { attempts } = await deps.messages.messageHistory(messageId);
  const attempt = attempts.find((candidate) => candidate.endpointId === endpointId && pick(candidate));
  if (!attempt)
    return problem(
      409,
      'not_attempted',
      `The delivery was not attempted (${outcome.kind === 'skipped' ? outcome.reason : outcome.kind})`,
    );
  return json(200, { messageId, endpointId, attempt: attemptView(attempt) });
}

/**
 * A message of its own, delivered to this endpoint only: no fan-out, so no other endpoint sees it.
 * Answers the message id.
 */
async function storeTestMessage(
  deps: WebhooksApiDependencies,
  endpoint: EndpointRecord,
  test: { orgId: string; example: PlatformEvent; correlationId: string; now: Date },
): Promise<string> {
  const { orgId, example, correlationId, now } = test;
  const createdAt = now.toISOString();
  const messageId = messageIdFor(orgScope(orgId), example.id);
  const expiresAt = Math.floor(now.getTime() / 1_000) + deps.settings.messageRetentionDays * 86_400;
  const message: StoredMessage = {
    messageId,
    orgId,
    eventId: example.id,
    eventType: example.type,
    occurredAt: createdAt,
    body: messageBody(messageId, example),
    correlationId,
    createdAt,
    fanout: 'complete',
    expiresAt,
  };
  await deps.messages.putMessage(message);
  // A test send goes out whatever the endpoint's state: the operator asked for it.
  await deps.messages.putDeliveryIfAbsent(
    newDelivery(message, { endpointId: endpoint.endpointId, enabled: true }, createdAt),
  );
  await deps.stats.record(endpoint.endpointId, { kind: 'pending', delta: 1, createdAt }, now).catch(() => undefined);
  return messageId;
}

/** `POST …/endpoints/{endpointId}/test`: an example event of the chosen type, to this endpoint. */
export const sendTestEvent: EndpointOperation<string> = async (deps, orgId, endpointId, event) => {
  const input = parseOptionalJsonBody(event, testSchema);
  const operable = await operableEndpoint(deps, orgId, endpointId, 'test');
  if ('refused' in operable) return operable.refused;
  const { endpoint } = operable;
  const now = deps.now();
  const example = exampleEvent(input.eventType ?? 'webhook.test', orgId, {
    id: `evt_test_${randomUUID()}`,
    occurredAt: now.toISOString(),
  }) as PlatformEvent;
  const correlationId = event.requestContext.requestId || randomUUID();
  const messageId = await storeTestMessage(deps, endpoint, { orgId, example, correlationId, now });
  const outcome = await deliver(
    { messageId, orgId, endpointId: endpoint.endpointId, attempt: 1, trigger: 'scheduled', correlationId },
    deps.delivery,
  );
  deps.observability.logger.info('Test event sent', {
    orgId,
    endpointId: endpoint.endpointId,
    messageId,
    eventType: example.type,
    outcome: outcome.kind,
    correlationId,
  });
  count(deps, METRIC.testSent);
  return attemptAnswer(
    deps,
    { messageId, endpointId: endpoint.endpointId, outcome },
    (attempt) => attempt.attempt === 1 && attempt.manualId === undefined,
  );
};

/** `POST …/messages/{messageId}/resend`: the message again, to one endpoint it was routed to. */
export async function resendMessage(
  deps: WebhooksApiDependencies,
  orgId: string,
  event: APIGatewayProxyEventV2,
): Promise<HttpResult> {
  const { endpointId } = parseJsonBody(event, resendSchema);
  const messageId = event.pathParameters?.messageId ?? '';
  const message = await deps.messages.getMessage(messageId);
  if (!message || !ownedByOrg(message, orgId)) return problem(404, 'message_not_found', 'No such message');
  const endpoint = await deps.endpoints.get(orgId, endpointId);
  if (!endpoint) return endpointNotFound();
  if (!(await deps.messages.getDelivery(messageId, endpointId)))
    return problem(404, 'delivery_not_found', 'This message was never routed to that endpoint');
  const refused = await refuseOperation(deps, orgId, endpoint, 'resend');
  if (refused) return refused;
  const manualId = newManualId();
  const correlationId = event.requestContext.requestId || randomUUID();
  const outcome = await deliver(
    { messageId, orgId, endpointId, attempt: 1, trigger: 'manual', manualId, correlationId },
    deps.delivery,
  );
  deps.observability.logger.info('Message resent', {
    orgId,
    endpointId,
    messageId,
    manualId,
    outcome: outcome.kind,
    correlationId,
  });
  count(deps, METRIC.manualResend);
  return attemptAnswer(deps, { messageId, endpointId, outcome }, (attempt) => attempt.manualId === manualId);
}
