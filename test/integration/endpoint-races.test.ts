import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { secretContext } from '../../shared/outbound/endpoint';
import { getItem } from '../../shared/platform/aws/table';
import { createEndpointSlots, SETTLE_MS } from '../../shared/outbound/endpoint-slots';
import { createDeliveryWorld, type DeliveryWorld } from '../support/delivery-world';
import { createWebhooksApi, type WebhooksApi } from '../support/webhooks-api';

/**
 * Writes that cannot race, against dynalite with real clients: of two concurrent rotations one answers
 * 200 and the other 409, and the secret returned is the one stored; eighty concurrent creates against
 * the cap of fifty create exactly fifty (a counter item taken with a conditional update).
 */
describe('Integration: endpoint writes under concurrency', () => {
  let emulators: Emulators;
  let world: DeliveryWorld;
  let api: WebhooksApi;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    world = createDeliveryWorld(emulators);
    api = createWebhooksApi(emulators, world);
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  const create = (orgId: string) =>
    api.call(
      'POST',
      `/v1/orgs/${orgId}/webhooks/endpoints`,
      { orgId },
      {
        url: 'http://127.0.0.1:9/hook',
        eventTypes: ['*'],
      },
    );

  it(
    'lets one of two concurrent rotations win (200) and refuses the other (409); the returned ' +
      'secret is the stored one',
    async () => {
      const created = await create('org_race_1');
      expect(created.status).toBe(201);
      const endpointId = String(created.body.id);
      const rotate = () =>
        api.call(
          'POST',
          `/v1/orgs/org_race_1/webhooks/endpoints/${endpointId}/secret/rotate`,
          { orgId: 'org_race_1', endpointId },
          { gracePeriodSeconds: 60 },
        );
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all([rotate(), rotate()]);
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses).toEqual([200, 409]);
        const winner = answers.find((answer) => answer.status === 200)!;
        expect(answers.find((answer) => answer.status === 409)!.body).toMatchObject({ code: 'rotation_conflict' });
        const stored = (await world.deps.endpoints.getSecrets('org_race_1', endpointId))!;
        const newest = await world.cipher.decrypt(
          stored.secrets[0]!.ciphertext,
          secretContext({ orgId: 'org_race_1', endpointId }),
        );
        expect(newest).toBe(winner.body.secret);
        expect(parseSigningSecret(newest)).toBeInstanceOf(Uint8Array);
      }
    },
  );

  it('creates exactly 50 endpoints out of 80 concurrent creates, and frees a slot when one is deleted', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, () => create('org_race_2')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    expect(statuses.filter((status) => status === 409)).toHaveLength(30);
    expect(answers.find((answer) => answer.status === 409)!.body).toMatchObject({ code: 'endpoint_limit_reached' });
    expect(await world.deps.endpoints.list('org_race_2')).toHaveLength(50);

    const endpointId = String(answers.find((answer) => answer.status === 201)!.body.id);
    const deleted = await api.call('DELETE', `/v1/orgs/org_race_2/webhooks/endpoints/${endpointId}`, {
      orgId: 'org_race_2',
      endpointId,
    });
    expect(deleted.status).toBe(204);
    const again = await Promise.all([create('org_race_2'), create('org_race_2')]);
    expect(again.map((answer) => answer.status).sort()).toEqual([201, 409]);
  });

  it('sets a drifted counter back to the endpoints that exist once settled, never with creates in flight', async () => {
    const table = { documents: world.documents, tableName: emulators.tables.webhooks };
    let clock = Date.parse('2026-12-01T12:00:00Z');
    let endpoints = 0;
    const slots = createEndpointSlots(
      table.documents,
      table.tableName,
      async () => endpoints,
      () => clock,
    );
    for (let n = 0; n < 3; n++) expect(await slots.take('org_race_3', 3)).toBe(true);
    // Two endpoints were written; the third create died after taking its slot.
    endpoints = 2;

    // Moments later the counter may still cover a create between its slot and its endpoint write.
    clock += SETTLE_MS - 1;
    expect(await slots.take('org_race_3', 3)).toBe(false);
    // Settled: checked against the two endpoints, corrected, and the slot taken.
    clock += 1;
    expect(await slots.take('org_race_3', 3)).toBe(true);
    endpoints = 3;
    expect(await getItem(table, { pk: 'ORG#org_race_3', sk: 'ENDPOINTCOUNT' })).toMatchObject({ count: 3 });
    // Counting right, it stays full.
    clock += SETTLE_MS;
    expect(await slots.take('org_race_3', 3)).toBe(false);
  });
});
