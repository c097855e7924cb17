import { describe, expect, it } from 'vitest';
import { replayUnmatched, type ReplayDependencies } from '../../../shared/inbound/connections/replay-unmatched';
import type { QueuedWebhook } from '../../../shared/inbound/queued-webhook';

function kept(count: number): QueuedWebhook[] {
  return Array.from({ length: count }, (_, index) => ({
    source: 'shopify',
    eventId: `evt_${index}`,
    eventType: 'products/update',
    receivedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, index)).toISOString(),
    correlationId: `corr_${index}`,
    rawBodyBase64: Buffer.from(`{"id":${index}}`).toString('base64'),
    account: 'shop.myshopify.com',
  }));
}

function fakes(messages: QueuedWebhook[], options: { failOnBatch?: number } = {}) {
  const log: string[] = [];
  const remaining = new Map(messages.map((message) => [message.eventId, message]));
  let batches = 0;
  const deps: ReplayDependencies = {
    store: {
      unmatched: async () => [...remaining.values()],
      forgetUnmatched: async (_provider, _account, message) => {
        log.push(`forget ${message.eventId}`);
        remaining.delete(message.eventId);
      },
    },
    catalogQueue: {
      sendBatch: async (bodies) => {
        batches += 1;
        if (batches === options.failOnBatch) throw new Error('queue unavailable');
        log.push(`send ${bodies.map((body) => (JSON.parse(body) as QueuedWebhook).eventId).join(',')}`);
      },
    },
  };
  return { deps, log, remaining };
}

describe('Function: replayUnmatched', () => {
  it('sends nothing and reports 0 when nothing was kept', async () => {
    const { deps, log } = fakes([]);
    await expect(replayUnmatched(deps, 'square', 'M1')).resolves.toBe(0);
    expect(log).toEqual([]);
  });

  it('sends the kept messages as they were stored, then forgets each one', async () => {
    const messages = kept(2);
    const sent: string[] = [];
    const { deps, remaining } = fakes(messages);
    const store = deps.store;
    const count = await replayUnmatched(
      { store, catalogQueue: { sendBatch: async (bodies) => void sent.push(...bodies) } },
      'shopify',
      'shop.myshopify.com',
    );
    expect(count).toBe(2);
    expect(sent.map((body) => JSON.parse(body) as unknown)).toEqual(messages);
    expect(remaining.size).toBe(0);
  });

  it('forgets each batch of 10 only after the queue accepted it', async () => {
    const { deps, log } = fakes(kept(12));
    await expect(replayUnmatched(deps, 'shopify', 'shop.myshopify.com')).resolves.toBe(12);
    expect(log[0]).toBe(`send ${Array.from({ length: 10 }, (_, index) => `evt_${index}`).join(',')}`);
    expect(log.slice(1, 11)).toEqual(Array.from({ length: 10 }, (_, index) => `forget evt_${index}`));
    expect(log.slice(11)).toEqual(['send evt_10,evt_11', 'forget evt_10', 'forget evt_11']);
  });

  it('keeps the messages of a batch the queue refused, so connecting again replays them', async () => {
    const { deps, remaining } = fakes(kept(15), { failOnBatch: 2 });
    await expect(replayUnmatched(deps, 'shopify', 'shop.myshopify.com')).rejects.toThrow('queue unavailable');
    expect([...remaining.keys()]).toEqual(['evt_10', 'evt_11', 'evt_12', 'evt_13', 'evt_14']);
    await expect(
      replayUnmatched({ ...deps, catalogQueue: { sendBatch: async () => undefined } }, 'shopify', 'shop.myshopify.com'),
    ).resolves.toBe(5);
    expect(remaining.size).toBe(0);
  });
});
