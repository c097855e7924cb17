import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../shared/events/event-catalog';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { verifyBetterdataSignature } from '../../shared/platform/crypto/betterdata-signature';
import {
  callApi,
  createEndpoint as createEndpointFor,
  eventually,
  publishEvent,
  sqsClient,
  token,
  useSystemWithReceiver,
} from '../support/local-system';
import { hang, respond } from '../support/receiver';

/**
 * Outbound webhooks end to end on the local runtime: the endpoints API, POST /internal/events, the
 * fan-out and delivery consumers, real HTTP to a receiver on loopback, and signatures checked with
 * the independent `standardwebhooks` library. The retry schedule is compressed to seconds.
 */

const RETRY_SCHEDULE = '1s,1s';
const ATTEMPT_TIMEOUT_MS = 1_500;

describe('Integration: outbound webhooks through the local runtime', () => {
  const world = useSystemWithReceiver({
    DELIVERY_RETRY_SCHEDULE: RETRY_SCHEDULE,
    DELIVERY_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
  });
  let eventCounter = 0;

  const call = (method: string, path: string, options: { bearer?: string; body?: unknown } = {}) =>
    callApi(world.system, method, path, options);

  const createEndpoint = (orgId: string, path: string, eventTypes: string[] = ['*']) =>
    createEndpointFor(world, orgId, path, { eventTypes });

  const publish = (
    orgId: string,
    type = 'webhook.test',
    data: unknown = { message: 'hello' },
    id = `evt_${++eventCounter}_${Date.now()}`,
  ) => publishEvent(world.system, orgId, { id, type, data });

  const importCompleted = EVENT_CATALOG['import.completed'].example;

  async function message(orgId: string, messageId: string) {
    return call('GET', `/v1/orgs/${orgId}/webhooks/messages/${messageId}`, {
      bearer: await token(world.system, orgId, 'member'),
    });
  }

  it('delivers a signed request that the standardwebhooks library and the x-betterdata scheme both \
verify', async () => {
    const endpoint = await createEndpoint('org_out_1', '/verified');
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { messageId } = await publish('org_out_1', 'webhook.test', { message: 'hello' });

    const [request] = await eventually(async () =>
      world.receiver.requestsTo('/verified').length > 0 ? world.receiver.requestsTo('/verified') : undefined,
    );
    const headers = request!.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe('BetterData-Webhooks/1');
    expect(headers['webhook-id']).toBe(messageId);
    expect(new Webhook(endpoint.secret).verify(request!.body, headers)).toMatchObject({
      id: messageId,
      type: 'webhook.test',
      data: { message: 'hello' },
    });
    expect(() =>
      verifyBetterdataSignature({
        header: headers['x-betterdata-signature'],
        body: Buffer.from(request!.body),
        keys: [parseSigningSecret(endpoint.secret)],
        nowSeconds: Math.floor(Date.now() / 1000),
      }),
    ).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request!.body.replace('hello', 'hellO'), headers)).toThrow();

    const history = await eventually(async () => {
      const response = await message('org_out_1', messageId);
      return (response.body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'succeeded'
        ? response.body
        : undefined;
    });
    expect(history).toMatchObject({
      id: messageId,
      eventType: 'webhook.test',
      payload: { id: messageId, type: 'webhook.test', data: { message: 'hello' } },
    });
  });

  it('retries a receiver that fails twice, logging three attempts with the same webhook-id', async () => {
    world.receiver.on('/flaky', respond(500, 503, 200));
    const endpoint = await createEndpoint('org_out_2', '/flaky');
    const { messageId } = await publish('org_out_2');

    await eventually(async () => (world.receiver.requestsTo('/flaky').length === 3 ? true : undefined));
    expect(new Set(world.receiver.requestsTo('/flaky').map((request) => request.headers['webhook-id']))).toEqual(
      new Set([messageId]),
    );
    const timestamps = world.receiver
      .requestsTo('/flaky')
      .map((request) => Number(request.headers['webhook-timestamp']));
    expect(timestamps[2]! - timestamps[0]!).toBeGreaterThanOrEqual(1);

    const attempts = await eventually(async () => {
      const response = await call('GET', `/v1/orgs/org_out_2/webhooks/endpoints/${endpoint.id}/attempts`, {
        bearer: await token(world.system, 'org_out_2', 'member'),
      });
      return response.body.items?.length === 3 && response.body.items.every((item) => item.status !== 'in_progress')
        ? response.body.items
        : undefined;
    });
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.statusCode])).toEqual([
      [3, 'succeeded', 200],
      [2, 'failed', 503],
      [1, 'failed', 500],
    ]);
    expect(attempts[2]).toMatchObject({ messageId, nextAttemptAt: expect.any(String), responseExcerpt: 'status 500' });
    const failedOnly = await call(
      'GET',
      `/v1/orgs/org_out_2/webhooks/endpoints/${endpoint.id}/attempts?status=failed`,
      { bearer: await token(world.system, 'org_out_2', 'member') },
    );
    expect(failedOnly.body.items?.map((attempt) => attempt.attempt)).toEqual([2, 1]);
    const { body } = await message('org_out_2', messageId);
    expect(body.deliveries).toEqual([
      expect.objectContaining({ endpointId: endpoint.id, status: 'succeeded', attempts: 3 }),
    ]);
  });

  it('disables an endpoint that answers 410 Gone, alerts its org, and stores later events as skipped', async () => {
    world.receiver.on('/gone', respond(410));
    const endpoint = await createEndpoint('org_out_3', '/gone');
    await publish('org_out_3');
    const admin = await token(world.system, 'org_out_3', 'admin');
    const disabled = await eventually(async () => {
      const response = await call('GET', `/v1/orgs/org_out_3/webhooks/endpoints/${endpoint.id}`, { bearer: admin });
      return response.body.enabled === false ? response.body : undefined;
    });
    expect(disabled).toMatchObject({ disabledReason: 'gone' });
    expect(world.receiver.requestsTo('/gone')).toHaveLength(1);
    const alerts = await call('GET', '/v1/orgs/org_out_3/alerts', { bearer: admin });
    expect(alerts.body.items).toEqual([
      expect.objectContaining({
        kind: 'endpoint_disabled',
        details: expect.objectContaining({ endpointId: endpoint.id, reason: 'gone' }),
      }),
    ]);

    const later = await publish('org_out_3');
    const skipped = await eventually(async () => {
      const response = await message('org_out_3', later.messageId);
      return (response.body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'skipped'
        ? response.body
        : undefined;
    });
    expect(skipped.attempts).toEqual([]);
    expect(world.receiver.requestsTo('/gone')).toHaveLength(1);
  });

  it('does not let an endpoint that never answers delay another endpoint', async () => {
    world.receiver.on('/slow', hang);
    await createEndpoint('org_out_4', '/slow');
    await createEndpoint('org_out_4', '/fast');
    const publishedAt = Date.now();
    await publish('org_out_4');
    const [slow] = await eventually(async () =>
      world.receiver.requestsTo('/slow').length > 0 ? world.receiver.requestsTo('/slow') : undefined,
    );
    const [fast] = await eventually(async () =>
      world.receiver.requestsTo('/fast').length > 0 ? world.receiver.requestsTo('/fast') : undefined,
    );
    // The slow attempt cannot end before its timeout; the fast endpoint was served well inside it.
    expect(fast!.receivedAt).toBeLessThan(slow!.receivedAt + ATTEMPT_TIMEOUT_MS);
    expect(fast!.receivedAt - publishedAt).toBeLessThan(ATTEMPT_TIMEOUT_MS + 5_000);
  });

  it('marks the delivery failed after the last attempt and leaves the task out of the DLQ', async () => {
    world.receiver.on('/down', respond(500));
    const endpoint = await createEndpoint('org_out_5', '/down');
    const { messageId } = await publish('org_out_5');
    await eventually(async () => (world.receiver.requestsTo('/down').length === 3 ? true : undefined));
    const { body } = await eventually(async () => {
      const answer = await message('org_out_5', messageId);
      return (answer.body.deliveries as { status: string }[])[0]?.status === 'failed' ? answer : undefined;
    });
    expect(body.deliveries).toEqual([
      expect.objectContaining({ endpointId: endpoint.id, status: 'failed', attempts: 3, nextAttemptAt: null }),
    ]);
    // An exhausted delivery is business as usual: recorded, not dead-lettered (the DLQ's alarm pages).
    const result = await sqsClient(world.system).send(
      new ReceiveMessageCommand({ QueueUrl: world.system.queueUrls.delivery.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(result.Messages ?? []).toEqual([]);
    expect(world.receiver.requestsTo('/down')).toHaveLength(3);
  });

  it('delivers an event published twice once', async () => {
    await createEndpoint('org_out_6', '/once');
    const first = await publish('org_out_6', 'webhook.test', { message: 'once' }, 'evt_publish_twice');
    const second = await publish('org_out_6', 'webhook.test', { message: 'once' }, 'evt_publish_twice');
    expect(second.messageId).toBe(first.messageId);
    await eventually(async () => (world.receiver.requestsTo('/once').length > 0 ? true : undefined));
    // A marker published after both has been delivered: anything from the duplicate would be too.
    await publish('org_out_6', 'webhook.test', { message: 'marker' });
    await eventually(async () => (world.receiver.requestsTo('/once').length >= 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      world.receiver
        .requestsTo('/once')
        .map((request) => (JSON.parse(request.body) as { data: { message: string } }).data.message)
        .sort(),
    ).toEqual(['marker', 'once']);
  });

  it('routes each event only to the endpoints whose filters match', async () => {
    await createEndpoint('org_out_7', '/imports', ['import.*']);
    await createEndpoint('org_out_7', '/orders', ['loop.orders.transitioned']);
    await createEndpoint('org_out_7', '/all', ['*']);
    await publish('org_out_7', 'import.completed', importCompleted);
    await eventually(async () =>
      world.receiver.requestsTo('/imports').length === 1 && world.receiver.requestsTo('/all').length === 1
        ? true
        : undefined,
    );
    await publish('org_out_7', 'webhook.test');
    await eventually(async () => (world.receiver.requestsTo('/all').length === 2 ? true : undefined));
    expect(world.receiver.requestsTo('/orders')).toHaveLength(0);
    expect(world.receiver.requestsTo('/imports')).toHaveLength(1);
  });

  describe('the endpoints API', () => {
    it('rejects unsafe or invalid endpoints with problem details naming the field', async () => {
      const admin = await token(world.system, 'org_api', 'admin');
      const cases: [unknown, number, string][] = [
        [{ url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['*'] }, 422, 'url'],
        [{ url: 'http://10.1.2.3/hook', eventTypes: ['*'] }, 422, 'url'],
        [{ url: 'https://user:pass@example.com/hook', eventTypes: ['*'] }, 422, 'url'],
        [{ url: `https://example.com/${'a'.repeat(2_050)}`, eventTypes: ['*'] }, 422, 'url'],
        [{ url: 'ftp://example.com/hook', eventTypes: ['*'] }, 422, 'url'],
        [{ url: 'https://example.com/hook', eventTypes: ['no.such.type'] }, 422, 'eventTypes[0]'],
        [{ url: 'https://example.com/hook', eventTypes: [] }, 422, 'eventTypes'],
        [{ url: 'https://example.com/hook', eventTypes: ['*'], surprise: true }, 422, 'surprise'],
      ];
      for (const [body, status, field] of cases) {
        const response = await call('POST', '/v1/orgs/org_api/webhooks/endpoints', { bearer: admin, body });
        expect({ body, status: response.status, type: response.contentType }).toEqual({
          body,
          status,
          type: 'application/problem+json',
        });
        expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
      }
      const notJson = await call('POST', '/v1/orgs/org_api/webhooks/endpoints', { bearer: admin, body: '{nope' });
      expect(notJson.status).toBe(400);
    });

    it('rejects a publish with an unknown type or invalid data, naming the fields', async () => {
      const unknown = await call('POST', '/internal/events', {
        bearer: world.system.env.INTERNAL_API_TOKEN,
        body: { id: 'evt_x', type: 'nope.nope', orgId: 'org_api', occurredAt: '2026-01-01T00:00:00Z', data: {} },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'type' })]);
      const invalid = await call('POST', '/internal/events', {
        bearer: world.system.env.INTERNAL_API_TOKEN,
        body: {
          id: 'evt_y',
          type: 'webhook.test',
          orgId: 'org_api',
          occurredAt: '2026-01-01T00:00:00Z',
          data: { message: 42 },
        },
      });
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'data.message' })]);
      const anonymous = await call('POST', '/internal/events', {
        body: {
          id: 'evt_z',
          type: 'webhook.test',
          orgId: 'org_api',
          occurredAt: '2026-01-01T00:00:00Z',
          data: { message: 'x' },
        },
      });
      expect(anonymous.status).toBe(403);
    });

    it('enforces roles and tenant isolation on every route', async () => {
      const endpoint = await createEndpoint('org_owner', '/isolated');
      const { messageId } = await publish('org_owner');
      await eventually(async () => ((await message('org_owner', messageId)).status === 200 ? true : undefined));
      const base = `/v1/orgs/org_owner/webhooks`;
      const routes: [string, string, unknown?][] = [
        ['GET', `${base}/endpoints`],
        ['POST', `${base}/endpoints`, { url: `${world.receiver.baseUrl}/x`, eventTypes: ['*'] }],
        ['GET', `${base}/endpoints/${endpoint.id}`],
        ['PATCH', `${base}/endpoints/${endpoint.id}`, { description: 'changed' }],
        ['DELETE', `${base}/endpoints/${endpoint.id}`],
        ['GET', `${base}/endpoints/${endpoint.id}/attempts`],
        ['GET', `${base}/messages/${messageId}`],
      ];
      const intruder = await token(world.system, 'org_intruder', 'admin');
      const member = await token(world.system, 'org_owner', 'member');
      for (const [method, path, body] of routes) {
        expect({ method, path, status: (await call(method, path, { body })).status }).toEqual({
          method,
          path,
          status: 401,
        });
        expect({ method, path, status: (await call(method, path, { bearer: intruder, body })).status }).toEqual({
          method,
          path,
          status: 404,
        });
        const memberStatus = (await call(method, path, { bearer: member, body })).status;
        expect({ method, path, status: memberStatus }).toEqual({ method, path, status: method === 'GET' ? 200 : 403 });
      }
      // The intruder's own org cannot reach the owner's endpoint or message by id either.
      const ownPath = `/v1/orgs/org_intruder/webhooks`;
      expect((await call('GET', `${ownPath}/endpoints/${endpoint.id}`, { bearer: intruder })).status).toBe(404);
      expect((await call('GET', `${ownPath}/endpoints/${endpoint.id}/attempts`, { bearer: intruder })).status).toBe(
        404,
      );
      expect((await call('GET', `${ownPath}/messages/${messageId}`, { bearer: intruder })).status).toBe(404);
      expect((await call('DELETE', `${ownPath}/endpoints/${endpoint.id}`, { bearer: intruder })).status).toBe(404);
    });

    it('never shows the secret again, and lists, updates and deletes endpoints', async () => {
      const admin = await token(world.system, 'org_crud', 'admin');
      const created = await createEndpoint('org_crud', '/crud', ['import.*']);
      const listed = await call('GET', '/v1/orgs/org_crud/webhooks/endpoints', { bearer: admin });
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: created.id, eventTypes: ['import.*'], enabled: true }),
      ]);
      expect(JSON.stringify(listed.body)).not.toContain('whsec_');
      const patched = await call('PATCH', `/v1/orgs/org_crud/webhooks/endpoints/${created.id}`, {
        bearer: admin,
        body: { enabled: false, eventTypes: ['*'] },
      });
      expect(patched.body).toMatchObject({ enabled: false, disabledReason: 'manual', eventTypes: ['*'] });
      expect(JSON.stringify(patched.body)).not.toContain('whsec_');
      const reenabled = await call('PATCH', `/v1/orgs/org_crud/webhooks/endpoints/${created.id}`, {
        bearer: admin,
        body: { enabled: true },
      });
      expect(reenabled.body).toMatchObject({ enabled: true, disabledReason: null });
      expect(
        (await call('DELETE', `/v1/orgs/org_crud/webhooks/endpoints/${created.id}`, { bearer: admin })).status,
      ).toBe(204);
      expect((await call('GET', `/v1/orgs/org_crud/webhooks/endpoints/${created.id}`, { bearer: admin })).status).toBe(
        404,
      );
    });

    it('allows at most 50 endpoints per organisation', async () => {
      const admin = await token(world.system, 'org_many', 'admin');
      for (let index = 0; index < 50; index++) {
        const response = await call('POST', '/v1/orgs/org_many/webhooks/endpoints', {
          bearer: admin,
          body: { url: `https://example.com/hook/${index}`, eventTypes: ['*'] },
        });
        expect(response.status).toBe(201);
      }
      const overflow = await call('POST', '/v1/orgs/org_many/webhooks/endpoints', {
        bearer: admin,
        body: { url: 'https://example.com/hook/51', eventTypes: ['*'] },
      });
      expect(overflow).toMatchObject({ status: 409, body: { code: 'endpoint_limit_reached' } });
    });
  });
});
