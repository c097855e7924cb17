import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { deliver } from '../../shared/outbound/deliver';
import { startDeliveryBatch } from '../../shared/outbound/delivery-batch';
import type { DeliveryTask } from '../../shared/outbound/delivery-task';
import { createStatsBatch } from '../../shared/outbound/stats-batch';
import { createStatsStore } from '../../shared/outbound/stats-store';
import { createDeliveryWorld, type DeliveryWorld } from '../support/delivery-world';
import { isRead, logCommands, type CommandLog } from '../support/dynamodb-commands';
import { respond, startReceiver, type Receiver } from '../support/receiver';

/**
 * What a delivery costs in DynamoDB commands, counted on the real client against dynalite: a
 * successful first attempt is one read and three writes, its stats one write per endpoint-hour per
 * batch, and the endpoint item is written only when the endpoint's health changes. An exhausted
 * delivery is recorded failed and never sent to the dead-letter queue.
 */
describe('Integration: the cost of a delivery', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  let world: DeliveryWorld;
  let commands: CommandLog;

  const endpointWrites = () =>
    commands.commands.filter(
      (command) =>
        !isRead(command.name) &&
        [command.key, ...(command.keys ?? [])].some((key) => String(key?.sk).startsWith('ENDPOINT#')),
    );

  /** An endpoint with ten pending deliveries, the command log emptied after storing them. */
  async function tenPendingDeliveries(orgId: string, path: string) {
    const endpoint = await world.endpoint(orgId, `${receiver.baseUrl}${path}`);
    const tasks = await Promise.all(
      Array.from({ length: 10 }, (_, index) => world.delivery(endpoint, index, 'pending')),
    );
    commands.reset();
    return { endpoint, tasks };
  }

  /** Delivers the tasks as the delivery consumer does one SQS batch: side by side, sharing round trips. */
  async function deliverBatch(tasks: readonly DeliveryTask[]) {
    const { stats: _stats, ...base } = world.deps;
    const batch = startDeliveryBatch(base, {
      table: { documents: world.documents, tableName: emulators.tables.webhooks },
      stats: world.stats,
    });
    const outcomes = await Promise.all(tasks.map((task) => batch.run(() => deliver(task, batch.deps))));
    await batch.finish();
    return outcomes;
  }

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
    world = createDeliveryWorld(emulators);
    commands = logCommands(world.documents);
  });

  afterAll(async () => {
    await receiver?.close();
    await emulators?.stop();
  });

  it(
    'costs 1 read and 3 writes per successful first attempt, stats once per endpoint-hour per ' +
      'batch, and never writes the endpoint item',
    async () => {
      const { endpoint, tasks } = await tenPendingDeliveries('org_cost_1', '/ok');
      const stats = createStatsBatch(createStatsStore(world.documents, emulators.tables.webhooks));
      const outcomes = await Promise.all(tasks.map((task) => deliver(task, { ...world.deps, stats })));
      expect(outcomes.every((outcome) => outcome.kind === 'attempted' && outcome.step.kind === 'succeeded')).toBe(true);
      expect(commands.count(isRead)).toBe(10);
      expect(commands.count((name) => name === 'BatchGetItem')).toBe(10);
      expect(commands.count((name) => !isRead(name))).toBe(30);
      await stats.flush();
      expect(commands.count((name) => !isRead(name))).toBe(31);
      expect(endpointWrites()).toEqual([]);
      expect(receiver.requestsTo('/ok')).toHaveLength(10);

      const counts = await createStatsStore(world.documents, emulators.tables.webhooks).read(
        endpoint.endpointId,
        new Date(world.clock.getTime() - 3_600_000),
        world.clock,
      );
      expect(counts).toMatchObject({
        attempts: { succeeded: 10, failed: 0 },
        messages: { succeeded: 10, pending: 0 },
        lastSuccessAt: world.clock.toISOString(),
      });
    },
  );

  it(
    'costs one BatchGetItem, one conditional claim each, one BatchWriteItem and one stats write for a ' +
      'batch of ten successes, and a redelivered batch posts nothing again',
    async () => {
      const { endpoint, tasks } = await tenPendingDeliveries('org_cost_batch', '/batch');
      const outcomes = await deliverBatch(tasks);
      expect(outcomes.every((outcome) => outcome.kind === 'attempted' && outcome.step.kind === 'succeeded')).toBe(true);
      const names = commands.commands.map((command) => command.name);
      expect(names.filter((name) => name === 'BatchGetItem')).toHaveLength(1);
      expect(names.filter(isRead)).toHaveLength(1);
      expect(names.filter((name) => name === 'PutItem')).toHaveLength(10);
      expect(names.filter((name) => name === 'BatchWriteItem')).toHaveLength(1);
      expect(names.filter((name) => name === 'UpdateItem')).toHaveLength(1);
      expect(names).toHaveLength(13);
      // Per delivery: one claim, its result and the delivery's state; nothing on the endpoint item.
      const batchWrite = commands.commands.find((command) => command.name === 'BatchWriteItem');
      expect(batchWrite?.keys).toHaveLength(20);
      expect(endpointWrites()).toEqual([]);
      expect(receiver.requestsTo('/batch')).toHaveLength(10);

      for (const task of tasks) {
        const history = await world.deps.messages.messageHistory(task.messageId);
        expect(history.deliveries).toEqual([
          expect.objectContaining({
            status: 'succeeded',
            attempts: 1,
            nextAttemptAt: null,
            createdAt: expect.any(String),
          }),
        ]);
        expect(history.attempts).toEqual([
          expect.objectContaining({ attempt: 1, state: 'completed', status: 'succeeded', statusCode: 200 }),
        ]);
      }
      // Left the sweeper's due index; still listed in the endpoint's attempt log.
      expect(await world.deps.messages.overdue(0, '9999', 100)).toEqual([]);
      for (let shard = 1; shard < 8; shard++) expect(await world.deps.messages.overdue(shard, '9999', 100)).toEqual([]);
      const log = await world.deps.messages.attemptsOfEndpoint(endpoint.endpointId, { limit: 20 });
      expect(log.items).toHaveLength(10);

      commands.reset();
      const again = await deliverBatch(tasks);
      expect(again.every((outcome) => outcome.kind === 'duplicate')).toBe(true);
      expect(receiver.requestsTo('/batch')).toHaveLength(10);
      expect(endpointWrites()).toEqual([]);
    },
  );

  it('keeps batched retries pending and due at the next attempt, a failed one its recovery mark', async () => {
    receiver.on('/batch-down', respond(500));
    const { endpoint, tasks } = await tenPendingDeliveries('org_cost_batch_retry', '/batch-down');
    const outcomes = await deliverBatch(tasks.slice(0, 5));
    expect(outcomes.every((outcome) => outcome.kind === 'attempted' && outcome.step.kind === 'retry')).toBe(true);
    expect(commands.count((name) => name === 'BatchWriteItem')).toBe(1);
    await world.drainDeliveries();
    const nextAttemptAt = new Date(world.clock.getTime() + 1_000).toISOString();
    for (const task of tasks.slice(0, 5))
      expect(await world.deps.messages.getDelivery(task.messageId, endpoint.endpointId)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt,
      });
    // Each is listed in the sweeper's due index under its next attempt, and nowhere else.
    const attempted = new Set(tasks.slice(0, 5).map((task) => task.messageId));
    const due = async (before: string) =>
      (await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((shard) => world.deps.messages.overdue(shard, before, 100))))
        .flat()
        .filter((delivery) => attempted.has(delivery.messageId));
    expect(await due(nextAttemptAt)).toEqual([]);
    const listed = await due(new Date(world.clock.getTime() + 2_000).toISOString());
    expect(listed.map((delivery) => delivery.dueAt).sort()).toEqual(Array(5).fill(nextAttemptAt));
    // The first failure starts the endpoint's failure clock (each of the five tries; one condition holds).
    expect(await world.deps.endpoints.get('org_cost_batch_retry', endpoint.endpointId)).toMatchObject({
      failingSince: world.clock.toISOString(),
    });

    // A delivery that is not pending when the batch reads it is updated in place, its other fields kept.
    const [failed] = tasks.slice(5);
    await world.deps.messages.updateDelivery(failed!.messageId, endpoint.endpointId, { status: 'failed' }, 'x');
    await world.deps.messages.markRecovered(failed!.messageId, endpoint.endpointId, 'rec_1', world.clock.toISOString());
    await deliverBatch([{ ...failed!, attempt: 1 }]);
    expect(await world.deps.messages.getDelivery(failed!.messageId, endpoint.endpointId)).toMatchObject({
      recoveredBy: 'rec_1',
    });
  });

  it(
    'writes the endpoint item at the first failure and at the recovery, not on the failures or ' + 'successes between',
    async () => {
      receiver.on('/flaky', respond(500, 500, 200, 200));
      const endpoint = await world.endpoint('org_cost_2', `${receiver.baseUrl}/flaky`);
      const tasks = await Promise.all([0, 1, 2, 3].map((index) => world.delivery(endpoint, index, 'pending')));
      const writesPerAttempt: number[] = [];
      for (const task of tasks) {
        commands.reset();
        await deliver(task, world.deps);
        writesPerAttempt.push(endpointWrites().length);
      }
      expect(writesPerAttempt).toEqual([1, 0, 1, 0]);
      expect(await world.deps.endpoints.get('org_cost_2', endpoint.endpointId)).toMatchObject({ failingSince: null });
    },
  );

  it('records an exhausted delivery as failed and leaves the dead-letter queue empty', async () => {
    receiver.on('/down', respond(500));
    const endpoint = await world.endpoint('org_cost_3', `${receiver.baseUrl}/down`);
    const task = await world.delivery(endpoint, 0, 'pending');
    // The world's schedule has one retry: attempt 2 is the last.
    expect(await deliver(task, world.deps)).toMatchObject({ step: { kind: 'retry' } });
    await world.drainDeliveries();
    expect(await deliver({ ...task, attempt: 2 }, world.deps)).toMatchObject({
      step: { kind: 'failed', reason: 'retries_exhausted' },
    });
    expect(await world.deps.messages.getDelivery(task.messageId, endpoint.endpointId)).toMatchObject({
      status: 'failed',
      attempts: 2,
      failedAt: world.clock.toISOString(),
    });
    const { Messages = [] } = await world.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emulators.queues.delivery.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages).toEqual([]);
    expect(await world.drainDeliveries()).toEqual([]);
  });
});
