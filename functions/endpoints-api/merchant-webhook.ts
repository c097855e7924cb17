import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MERCHANT_EVENT_TYPES } from '../../shared/events/event-catalog';
import { isConditionalCheckFailed } from '../../shared/platform/aws/pagination';
import type { MerchantRoute } from '../../shared/platform/http/merchant-router';
import { parseJsonBody } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, noContent, secretJson, type HttpResult } from '../../shared/platform/http/responses';
import { redactEndpointUrl } from '../../shared/outbound/transport/endpoint-url';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { endpointView, newEndpointRecord, type EndpointRecord } from '../../shared/outbound/endpoint';
import { DEFAULT_MERCHANT_EVENT_TYPES, merchantWebhookSchema } from '../../shared/outbound/endpoint-requests';
import { merchantEndpointIdFor } from '../../shared/events/ids';
import type { WebhooksApiDependencies } from './dependencies';
import { validateEndpointFields } from './endpoint-fields';
import { readEndpointAttempts, readMessage } from './endpoint-reads';
import { merchantWebhookRoute, type EndpointOperation } from './endpoint-route';
import { readEndpointStats, readRecovery, recoverEndpoint, rotateEndpointSecret } from './operations';

/**
 * Federation webhooks: a Commerce Gateway merchant's one `webhookUrl` for `federation.*` events. It is
 * an endpoint like an organisation's — stored under `MERCHANT#<merchant>` with a fixed id — so the
 * delivery engine (signing, retries, attempt log, SSRF rules, stats, rotation, recovery) is the same.
 */

function merchantWebhookView(endpoint: EndpointRecord) {
  return { merchantId: endpoint.merchantId ?? '', webhookUrl: endpoint.url, ...endpointView(endpoint) };
}

const webhookNotFound = () => problem(404, 'webhook_not_found', 'No webhook is configured for this merchant');
const PATH = '/v1/merchants/{merchantId}/webhook';

/**
 * `PUT …/webhook`: configures the merchant's webhook, creating it (and its secret, shown once) the
 * first time; configuring it again replaces URL, filters and limit and switches it back on.
 */
async function putMerchantWebhook(
  deps: WebhooksApiDependencies,
  merchantId: string,
  event: APIGatewayProxyEventV2,
): Promise<HttpResult> {
  const input = parseJsonBody(event, merchantWebhookSchema);
  const eventTypes = input.eventTypes ?? [...DEFAULT_MERCHANT_EVENT_TYPES];
  const url = validateEndpointFields(
    deps.settings,
    { url: input.webhookUrl, eventTypes },
    MERCHANT_EVENT_TYPES,
  ) as string;
  // PUT replaces the configuration: an absent limit means none.
  const limit = input.rateLimitPerSecond ?? null;
  const owner = { merchantId };
  const endpointId = merchantEndpointIdFor(merchantId);
  const at = deps.now().toISOString();
  const update = async () => {
    // Configuring the webhook again also switches it back on (and restarts its health).
    const updated = await deps.endpoints.update(
      owner,
      endpointId,
      { url, eventTypes, rateLimitPerSecond: limit, enabled: true, disabledReason: null, disabledAt: null },
      at,
    );
    return updated ? json(200, merchantWebhookView(updated)) : undefined;
  };
  if (await deps.endpoints.get(owner, endpointId)) {
    const answer = await update();
    if (answer) return answer;
  }
  const secret = generateSigningSecret();
  const endpoint = await newEndpointRecord(
    { owner, endpointId, url, description: 'Federation webhook', eventTypes, rateLimitPerSecond: limit, at },
    secret,
    deps.cipher,
  );
  try {
    await deps.endpoints.create(endpoint);
  } catch (error) {
    // A concurrent PUT created it first: this one is an update, and its secret was never stored.
    if (!isConditionalCheckFailed(error)) throw error;
    return (await update()) ?? problem(409, 'conflict', 'The webhook changed concurrently; try again');
  }
  deps.observability.logger.info('Merchant webhook created', { merchantId, endpointId, url: redactEndpointUrl(url) });
  // The only time the secret is shown: it is stored encrypted and never returned again.
  return secretJson(
    201,
    { ...merchantWebhookView(endpoint), secret },
    { location: `/v1/merchants/${merchantId}/webhook` },
  );
}

const readMerchantWebhook: EndpointOperation = async (deps, owner, endpointId) => {
  const endpoint = await deps.endpoints.get(owner, endpointId);
  return endpoint ? json(200, merchantWebhookView(endpoint)) : webhookNotFound();
};

const deleteMerchantWebhook: EndpointOperation = async (deps, owner, endpointId) =>
  (await deps.endpoints.delete(owner, endpointId)) ? noContent() : webhookNotFound();

/**
 * The merchant's routes. Operating the webhook (rotation, attempts, stats, recovery, messages) uses
 * the very handlers of organisation endpoints, with the merchant as owner.
 */
export function createMerchantRoutes(deps: WebhooksApiDependencies): Record<string, MerchantRoute> {
  return {
    [`PUT ${PATH}`]: { role: 'admin', handle: ({ merchantId, event }) => putMerchantWebhook(deps, merchantId, event) },
    [`GET ${PATH}`]: merchantWebhookRoute(deps, 'member', readMerchantWebhook),
    [`DELETE ${PATH}`]: merchantWebhookRoute(deps, 'admin', deleteMerchantWebhook),
    [`POST ${PATH}/secret/rotate`]: merchantWebhookRoute(deps, 'admin', rotateEndpointSecret),
    [`GET ${PATH}/attempts`]: merchantWebhookRoute(deps, 'member', readEndpointAttempts),
    [`GET ${PATH}/stats`]: merchantWebhookRoute(deps, 'member', readEndpointStats),
    [`POST ${PATH}/recover`]: merchantWebhookRoute(deps, 'admin', recoverEndpoint),
    [`GET ${PATH}/recoveries/{recoveryId}`]: {
      role: 'member',
      handle: async ({ merchantId, event }) =>
        readRecovery(deps, { merchantId }, event.pathParameters?.recoveryId ?? ''),
    },
    [`GET ${PATH}/messages/{messageId}`]: {
      role: 'member',
      handle: async ({ merchantId, event }) => readMessage(deps, { merchantId }, event.pathParameters?.messageId ?? ''),
    },
  };
}
