import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../shared/events/event-catalog';
import {
  callApi,
  createEndpoint as createEndpointFor,
  eventually,
  publishEvent,
  token,
  useSystemWithReceiver,
} from '../support/local-system';
import { respond, type ReceivedRequest } from '../support/receiver';

/**
 * Operating webhooks end to end on the local runtime: secret rotation (signatures checked with the
 * independent `standardwebhooks` library), test sends, resends, endpoint health and recovery, over
 * real HTTP to a receiver on loopback. The retry schedule is compressed to seconds.
 */

const RETRY_SCHEDULE = '1s,1s';
/** A compressed grace period: long enough for a cold first delivery, short enough to wait out. */
const GRACE_SECONDS = 4;
/** Compressed from 500 so that one recovery job takes two pages. */
const RECOVERY_PAGE_SIZE = 2;

describe('Integration: operating webhooks through the local runtime', () => {
  const world = useSystemWithReceiver({
    DELIVERY_RETRY_SCHEDULE: RETRY_SCHEDULE,
    DELIVERY_TIMEOUT_MS: '1500',
    ENDPOINT_DISABLE_AFTER: '1h',
    RECOVERY_PAGE_SIZE: String(RECOVERY_PAGE_SIZE),
  });
  let eventCounter = 0;

  const call = (method: string, path: string, options: { bearer?: string; body?: unknown } = {}) =>
    callApi(world.system, method, path, options);

  const admin = (orgId: string) => token(world.system, orgId, 'admin');
  const member = (orgId: string) => token(world.system, orgId, 'member');

  const createEndpoint = (orgId: string, path: string, eventTypes: string[] = ['*']) =>
    createEndpointFor(world, orgId, path, { eventTypes });

  const publish = async (orgId: string, data: unknown = { message: 'hello' }) =>
    (await publishEvent(world.system, orgId, { id: `evt_ops_${++eventCounter}_${Date.now()}`, data })).messageId;

  const requestsCount = (path: string, count: number) =>
    eventually(async () =>
      world.receiver.requestsTo(path).length >= count ? world.receiver.requestsTo(path) : undefined,
    );
  const verifies = (secret: string, request: ReceivedRequest) => {
    try {
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('secret rotation', () => {
    it('signs with the old and the new secret during the grace period, and with the new one only after \
it', async () => {
      const endpoint = await createEndpoint('org_rot_1', '/rotating');
      const rotated = await call('POST', `/v1/orgs/org_rot_1/webhooks/endpoints/${endpoint.id}/secret/rotate`, {
        bearer: await admin('org_rot_1'),
        body: { gracePeriodSeconds: GRACE_SECONDS },
      });
      const rotatedAt = Date.now();
      expect(rotated.status).toBe(200);
      const newSecret = rotated.body.secret as string;
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(endpoint.secret);
      expect(rotated.body).toMatchObject({
        id: endpoint.id,
        signingSecrets: 2,
        previousSecretsExpireAt: expect.any(String),
      });
      expect(JSON.stringify(rotated.body)).not.toContain(endpoint.secret);

      await publish('org_rot_1', { message: 'during' });
      const [during] = await requestsCount('/rotating', 1);
      expect(during!.receivedAt - rotatedAt).toBeLessThan(GRACE_SECONDS * 1_000);
      expect(verifies(endpoint.secret, during!)).toBe(true);
      expect(verifies(newSecret, during!)).toBe(true);
      expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(String(during!.headers['x-betterdata-signature']).match(/v1=/g)).toHaveLength(2);

      await pause(Math.max(0, rotatedAt + GRACE_SECONDS * 1_000 + 200 - Date.now()));
      await publish('org_rot_1', { message: 'after' });
      const after = (await requestsCount('/rotating', 2))[1]!;
      expect(JSON.parse(after.body)).toMatchObject({ data: { message: 'after' } });
      expect(verifies(newSecret, after)).toBe(true);
      expect(verifies(endpoint.secret, after)).toBe(false);
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);

      const shown = await call('GET', `/v1/orgs/org_rot_1/webhooks/endpoints/${endpoint.id}`, {
        bearer: await admin('org_rot_1'),
      });
      expect(JSON.stringify(shown.body)).not.toContain('whsec_');
    });

    it('validates the grace period', async () => {
      const endpoint = await createEndpoint('org_rot_2', '/rotating-2');
      const bearer = await admin('org_rot_2');
      for (const gracePeriodSeconds of [-1, 7 * 86_400 + 1, 1.5, '60']) {
        const response = await call('POST', `/v1/orgs/org_rot_2/webhooks/endpoints/${endpoint.id}/secret/rotate`, {
          bearer,
          body: { gracePeriodSeconds },
        });
        expect({ gracePeriodSeconds, status: response.status }).toEqual({ gracePeriodSeconds, status: 422 });
      }
      // No body at all: the default grace period (a day).
      const response = await call('POST', `/v1/orgs/org_rot_2/webhooks/endpoints/${endpoint.id}/secret/rotate`, {
        bearer,
      });
      expect(response.status).toBe(200);
      expect(Date.parse(response.body.previousSecretsExpireAt as string) - Date.now()).toBeGreaterThan(86_390_000);
    });
  });

  describe('test send', () => {
    it('delivers a signed webhook.test to the chosen endpoint only and answers with the attempt', async () => {
      const chosen = await createEndpoint('org_test_1', '/test-chosen');
      await createEndpoint('org_test_1', '/test-other');
      const response = await call('POST', `/v1/orgs/org_test_1/webhooks/endpoints/${chosen.id}/test`, {
        bearer: await admin('org_test_1'),
        body: {},
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        endpointId: chosen.id,
        attempt: {
          attempt: 1,
          status: 'succeeded',
          statusCode: 200,
          durationMs: expect.any(Number),
          responseExcerpt: 'status 200',
        },
      });
      const [request] = world.receiver.requestsTo('/test-chosen');
      expect(world.receiver.requestsTo('/test-chosen')).toHaveLength(1);
      expect(
        new Webhook(chosen.secret).verify(request!.body, request!.headers as Record<string, string>),
      ).toMatchObject({
        id: response.body.messageId,
        type: 'webhook.test',
        data: EVENT_CATALOG['webhook.test'].example,
      });

      const typed = await call('POST', `/v1/orgs/org_test_1/webhooks/endpoints/${chosen.id}/test`, {
        bearer: await admin('org_test_1'),
        body: { eventType: 'import.completed' },
      });
      expect(typed.status).toBe(200);
      expect(JSON.parse(world.receiver.requestsTo('/test-chosen')[1]!.body)).toMatchObject({
        type: 'import.completed',
        data: EVENT_CATALOG['import.completed'].example,
      });
      await pause(300);
      expect(world.receiver.requestsTo('/test-other')).toHaveLength(0);
    });

    it('reports a failing receiver, schedules its retries like any delivery, and refuses unknown types or disabled \
endpoints', async () => {
      world.receiver.on('/test-down', respond(503));
      const endpoint = await createEndpoint('org_test_2', '/test-down');
      const bearer = await admin('org_test_2');
      const response = await call('POST', `/v1/orgs/org_test_2/webhooks/endpoints/${endpoint.id}/test`, { bearer });
      expect(response.body).toMatchObject({
        attempt: {
          status: 'failed',
          statusCode: 503,
          responseExcerpt: 'status 503',
          nextAttemptAt: expect.any(String),
        },
      });
      await requestsCount('/test-down', 2);

      const unknown = await call('POST', `/v1/orgs/org_test_2/webhooks/endpoints/${endpoint.id}/test`, {
        bearer,
        body: { eventType: 'no.such.type' },
      });
      expect(unknown.status).toBe(422);
      await call('PATCH', `/v1/orgs/org_test_2/webhooks/endpoints/${endpoint.id}`, {
        bearer,
        body: { enabled: false },
      });
      const disabled = await call('POST', `/v1/orgs/org_test_2/webhooks/endpoints/${endpoint.id}/test`, { bearer });
      expect(disabled).toMatchObject({ status: 409, body: { code: 'endpoint_disabled' } });
    });
  });

  describe('resend', () => {
    it('delivers the message again with the same webhook-id, logged as a manual attempt', async () => {
      const endpoint = await createEndpoint('org_resend_1', '/resend');
      const messageId = await publish('org_resend_1');
      await requestsCount('/resend', 1);
      const bearer = await admin('org_resend_1');
      const delivered = await eventually(async () => {
        const { body } = await call('GET', `/v1/orgs/org_resend_1/webhooks/messages/${messageId}`, { bearer });
        return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'succeeded' ? body : undefined;
      });
      expect(delivered.attempts).toHaveLength(1);

      const resent = await call('POST', `/v1/orgs/org_resend_1/webhooks/messages/${messageId}/resend`, {
        bearer,
        body: { endpointId: endpoint.id },
      });
      expect(resent.status).toBe(200);
      expect(resent.body).toMatchObject({
        messageId,
        endpointId: endpoint.id,
        attempt: { trigger: 'manual', manualId: expect.stringMatching(/^man_/), status: 'succeeded', statusCode: 200 },
      });
      const requests = world.receiver.requestsTo('/resend');
      expect(requests).toHaveLength(2);
      expect(requests.map((request) => request.headers['webhook-id'])).toEqual([messageId, messageId]);
      expect(verifies(endpoint.secret, requests[1]!)).toBe(true);

      const { body } = await call('GET', `/v1/orgs/org_resend_1/webhooks/messages/${messageId}`, { bearer });
      expect((body.attempts as { trigger: string }[]).map((attempt) => attempt.trigger).sort()).toEqual([
        'manual',
        'scheduled',
      ]);
      expect(body.deliveries).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 1 })]);
    });

    it('schedules no retry after a failed manual attempt, and never collides with the scheduled series', async () => {
      world.receiver.on('/resend-fails', respond(200, 500, 500, 500));
      const endpoint = await createEndpoint('org_resend_2', '/resend-fails');
      const messageId = await publish('org_resend_2');
      await requestsCount('/resend-fails', 1);
      const bearer = await admin('org_resend_2');
      const first = await call('POST', `/v1/orgs/org_resend_2/webhooks/messages/${messageId}/resend`, {
        bearer,
        body: { endpointId: endpoint.id },
      });
      expect(first.body).toMatchObject({
        attempt: { trigger: 'manual', status: 'failed', statusCode: 500, nextAttemptAt: null },
      });
      const second = await call('POST', `/v1/orgs/org_resend_2/webhooks/messages/${messageId}/resend`, {
        bearer,
        body: { endpointId: endpoint.id },
      });
      expect(second.body).toMatchObject({ attempt: { trigger: 'manual', status: 'failed' } });
      // Longer than the whole (compressed) retry schedule: nothing else arrives.
      await pause(2_500);
      expect(world.receiver.requestsTo('/resend-fails')).toHaveLength(3);
      const { body } = await call('GET', `/v1/orgs/org_resend_2/webhooks/messages/${messageId}`, { bearer });
      expect(body.attempts).toHaveLength(3);
      expect(body.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    });

    it('answers 404 for another org’s message, an unknown endpoint, or an endpoint the message never went \
to', async () => {
      const endpoint = await createEndpoint('org_resend_3', '/resend-3', ['import.*']);
      const other = await createEndpoint('org_resend_3', '/resend-3b');
      const messageId = await publish('org_resend_3');
      await requestsCount('/resend-3b', 1);
      const bearer = await admin('org_resend_3');
      expect(
        (
          await call('POST', `/v1/orgs/org_resend_3/webhooks/messages/${messageId}/resend`, {
            bearer,
            body: { endpointId: endpoint.id },
          })
        ).body,
      ).toMatchObject({ code: 'delivery_not_found' });
      expect(
        (
          await call('POST', `/v1/orgs/org_resend_3/webhooks/messages/${messageId}/resend`, {
            bearer,
            body: { endpointId: 'ep_nope' },
          })
        ).status,
      ).toBe(404);
      const intruder = await admin('org_resend_x');
      expect(
        (
          await call('POST', `/v1/orgs/org_resend_x/webhooks/messages/${messageId}/resend`, {
            bearer: intruder,
            body: { endpointId: other.id },
          })
        ).body,
      ).toMatchObject({ code: 'message_not_found' });
      expect(world.receiver.requestsTo('/resend-3b')).toHaveLength(1);
    });
  });

  describe('endpoint health', () => {
    it('counts exactly the attempts and messages that happened', async () => {
      world.receiver.on('/health', respond(500, 200, 200));
      const endpoint = await createEndpoint('org_stats_1', '/health');
      const bearer = await admin('org_stats_1');
      const first = await publish('org_stats_1');
      await requestsCount('/health', 2);
      const second = await publish('org_stats_1');
      await requestsCount('/health', 3);
      for (const messageId of [first, second]) {
        await eventually(async () => {
          const { body } = await call('GET', `/v1/orgs/org_stats_1/webhooks/messages/${messageId}`, { bearer });
          return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'succeeded' ? true : undefined;
        });
      }
      await call('PATCH', `/v1/orgs/org_stats_1/webhooks/endpoints/${endpoint.id}`, {
        bearer,
        body: { enabled: false },
      });
      await publish('org_stats_1');

      const stats = await eventually(async () => {
        const response = await call('GET', `/v1/orgs/org_stats_1/webhooks/endpoints/${endpoint.id}/stats?window=24h`, {
          bearer: await member('org_stats_1'),
        });
        return (response.body.messages as { skipped: number } | undefined)?.skipped === 1 ? response.body : undefined;
      });
      const attempts = (
        await call('GET', `/v1/orgs/org_stats_1/webhooks/endpoints/${endpoint.id}/attempts`, { bearer })
      ).body.items!;
      expect(attempts).toHaveLength(3);
      expect(stats).toMatchObject({
        endpointId: endpoint.id,
        window: '24h',
        attempts: {
          succeeded: attempts.filter((a) => a.status === 'succeeded').length,
          failed: attempts.filter((a) => a.status === 'failed').length,
        },
        messages: { succeeded: 2, failed: 0, skipped: 1, pending: 0 },
        latencyMs: { p50: expect.any(Number), p95: expect.any(Number) },
        lastSuccessAt: expect.any(String),
        lastFailureAt: expect.any(String),
        state: { status: 'disabled', reason: 'manual' },
      });
      expect(stats.attempts).toEqual({ succeeded: 2, failed: 1 });

      const all = await call('GET', '/v1/orgs/org_stats_1/webhooks/stats?window=7d', { bearer });
      expect(all.body).toMatchObject({
        window: '7d',
        items: [expect.objectContaining({ endpointId: endpoint.id, attempts: { succeeded: 2, failed: 1 } })],
      });
      expect(
        (await call('GET', `/v1/orgs/org_stats_1/webhooks/endpoints/${endpoint.id}/stats?window=1y`, { bearer }))
          .status,
      ).toBe(400);
    });
  });

  describe('recovery', () => {
    it('after an outage re-delivers exactly the failed and skipped messages of the window, once each', async () => {
      let mode: 'up' | 'down' | 'gone' = 'up';
      world.receiver.on('/outage', (_request, _index, response) => {
        const status = mode === 'up' ? 200 : mode === 'down' ? 500 : 410;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
      });
      const endpoint = await createEndpoint('org_rec_1', '/outage');
      const bearer = await admin('org_rec_1');
      const deliveryStatus = (messageId: string, wanted: string) =>
        eventually(async () => {
          const { body } = await call('GET', `/v1/orgs/org_rec_1/webhooks/messages/${messageId}`, { bearer });
          return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === wanted ? true : undefined;
        });
      const idsReceived = () =>
        world.receiver.requestsTo('/outage').map((request) => String(request.headers['webhook-id']));

      const before = await publish('org_rec_1', { message: 'before the window' });
      await deliveryStatus(before, 'succeeded');
      await pause(20);
      const since = new Date().toISOString();
      const delivered = await publish('org_rec_1', { message: 'delivered' });
      await deliveryStatus(delivered, 'succeeded');

      mode = 'down';
      const failedA = await publish('org_rec_1', { message: 'failed a' });
      const failedB = await publish('org_rec_1', { message: 'failed b' });
      await deliveryStatus(failedA, 'failed');
      await deliveryStatus(failedB, 'failed');
      mode = 'gone';
      const gone = await publish('org_rec_1', { message: 'gone' });
      await deliveryStatus(gone, 'failed');
      const skipped = await publish('org_rec_1', { message: 'skipped' });
      await deliveryStatus(skipped, 'skipped');

      mode = 'up';
      const reenabled = await call('PATCH', `/v1/orgs/org_rec_1/webhooks/endpoints/${endpoint.id}`, {
        bearer,
        body: { enabled: true },
      });
      expect(reenabled.body).toMatchObject({
        enabled: true,
        recovery: {
          since: expect.any(String),
          until: expect.any(String),
          href: `/v1/orgs/org_rec_1/webhooks/endpoints/${endpoint.id}/recover`,
        },
      });
      const receivedBefore = idsReceived().length;

      const startedAt = performance.now();
      const started = await call('POST', `/v1/orgs/org_rec_1/webhooks/endpoints/${endpoint.id}/recover`, {
        bearer,
        body: { since },
      });
      // A job is stored and queued: the answer does not wait for the window to be walked.
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expect(started).toMatchObject({
        status: 202,
        body: { kind: 'recovery', status: 'queued', endpointId: endpoint.id },
      });
      const progress = await eventually(async () => {
        const response = await call('GET', `/v1/orgs/org_rec_1/webhooks/recoveries/${String(started.body.id)}`, {
          bearer: await member('org_rec_1'),
        });
        return response.body.status === 'completed' ? response.body : undefined;
      });
      expect(progress).toMatchObject({
        endpointId: endpoint.id,
        kind: 'recovery',
        progress: { queued: 4, succeeded: 4, failed: 0, remaining: 0 },
      });
      await pause(500);
      expect(idsReceived().slice(receivedBefore).sort()).toEqual([failedA, failedB, gone, skipped].sort());
      for (const messageId of [failedA, failedB, gone, skipped]) await deliveryStatus(messageId, 'succeeded');
      const { body } = await call('GET', `/v1/orgs/org_rec_1/webhooks/messages/${skipped}`, { bearer });
      expect(body.attempts).toEqual([expect.objectContaining({ trigger: 'manual', status: 'succeeded' })]);
    });

    it('validates the window and keeps recoveries to their organisation', async () => {
      const endpoint = await createEndpoint('org_rec_2', '/rec-2');
      const bearer = await admin('org_rec_2');
      const path = `/v1/orgs/org_rec_2/webhooks/endpoints/${endpoint.id}/recover`;
      expect((await call('POST', path, { bearer, body: {} })).status).toBe(422);
      expect((await call('POST', path, { bearer, body: { since: 'yesterday' } })).status).toBe(422);
      expect(
        (await call('POST', path, { bearer, body: { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' } }))
          .status,
      ).toBe(422);
      const started = await call('POST', path, { bearer, body: { since: '2026-01-01T00:00:00Z' } });
      expect(started).toMatchObject({ status: 202, body: { kind: 'recovery', progress: { queued: 0 } } });
      await eventually(async () => {
        const response = await call('GET', `/v1/orgs/org_rec_2/webhooks/recoveries/${String(started.body.id)}`, {
          bearer,
        });
        return response.body.status === 'completed' ? true : undefined;
      });
      expect(
        (await call('POST', path, { bearer: await member('org_rec_2'), body: { since: '2026-01-01T00:00:00Z' } }))
          .status,
      ).toBe(403);
      expect(
        (
          await call('POST', `/v1/orgs/org_rec_x/webhooks/endpoints/${endpoint.id}/recover`, {
            bearer: await admin('org_rec_x'),
            body: { since: '2026-01-01T00:00:00Z' },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call('GET', `/v1/orgs/org_rec_x/webhooks/recoveries/${String(started.body.id)}`, {
            bearer: await admin('org_rec_x'),
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call('GET', `/v1/orgs/org_rec_2/webhooks/recoveries/${String(started.body.id)}`, {
            bearer: await member('org_rec_2'),
          })
        ).status,
      ).toBe(200);
    });
  });

  it('enforces roles and tenant isolation on every operations route', async () => {
    const endpoint = await createEndpoint('org_ops_owner', '/ops-isolated');
    const messageId = await publish('org_ops_owner');
    await requestsCount('/ops-isolated', 1);
    const base = '/v1/orgs/org_ops_owner/webhooks';
    const routes: [string, string, unknown?][] = [
      ['POST', `${base}/endpoints/${endpoint.id}/secret/rotate`, {}],
      ['POST', `${base}/endpoints/${endpoint.id}/test`, {}],
      ['POST', `${base}/messages/${messageId}/resend`, { endpointId: endpoint.id }],
      ['GET', `${base}/endpoints/${endpoint.id}/stats`],
      ['GET', `${base}/stats`],
      ['POST', `${base}/endpoints/${endpoint.id}/recover`, { since: '2026-01-01T00:00:00Z' }],
    ];
    const intruder = await admin('org_ops_intruder');
    const memberToken = await member('org_ops_owner');
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
      expect({ method, path, status: (await call(method, path, { bearer: memberToken, body })).status }).toEqual({
        method,
        path,
        status: method === 'GET' ? 200 : 403,
      });
    }
    const own = '/v1/orgs/org_ops_intruder/webhooks';
    expect(
      (await call('POST', `${own}/endpoints/${endpoint.id}/secret/rotate`, { bearer: intruder, body: {} })).status,
    ).toBe(404);
    expect((await call('POST', `${own}/endpoints/${endpoint.id}/test`, { bearer: intruder, body: {} })).status).toBe(
      404,
    );
    expect((await call('GET', `${own}/endpoints/${endpoint.id}/stats`, { bearer: intruder })).status).toBe(404);
    // Nothing the intruder or the member tried reached the world.receiver.
    expect(world.receiver.requestsTo('/ops-isolated')).toHaveLength(1);
  });
});
