import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import type { LambdaHandler } from '../../infra/local/lambda-context';
import { startPollers, type Pollers } from '../../infra/local/pollers';
import { QUEUES } from '../../shared/platform/topology';
import { createObservability } from '../../shared/platform/observability';
import { createAdmission } from '../../shared/outbound/admission/admission';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import { DEFAULT_BREAKER_THRESHOLD, DEFAULT_PROBE_INTERVAL_MS } from '../../shared/outbound/admission/policy';
import { createDeliveryConsumer } from '../../functions/delivery/delivery-consumer';
import { createDeliveryHarness } from '../support/delivery-harness';
import { eventually } from '../support/local-system';
import { startReceiver, type Receiver } from '../support/receiver';
import { busiestWindow } from '../../bench/lib/stats';

/**
 * The per-endpoint rate limit holds across four delivery pollers, each with its own delivery consumer
 * (as four Lambda instances would be), all on one real SQS queue and one DynamoDB table: measured at
 * the receiver, no 10 s window holds more than limit × 10 + 1 requests, and every message arrives
 * exactly once at attempt 1 (waiting for the limit spends no attempt).
 */

const LIMIT = 10;
const MESSAGES = 100;
const POLLERS = 4;

describe('Integration: a rate limit that holds under concurrent delivery pollers', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  const pollers: Pollers[] = [];

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await Promise.all(pollers.map((poller) => poller.stop({ immediate: true })));
    await receiver?.close();
    await emulators?.stop();
  });

  it(
    `delivers ${MESSAGES} messages to an endpoint limited to ${LIMIT}/s with no 10 s window over ` +
      `${LIMIT * 10 + 1}`,
    async () => {
      const harness = createDeliveryHarness(emulators, { settings: { timeoutMs: 5_000 } });
      const endpoint = await harness.addEndpoint('org_rate', `${receiver.baseUrl}/limited`, {
        rateLimitPerSecond: LIMIT,
      });
      const tasks = await Promise.all(
        Array.from({ length: MESSAGES }, (_, n) => harness.addMessage(endpoint, `msg_rate_${n}`)),
      );

      const queueSpecs = {
        ...QUEUES,
        delivery: { ...QUEUES.delivery, consumer: { ...QUEUES.delivery.consumer!, maxConcurrency: 1 } },
      };
      for (let n = 0; n < POLLERS; n++) {
        const observability = createObservability(`rate-limit-poller-${n}`);
        observability.logger.setLogLevel('SILENT');
        const store = createAdmissionStore(harness.documents, emulators.tables.webhooks);
        const consumer = createDeliveryConsumer({
          ...harness.deps,
          admission: createAdmission({
            store,
            settings: {
              concurrencyCap: 10,
              breakerThreshold: DEFAULT_BREAKER_THRESHOLD,
              probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS,
              attemptTimeoutMs: 5_000,
              unprovenTimeoutMs: 5_000,
            },
            now: () => new Date(),
            random: Math.random,
          }),
          observability,
        });
        pollers.push(
          startPollers({
            sqsEndpoint: emulators.sqsEndpoint,
            region: emulators.region,
            queues: { delivery: { url: emulators.queues.delivery.url, arn: emulators.queues.delivery.arn } },
            queueSpecs,
            loadHandler: async () => consumer as LambdaHandler,
          }),
        );
      }
      const startedAt = Date.now();
      await harness.deps.deliveryQueue.sendBatch(tasks.map((task) => JSON.stringify(task)));

      const received = await eventually(
        async () => {
          const requests = receiver.requestsTo('/limited');
          return requests.length >= MESSAGES ? requests : undefined;
        },
        { timeoutMs: 40_000, intervalMs: 250 },
      );
      const elapsedMs = Date.now() - startedAt;
      const times = received.map((request) => request.receivedAt);
      expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(LIMIT * 10 + 1);
      // Paced, not bunched: the last request comes no sooner than the limit allows.
      expect(elapsedMs).toBeGreaterThanOrEqual(((MESSAGES - 1) / LIMIT) * 1_000);
      const ids = received.map((request) => request.headers['webhook-id']);
      expect(new Set(ids).size).toBe(MESSAGES);
      const { attempts } = await harness.deps.messages.messageHistory('msg_rate_0');
      expect(attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'succeeded' })]);
    },
    60_000,
  );
});
