import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBillingConsumer } from '../functions/billing-consumer/billing-consumer';
import { createCatalogConsumer } from '../functions/catalog-consumer/catalog-consumer';
import { toSqsEvent } from '../infra/local/sqs-event';
import { createDocumentClient } from '../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../shared/platform/aws/sqs-client';
import { loadInboundLogConfig } from '../shared/platform/config';
import { inboundLoggingFor } from '../shared/inbound/log/inbound-logging';
import type { InboundLogging } from '../shared/inbound/log/logged-processing';
import { createQueueSender } from '../shared/platform/aws/queue';
import { createBillingStore } from '../shared/billing/billing-store';
import { createCatalogStore } from '../shared/catalog/catalog-store';
import { createConnectionsStore } from '../shared/inbound/connections/connections-store';
import { createObservability } from '../shared/platform/observability';
import { createAlertSink } from '../shared/platform/alerts';
import type { QueuedWebhook } from '../shared/inbound/queued-webhook';
import type { EmulatorInfo } from './lib/emulator-host';
import { REPO_ROOT } from './lib/paths';
import { startService, TSX_ARGS, type Service } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round, summarize } from './lib/stats';
import { eventForOrg } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';
import { ITEM_ABSENT } from '../shared/platform/aws/conditional-writes';
import { countDynamoDbCommands, createCommandCounter, LOG_OFF, perEvent } from './lib/inbound-log';

/**
 * Benchmark 4, consumers: billing events per second through the billing consumer's Lambda handler
 * (`createBillingConsumer`, real stores, alert sink and events queue) into DynamoDB (dynalite,
 * in another process) in SQS batches of 10 built with the event source mapping's record shape.
 * Each round takes fresh organisations through a realistic life: subscription created, invoice
 * paid, subscription updated to another plan (which also publishes `subscription.updated`).
 *
 * Floor: the least DynamoDB work applying an event can take — one conditional PutItem per event,
 * sequentially (the consumer processes a batch's records in order), same client, same emulator.
 * The catalog consumer is measured the same way (see measureCatalog).
 */

export interface ConsumerResult {
  readonly eventsPerSecond: number;
  readonly batchMs: { readonly p50: number; readonly p99: number };
  readonly floorEventsPerSecond: number;
  readonly events: number;
  readonly failedItems: number;
  readonly rounds: number;
  /** The same rounds with the inbound log off (the consumer as before the log), and commands per event. */
  readonly inboundLog?: {
    readonly logOffEventsPerSecond: number;
    readonly logOnCommandsPerEvent: Record<string, number>;
    readonly logOffCommandsPerEvent: Record<string, number>;
  };
}

export interface ConsumersResult {
  readonly billing: ConsumerResult;
  /** Square inventory counts and Shopify product updates through the catalog consumer, or why not. */
  readonly catalog: ConsumerResult | string;
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
  return {
    source: 'stripe',
    eventId: event.id,
    eventType: event.type,
    receivedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    rawBodyBase64: Buffer.from(raw).toString('base64'),
  };
}

/** The inbound event log both consumers record every event in, on the emulator's table and bucket (same client). */
function inboundLogOf(documents: DynamoDBDocumentClient, env: Record<string, string>): InboundLogging {
  return inboundLoggingFor(documents, loadInboundLogConfig(env));
}

/**
 * The catalog consumer (`createCatalogConsumer`), when it exists: Square inventory counts and
 * Shopify product updates for connected accounts, each event newer than the last, in SQS batches
 * of 10, against the same floor. Kept separate and guarded: it is the newest code in the repository.
 */
async function measureCatalog(
  emulator: Service<EmulatorInfo>,
  queued: (message: QueuedWebhook) => SQSEvent['Records'][number],
): Promise<ConsumerResult> {
  const env = emulator.info.env;
  const tables = emulator.info.tables as Record<string, string>;
  const catalogTable = tables.catalog;
  const connectionsTable = tables.connections;
  if (!catalogTable || !connectionsTable)
    throw new Error('the emulator has no catalog or connections table (topology changed?)');
  const documents = createDocumentClient(env);
  const sqs = createSqsClient(env);
  const observability = createObservability('catalog-consumer');
  const connections = createConnectionsStore(documents, connectionsTable);
  const eventsUrl = emulator.info.queues.events.url;
  const handler = createCatalogConsumer({
    store: createCatalogStore(documents, catalogTable),
    connections,
    squareCatalog: undefined,
    events: createQueueSender(sqs, eventsUrl),
    inboundLog: inboundLogOf(documents, env),
    now: () => new Date(),
    observability,
    maxReceiveCount: 5,
  });
  const merchant = 'MLBENCHMERCHANT1';
  const shop = 'bench-shop.myshopify.com';
  const connectedAt = new Date().toISOString();
  await connections.connect({
    provider: 'square',
    orgId: 'org_catalog',
    account: merchant,
    notificationUrl: null,
    connectedAt,
  });
  await connections.connect({
    provider: 'shopify',
    orgId: 'org_catalog_shop',
    account: shop,
    notificationUrl: null,
    connectedAt,
  });

  const squareTemplate = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'square.inventory.count.updated.json'), 'utf8'),
  ) as {
    event_id: string;
    merchant_id: string;
    created_at: string;
    data: { object: { inventory_counts: { catalog_object_id: string; quantity: string; calculated_at: string }[] } };
  };
  const shopifyText = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'shopify.products.update.json'), 'utf8');
  let counter = 0;
  const squareMessage = (): QueuedWebhook => {
    const n = counter++;
    const at = new Date(Date.now() + n).toISOString();
    const event = structuredClone(squareTemplate);
    event.event_id = randomUUID();
    event.merchant_id = merchant;
    event.created_at = at;
    const count = event.data.object.inventory_counts[0];
    if (count)
      Object.assign(count, { catalog_object_id: `BENCHITEM${n % 500}`, quantity: String(n % 40), calculated_at: at });
    return {
      source: 'square',
      eventId: event.event_id,
      eventType: 'inventory.count.updated',
      receivedAt: at,
      correlationId: randomUUID(),
      rawBodyBase64: Buffer.from(JSON.stringify(event)).toString('base64'),
      account: merchant,
    };
  };
  const shopifyMessage = (): QueuedWebhook => {
    const n = counter++;
    const at = new Date(Date.now() + n).toISOString();
    const productId = String(788032119674000000n + BigInt(n % 500));
    const body = shopifyText
      .replaceAll('788032119674292922', productId)
      .replace(/"updated_at": "[^"]+"/, `"updated_at": "${at}"`);
    const webhookId = randomUUID();
    return {
      source: 'shopify',
      eventId: webhookId,
      eventType: 'products/update',
      receivedAt: at,
      correlationId: randomUUID(),
      rawBodyBase64: Buffer.from(body).toString('base64'),
      account: shop,
      headers: {
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': webhookId,
        'x-shopify-triggered-at': at,
      },
    };
  };
  const batch = (size: number): SQSEvent => ({
    Records: Array.from({ length: size }, (_, index) => queued(index % 2 === 0 ? squareMessage() : shopifyMessage())),
  });

  const rounds = SETTINGS.quick ? 3 : 7;
  const batchesPerRound = SETTINGS.quick ? 3 : 12;
  let failedItems = 0;
  const run = async (event: SQSEvent) => {
    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;
    failedItems += response.batchItemFailures.length;
  };
  for (let index = 0; index < batchesPerRound; index++) await run(batch(BATCH));
  if (failedItems > 0) throw new Error(`${failedItems} catalog messages failed in the warm-up round`);
  // The events must have been applied, not kept as unmatched or ignored: the catalog table holds their items.
  const stored = await documents.send(new ScanCommand({ TableName: catalogTable, Select: 'COUNT' }));
  if (!stored.Count)
    throw new Error('the warm-up round stored nothing in the catalog table (events ignored or unmatched?)');
  let floorCounter = 0;
  const rates: number[] = [];
  const floorRates: number[] = [];
  const batchMs: number[] = [];
  let events = 0;
  for (let round = 0; round < rounds; round++) {
    const workload = Array.from({ length: batchesPerRound }, () => batch(BATCH));
    const started = performance.now();
    for (const event of workload) {
      const before = performance.now();
      await run(event);
      batchMs.push(performance.now() - before);
    }
    const count = batchesPerRound * BATCH;
    rates.push(count / ((performance.now() - started) / 1000));
    events += count;
    const floorStarted = performance.now();
    for (let index = 0; index < count; index++) {
      await documents.send(
        new PutCommand({
          TableName: catalogTable,
          Item: { pk: `FLOOR#${floorCounter++}`, sk: 'ITEM', quantity: '1', version: 'v1' },
          ConditionExpression: ITEM_ABSENT,
        }),
      );
    }
    floorRates.push(count / ((performance.now() - floorStarted) / 1000));
  }
  documents.destroy();
  sqs.destroy();
  const batches = summarize(batchMs);
  return {
    eventsPerSecond: round(median(rates)),
    batchMs: { p50: round(batches.p50), p99: round(batches.p99) },
    floorEventsPerSecond: round(median(floorRates)),
    events,
    failedItems,
    rounds,
  };
}

async function main(): Promise<ConsumersResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  try {
    const env = emulator.info.env;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const documents = createDocumentClient(env);
    const commands = createCommandCounter();
    countDynamoDbCommands(documents, commands);
    const sqs = createSqsClient(env);
    const observability = createObservability('billing-consumer');
    const billingConsumer = (inboundLog: InboundLogging) =>
      createBillingConsumer({
        store: createBillingStore(documents, emulator.info.tables.billing),
        alerts: createAlertSink({
          documents,
          tableName: emulator.info.tables.ops,
          retentionDays: 90,
          logger: observability.logger,
          metrics: observability.metrics,
        }),
        events: createQueueSender(sqs, emulator.info.queues.events.url),
        now: () => new Date(),
        observability,
        maxReceiveCount: 5,
        inboundLog,
      });
    const handlers = { on: billingConsumer(inboundLogOf(documents, env)), off: billingConsumer(LOG_OFF) };
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
            Attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: sent,
              SenderId: 'AIDABENCH',
              ApproximateFirstReceiveTimestamp: sent,
            },
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
        ...ids.map(({ org, customerId, subscriptionId }) =>
          eventForOrg('customer.subscription.created', org, { plan: 'starter', created, customerId, subscriptionId }),
        ),
        ...ids.map(({ org, customerId, subscriptionId }) =>
          eventForOrg('invoice.paid', org, { created: created + 1, customerId, subscriptionId }),
        ),
        ...ids.map(({ org, customerId, subscriptionId }) =>
          eventForOrg('customer.subscription.updated', org, {
            plan: 'growth',
            created: created + 2,
            customerId,
            subscriptionId,
          }),
        ),
      ];
      return batchesOf(raws);
    };

    let failedItems = 0;
    const run = async (batch: SQSEvent, log: 'on' | 'off' = 'on'): Promise<void> => {
      const response = (await handlers[log](batch, lambdaContext())) as SQSBatchResponse;
      failedItems += response.batchItemFailures.length;
    };
    // Warm-up round (JIT, connections), not counted.
    for (const batch of roundWorkload()) await run(batch);
    for (const batch of roundWorkload()) await run(batch, 'off');
    failedItems = 0;

    let floorCounter = 0;
    const floorPut = () =>
      documents.send(
        new PutCommand({
          TableName: emulator.info.tables.billing,
          Item: {
            pk: `ORG#floor_${floorCounter++}`,
            sk: 'BILLING',
            plan: 'growth',
            status: 'active',
            revision: 1,
            updatedAt: new Date().toISOString(),
          },
          ConditionExpression: ITEM_ABSENT,
        }),
      );
    const oursRates: number[] = [];
    const floorRates: number[] = [];
    const logOffRates: number[] = [];
    const batchMs: number[] = [];
    const commandTotals = { on: {} as Record<string, number>, off: {} as Record<string, number> };
    const addCommands = (log: 'on' | 'off') => {
      for (const [name, total] of Object.entries(commands.take()))
        commandTotals[log][name] = (commandTotals[log][name] ?? 0) + total;
    };
    let events = 0;
    for (let round = 0; round < rounds; round++) {
      const workload = roundWorkload();
      const count = workload.reduce((sum, batch) => sum + batch.Records.length, 0);
      commands.take();
      const started = performance.now();
      for (const batch of workload) {
        const before = performance.now();
        await run(batch);
        batchMs.push(performance.now() - before);
      }
      oursRates.push(count / ((performance.now() - started) / 1000));
      addCommands('on');
      events += count;
      // Like for like: the same workload shape (fresh organisations) with the log off.
      const withoutLog = roundWorkload();
      const offStarted = performance.now();
      for (const batch of withoutLog) await run(batch, 'off');
      logOffRates.push(count / ((performance.now() - offStarted) / 1000));
      addCommands('off');
      const floorStarted = performance.now();
      for (let index = 0; index < count; index++) await floorPut();
      floorRates.push(count / ((performance.now() - floorStarted) / 1000));
    }
    const batches = summarize(batchMs);
    documents.destroy();
    sqs.destroy();
    let catalog: ConsumerResult | string;
    try {
      const toRecord = (message: QueuedWebhook) => {
        const body = JSON.stringify(message);
        const sent = String(Date.now());
        const [record] = toSqsEvent(
          [
            {
              MessageId: randomUUID(),
              ReceiptHandle: randomUUID(),
              Body: body,
              MD5OfBody: createHash('md5').update(body).digest('hex'),
              Attributes: {
                ApproximateReceiveCount: '1',
                SentTimestamp: sent,
                SenderId: 'AIDABENCH',
                ApproximateFirstReceiveTimestamp: sent,
              },
            },
          ],
          emulator.info.queues.billing.arn,
          emulator.info.region,
        ).Records;
        return record as SQSEvent['Records'][number];
      };
      catalog = await measureCatalog(emulator, toRecord);
    } catch (error) {
      catalog = `not measured: ${(error as Error).message}`;
    }
    const { maxRssKiB } = await emulator.stop();
    return {
      billing: {
        eventsPerSecond: round(median(oursRates)),
        batchMs: { p50: round(batches.p50), p99: round(batches.p99) },
        floorEventsPerSecond: round(median(floorRates)),
        events,
        failedItems,
        rounds,
        inboundLog: {
          logOffEventsPerSecond: round(median(logOffRates)),
          logOnCommandsPerEvent: perEvent(commandTotals.on, events),
          logOffCommandsPerEvent: perEvent(commandTotals.off, events),
        },
      },
      catalog,
      emulatorMaxRssKiB: maxRssKiB ?? null,
      notes: [
        `Rounds of ${orgsPerRound} new organisations × (subscription.created, invoice.paid, subscription.updated) ` +
          `in SQS batches of ${BATCH}; events/s is the median over ${rounds} rounds after a warm-up round.`,
        'DynamoDB is dynalite in a separate process on loopback: every call costs far more CPU than in AWS and the ' +
          'round trips dominate; compare with the floor measured alongside, not with AWS.',
        'Catalog: connected Square merchant and Shopify shop; alternating inventory.count.updated (one count) and ' +
          'products/update (fixture with a fresh product id among 500), each newer than the last; floor one ' +
          'conditional PutItem per event.',
      ],
    };
  } finally {
    await emulator.stop();
  }
}

runWorker(main);
