import { DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createQueueSender, type QueueSender } from '../../shared/platform/aws/queue';
import { deliver } from '../../shared/outbound/deliver';
import type { Endpoint } from '../../shared/outbound/endpoint';
import { createRecoveryStep, RECOVERY_JOB_KIND } from '../../shared/outbound/recovery-job';
import { parseJobMessage, runJobStep, type JobRunnerDependencies } from '../../shared/platform/jobs/job-runner';
import { createDeliveryWorld, type DeliveryWorld } from '../support/delivery-world';
import { respond, startReceiver, type Receiver } from '../support/receiver';
import { createWebhooksApi, type WebhooksApi } from '../support/webhooks-api';

/**
 * Recovery as a durable job against dynalite and fauxqs with real clients: the API stores the job and
 * answers 202; the job worker pages through the window (4 deliveries a page here), and a worker killed
 * halfway through a page resumes from its checkpoint — each delivery of the window still reaches the
 * receiver exactly once. One recovery per endpoint at a time, and a delivery one recovery re-sent is
 * not re-sent by the next unless a scheduled attempt failed since.
 */
describe('Integration: recovery as a durable job', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  let world: DeliveryWorld;
  let api: WebhooksApi;
  let runner: JobRunnerDependencies;
  const PAGE = 4;

  const recoverySteps = (deliveryQueue: QueueSender) => ({
    [RECOVERY_JOB_KIND]: createRecoveryStep({
      recoveries: world.recoveries,
      messages: world.deps.messages,
      deliveryQueue,
      pageSize: PAGE,
      now: world.deps.now,
    }),
  });

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
    world = createDeliveryWorld(emulators);
    api = createWebhooksApi(emulators, world);
    runner = {
      jobs: api.jobs,
      queue: createQueueSender(world.sqs, emulators.queues.jobs.url),
      steps: recoverySteps(world.deps.deliveryQueue),
      now: world.deps.now,
      events: { stepCompleted: () => {}, finished: () => {}, stepFailed: () => {} },
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await emulators?.stop();
  });

  async function nextJobMessage(): Promise<Message | undefined> {
    const { Messages = [] } = await world.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emulators.queues.jobs.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
    );
    return Messages[0];
  }

  const done = (message: Message) =>
    world.sqs.send(
      new DeleteMessageCommand({ QueueUrl: emulators.queues.jobs.url, ReceiptHandle: message.ReceiptHandle }),
    );

  /** Plays the job worker: one step per message until the queue is empty. */
  async function runJobs(): Promise<void> {
    for (let message = await nextJobMessage(); message; message = await nextJobMessage()) {
      await runJobStep(parseJobMessage(message.Body ?? ''), runner);
      await done(message);
    }
  }

  async function failedWindow(orgId: string, path: string, count: number): Promise<Endpoint> {
    const endpoint = await world.endpoint(orgId, `${receiver.baseUrl}${path}`);
    for (let index = 0; index < count; index++) {
      await world.delivery(
        endpoint,
        index,
        'failed',
        new Date(world.clock.getTime() - (count - index) * 1_000).toISOString(),
      );
    }
    return endpoint;
  }

  const recover = (endpoint: Endpoint) =>
    api.call(
      'POST',
      `/v1/orgs/${endpoint.orgId}/webhooks/endpoints/${endpoint.endpointId}/recover`,
      { orgId: endpoint.orgId, endpointId: endpoint.endpointId },
      { since: new Date(world.clock.getTime() - 3_600_000).toISOString() },
    );

  const readRecovery = (endpoint: Endpoint, recoveryId: string) =>
    api.call('GET', `/v1/orgs/${endpoint.orgId}/webhooks/recoveries/${recoveryId}`, {
      orgId: endpoint.orgId,
      recoveryId,
    });

  const postedMessageIds = (path: string) =>
    receiver.requestsTo(path).map((request) => (JSON.parse(request.body) as { id: string }).id);

  it(
    're-sends each delivery of a window larger than a page exactly once when the worker is killed ' +
      'halfway, and completes',
    async () => {
      const endpoint = await failedWindow('org_rec_job_1', '/recover-1', 10);
      const started = await recover(endpoint);
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({
        kind: 'recovery',
        status: 'queued',
        endpointId: endpoint.endpointId,
        progress: { queued: 0, succeeded: 0, failed: 0, remaining: 0 },
      });
      const recoveryId = String(started.body.id);

      // Page 1 runs normally.
      const first = (await nextJobMessage())!;
      expect(await runJobStep(parseJobMessage(first.Body ?? ''), runner)).toBe('advanced');
      await done(first);
      // Page 2: the worker dies after marking the page and queueing two of its four deliveries.
      const second = (await nextJobMessage())!;
      const job = (await api.jobs.get(`ORG#${endpoint.orgId}`, recoveryId))!;
      let sent = 0;
      const dying: QueueSender = {
        send: (body, options) => world.deps.deliveryQueue.send(body, options),
        sendBatch: async (bodies) => {
          await world.deps.deliveryQueue.sendBatch(bodies.slice(0, 2));
          sent += 2;
          throw new Error('worker killed');
        },
      };
      await expect(recoverySteps(dying)[RECOVERY_JOB_KIND](job)).rejects.toThrow('worker killed');
      expect(sent).toBe(2);
      // SQS hands the same message to the next worker, which resumes from the stored checkpoint.
      expect(await runJobStep(parseJobMessage(second.Body ?? ''), runner)).toBe('advanced');
      await done(second);
      await runJobs();

      const running = await readRecovery(endpoint, recoveryId);
      expect(running.body).toMatchObject({ status: 'running', progress: { queued: 10, succeeded: 0, remaining: 10 } });
      const tasks = await world.drainDeliveries({ run: true });
      expect(tasks).toHaveLength(12); // the two sent before the crash were queued twice, and posted once
      expect(postedMessageIds('/recover-1').sort()).toEqual(
        Array.from({ length: 10 }, (_, index) => `msg_${endpoint.endpointId}_${String(index).padStart(4, '0')}`),
      );
      expect((await readRecovery(endpoint, recoveryId)).body).toMatchObject({
        status: 'completed',
        progress: { queued: 10, succeeded: 10, failed: 0, remaining: 0 },
      });
    },
  );

  it(
    'answers 409 with the active recovery while one runs, and a later recovery does not re-send ' +
      'what an earlier one did',
    async () => {
      receiver.on('/recover-2', respond(500));
      const endpoint = await failedWindow('org_rec_job_2', '/recover-2', 5);
      const first = await recover(endpoint);
      expect(first.status).toBe(202);
      const conflict = await recover(endpoint);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ code: 'recovery_in_progress', activeRecoveryId: first.body.id });

      await runJobs();
      await world.drainDeliveries({ run: true });
      expect(postedMessageIds('/recover-2')).toHaveLength(5);
      expect((await readRecovery(endpoint, String(first.body.id))).body).toMatchObject({
        status: 'completed',
        progress: { queued: 5, succeeded: 0, failed: 5, remaining: 0 },
      });

      // Back to back over the same (still failed) window: nothing is sent twice.
      const second = await recover(endpoint);
      expect(second.status).toBe(202);
      await runJobs();
      expect(await world.drainDeliveries({ run: true })).toEqual([]);
      expect(postedMessageIds('/recover-2')).toHaveLength(5);
      expect((await readRecovery(endpoint, String(second.body.id))).body).toMatchObject({
        status: 'completed',
        progress: { queued: 0, remaining: 0 },
      });

      // A scheduled attempt that fails after the recovery makes that delivery recoverable again.
      world.clock = new Date(world.clock.getTime() + 60_000);
      const again = { ...(await world.delivery(endpoint, 0, 'failed', undefined)), attempt: 2 };
      await deliver(again, world.deps);
      const third = await recover(endpoint);
      await runJobs();
      await world.drainDeliveries({ run: true });
      expect((await readRecovery(endpoint, String(third.body.id))).body).toMatchObject({
        status: 'completed',
        progress: { queued: 1, failed: 1, remaining: 0 },
      });
    },
  );
});
