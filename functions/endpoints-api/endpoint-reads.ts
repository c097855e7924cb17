import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseQuery } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { ownedBy, type Owner } from '../../shared/events/owner';
import { attemptsQuerySchema } from '../../shared/outbound/endpoint-requests';
import { attemptView, deliveryView } from '../../shared/outbound/views';
import type { WebhooksApiDependencies } from './dependencies';

/** Reads an organisation and a merchant share: an endpoint's attempts and a message's history. */

export const endpointNotFound = (): HttpResult => problem(404, 'endpoint_not_found', 'No such endpoint');

/** `GET …/attempts`: an owner's endpoint's attempts, newest first (an organisation's or a merchant's). */
export async function readEndpointAttempts(
  deps: WebhooksApiDependencies,
  owner: Owner,
  endpointId: string,
  event: APIGatewayProxyEventV2,
): Promise<HttpResult> {
  const query = parseQuery(event, attemptsQuerySchema);
  const endpoint = await deps.endpoints.get(owner, endpointId);
  if (!endpoint) return endpointNotFound();
  const page = await deps.messages.attemptsOfEndpoint(endpoint.endpointId, query);
  return json(200, { items: page.items.map(attemptView), nextCursor: page.nextCursor });
}

/** `GET …/messages/{messageId}`: a message with its deliveries and attempts, only to its owner. */
export async function readMessage(deps: WebhooksApiDependencies, owner: Owner, messageId: string): Promise<HttpResult> {
  const { message, deliveries, attempts } = await deps.messages.messageHistory(messageId);
  if (!message || !ownedBy(message, owner)) return problem(404, 'message_not_found', 'No such message');
  return json(200, {
    id: message.messageId,
    eventId: message.eventId,
    eventType: message.eventType,
    occurredAt: message.occurredAt,
    createdAt: message.createdAt,
    payload: JSON.parse(message.body) as unknown,
    deliveries: deliveries.map(deliveryView),
    attempts: attempts.map(attemptView),
  });
}
