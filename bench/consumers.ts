import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createBillingConsumer } from '../functions/billing-consumer/billing-consumer';
import { toSqsEvent } from '../infra/local/sqs-event';
import { createDocumentClient, createSqsClient } from '../shared/aws/clients';
import { createQueueSender } from '../shared/aws/queue';
import { createBillingStore } from '../shared/billing/billing-store';
import { createObservability } from '../shared/observability';
import { createAlertSink } from '../shared/ops/alerts';
import type { QueuedWebhook } from '../shared/queue-message';
import type { EmulatorInfo } from './lib/emulator-host';
import { REPO_ROOT } from './lib/paths';
import { startService, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round, summarize } from './lib/stats';
import { eventForOrg } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark 4, consumers: billing events per second through the billing consumer's Lambda handler
 * (`createBillingConsumer`, real stores, alert sink and events queue) into DynamoDB (dynalite,
 * in another process) in SQS batches of 10 built with the event source mapping's record shape.
 * Each round takes fresh organisations through a realistic life: subscription created, invoice
 * paid, subscription updated to another plan (which also publishes `subscription.updated`).
 *
 * Floor: the least DynamoDB work applying an event can take — one conditional PutItem per event,
 * sequentially (the consumer processes a batch's records in order), same client, same emulator.
 */

export interface ConsumerResult {
  readonly eventsPerSecond: number;
  readonly batchMs: { readonly p50: number; readonly p99: number };
  readonly floorEventsPerSecond: number;
  readonly events: number;
  readonly failedItems: number;
  readonly rounds: number;
}

export interface ConsumersResult {
  readonly billing: ConsumerResult;
  readonly catalog: string;
  readonly emulatorMaxRssKiB: number | null;
  readonly notes: string[];
}

const BATCH = 10;

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'BillingConsumerFunction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:BillingConsumerFunction',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/BillingConsumerFunction',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function queuedMessage(raw: string): QueuedWebhook {
  const event = JSON.parse(raw) as { id: string; type: string };
  return { source: 'stripe', eventId: event.id, eventType: event.type, receivedAt: new Date().toISOString(), correlationId: randomUUID(), rawBodyBase64: Buffer.from(raw).toString('base64') };
}

async function main(): Promise<ConsumersResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  try {
    const env = emulator.info.env;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const documents = createDocumentClient(env);
    const sqs = createSqsClient(env);
    const observability = createObservability('billing-consumer');
    const handler = createBillingConsumer({
      store: createBillingStore(documents, emulator.info.tables.billing),
      alerts: createAlertSink({ documents, tableName: emulator.info.tables.ops, retentionDays: 90, logger: observability.logger, metrics: observability.metrics }),
      events: createQueueSender(sqs, emulator.info.queues.events.url),
      now: () => new Date(),
      observability,
      maxReceiveCount: 5,
    });
    const queueArn = emulator.info.queues.billing.arn;

    const orgsPerRound = SETTINGS.quick ? 10 : 40;
    const rounds = SETTINGS.quick ? 3 : 7;
    let orgCounter = 0;
    const batchesOf = (raws: string[]): SQSEvent[] => {
      const events: SQSEvent[] = [];
      for (let start = 0; start < raws.length; start += BATCH) {
        const messages = raws.slice(start, start + BATCH).map((raw) => {
          const body = JSON.stringify(queuedMessage(raw));
          const sent = String(Date.now());
          return {
            MessageId: randomUUID(),
            ReceiptHandle: randomUUID(),
            Body: body,
            MD5OfBody: createHash('md5').update(body).digest('hex'),
            Attributes: { ApproximateReceiveCount: '1', SentTimestamp: sent, SenderId: 'AIDABENCH', ApproximateFirstReceiveTimestamp: sent },
            MessageAttributes: { source: { DataType: 'String', StringValue: 'stripe' } },
          };
        });
        events.push(toSqsEvent(messages, queueArn, emulator.info.region));
      }
      return events;
    };
    const roundWorkload = (): SQSEvent[] => {
      const created = Math.floor(Date.now() / 1000);
      const orgs = Array.from({ length: orgsPerRound }, () => `org_consumer_${orgCounter++}`);
      const ids = orgs.map((org) => ({ org, customerId: `cus_${org}`, subscriptionId: `sub_${org}` }));
      const raws = [
        ...ids.map(({ org, customerId, subscriptionId }) => eventForOrg('customer.subscription.created', org, { plan: 'starter', created, customerId, subscriptionId })),
        ...ids.map(({ org, customerId, subscriptionId }) => eventForOrg('invoice.paid', org, { created: created + 1, customerId, subscriptionId })),
        ...ids.map(({ org, customerId, subscriptionId }) => eventForOrg('customer.subscription.updated', org, { plan: 'growth', created: created + 2, customerId, subscriptionId })),
      ];
      return batchesOf(raws);
    };

    let failedItems = 0;
    const run = async (batch: SQSEvent): Promise<void> => {
      const response = (await handler(batch, lambdaContext())) as SQSBatchResponse;
      failedItems += response.batchItemFailures.length;
    };
    // Warm-up round (JIT, connections), not counted.
    for (const batch of roundWorkload()) await run(batch);
    failedItems = 0;

    let floorCounter = 0;
    const floorPut = () =>
      documents.send(
        new PutCommand({
          TableName: emulator.info.tables.billing,
          Item: { pk: `ORG#floor_${floorCounter++}`, sk: 'BILLING', plan: 'growth', status: 'active', revision: 1, updatedAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    const oursRates: number[] = [];
    const floorRates: number[] = [];
    const batchMs: number[] = [];
    let events = 0;
    for (let round = 0; round < rounds; round++) {
      const workload = roundWorkload();
      const count = workload.reduce((sum, batch) => sum + batch.Records.length, 0);
      const started = performance.now();
      for (const batch of workload) {
        const before = performance.now();
        await run(batch);
        batchMs.push(performance.now() - before);
      }
      oursRates.push(count / ((performance.now() - started) / 1000));
      events += count;
      const floorStarted = performance.now();
      for (let index = 0; index < count; index++) await floorPut();
      floorRates.push(count / ((performance.now() - floorStarted) / 1000));
    }
    const batches = summarize(batchMs);
    const catalogExists = existsSync(join(REPO_ROOT, 'functions', 'catalog-consumer', 'handler.ts'));
    documents.destroy();
    sqs.destroy();
    const { maxRssKiB } = await emulator.stop();
    return {
      billing: {
        eventsPerSecond: round(median(oursRates)),
        batchMs: { p50: round(batches.p50), p99: round(batches.p99) },
        floorEventsPerSecond: round(median(floorRates)),
        events,
        failedItems,
        rounds,
      },
      catalog: catalogExists
        ? 'functions/catalog-consumer exists but appeared while this benchmark was written; not measured yet (its cold start is measured)'
        : 'functions/catalog-consumer does not exist yet',
      emulatorMaxRssKiB: maxRssKiB ?? null,
      notes: [
        `Rounds of ${orgsPerRound} new organisations × (subscription.created, invoice.paid, subscription.updated) in SQS batches of ${BATCH}; events/s is the median over ${rounds} rounds after a warm-up round.`,
        'DynamoDB is dynalite in a separate process on loopback: every call costs far more CPU than in AWS and the round trips dominate; compare with the floor measured alongside, not with AWS.',
      ],
    };
  } finally {
    await emulator.stop();
  }
}

runWorker(main);
