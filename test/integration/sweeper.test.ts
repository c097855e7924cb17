import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { sweep, type SweepDependencies } from '../../shared/outbound/sweep';
import { createDeliveryWorld, type DeliveryWorld } from '../support/delivery-world';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The sweeper against dynalite and fauxqs with real clients and a clock the test moves: a delivery
 * whose queued task was deleted by hand reaches its receiver after one sweep; an attempt left
 * `in_progress` by a crashed worker is taken over; each is re-queued once, and nothing is re-queued
 * before it is overdue. The sweeper reads the `byDue` index shard by shard — a query, never a scan.
 */
describe('Integration: the sweeper', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  let world: DeliveryWorld;
  let deps: SweepDependencies;
  const MINUTE = 60_000;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
    world = createDeliveryWorld(emulators);
    deps = {
      messages: world.deps.messages,
      deliveryQueue: world.deps.deliveryQueue,
      now: world.deps.now,
      staleAfterMs: world.deps.settings.timeoutMs * 4,
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await emulators?.stop();
  });

  it('re-queues a delivery whose task was lost, once, and the receiver gets the POST', async () => {
    const endpoint = await world.endpoint('org_sweep_1', `${receiver.baseUrl}/lost`);
    const task = await world.delivery(endpoint, 0, 'pending');
    await world.deps.deliveryQueue.send(JSON.stringify(task));
    // The task is taken off the queue by hand and never delivered: lost between queue and worker.
    expect(await world.drainDeliveries()).toEqual([task]);

    world.clock = new Date(world.clock.getTime() + 5 * MINUTE);
    expect(await sweep(deps)).toEqual({ overdue: 0, staleAttempts: 0 });
    world.clock = new Date(world.clock.getTime() + 11 * MINUTE);
    expect(await sweep(deps)).toEqual({ overdue: 1, staleAttempts: 0 });
    // Once: a second sweep right after finds it not overdue any more.
    expect(await sweep(deps)).toEqual({ overdue: 0, staleAttempts: 0 });

    const requeued = await world.drainDeliveries({ run: true });
    expect(requeued).toEqual([
      expect.objectContaining({ messageId: task.messageId, attempt: 1, trigger: 'scheduled' }),
    ]);
    expect(receiver.requestsTo('/lost')).toHaveLength(1);
    expect(await world.deps.messages.getDelivery(task.messageId, endpoint.endpointId)).toMatchObject({
      status: 'succeeded',
    });
    // Succeeded: out of the index for good.
    world.clock = new Date(world.clock.getTime() + 60 * MINUTE);
    expect(await sweep(deps)).toEqual({ overdue: 0, staleAttempts: 0 });
  });

  it(
    're-queues a delivery whose attempt was left in progress by a crashed worker, and the new ' +
      'worker takes it over',
    async () => {
      const endpoint = await world.endpoint('org_sweep_2', `${receiver.baseUrl}/crashed`);
      const task = await world.delivery(endpoint, 0, 'pending');
      const { message } = await world.deps.context.read(task);
      // A worker claimed attempt 1 and died before posting.
      await world.deps.messages.claimAttempt(
        {
          messageId: task.messageId,
          endpointId: endpoint.endpointId,
          orgId: endpoint.orgId,
          eventType: message!.eventType,
          attempt: 1,
          trigger: 'scheduled',
          state: 'in_progress',
          at: world.clock.toISOString(),
          url: endpoint.url,
          status: null,
          statusCode: null,
          errorKind: null,
          errorMessage: null,
          durationMs: null,
          responseExcerpt: null,
          nextAttemptAt: null,
          expiresAt: 0,
        },
        world.clock.toISOString(),
      );
      world.clock = new Date(world.clock.getTime() + 2 * MINUTE);
      expect(await sweep(deps)).toEqual({ overdue: 0, staleAttempts: 1 });
      expect(await sweep(deps)).toEqual({ overdue: 0, staleAttempts: 0 });
      await world.drainDeliveries({ run: true });
      expect(receiver.requestsTo('/crashed')).toHaveLength(1);
      const { attempts } = await world.deps.messages.messageHistory(task.messageId);
      expect(attempts).toEqual([expect.objectContaining({ attempt: 1, state: 'completed', status: 'succeeded' })]);
    },
  );
});
