import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../infra/local/jwt';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { openApiDocument, type OpenApiDocument } from '../../shared/openapi/document';
import { token } from '../support/local-system';

/**
 * Every answer that carries a secret says `cache-control: no-store`. Which answers carry one comes
 * from the OpenAPI document (a response schema with a `secret` property), so an operation added later
 * that returns a secret fails here until it is called below, and then fails again unless it sends the
 * header. Each is called over real HTTP on the local runtime.
 */

type Answer = { status: number; cacheControl: string | null; body: Record<string, unknown> };
type Call = (system: LocalSystem) => Promise<Answer>;

const ORG = 'org_no_store';
const MERCHANT = 'm_no_store';

/** `<method> <path> <status>` of every documented answer whose JSON schema has a `secret` property. */
function secretAnswers(document: OpenApiDocument): string[] {
  const keys: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, { responses?: object }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const schema = (response as { content?: Record<string, { schema?: { properties?: object } }> }).content?.[
          'application/json'
        ]?.schema;
        if (schema?.properties && 'secret' in schema.properties) keys.push(`${method} ${path} ${status}`);
      }
    }
  }
  return keys.sort();
}

async function request(system: LocalSystem, method: string, path: string, bearer: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

const orgAdmin = (system: LocalSystem) => token(system, ORG, 'admin');
const merchantAdmin = (system: LocalSystem) =>
  signLocalToken(system.jwtSecret, { merchantId: MERCHANT, role: 'admin' });
const endpointUrl = (system: LocalSystem, path: string) => `${system.url.replace('localhost', '127.0.0.1')}${path}`;

/** One real call per secret-carrying answer, in an order where each finds what it needs. */
const CALLS: Record<string, Call> = {
  'post /v1/orgs/{orgId}/webhooks/endpoints 201': async (system) =>
    request(system, 'POST', `/v1/orgs/${ORG}/webhooks/endpoints`, await orgAdmin(system), {
      url: endpointUrl(system, '/tenant-hook?token=abc'),
      eventTypes: ['*'],
    }),
  'post /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate 200': async (system) => {
    const bearer = await orgAdmin(system);
    const list = await request(system, 'GET', `/v1/orgs/${ORG}/webhooks/endpoints`, bearer);
    const [endpoint] = list.body.items as { id: string }[];
    return request(system, 'POST', `/v1/orgs/${ORG}/webhooks/endpoints/${endpoint?.id}/secret/rotate`, bearer, {});
  },
  'put /v1/merchants/{merchantId}/webhook 201': async (system) =>
    request(system, 'PUT', `/v1/merchants/${MERCHANT}/webhook`, await merchantAdmin(system), {
      webhookUrl: endpointUrl(system, '/merchant-hook'),
    }),
  'post /v1/merchants/{merchantId}/webhook/secret/rotate 200': async (system) =>
    request(system, 'POST', `/v1/merchants/${MERCHANT}/webhook/secret/rotate`, await merchantAdmin(system), {}),
  'put /v1/orgs/{orgId}/connections/sources/{sourceId} 201': async (system) =>
    request(system, 'PUT', `/v1/orgs/${ORG}/connections/sources/src_no_store`, await orgAdmin(system)),
  'put /v1/orgs/{orgId}/connections/sources/{sourceId} 200': async (system) =>
    request(system, 'PUT', `/v1/orgs/${ORG}/connections/sources/src_no_store`, await orgAdmin(system)),
};

describe('Integration: answers that carry a secret are never cached', () => {
  let system: LocalSystem;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('covers every answer the OpenAPI document says carries a secret', () => {
    expect(Object.keys(CALLS).sort()).toEqual(secretAnswers(openApiDocument()));
  });

  it('answers each with its secret and cache-control: no-store', async () => {
    for (const [key, call] of Object.entries(CALLS)) {
      const answer = await call(system);
      expect(answer.status, `${key}: ${JSON.stringify(answer.body)}`).toBe(Number(key.split(' ').at(-1)));
      expect(answer.body.secret, key).toMatch(/^whsec_/);
      expect(answer.cacheControl, key).toBe('no-store');
    }
  });
});
