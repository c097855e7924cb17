import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { WebhooksApiConfig } from '../../shared/platform/config';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { MERCHANT_EVENT_TYPES, ORG_EVENT_TYPES } from '../../shared/events/event-catalog';
import { validateEventTypeFilters } from '../../shared/events/filters';
import { createMerchantRouter } from '../../shared/platform/http/merchant-router';
import {
  createOrgRouter,
  pageQuerySchema,
  parseJsonBody,
  parseQuery,
  RequestValidationError,
} from '../../shared/platform/http/org-router';
import { problem, type FieldError } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import type { Observability } from '../../shared/platform/observability';
import { validateEndpointUrl } from '../../shared/outbound/transport/endpoint-url';
import type { IpPolicy } from '../../shared/outbound/transport/ip-policy';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { endpointView, secretContext, type Endpoint } from '../../shared/outbound/endpoint';
import type { EndpointChanges, EndpointsStore } from '../../shared/outbound/endpoints-store';
import { newEndpointId } from '../../shared/events/ids';
import { ownedBy, type Owner } from '../../shared/events/owner';
import type { DeliveryDependencies } from '../../shared/outbound/deliver';
import type { MessagesStore } from '../../shared/outbound/messages-store';
import type { RecoveriesStore } from '../../shared/outbound/recoveries-store';
import type { StatsStore } from '../../shared/outbound/stats-store';
import { attemptView, deliveryView } from '../../shared/outbound/views';
import { createMerchantRoutes } from './merchant-webhook';
import { createOperationRoutes } from './operations';
import type { OperationLimiter } from '../../shared/outbound/admission/org-operations';
import type { AdmissionStore } from '../../shared/outbound/admission/admission-store';
import { rateLimitPerSecondSchema } from '../../shared/outbound/admission/rate-limit-schema';

/**
 * The endpoints API: an organisation's admins register the URLs that receive its events; members may
 * read them and their delivery history. Another organisation's endpoints and messages are 404.
 */

export interface WebhooksApiDependencies {
  readonly endpoints: EndpointsStore;
  readonly messages: MessagesStore;
  readonly cipher: SecretCipher;
  readonly stats: StatsStore;
  readonly recoveries: RecoveriesStore;
  readonly settings: Pick<
    WebhooksApiConfig,
    | 'allowHttp'
    | 'policy'
    | 'maxEndpointsPerOrg'
    | 'messageRetentionDays'
    | 'recoveryMaxPerCall'
    | 'orgOperationsPerMinute'
  > & { readonly policy: IpPolicy };
  readonly now: () => Date;
  readonly observability: Observability;
  /** Endpoints' admission items: their circuit state shows in stats. */
  readonly admission: Pick<AdmissionStore, 'read'>;
  /** Per-owner limits on test sends, resends and recoveries (429 past them). */
  readonly operationLimits: OperationLimiter;
  /** Test sends and resends are delivered through `deliver()` itself. */
  readonly delivery: DeliveryDependencies;
}

const description = z.string().max(500);
const eventTypes = z.array(z.string().max(200)).min(1).max(100);
export const createSchema = z.strictObject({
  url: z.string().max(4_096),
  description: description.optional(),
  eventTypes,
  enabled: z.boolean().optional(),
  rateLimitPerSecond: rateLimitPerSecondSchema.optional(),
});
export const patchSchema = z
  .strictObject({
    url: z.string().max(4_096).optional(),
    description: description.optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional(),
    rateLimitPerSecond: rateLimitPerSecondSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'Name at least one field to change');
export const attemptsQuerySchema = pageQuerySchema.extend({
  status: z.enum(['succeeded', 'failed']).optional(),
  eventType: z.string().max(200).optional(),
});

const endpointNotFound = () => problem(404, 'endpoint_not_found', 'No such endpoint');

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

export function createWebhooksApiHandler(
  deps: WebhooksApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const { settings } = deps;

  /** Checks the URL and the filters beyond their JSON shape; all problems at once. */
  function validateEndpointFields(
    fields: { url?: string; eventTypes?: readonly string[] },
    types: readonly string[] = ORG_EVENT_TYPES,
  ): string | undefined {
    const errors: FieldError[] = [];
    let url: string | undefined;
    if (fields.url !== undefined) {
      const checked = validateEndpointUrl(fields.url, { allowHttp: settings.allowHttp, policy: settings.policy });
      if (checked.ok) url = checked.url;
      else errors.push(...checked.problems);
    }
    if (fields.eventTypes !== undefined) {
      for (const filterProblem of validateEventTypeFilters(fields.eventTypes, types)) {
        errors.push({
          field: filterProblem.index === undefined ? 'eventTypes' : `eventTypes[${filterProblem.index}]`,
          message: filterProblem.message,
        });
      }
    }
    if (errors.length > 0)
      throw new RequestValidationError(
        422,
        `Invalid endpoint: ${[...new Set(errors.map((error) => error.field))].join(', ')}`,
        errors,
      );
    return url;
  }

  const merchantRoutes = createMerchantRoutes(
    deps,
    (fields) => validateEndpointFields(fields, MERCHANT_EVENT_TYPES) as string,
  );
  const merchantRouter = createMerchantRouter(merchantRoutes, deps.observability.logger);
  const orgRouter = createOrgRouter(
    {
      ...createOperationRoutes(deps),

      'GET /v1/orgs/{orgId}/webhooks/endpoints': {
        role: 'member',
        handle: async ({ orgId }) => {
          const endpoints = await deps.endpoints.list(orgId);
          return json(200, {
            items: endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(endpointView),
          });
        },
      },

      'POST /v1/orgs/{orgId}/webhooks/endpoints': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const input = parseJsonBody(event, createSchema);
          const url = validateEndpointFields(input) as string;
          if ((await deps.endpoints.count(orgId)) >= settings.maxEndpointsPerOrg) {
            return problem(
              409,
              'endpoint_limit_reached',
              `An organisation can have at most ${settings.maxEndpointsPerOrg} endpoints`,
            );
          }
          const at = deps.now().toISOString();
          const endpointId = newEndpointId();
          const secret = generateSigningSecret();
          const enabled = input.enabled ?? true;
          const endpoint: Endpoint = {
            endpointId,
            orgId,
            url,
            description: input.description ?? '',
            eventTypes: input.eventTypes,
            enabled,
            disabledReason: enabled ? null : 'manual',
            disabledAt: enabled ? null : at,
            secrets: [
              {
                ciphertext: await deps.cipher.encrypt(secret, secretContext({ orgId, endpointId })),
                createdAt: at,
                expiresAt: null,
              },
            ],
            createdAt: at,
            updatedAt: at,
            failingSince: null,
            lastSuccessAt: null,
            lastFailureAt: null,
            rateLimitPerSecond: input.rateLimitPerSecond ?? null,
          };
          await deps.endpoints.create(endpoint);
          deps.observability.logger.info('Endpoint created', { orgId, endpointId, url });
          // The only time the secret is shown: it is stored encrypted and never returned again.
          return json(
            201,
            { ...endpointView(endpoint), secret },
            { location: `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}` },
          );
        },
      },

      'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'member',
        handle: async ({ orgId, event }) => {
          const endpoint = await deps.endpoints.get(orgId, event.pathParameters?.endpointId ?? '');
          return endpoint ? json(200, endpointView(endpoint)) : endpointNotFound();
        },
      },

      'PATCH /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const endpointId = event.pathParameters?.endpointId ?? '';
          const patch = parseJsonBody(event, patchSchema);
          const url = validateEndpointFields(patch);
          const current = await deps.endpoints.get(orgId, endpointId);
          if (!current) return endpointNotFound();
          const at = deps.now().toISOString();
          const changes: EndpointChanges = {
            ...(url !== undefined && { url }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.eventTypes !== undefined && { eventTypes: patch.eventTypes }),
            ...(patch.rateLimitPerSecond !== undefined && { rateLimitPerSecond: patch.rateLimitPerSecond }),
            ...(patch.enabled === true &&
              !current.enabled && { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }),
            ...(patch.enabled === false &&
              current.enabled && { enabled: false, disabledReason: 'manual' as const, disabledAt: at }),
          };
          const updated = await deps.endpoints.update(orgId, endpointId, changes, at);
          if (!updated) return endpointNotFound();
          // Re-enabling an automatically disabled endpoint: offer what it missed, ready to POST to …/recover.
          const missed =
            changes.enabled === true && current.disabledReason !== 'manual'
              ? (current.failingSince ?? current.disabledAt)
              : null;
          return json(200, {
            ...endpointView(updated),
            ...(missed && {
              recovery: {
                since: missed,
                until: at,
                href: `/v1/orgs/${orgId}/webhooks/endpoints/${endpointId}/recover`,
              },
            }),
          });
        },
      },

      'DELETE /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const deleted = await deps.endpoints.delete(orgId, event.pathParameters?.endpointId ?? '');
          return deleted ? { statusCode: 204, headers: {}, body: '' } : endpointNotFound();
        },
      },

      'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts': {
        role: 'member',
        handle: async ({ orgId, event }) =>
          readEndpointAttempts(deps, orgId, event.pathParameters?.endpointId ?? '', event),
      },

      'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}': {
        role: 'member',
        handle: async ({ orgId, event }) => readMessage(deps, orgId, event.pathParameters?.messageId ?? ''),
      },
    },
    deps.observability.logger,
  );
  return (event) => (Object.hasOwn(merchantRoutes, event.routeKey) ? merchantRouter(event) : orgRouter(event));
}
