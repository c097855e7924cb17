import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createAlertReader } from '../../shared/platform/alerts';
import { postWebhook, type WebhookPost } from '../../shared/outbound/transport/http-delivery';
import { deliver, type DeliveryDependencies } from '../../shared/outbound/deliver';
import type { DeliveryTask } from '../../shared/outbound/delivery-task';
import type { Endpoint } from '../../shared/outbound/endpoint';
import { createDeliveryHarness, type DeliveryHarness, type SentTask } from '../support/delivery-harness';
import { respond, startReceiver, type Receiver } from '../support/receiver';

/**
 * The delivery core against real DynamoDB (dynalite) and SQS (fauxqs) clients, real HTTP, and a
 * clock the test moves: auto-disable after days of failures, SSRF refusals logged and retried, and
 * recovery when a task is delivered again after its attempt finished.
 */
describe('Integration: the delivery core with a controlled clock', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  let deps: DeliveryDependencies;
  let clock: Date;
  let connections: string[];
  let sent: SentTask[];
  let harness: DeliveryHarness;
  const DAY_MS = 86_400_000;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await emulators?.stop();
  });

  beforeEach(() => {
    clock = new Date('2026-11-20T00:00:00Z');
    connections = [];
    harness = createDeliveryHarness(emulators, {
      now: () => clock,
      settings: { scheduleMs: Array.from({ length: 7 }, () => DAY_MS), attemptRetentionDays: 30 },
    });
    sent = harness.sent;
    deps = {
      ...harness.deps,
      // Names resolve through this map only, and every dial is recorded.
      post: (post: WebhookPost) =>
        postWebhook({
          ...post,
          resolver: async (hostname) => {
            connections.push(hostname);
            return [{ address: hostname === 'metadata.test' ? '169.254.169.254' : '127.0.0.1', family: 4 }];
          },
        }),
    };
  });

  async function setUp(orgId: string, url: string): Promise<{ endpoint: Endpoint; task: DeliveryTask }> {
    const endpoint = await harness.addEndpoint(orgId, url, { endpointId: `ep_${orgId}` });
    return { endpoint, task: await harness.addMessage(endpoint, `msg_${orgId}`) };
  }

  it(
    'disables an endpoint whose deliveries have all failed ' + 'for five days, and alerts once (URL redacted)',
    async () => {
      // Tenants put credentials in query strings: the alert names the endpoint without them.
      receiver.on('/always-down?token=tok_secret_123', respond(500));
      const { task } = await setUp('org_core_1', `${receiver.baseUrl}/always-down?token=tok_secret_123`);
      const outcomes = [];
      for (let attempt = 1; attempt <= 7; attempt++) {
        outcomes.push(await deliver({ ...task, attempt }, deps));
        clock = new Date(clock.getTime() + DAY_MS);
      }
      const disabledAt = outcomes.findIndex(
        (outcome) => outcome.kind === 'attempted' && outcome.endpointDisabled === 'failing',
      );
      // Failures on days 0–5: the sixth attempt (day 5) is the first with five days of failures behind it.
      expect(disabledAt).toBe(5);
      expect(outcomes[6]).toEqual({ kind: 'skipped', reason: 'endpoint_disabled' });
      const endpoint = await deps.endpoints.get('org_core_1', task.endpointId);
      expect(endpoint).toMatchObject({
        enabled: false,
        disabledReason: 'failing',
        failingSince: '2026-11-20T00:00:00.000Z',
      });
      const alerts = await createAlertReader(
        createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint, AWS_REGION: emulators.region }),
        emulators.tables.ops,
      ).list('org_core_1', { limit: 10 });
      expect(alerts.items).toEqual([
        expect.objectContaining({
          kind: 'endpoint_disabled',
          details: expect.objectContaining({
            reason: 'failing',
            url: `${receiver.baseUrl}/always-down (query hidden)`,
          }),
        }),
      ]);
      expect(JSON.stringify(alerts.items)).not.toContain('tok_secret_123');
    },
  );

  it('keeps a success in between from counting towards the five days', async () => {
    receiver.on('/sometimes', respond(500, 500, 500, 200, 500, 500, 500));
    const { task } = await setUp('org_core_2', `${receiver.baseUrl}/sometimes`);
    for (let attempt = 1; attempt <= 7; attempt++) {
      const outcome = await deliver({ ...task, attempt }, deps);
      expect(outcome.kind === 'attempted' && outcome.endpointDisabled).toBe(null);
      clock = new Date(clock.getTime() + DAY_MS);
    }
    expect(await deps.endpoints.get('org_core_2', task.endpointId)).toMatchObject({
      enabled: true,
      failingSince: '2026-11-24T00:00:00.000Z',
    });
  });

  it('logs a refused private address as ssrf_blocked and schedules a retry, without dialling it', async () => {
    const { task } = await setUp('org_core_3', 'http://metadata.test/latest/meta-data');
    const outcome = await deliver(task, deps);
    expect(outcome).toMatchObject({ kind: 'attempted', step: { kind: 'retry' } });
    expect(connections).toEqual(['metadata.test']);
    const { attempts } = await deps.messages.messageHistory(task.messageId);
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', errorKind: 'ssrf_blocked', statusCode: null }),
    ]);
    expect(sent).toEqual([
      {
        queue: 'delivery',
        delaySeconds: 900,
        task: expect.objectContaining({ attempt: 2, notBefore: new Date(clock.getTime() + DAY_MS).toISOString() }),
      },
    ]);
  });

  it('posts once when SQS delivers the same task twice, and a finished attempt still schedules its \
follow-up', async () => {
    receiver.on('/twice', respond(503));
    const { task } = await setUp('org_core_4', `${receiver.baseUrl}/twice`);
    expect(await deliver(task, deps)).toMatchObject({ kind: 'attempted' });
    expect(await deliver(task, deps)).toEqual({ kind: 'duplicate' });
    expect(receiver.requestsTo('/twice')).toHaveLength(1);
    // The duplicate sends the follow-up again: harmless, since attempt 2 can be claimed only once.
    expect(sent.map((entry) => [entry.queue, entry.task.attempt])).toEqual([
      ['delivery', 2],
      ['delivery', 2],
    ]);
  });

  it('re-queues a task that arrives before its time instead of attempting it', async () => {
    const { task } = await setUp('org_core_5', `${receiver.baseUrl}/later`);
    const notBefore = new Date(clock.getTime() + 3_600_000).toISOString();
    expect(await deliver({ ...task, notBefore }, deps)).toEqual({ kind: 'deferred', reason: 'not_before' });
    expect(receiver.requestsTo('/later')).toHaveLength(0);
    expect(sent).toEqual([
      { queue: 'delivery', delaySeconds: 3_600, task: expect.objectContaining({ attempt: 1, notBefore }) },
    ]);
  });
});
