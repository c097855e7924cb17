import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PUBLISHER_ROLE_ARN } from '../../infra/local/iam';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { EVENT_CATALOG, type EventType } from '../../shared/events/event-catalog';
import { eventually, token } from '../support/local-system';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * Who may publish what, end to end on the local runtime: the internal token stands for the local
 * publisher role, and EVENT_PUBLISHERS allows that role only `import.*` events of organisations. An
 * event outside that allowlist is refused with 403 problem+json and never reaches a tenant's endpoint;
 * an allowed one is delivered.
 */

describe('Integration: the publisher allowlist on POST /internal/events', () => {
  let system: LocalSystem;
  let receiver: Receiver;
  let counter = 0;
  const orgId = 'org_publishers';

  /** The local token's role may publish only `import.*` and `federation.*`, and only organisations' events. */
  const publishers = { [LOCAL_PUBLISHER_ROLE_ARN]: { eventTypes: ['import.*', 'federation.*'], owners: ['org'] } };

  beforeAll(async () => {
    const env = { EVENT_PUBLISHERS: JSON.stringify(publishers) };
    [receiver, system] = await Promise.all([
      startReceiver(),
      startLocalSystem({ port: 0, memory: true, quiet: true, env }),
    ]);
    const created = await fetch(`${system.url}/v1/orgs/${orgId}/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(system, orgId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.baseUrl}/all`, eventTypes: ['*'] }),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  async function publish(type: EventType, owner: { orgId: string } | { merchantId: string }) {
    const id = `evt_pub_${++counter}_${Date.now()}`;
    const response = await fetch(`${system.url}/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.internalApiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        type,
        ...owner,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG[type].example,
      }),
    });
    return { id, status: response.status, type: response.headers.get('content-type'), body: await response.json() };
  }

  const deliveredIds = () => receiver.requestsTo('/all').map((request) => request.headers['webhook-id']);

  it(
    'refuses an event type outside the role allowlist with ' + '403 problem+json, and delivers nothing for it',
    async () => {
      const refused = await publish('subscription.updated', { orgId });
      expect(refused.status).toBe(403);
      expect(refused.type).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        status: 403,
        code: 'publisher_not_allowed',
        detail: 'This role may not publish subscription.updated events',
      });

      // An allowed event published after it is delivered; by then the refused one would have been too.
      const allowed = await publish('import.completed', { orgId });
      expect(allowed.status).toBe(202);
      const messageId = (allowed.body as { messageId: string }).messageId;
      await eventually(async () => (deliveredIds().includes(messageId) ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.requestsTo('/all')).toHaveLength(1);
    },
  );

  it('refuses an allowed type whose owner kind (a merchant) the role may not publish for', async () => {
    const refused = await publish('federation.order.created', { merchantId: 'm_publishers' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'publisher_not_allowed',
      detail: 'This role may not publish events owned by a merchant',
    });
  });

  it('still checks the body of an allowed caller: an invalid event is 422, not queued', async () => {
    const response = await fetch(`${system.url}/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.internalApiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'evt_bad', type: 'import.completed', orgId }),
    });
    expect(response.status).toBe(422);
  });
});
