import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import type { DeliveryTask } from '../../shared/outbound/delivery-task';
import { fanOut } from '../../shared/outbound/fanout';
import { createDeliveryHarness, type DeliveryHarness } from '../support/delivery-harness';

/**
 * Fan-out against the emulators (dynalite, fauxqs) with the real admission store: a task for an
 * endpoint whose circuit is open is queued already delayed until about its next probe, so a tenant
 * fanning out to dead endpoints puts nothing in front of other tasks on the delivery queue; a task
 * for a healthy endpoint goes at once. Nothing consumes the queue here: what it holds is what fan-out sent.
 */
describe('Integration: fan-out queues the tasks of an open circuit already delayed', () => {
  let emulators: Emulators;
  let harness: DeliveryHarness;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    harness = createDeliveryHarness(emulators);
  });
  afterAll(async () => {
    harness?.documents.destroy();
    await emulators?.stop();
  });

  it('sends the healthy endpoint its task at once and the open circuit its task after the probe', async () => {
    const alive = await harness.addEndpoint('org_fan_circuit', 'http://127.0.0.1:9/alive');
    const dead = await harness.addEndpoint('org_fan_circuit', 'http://127.0.0.1:9/dead');
    const admission = createAdmissionStore(harness.documents, emulators.tables.webhooks);
    const now = new Date();
    const nextProbeAt = now.getTime() + 60_000;
    expect(await admission.openCircuit(dead.endpointId, now.toISOString(), nextProbeAt)).toBe(true);

    const outcome = await fanOut(
      {
        id: `evt_fan_circuit_${now.getTime()}`,
        type: 'webhook.test',
        orgId: 'org_fan_circuit',
        occurredAt: now.toISOString(),
        data: { message: 'one healthy, one dead' },
      },
      'corr_fan_circuit',
      {
        endpoints: harness.deps.endpoints,
        messages: harness.deps.messages,
        deliveryQueue: createQueueSender(harness.sqs, emulators.queues.delivery.url),
        messageRetentionDays: 1,
        now: () => now,
        admission,
        random: () => 0.5,
      },
    );
    expect(outcome).toMatchObject({ tasks: 2, skipped: 0, delayed: 1 });

    const { Messages = [] } = await harness.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emulators.queues.delivery.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const visible = Messages.map((message) => JSON.parse(message.Body!) as DeliveryTask);
    expect(visible.map((task) => task.endpointId)).toEqual([alive.endpointId]);
    expect(visible[0]).toMatchObject({ attempt: 1, trigger: 'scheduled' });

    const { Attributes } = await harness.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: emulators.queues.delivery.url,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(Number(Attributes?.ApproximateNumberOfMessagesDelayed)).toBe(1);
  });
});
