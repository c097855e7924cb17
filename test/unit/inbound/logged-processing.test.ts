import { describe, expect, it } from 'vitest';
import { inboundEventId } from '../../../shared/inbound/log/inbound-event';
import { processLogged, type ReceivedEvent } from '../../../shared/inbound/log/logged-processing';
import { memoryInboundLog } from '../../support/inbound-log';

const NOW = new Date('2026-06-01T10:00:00.000Z');

function received(overrides: Partial<ReceivedEvent> = {}): ReceivedEvent {
  return {
    provider: 'square',
    providerEventId: 'ev_1',
    type: 'inventory.count.updated',
    receivedAt: NOW.toISOString(),
    receiptId: 'req_1',
    account: 'M1',
    headers: {},
    body: Buffer.from('{"first":true}'),
    replay: false,
    ...overrides,
  };
}

const applied = { status: 'applied', changed: true, orgId: 'org_1', effects: {} } as const;

describe('processLogged', () => {
  it('processes the first receipt, counts another receipt of the same id without running it', async () => {
    const log = memoryInboundLog(() => NOW);
    let runs = 0;
    const run = async () => ((runs += 1), applied);
    expect(await processLogged(log, received(), run)).toBe('processed');
    expect(await processLogged(log, received({ receiptId: 'req_2', body: Buffer.from('{"second":true}') }), run)).toBe(
      'duplicate',
    );
    expect(runs).toBe(1);
    const entry = log.entries.get(inboundEventId('square', 'ev_1'));
    expect(entry).toMatchObject({ receiveCount: 2, status: 'applied', tries: 1 });
    expect((await log.store.body(entry!.id))?.toString()).toBe('{"first":true}');
  });

  it('tries a redelivery of the same receipt and a replay again', async () => {
    const log = memoryInboundLog(() => NOW);
    let runs = 0;
    const failing = async () => {
      runs += 1;
      throw new Error('DynamoDB throttled');
    };
    await expect(processLogged(log, received(), failing)).rejects.toThrow('DynamoDB throttled');
    expect(log.entries.get(inboundEventId('square', 'ev_1'))).toMatchObject({
      status: 'failed',
      reason: 'DynamoDB throttled',
      tries: 1,
    });
    expect(await processLogged(log, received(), async () => ((runs += 1), applied))).toBe('processed');
    expect(
      await processLogged(log, received({ receiptId: 'replay_1', replay: true }), async () => ((runs += 1), applied)),
    ).toBe('processed');
    expect(runs).toBe(3);
    expect(log.entries.get(inboundEventId('square', 'ev_1'))).toMatchObject({
      status: 'applied',
      tries: 3,
      receiveCount: 1,
    });
  });
});
