import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isSourceId, sourceSecretSchema, sourceWebhookPath } from '../../shared/inbound/connections/connection-input';
import type {
  ConnectionsStore,
  InboundSource,
  Provider,
  ProviderConnection,
  SourceEvent,
} from '../../shared/inbound/connections/connections-store';
import {
  DEFAULT_SOURCE_GRACE_SECONDS,
  retiredSourceSecrets,
  sourceSecretContext,
} from '../../shared/inbound/connections/source-secret';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import {
  createOrgRouter,
  pageQuerySchema,
  parseOptionalJsonBody,
  parseQuery,
  RequestValidationError,
  type OrgRequest,
} from '../../shared/platform/http/org-router';
import { routesOver } from '../../shared/platform/http/owner-router';
import { problem } from '../../shared/platform/http/problem';
import { json, secretJson, type HttpResult } from '../../shared/platform/http/responses';
import type { Observability } from '../../shared/platform/observability';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';

/**
 * The connections API: an organisation's admins register signed inbound sources and see its Square
 * merchant and Shopify shop (connected by OAuth, functions/connections-oauth); members may read them.
 * Secrets are shown once, when issued.
 */

export interface ConnectionsApiDependencies {
  readonly connections: ConnectionsStore;
  readonly cipher: SecretCipher;
  readonly settings: { readonly sourceEventRetentionDays: number };
  readonly now: () => Date;
  readonly observability: Observability;
}

const DAY_MS = 86_400_000;

const PROVIDER_ACCOUNT = { square: 'Square merchant', shopify: 'Shopify shop' } as const satisfies Record<
  Provider,
  string
>;

const sourceNotFound = () => problem(404, 'source_not_found', 'No such source');

/** What every connection shows, whichever provider: the agreed list shape (issue 10). */
function commonView(connection: ProviderConnection) {
  return {
    provider: connection.provider,
    account: connection.account,
    state: connection.state ?? 'active',
    connectedAt: connection.connectedAt,
    ...(connection.scopes && { scopes: connection.scopes }),
    ...(connection.lastSyncAt && { lastSyncAt: connection.lastSyncAt }),
  };
}

function squareView(connection: ProviderConnection) {
  return { merchantId: connection.account, notificationUrl: connection.notificationUrl, ...commonView(connection) };
}

function shopifyView(connection: ProviderConnection) {
  return { shopDomain: connection.account, ...commonView(connection) };
}

/** `PUT …/connections/square|shopify` used to connect by assertion; it now points at the OAuth flow. */
function useAuthorize({ orgId }: OrgRequest, provider: Provider): HttpResult {
  const authorizePath = `/v1/orgs/${orgId}/connections/${provider}/authorize`;
  const answer = problem(
    405,
    'use_oauth',
    `A ${PROVIDER_ACCOUNT[provider]} is connected by proving ownership: POST ${authorizePath} and send the ` +
      `browser to the authorizeUrl it returns`,
  );
  return { ...answer, headers: { ...answer.headers, allow: 'DELETE', link: `<${authorizePath}>; rel="alternate"` } };
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
  const route = routesOver(deps);
  return createOrgRouter(
    {
      'GET /v1/orgs/{orgId}/connections': route('member', listConnections),
      // Connecting by assertion let any admin claim any shop or merchant: connections are proven by OAuth now.
      'PUT /v1/orgs/{orgId}/connections/square': route('admin', async (_deps, request) =>
        useAuthorize(request, 'square'),
      ),
      'PUT /v1/orgs/{orgId}/connections/shopify': route('admin', async (_deps, request) =>
        useAuthorize(request, 'shopify'),
      ),
      'PUT /v1/orgs/{orgId}/connections/sources/{sourceId}': route('admin', putSource),
      'GET /v1/orgs/{orgId}/connections/sources/{sourceId}/events': route('member', readSourceEvents),
    },
    deps.observability.logger,
  );
}

/** `GET …/connections`: the org's Square merchant, Shopify shop and signed sources. */
async function listConnections(deps: ConnectionsApiDependencies, { orgId }: OrgRequest): Promise<HttpResult> {
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
}

/** The path's source id, refused (422) unless it is one a source may have. */
function validSourceIdOf(event: APIGatewayProxyEventV2): string {
  const sourceId = sourceIdOf(event);
  if (!isSourceId(sourceId)) {
    throw new RequestValidationError(422, 'Invalid source id', [
      {
        field: 'sourceId',
        message: 'must be 1–64 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit',
      },
    ]);
  }
  return sourceId;
}

const sourceIdTaken = () => problem(409, 'source_id_unavailable', 'This source id is not available; choose another');

/** `PUT …/sources/{sourceId}`: creates the source, or gives it a new secret; the secret is shown this once. */
async function putSource(deps: ConnectionsApiDependencies, { orgId, event }: OrgRequest): Promise<HttpResult> {
  const { gracePeriodSeconds = DEFAULT_SOURCE_GRACE_SECONDS } = parseOptionalJsonBody(event, sourceSecretSchema);
  const sourceId = validSourceIdOf(event);
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
  deps.observability.logger.info(outcome === 'created' ? 'Source created' : 'Source secret rotated', {
    orgId,
    sourceId,
  });
  // The only time the secret is shown: it is stored encrypted and never returned again.
  const url = sourceWebhookPath(sourceId);
  return secretJson(outcome === 'created' ? 201 : 200, { sourceId, url, secret, createdAt });
}

/** `GET …/sources/{sourceId}/events`: the source's recent events, newest first. */
async function readSourceEvents(deps: ConnectionsApiDependencies, { orgId, event }: OrgRequest): Promise<HttpResult> {
  const query = parseQuery(event, pageQuerySchema);
  const sourceId = sourceIdOf(event);
  const source = isSourceId(sourceId) ? await deps.connections.getSource(sourceId) : undefined;
  if (!source || source.orgId !== orgId) return sourceNotFound();
  // TTL deletes expired events lazily (and never locally), so the window is applied here too.
  const since = new Date(deps.now().getTime() - deps.settings.sourceEventRetentionDays * DAY_MS).toISOString();
  const page = await deps.connections.sourceEvents(sourceId, { limit: query.limit, cursor: query.cursor, since });
  return json(200, { items: page.items.map(sourceEventView), nextCursor: page.nextCursor });
}
