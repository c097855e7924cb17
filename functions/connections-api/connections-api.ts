import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { QueueSender } from '../../shared/platform/aws/queue';
import {
  isSourceId,
  shopifyConnectionSchema,
  sourceWebhookPath,
  squareConnectionSchema,
} from '../../shared/inbound/connections/connection-input';
import type {
  ConnectionsStore,
  InboundSource,
  Provider,
  ProviderConnection,
  SourceEvent,
} from '../../shared/inbound/connections/connections-store';
import { replayUnmatched } from '../../shared/inbound/connections/replay-unmatched';
import {
  DEFAULT_SOURCE_GRACE_SECONDS,
  retiredSourceSecrets,
  sourceSecretContext,
} from '../../shared/inbound/connections/source-secret';
import { sourceSecretSchema } from '../../shared/inbound/connections/connection-input';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import {
  createOrgRouter,
  pageQuerySchema,
  parseJsonBody,
  parseOptionalJsonBody,
  parseQuery,
  RequestValidationError,
  type OrgRequest,
} from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import type { Observability } from '../../shared/platform/observability';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';

/**
 * The connections API: an organisation's admins connect its Square merchant and Shopify shop, and
 * register signed inbound sources; members may read them. A merchant or shop belongs to at most one
 * organisation, and which one is never revealed to another. Secrets are shown once, when issued.
 */

export interface ConnectionsApiDependencies {
  readonly connections: ConnectionsStore;
  readonly catalogQueue: Pick<QueueSender, 'sendBatch'>;
  readonly cipher: SecretCipher;
  readonly settings: { readonly allowHttp: boolean; readonly sourceEventRetentionDays: number };
  readonly now: () => Date;
  readonly observability: Observability;
}

const DAY_MS = 86_400_000;
const providerSchema = z.enum(['square', 'shopify']);
const NO_STORE = { 'cache-control': 'no-store' } as const;

const PROVIDER_ACCOUNT = { square: 'Square merchant', shopify: 'Shopify shop' } as const satisfies Record<
  Provider,
  string
>;

const connectedElsewhere = (provider: Provider) =>
  problem(
    409,
    'account_connected_elsewhere',
    `This ${PROVIDER_ACCOUNT[provider]} is connected to another organisation; disconnect it there first`,
  );
const connectionNotFound = () => problem(404, 'connection_not_found', 'No such connection');
const sourceNotFound = () => problem(404, 'source_not_found', 'No such source');

function squareView(connection: ProviderConnection) {
  return {
    merchantId: connection.account,
    notificationUrl: connection.notificationUrl,
    connectedAt: connection.connectedAt,
  };
}

function shopifyView(connection: ProviderConnection) {
  return { shopDomain: connection.account, connectedAt: connection.connectedAt };
}

function connectionView(connection: ProviderConnection) {
  return connection.provider === 'square' ? squareView(connection) : shopifyView(connection);
}

function sourceView(source: Pick<InboundSource, 'sourceId' | 'createdAt'>) {
  return { sourceId: source.sourceId, url: sourceWebhookPath(source.sourceId), createdAt: source.createdAt };
}

/** Sources accept any body their sender signs; one that is not JSON is shown as the text it was. */
function sourceEventView(event: SourceEvent) {
  let body: unknown;
  try {
    body = JSON.parse(event.body);
  } catch {
    body = event.body;
  }
  return { id: event.id, receivedAt: event.receivedAt, body };
}

function sourceIdOf(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.sourceId ?? '';
}

export function createConnectionsApiHandler(
  deps: ConnectionsApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const { logger } = deps.observability;
  const squareSchema = squareConnectionSchema({ allowHttp: deps.settings.allowHttp });

  /**
   * Connects the account, then replays what the catalog consumer kept for it: only after the write,
   * so the consumer finds the organisation when the replayed events arrive. Idempotent: connecting
   * the same account again keeps `connectedAt` and replays whatever is still kept.
   */
  async function connect(
    { orgId }: OrgRequest,
    provider: Provider,
    account: string,
    notificationUrl: string | null,
  ): Promise<HttpResult> {
    const current = await deps.connections.connectionOf(provider, account);
    if (current && current.orgId !== orgId) return connectedElsewhere(provider);
    const connection: ProviderConnection = {
      provider,
      orgId,
      account,
      notificationUrl,
      connectedAt: current?.connectedAt ?? deps.now().toISOString(),
    };
    if ((await deps.connections.connect(connection)) === 'conflict') return connectedElsewhere(provider);
    const replayedEvents = await replayUnmatched(
      { store: deps.connections, catalogQueue: deps.catalogQueue },
      provider,
      account,
    );
    logger.info('Provider connected', { orgId, provider, account, replayedEvents });
    return json(200, { ...connectionView(connection), replayedEvents });
  }

  return createOrgRouter(
    {
      'GET /v1/orgs/{orgId}/connections': {
        role: 'member',
        handle: async ({ orgId }) => {
          const [connections, sources] = await Promise.all([
            deps.connections.connectionsOf(orgId),
            deps.connections.sourcesOf(orgId),
          ]);
          const square = connections.find((connection) => connection.provider === 'square');
          const shopify = connections.find((connection) => connection.provider === 'shopify');
          return json(200, {
            square: square ? squareView(square) : null,
            shopify: shopify ? shopifyView(shopify) : null,
            sources: sources
              .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.sourceId.localeCompare(b.sourceId))
              .map(sourceView),
          });
        },
      },

      'PUT /v1/orgs/{orgId}/connections/square': {
        role: 'admin',
        handle: async (request) => {
          // The notification URL is stored exactly as sent: Square signs over that string.
          const input = parseJsonBody(request.event, squareSchema);
          return connect(request, 'square', input.merchantId, input.notificationUrl);
        },
      },

      'PUT /v1/orgs/{orgId}/connections/shopify': {
        role: 'admin',
        handle: async (request) => {
          const input = parseJsonBody(request.event, shopifyConnectionSchema);
          return connect(request, 'shopify', input.shopDomain, null);
        },
      },

      'DELETE /v1/orgs/{orgId}/connections/{provider}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const provider = providerSchema.safeParse(event.pathParameters?.provider);
          if (!provider.success) return connectionNotFound();
          const removed = await deps.connections.disconnect(orgId, provider.data);
          if (!removed) return connectionNotFound();
          logger.info('Provider disconnected', { orgId, provider: provider.data, account: removed.account });
          return { statusCode: 204, headers: {}, body: '' };
        },
      },

      'PUT /v1/orgs/{orgId}/connections/sources/{sourceId}': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const { gracePeriodSeconds = DEFAULT_SOURCE_GRACE_SECONDS } = parseOptionalJsonBody(
            event,
            sourceSecretSchema,
          );
          const sourceId = sourceIdOf(event);
          if (!isSourceId(sourceId)) {
            throw new RequestValidationError(422, 'Invalid source id', [
              {
                field: 'sourceId',
                message:
                  'must be 1–64 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit',
              },
            ]);
          }
          const sourceIdTaken = () =>
            problem(409, 'source_id_unavailable', 'This source id is not available; choose another');
          const existing = await deps.connections.getSource(sourceId);
          if (existing && existing.orgId !== orgId) return sourceIdTaken();
          const now = deps.now();
          const at = now.toISOString();
          const createdAt = existing?.createdAt ?? at;
          const secret = generateSigningSecret();
          const ciphertext = await deps.cipher.encrypt(secret, sourceSecretContext(orgId, sourceId));
          // A replaced secret keeps verifying for the grace period, like a rotated endpoint secret.
          const retiredSecrets = retiredSourceSecrets(existing, now, gracePeriodSeconds);
          const outcome = await deps.connections.putSource({
            sourceId,
            orgId,
            secrets: [ciphertext],
            ...(retiredSecrets.length > 0 && { retiredSecrets }),
            createdAt,
            updatedAt: at,
          });
          if (outcome === 'conflict') return sourceIdTaken();
          logger.info(outcome === 'created' ? 'Source created' : 'Source secret rotated', { orgId, sourceId });
          // The only time the secret is shown: it is stored encrypted and never returned again.
          return json(
            outcome === 'created' ? 201 : 200,
            { sourceId, url: sourceWebhookPath(sourceId), secret, createdAt },
            NO_STORE,
          );
        },
      },

      'GET /v1/orgs/{orgId}/connections/sources/{sourceId}/events': {
        role: 'member',
        handle: async ({ orgId, event }) => {
          const query = parseQuery(event, pageQuerySchema);
          const sourceId = sourceIdOf(event);
          const source = isSourceId(sourceId) ? await deps.connections.getSource(sourceId) : undefined;
          if (!source || source.orgId !== orgId) return sourceNotFound();
          // TTL deletes expired events lazily (and never locally), so the window is applied here too.
          const since = new Date(deps.now().getTime() - deps.settings.sourceEventRetentionDays * DAY_MS).toISOString();
          const page = await deps.connections.sourceEvents(sourceId, {
            limit: query.limit,
            cursor: query.cursor,
            since,
          });
          return json(200, { items: page.items.map(sourceEventView), nextCursor: page.nextCursor });
        },
      },
    },
    logger,
  );
}
