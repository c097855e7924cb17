import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { TABLES } from '../../shared/platform/topology';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { eventually, sqsClient, token } from '../support/local-system';
import { respond, startReceiver, type Receiver } from '../support/receiver';

/**
 * The delivery DLQ means trouble, and the sweeper runs, through the local runtime (SQS pollers,
 * fauxqs redrive after maxReceiveCount, the sweeper's schedule): an exhausted delivery leaves the DLQ
 * empty — its alarm (depth ≥ 1) stays quiet — while a message the consumer cannot read reaches it; and
 * a pending delivery whose task never reached the queue is delivered after one scheduled sweep.
 */
describe('Integration: dead letters and sweeps through the local runtime', () => {
  let system: LocalSystem;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      // A poison message is received maxReceiveCount (5) times, a second apart, before it is dead-lettered.
      visibilityTimeoutSeconds: 1,
      scheduleTimers: false,
      env: { DELIVERY_RETRY_SCHEDULE: '1s', DELIVERY_TIMEOUT_MS: '800', ENDPOINT_DISABLE_AFTER: '1h' },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  async function call(method: string, path: string, bearer: string, body?: unknown) {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function createEndpoint(orgId: string, path: string): Promise<string> {
    const created = await call('POST', `/v1/orgs/${orgId}/webhooks/endpoints`, await token(system, orgId), {
      url: `${receiver.baseUrl}${path}`,
      eventTypes: ['*'],
    });
    expect(created.status).toBe(201);
    return String(created.body.id);
  }

  const dlqDepth = async () => {
    const { Attributes } = await sqsClient(system).send(
      new GetQueueAttributesCommand({
        QueueUrl: system.queueUrls.delivery.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };

  it('keeps an exhausted delivery out of the DLQ, while a message the consumer cannot process reaches it', async () => {
    receiver.on('/exhausted', respond(500));
    await createEndpoint('org_dlq_1', '/exhausted');
    const published = await call('POST', '/internal/events', system.internalApiToken, {
      id: `evt_dlq_${Date.now()}`,
      type: 'webhook.test',
      orgId: 'org_dlq_1',
      occurredAt: new Date().toISOString(),
      data: { message: 'nobody home' },
    });
    expect(published.status).toBe(202);
    const messageId = String(published.body.messageId);
    const bearer = await token(system, 'org_dlq_1', 'member');
    await eventually(async () => {
      const { body } = await call('GET', `/v1/orgs/org_dlq_1/webhooks/messages/${messageId}`, bearer);
      return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'failed' ? true : undefined;
    });
    expect(receiver.requestsTo('/exhausted')).toHaveLength(2);
    // Longer than five receive cycles: anything the consumer had failed on would be there by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await dlqDepth()).toBe(0);

    await sqsClient(system).send(
      new SendMessageCommand({ QueueUrl: system.queueUrls.delivery.url, MessageBody: '{"not":"a delivery task"' }),
    );
    await eventually(async () => ((await dlqDepth()) === 1 ? true : undefined), { timeoutMs: 30_000 });
  });

  it('delivers a pending delivery whose task never reached the queue after one sweep', async () => {
    const endpointId = await createEndpoint('org_sweep_local', '/swept');
    const messages = createMessagesStore(
      createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint, AWS_REGION: 'us-east-1' }),
      system.env[TABLES.webhooks.envVar]!,
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
    expect(receiver.requestsTo('/swept')).toHaveLength(0);
    expect(await system.runSchedule('sweeper')).toEqual({ overdue: 1, staleAttempts: 0 });
    await eventually(async () => (receiver.requestsTo('/swept').length === 1 ? true : undefined));
    expect(receiver.requestsTo('/swept')[0]!.headers['webhook-id']).toBe(messageId);
  });
});
