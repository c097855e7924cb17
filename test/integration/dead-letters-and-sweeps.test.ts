import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { TABLES } from '../../shared/platform/topology';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import {
  callApi,
  createEndpoint as createEndpointFor,
  eventually,
  sqsClient,
  token,
  useSystemWithReceiver,
} from '../support/local-system';
import { respond } from '../support/receiver';

/**
 * The delivery DLQ means trouble, and the sweeper runs, through the local runtime (SQS pollers,
 * fauxqs redrive after maxReceiveCount, the sweeper's schedule): an exhausted delivery leaves the DLQ
 * empty — its alarm (depth ≥ 1) stays quiet — while a message the consumer cannot read reaches it; and
 * a pending delivery whose task never reached the queue is delivered after one scheduled sweep.
 */
describe('Integration: dead letters and sweeps through the local runtime', () => {
  const world = useSystemWithReceiver(
    { DELIVERY_RETRY_SCHEDULE: '1s', DELIVERY_TIMEOUT_MS: '800', ENDPOINT_DISABLE_AFTER: '1h' },
    // A poison message is received maxReceiveCount (5) times, a second apart, before it is dead-lettered.
    { visibilityTimeoutSeconds: 1, scheduleTimers: false },
  );

  async function call(method: string, path: string, bearer: string, body?: unknown) {
    const answer = await callApi(world.system, method, path, { bearer, ...(body !== undefined && { body }) });
    return { status: answer.status, body: answer.body };
  }

  const createEndpoint = async (orgId: string, path: string) => (await createEndpointFor(world, orgId, path)).id;

  const dlqDepth = async () => {
    const { Attributes } = await sqsClient(world.system).send(
      new GetQueueAttributesCommand({
        QueueUrl: world.system.queueUrls.delivery.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };

  it('keeps an exhausted delivery out of the DLQ, while a message the consumer cannot process reaches it', async () => {
    world.receiver.on('/exhausted', respond(500));
    await createEndpoint('org_dlq_1', '/exhausted');
    const published = await call('POST', '/internal/events', world.system.internalApiToken, {
      id: `evt_dlq_${Date.now()}`,
      type: 'webhook.test',
      orgId: 'org_dlq_1',
      occurredAt: new Date().toISOString(),
      data: { message: 'nobody home' },
    });
    expect(published.status).toBe(202);
    const messageId = String(published.body.messageId);
    const bearer = await token(world.system, 'org_dlq_1', 'member');
    await eventually(async () => {
      const { body } = await call('GET', `/v1/orgs/org_dlq_1/webhooks/messages/${messageId}`, bearer);
      return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'failed' ? true : undefined;
    });
    expect(world.receiver.requestsTo('/exhausted')).toHaveLength(2);
    // Longer than five receive cycles: anything the consumer had failed on would be there by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await dlqDepth()).toBe(0);

    await sqsClient(world.system).send(
      new SendMessageCommand({
        QueueUrl: world.system.queueUrls.delivery.url,
        MessageBody: '{"not":"a delivery task"',
      }),
    );
    await eventually(async () => ((await dlqDepth()) === 1 ? true : undefined), { timeoutMs: 30_000 });
  });

  it('delivers a pending delivery whose task never reached the queue after one sweep', async () => {
    const endpointId = await createEndpoint('org_sweep_local', '/swept');
    const messages = createMessagesStore(
      createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: world.system.dynamodbEndpoint, AWS_REGION: 'us-east-1' }),
      world.system.env[TABLES.webhooks.envVar]!,
    );
    // Stored by a fan-out twenty minutes ago, whose task was then lost between queue and worker.
    const createdAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const messageId = `msg_swept_${Date.now()}`;
    await messages.putMessage({
      messageId,
      orgId: 'org_sweep_local',
      eventId: `evt_${messageId}`,
      eventType: 'webhook.test',
      occurredAt: createdAt,
      body: JSON.stringify({ id: messageId, type: 'webhook.test', timestamp: createdAt, data: { message: 'lost' } }),
      correlationId: 'corr',
      createdAt,
      fanout: 'complete',
      expiresAt: 0,
    });
    await messages.putDeliveryIfAbsent({
      messageId,
      endpointId,
      orgId: 'org_sweep_local',
      eventType: 'webhook.test',
      status: 'pending',
      attempts: 0,
      lastAttemptAt: null,
      nextAttemptAt: createdAt,
      createdAt,
      updatedAt: createdAt,
      expiresAt: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.receiver.requestsTo('/swept')).toHaveLength(0);
    expect(await world.system.runSchedule('sweeper')).toEqual({ overdue: 1, staleAttempts: 0 });
    await eventually(async () => (world.receiver.requestsTo('/swept').length === 1 ? true : undefined));
    expect(world.receiver.requestsTo('/swept')[0]!.headers['webhook-id']).toBe(messageId);
  });
});
