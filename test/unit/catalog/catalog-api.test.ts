import { describe, expect, it } from 'vitest';
import { createCatalogApiHandler } from '../../../functions/catalog-api/catalog-api';
import type { CatalogStore, InventorySettings } from '../../../shared/catalog/catalog-store';
import { httpEvent } from '../../support/api-gateway';
import { recordingObservability } from '../../support/observability';

const ORG = 'org_api';
const ROUTE = 'PUT /v1/orgs/{orgId}/settings/inventory';

function handler() {
  const saved: InventorySettings[] = [];
  const store = {
    putInventorySettings: async (_orgId: string, settings: InventorySettings) => void saved.push(settings),
  } as unknown as CatalogStore;
  return {
    saved,
    handle: createCatalogApiHandler({
      store,
      now: () => new Date('2026-11-28T00:00:00Z'),
      observability: recordingObservability(),
    }),
  };
}

const put = (body: string, role = 'admin') =>
  httpEvent({
    method: 'PUT',
    routeKey: ROUTE,
    path: `/v1/orgs/${ORG}/settings/inventory`,
    pathParameters: { orgId: ORG },
    body,
    base64: false,
    claims: { org_id: ORG, role },
  });

describe('Function: catalog API', () => {
  describe('Route: PUT /v1/orgs/{orgId}/settings/inventory', () => {
    it('stores the threshold as an exact decimal and answers with the settings', async () => {
      const { saved, handle } = handler();
      const answer = await handle(put('{"stockoutThreshold": 2.5}'));
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ stockoutThreshold: 2.5, updatedAt: '2026-11-28T00:00:00.000Z' });
      await handle(put('{"stockoutThreshold": "007.50"}'));
      expect(saved.map((settings) => settings.stockoutThreshold)).toEqual(['2.5', '7.5']);
    });

    it('refuses negative, non-numeric and unknown fields with 422, bad JSON with 400, and members with \
403', async () => {
      const { saved, handle } = handler();
      for (const body of [
        '{"stockoutThreshold": -1}',
        '{"stockoutThreshold": "many"}',
        '{"stockoutThreshold": 1e-9}',
        '{"stockoutThreshold": 1, "extra": true}',
        '{}',
      ]) {
        expect({ body, status: (await handle(put(body))).statusCode }).toEqual({ body, status: 422 });
      }
      expect((await handle(put('{'))).statusCode).toBe(400);
      expect((await handle(put('{"stockoutThreshold": 1}', 'member'))).statusCode).toBe(403);
      expect(saved).toEqual([]);
    });
  });
});
