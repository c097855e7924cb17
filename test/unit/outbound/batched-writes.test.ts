import type { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createBatchedWrites } from '../../../shared/outbound/batched-writes';
import { changedDeliveryItem, dueShardOf } from '../../../shared/outbound/messages-store';
import type { TableContext } from '../../../shared/platform/aws/table';

type Request = { PutRequest: { Item: Record<string, unknown> } };

/** A document client that records each BatchWriteItem and leaves the first `unprocessed` items of the first one. */
function fakeTable(unprocessed = 0) {
  const sent: Record<string, unknown>[][] = [];
  const documents = {
    send: async (command: BatchWriteCommand) => {
      const requests = command.input.RequestItems!.webhooks as Request[];
      sent.push(requests.map((request) => request.PutRequest.Item));
      const left = sent.length === 1 ? requests.slice(0, unprocessed) : [];
      return { UnprocessedItems: left.length > 0 ? { webhooks: left } : {} };
    },
  };
  return { table: { documents, tableName: 'webhooks' } as unknown as TableContext, sent };
}

const item = (sk: string, extra: Record<string, unknown> = {}) => ({ pk: 'MSG#m', sk, ...extra });

describe('createBatchedWrites', () => {
  it('sends one request as soon as every running delivery waits on a write', async () => {
    const { table, sent } = fakeTable();
    const writes = createBatchedWrites(table, { running: () => 2, maxWaitMs: 60_000 });
    const first = writes.put(item('ATTEMPT#a'), 'a');
    await Promise.resolve();
    expect(sent).toHaveLength(0);
    await Promise.all([first, writes.put(item('ATTEMPT#b'), 'b'), writes.put(item('DELIVERY#b'), 'b')]);
    expect(sent).toEqual([[item('ATTEMPT#a'), item('ATTEMPT#b'), item('DELIVERY#b')]]);
  });

  it('sends after maxWaitMs when a delivery is still running, and when a delivery ends (nudge)', async () => {
    const { table, sent } = fakeTable();
    let running = 3;
    const writes = createBatchedWrites(table, { running: () => running, maxWaitMs: 5 });
    await writes.put(item('ATTEMPT#a'), 'a');
    expect(sent).toHaveLength(1);
    const second = writes.put(item('ATTEMPT#b'), 'b');
    await Promise.resolve();
    running = 1;
    writes.nudge();
    await second;
    expect(sent).toEqual([[item('ATTEMPT#a')], [item('ATTEMPT#b')]]);
  });

  it('keeps the later of two writes of one key, and asks again for what DynamoDB left unprocessed', async () => {
    const { table, sent } = fakeTable(1);
    const writes = createBatchedWrites(table, { running: () => 1, maxWaitMs: 60_000 });
    await Promise.all([writes.put(item('DELIVERY#a', { v: 1 }), 'a'), writes.put(item('DELIVERY#a', { v: 2 }), 'a')]);
    expect(sent).toEqual([[item('DELIVERY#a', { v: 2 })], [item('DELIVERY#a', { v: 2 })]]);
  });

  it('rejects every write of a request that failed, so their tasks are retried', async () => {
    const table = {
      documents: { send: async () => Promise.reject(new Error('throttled')) },
      tableName: 'webhooks',
    } as unknown as TableContext;
    const writes = createBatchedWrites(table, { running: () => 1, maxWaitMs: 60_000 });
    await expect(writes.put(item('ATTEMPT#a'), 'a')).rejects.toThrow('throttled');
  });
});

describe('changedDeliveryItem', () => {
  const stored = {
    pk: 'MSG#m',
    sk: 'DELIVERY#ep',
    messageId: 'm',
    endpointId: 'ep',
    status: 'pending',
    attempts: 0,
    duePk: 'DUE#3',
    dueSk: '2026-11-20T00:00:00.000Z#m#ep',
    recoveredBy: 'rec_1',
  };

  it('leaves the due index when the delivery settles, keeping every other field', () => {
    expect(changedDeliveryItem(stored, { status: 'succeeded', attempts: 1, nextAttemptAt: null }, 'T1')).toEqual({
      pk: 'MSG#m',
      sk: 'DELIVERY#ep',
      messageId: 'm',
      endpointId: 'ep',
      status: 'succeeded',
      attempts: 1,
      nextAttemptAt: null,
      updatedAt: 'T1',
      recoveredBy: 'rec_1',
    });
  });

  it('is listed under its next attempt when a retry keeps it pending', () => {
    const changed = changedDeliveryItem(stored, { status: 'pending', attempts: 1, nextAttemptAt: 'T2' }, 'T1');
    expect(changed).toMatchObject({
      duePk: `DUE#${dueShardOf('m', 'ep')}`,
      dueSk: 'T2#m#ep',
      status: 'pending',
      attempts: 1,
    });
  });
});
