import { describe, expect, it } from 'vitest';
import { signLocalToken } from '../../infra/local/jwt';
import { callApi, token, useSystemWithReceiver } from '../support/local-system';

/**
 * The fairness settings through the API on the local runtime: `rateLimitPerSecond` on endpoints and
 * merchant webhooks (create, PATCH/PUT, views, validation), the endpoint state in stats, and the
 * per-organisation limits on test sends, resends and recoveries (429 problem+json with Retry-After).
 */

const PER_MINUTE = 2;

describe('Integration: fairness settings and per-organisation operation limits', () => {
  const world = useSystemWithReceiver({ ORG_OPERATIONS_PER_MINUTE: String(PER_MINUTE) });

  it('takes rateLimitPerSecond on create and PATCH, shows it, and refuses values outside 1–1,000', async () => {
    const admin = await token(world.system, 'org_fair_1', 'admin');
    const created = await callApi(world.system, 'POST', '/v1/orgs/org_fair_1/webhooks/endpoints', {
      bearer: admin,
      body: { url: `${world.receiver.baseUrl}/fair-1`, eventTypes: ['*'], rateLimitPerSecond: 50 },
    });
    expect(created.status).toBe(201);
    expect(created.body.rateLimitPerSecond).toBe(50);
    const path = `/v1/orgs/org_fair_1/webhooks/endpoints/${String(created.body.id)}`;
    expect(
      (await callApi(world.system, 'PATCH', path, { bearer: admin, body: { rateLimitPerSecond: null } })).body,
    ).toMatchObject({ rateLimitPerSecond: null });
    for (const rateLimitPerSecond of [0, 1_001, 2.5, '10'])
      expect((await callApi(world.system, 'PATCH', path, { bearer: admin, body: { rateLimitPerSecond } })).status).toBe(
        422,
      );
    const plain = await callApi(world.system, 'POST', '/v1/orgs/org_fair_1/webhooks/endpoints', {
      bearer: admin,
      body: { url: `${world.receiver.baseUrl}/fair-1b`, eventTypes: ['*'] },
    });
    expect(plain.body.rateLimitPerSecond).toBeNull();

    const stats = await callApi(world.system, 'GET', `${path}/stats`, {
      bearer: await token(world.system, 'org_fair_1', 'member'),
    });
    expect(stats.body).toMatchObject({ state: { status: 'healthy', reason: null, since: null } });
  });

  it("sets a merchant webhook's rate limit with PUT (absent means none)", async () => {
    const bearer = await signLocalToken(world.system.jwtSecret, { merchantId: 'm_fair_1', role: 'admin' });
    const put = (body: Record<string, unknown>) =>
      callApi(world.system, 'PUT', '/v1/merchants/m_fair_1/webhook', {
        bearer,
        body: { webhookUrl: `${world.receiver.baseUrl}/merchant-fair`, ...body },
      });
    expect((await put({ rateLimitPerSecond: 5 })).body).toMatchObject({ rateLimitPerSecond: 5 });
    expect((await put({})).body).toMatchObject({ rateLimitPerSecond: null });
    expect((await put({ rateLimitPerSecond: 0 })).status).toBe(422);
  });

  it('answers 429 with Retry-After past the per-organisation limit on test sends, resends and recoveries', async () => {
    const orgId = 'org_fair_2';
    const admin = await token(world.system, orgId, 'admin');
    const created = await callApi(world.system, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints`, {
      bearer: admin,
      body: { url: `${world.receiver.baseUrl}/fair-2`, eventTypes: ['*'] },
    });
    const endpointPath = `/v1/orgs/${orgId}/webhooks/endpoints/${String(created.body.id)}`;
    // The limit counts per clock minute: start well inside one so the window cannot turn mid-test.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
    const sends = [];
    for (let n = 0; n <= PER_MINUTE; n++)
      sends.push(await callApi(world.system, 'POST', `${endpointPath}/test`, { bearer: admin }));
    expect(sends.map((send) => send.status)).toEqual([...Array.from({ length: PER_MINUTE }, () => 200), 429]);
    const refused = sends[PER_MINUTE]!;
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toMatchObject({ status: 429, code: 'operation_rate_limited' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another organisation is not affected.
    const other = await callApi(world.system, 'POST', '/v1/orgs/org_fair_3/webhooks/endpoints', {
      bearer: await token(world.system, 'org_fair_3', 'admin'),
      body: { url: `${world.receiver.baseUrl}/fair-3`, eventTypes: ['*'] },
    });
    const otherTest = await callApi(
      world.system,
      'POST',
      `/v1/orgs/org_fair_3/webhooks/endpoints/${String(other.body.id)}/test`,
      {
        bearer: await token(world.system, 'org_fair_3', 'admin'),
      },
    );
    expect(otherTest.status).toBe(200);

    // Resends and recoveries have budgets of their own, limited the same way.
    const messageId = String((sends[0]!.body as { messageId: string }).messageId);
    const resends = [];
    for (let n = 0; n <= PER_MINUTE; n++)
      resends.push(
        await callApi(world.system, 'POST', `/v1/orgs/${orgId}/webhooks/messages/${messageId}/resend`, {
          bearer: admin,
          body: { endpointId: created.body.id },
        }),
      );
    expect(resends.map((resend) => resend.status)).toEqual([...Array.from({ length: PER_MINUTE }, () => 200), 429]);
    // One recovery per endpoint runs at a time (409 otherwise): each on an endpoint of its own.
    const recoveries = [];
    for (let n = 0; n <= PER_MINUTE; n++) {
      const target = await callApi(world.system, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints`, {
        bearer: admin,
        body: { url: `${world.receiver.baseUrl}/recover-${n}`, eventTypes: ['*'] },
      });
      recoveries.push(
        await callApi(world.system, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints/${String(target.body.id)}/recover`, {
          bearer: admin,
          body: { since: new Date(Date.now() - 3_600_000).toISOString() },
        }),
      );
    }
    expect(recoveries.map((recovery) => recovery.status)).toEqual([
      ...Array.from({ length: PER_MINUTE }, () => 202),
      429,
    ]);
    expect(recoveries[PER_MINUTE]?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
