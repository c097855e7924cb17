import { describe, expect, it } from 'vitest';
import { createDocsApiHandler } from '../../../functions/docs-api/docs-api';
import { EVENT_TYPES } from '../../../shared/events/event-catalog';
import { openApiDocument } from '../../../shared/openapi/document';
import { createOpenApiValidator } from '../../support/openapi-validator';
import { httpEvent } from '../../support/api-gateway';
import { recordingObservability } from '../../support/observability';

const handler = createDocsApiHandler({ openApiDocument, observability: recordingObservability() });
const claims = { org_id: 'org_any', role: 'member' };
const get = (
  routeKey: string,
  options: { pathParameters?: Record<string, string>; claims?: Record<string, string> } = { claims },
) => handler(httpEvent({ method: 'GET', routeKey, path: routeKey.slice(4), ...options }));

describe('docs API', () => {
  it('lists every event type for any organisation member', async () => {
    const answer = await get('GET /v1/webhooks/event-types');
    expect(answer.statusCode).toBe(200);
    expect((JSON.parse(answer.body) as { items: { type: string }[] }).items.map((item) => item.type)).toEqual([
      ...EVENT_TYPES,
    ]);
  });

  it('answers one type, and 404 problem details for an unknown one', async () => {
    expect(
      JSON.parse(
        (await get('GET /v1/webhooks/event-types/{type}', { claims, pathParameters: { type: 'webhook.test' } })).body,
      ),
    ).toMatchObject({ type: 'webhook.test', example: { message: expect.any(String) } });
    const missing = await get('GET /v1/webhooks/event-types/{type}', {
      claims,
      pathParameters: { type: 'constructor' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['content-type']).toBe('application/problem+json');
  });

  it('needs a token with org and role claims', async () => {
    expect((await get('GET /v1/openapi.json', {})).statusCode).toBe(401);
  });

  it('serves the generated document', async () => {
    expect(JSON.parse((await get('GET /v1/openapi.json')).body)).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

describe('OpenAPI validator (test support)', () => {
  const validator = createOpenApiValidator(openApiDocument());
  const path = '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}';

  it('rejects an answer that drifts from the document', () => {
    expect(
      validator.check('GET', path, { status: 200, contentType: 'application/json', body: { id: 'ep_1' } }),
    ).not.toEqual([]);
    expect(validator.check('GET', path, { status: 418, contentType: 'application/json', body: {} })[0]).toMatch(
      /does not list/,
    );
    expect(validator.check('GET', path, { status: 404, contentType: 'application/json', body: {} })[0]).toMatch(
      /problem\+json/,
    );
  });
});
