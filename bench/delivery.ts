import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { createDocumentClient } from '../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../shared/platform/aws/sqs-client';
import { createQueueSender } from '../shared/platform/aws/queue';
import { createLocalCipher } from '../shared/platform/crypto/secret-cipher';
import { EVENT_CATALOG, parsePlatformEvent } from '../shared/events/event-catalog';
import { createObservability } from '../shared/platform/observability';
import { createAlertSink } from '../shared/platform/alerts';
import { postWebhook, type DeliveryResult as PostResult } from '../shared/outbound/transport/http-delivery';
import { ipPolicyFrom } from '../shared/outbound/transport/ip-policy';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../shared/outbound/retry-schedule';
import { generateSigningSecret } from '../shared/platform/crypto/standard-webhooks';
import { deliver, type DeliveryDependencies } from '../shared/outbound/deliver';
import { deliveryHeaders } from '../shared/outbound/delivery-request';
import type { DeliveryTask } from '../shared/outbound/delivery-task';
import { newEndpointRecord, type Endpoint } from '../shared/outbound/endpoint';
import { createDeliveryContextReader } from '../shared/outbound/delivery-context';
import { createEndpointsStore } from '../shared/outbound/endpoints-store';
import { createStatsBatch } from '../shared/outbound/stats-batch';
import { createStatsStore } from '../shared/outbound/stats-store';
import { isRead, itemsOf, logCommands, type CommandLog } from '../test/support/dynamodb-commands';
import { startDeliveryBatch } from '../shared/outbound/delivery-batch';
import { messageBody } from '../shared/outbound/fanout';
import { messageIdFor, newEndpointId, orgScope } from '../shared/events/ids';
import { createMessagesStore } from '../shared/outbound/messages-store';
import { createSigningKeys } from '../shared/outbound/signing-keys';
import type { EmulatorInfo } from './lib/emulator-host';
import { REPO_ROOT } from './lib/paths';
import { startService, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round, summarize } from './lib/stats';
import { runWorker } from './lib/worker';

/**
 * Benchmark 6, delivery: deliveries per second and latency through `deliver`
 * (shared/webhooks/deliver.ts) with the real stores on dynalite, real signing (Standard Webhooks +
 * x-betterdata-signature, keys decrypted once and cached) and the real `postWebhook` (URL checks,
 * IP policy, pinned dialling, keep-alive agent, bounded response read), posting to a keep-alive
 * receiver in its own process on 127.0.0.1. Ten deliveries in flight at a time, as one Lambda
 * handles a batch of 10 side by side. dynalite and fauxqs run in a process of their own (as DynamoDB
 * is another machine in AWS), and so does the receiver: the process under test holds only our code.
 *
 * Side by side, in one run, on the same bodies and the same receiver:
 * - ours: batches of ten through `startDeliveryBatch`, as the delivery consumer runs one SQS batch
 *   (one BatchGetItem, a conditional claim each, one BatchWriteItem, stats once per endpoint-hour);
 * - one by one: deliver() with each delivery making its own round trips (the path before batching:
 *   one BatchGetItem and three writes each), ten in flight, stats per ten;
 * - sign + post: deliveryHeaders + postWebhook only — no DynamoDB;
 * - floor: a bare node:http keep-alive client posting the body with a content-type;
 * - DynamoDB only: ours with the POST answered in-process (no HTTP), on deliveries of its own — the
 *   same commands, to show how much of the time is the emulated database.
 */

export interface DeliveryVariant {
  readonly deliveriesPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** DynamoDB commands per successful first attempt, counted on the client during a variant. */
export interface CommandsPerDelivery {
  /** Read requests (a BatchGetItem counts once). */
  readonly reads: number;
  /** Write requests (a BatchWriteItem counts once). */
  readonly writes: number;
  /** Writes to the endpoint item (`ORG#…` / `ENDPOINT#…`): 0 on the happy path. */
  readonly endpointWrites: number;
  /** Items read and written (what DynamoDB bills): a batch counts each of its items. */
  readonly readItems?: number;
  readonly writtenItems?: number;
}

/** What main did before issue 12 (8b40325): 2 GetItem, 4 writes, 3 stats UpdateItems per success. */
export const COMMANDS_BEFORE: CommandsPerDelivery = { reads: 2, writes: 7, endpointWrites: 1 };

export interface DeliveryResult {
  readonly ours: DeliveryVariant;
  readonly commands: {
    readonly before: CommandsPerDelivery;
    /** Ours (batched). */
    readonly after: CommandsPerDelivery;
    /** One by one (each delivery its own round trips), measured in the same run. */
    readonly oneByOne?: CommandsPerDelivery;
  };
  /** deliver() one by one, each delivery making its own round trips (the path before batching). */
  readonly oneByOne?: DeliveryVariant;
  readonly signAndPost: DeliveryVariant;
  readonly floor: DeliveryVariant;
  /** Ours with the POST answered in-process (same DynamoDB commands, no HTTP): the emulator's share. */
  readonly dynamoOnly: DeliveryVariant;
  readonly concurrency: number;
  readonly rounds: number;
  readonly deliveriesPerRound: number;
  readonly bodyBytes: number;
  readonly notes: string[];
}

const CONCURRENCY = 10;
const ENDPOINTS = 10;
const FAST_REPEAT = SETTINGS.quick ? 4 : 10;

interface CommandCount {
  deliveries: number;
  reads: number;
  writes: number;
  endpointWrites: number;
  readItems: number;
  writtenItems: number;
}

const emptyCount = (): CommandCount => ({
  deliveries: 0,
  reads: 0,
  writes: 0,
  endpointWrites: 0,
  readItems: 0,
  writtenItems: 0,
});

function addCounts(count: CommandCount, log: CommandLog, deliveries: number): void {
  const writes = log.commands.filter((command) => !isRead(command.name));
  const reads = log.commands.filter((command) => isRead(command.name));
  count.deliveries += deliveries;
  count.reads += reads.length;
  count.writes += writes.length;
  count.readItems += reads.reduce((sum, command) => sum + itemsOf(command), 0);
  count.writtenItems += writes.reduce((sum, command) => sum + itemsOf(command), 0);
  count.endpointWrites += writes
    .flatMap((command) => [command.key, ...(command.keys ?? [])])
    .filter((key) => String(key?.sk ?? '').startsWith('ENDPOINT#')).length;
}

function perDelivery(count: CommandCount): CommandsPerDelivery {
  const each = (value: number) => round(value / Math.max(count.deliveries, 1), 3);
  return {
    reads: each(count.reads),
    writes: each(count.writes),
    endpointWrites: each(count.endpointWrites),
    readItems: each(count.readItems),
    writtenItems: each(count.writtenItems),
  };
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function receiverArgs(): string[] {
  const bundled = process.env.BENCH_RECEIVER;
  return bundled ? [bundled] : [...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'receiver.ts')];
}

async function main(): Promise<DeliveryResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  const receiver = await startService<{ baseUrl: string }>(receiverArgs());
  try {
    const env = emulator.info.env;
    const documents = createDocumentClient(env);
    const commandLog = logCommands(documents);
    const sqs = createSqsClient(env);
    const table = emulator.info.tables.webhooks;
    const cipher = createLocalCipher('benchmark-local-key-material');
    const observability = createObservability('delivery');
    observability.logger.setLogLevel('SILENT');
    const statsStore = createStatsStore(documents, table);
    const deps: DeliveryDependencies = {
      endpoints: createEndpointsStore(documents, table),
      messages: createMessagesStore(documents, table),
      context: createDeliveryContextReader(documents, table),
      signingKeys: createSigningKeys(cipher),
      deliveryQueue: createQueueSender(sqs, emulator.info.queues.delivery.url),
      alerts: createAlertSink({
        documents,
        tableName: emulator.info.tables.ops,
        retentionDays: 90,
        logger: observability.logger,
      }),
      post: postWebhook,
      settings: {
        policy: ipPolicyFrom('127.0.0.0/8,::1/128'),
        allowHttp: true,
        timeoutMs: 15_000,
        scheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
        disableAfterMs: 5 * 86_400_000,
        attemptRetentionDays: 30,
      },
      random: Math.random,
      now: () => new Date(),
    };

    const orgId = 'org_delivery';
    const at = new Date().toISOString();
    const endpoints: Endpoint[] = [];
    for (let index = 0; index < ENDPOINTS; index++) {
      const endpointId = newEndpointId();
      const endpoint = await newEndpointRecord(
        {
          owner: orgId,
          endpointId,
          url: `${receiver.info.baseUrl}/hooks/${index}`,
          description: '',
          eventTypes: ['*'],
          at,
        },
        generateSigningSecret(),
        cipher,
      );
      await deps.endpoints.create(endpoint);
      endpoints.push(endpoint);
    }

    const rounds = SETTINGS.quick ? 3 : 8;
    const messagesPerRound = SETTINGS.quick ? 5 : 15;
    const perRound = messagesPerRound * ENDPOINTS;
    let bodyBytes = 0;
    // Messages and their pending deliveries, stored as fan-out stores them.
    const makeRound = async (): Promise<{
      tasks: DeliveryTask[];
      bodies: { body: string; messageId: string; endpoint: Endpoint }[];
    }> => {
      const tasks: DeliveryTask[] = [];
      const bodies: { body: string; messageId: string; endpoint: Endpoint }[] = [];
      for (let index = 0; index < messagesPerRound; index++) {
        const event = parsePlatformEvent({
          id: `evt_${randomUUID()}`,
          type: 'import.completed',
          orgId,
          occurredAt: new Date().toISOString(),
          data: EVENT_CATALOG['import.completed'].example,
        });
        const messageId = messageIdFor(orgScope(orgId), event.id);
        const body = messageBody(messageId, event);
        bodyBytes = Buffer.byteLength(body);
        const now = new Date().toISOString();
        await deps.messages.putMessage({
          messageId,
          orgId,
          eventId: event.id,
          eventType: event.type,
          occurredAt: event.occurredAt,
          body,
          correlationId: 'bench',
          createdAt: now,
          fanout: 'complete',
          expiresAt: 0,
        });
        for (const endpoint of endpoints) {
          await deps.messages.putDeliveryIfAbsent({
            messageId,
            endpointId: endpoint.endpointId,
            orgId,
            eventType: event.type,
            status: 'pending',
            attempts: 0,
            lastAttemptAt: null,
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
            expiresAt: 0,
          });
          tasks.push({
            messageId,
            orgId,
            endpointId: endpoint.endpointId,
            attempt: 1,
            trigger: 'scheduled',
            correlationId: 'bench',
          });
          bodies.push({ body, messageId, endpoint });
        }
      }
      return { tasks, bodies };
    };

    const agent = new http.Agent({ keepAlive: true });
    const bare = (url: string, body: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const target = new URL(url);
        const request = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
          },
          (response) => {
            response.resume();
            response.on('end', () =>
              response.statusCode === 204 ? resolve() : reject(new Error(`bare post got ${response.statusCode}`)),
            );
          },
        );
        request.on('error', reject);
        request.end(body);
      });

    const latencies = {
      ours: [] as number[],
      oneByOne: [] as number[],
      signAndPost: [] as number[],
      floor: [] as number[],
      dynamoOnly: [] as number[],
    };
    const rates = {
      ours: [] as number[],
      oneByOne: [] as number[],
      signAndPost: [] as number[],
      floor: [] as number[],
      dynamoOnly: [] as number[],
    };
    const runVariant = async <T>(
      name: keyof typeof rates,
      items: T[],
      work: (item: T) => Promise<void>,
      record: boolean,
    ) => {
      const started = performance.now();
      await pool(items, CONCURRENCY, async (item) => {
        const before = performance.now();
        await work(item);
        if (record) latencies[name].push(performance.now() - before);
      });
      if (record) rates[name].push(items.length / ((performance.now() - started) / 1000));
    };
    // Ten in flight, as before; every ten deliveries (in the order they start) share one stats batch,
    // written once when the last of them ends, as one consumer batch does, while the next go on.
    const flushes: Promise<void>[] = [];
    let group = { stats: createStatsBatch(statsStore), started: 0, open: 0 };
    const oneByOneWork = async (task: DeliveryTask) => {
      if (group.started === CONCURRENCY) group = { stats: createStatsBatch(statsStore), started: 0, open: 0 };
      const mine = group;
      mine.started += 1;
      mine.open += 1;
      const outcome = await deliver(task, { ...deps, stats: mine.stats });
      if (outcome.kind !== 'attempted' || outcome.step.kind !== 'succeeded')
        throw new Error(`Delivery did not succeed: ${JSON.stringify(outcome)}`);
      mine.open -= 1;
      if (mine.open === 0 && (mine.started === CONCURRENCY || mine !== group)) flushes.push(mine.stats.flush());
    };
    // Ours: batches of ten, one after another, as one delivery poller runs SQS batches.
    const { stats: _noStats, ...batchBase } = deps;
    const inProcessPost = async (): Promise<PostResult> => ({
      kind: 'response',
      status: 204,
      headers: {},
      bodyExcerpt: '',
      bodyTruncated: false,
      durationMs: 0,
    });
    const runBatched = async (name: 'ours' | 'dynamoOnly', tasks: DeliveryTask[], record: boolean) => {
      const base = name === 'ours' ? batchBase : { ...batchBase, post: inProcessPost };
      const started = performance.now();
      for (let start = 0; start < tasks.length; start += CONCURRENCY) {
        const batch = startDeliveryBatch(base, { table: { documents, tableName: table }, stats: statsStore });
        await Promise.all(
          tasks.slice(start, start + CONCURRENCY).map((task) =>
            batch.run(async () => {
              const before = performance.now();
              const outcome = await deliver(task, batch.deps);
              if (outcome.kind !== 'attempted' || outcome.step.kind !== 'succeeded')
                throw new Error(`Delivery did not succeed: ${JSON.stringify(outcome)}`);
              if (record) latencies[name].push(performance.now() - before);
            }),
          ),
        );
        await batch.finish();
      }
      if (record) rates[name].push(tasks.length / ((performance.now() - started) / 1000));
    };
    const measured = { ours: emptyCount(), oneByOne: emptyCount() };
    const signPostWork = async ({
      body,
      messageId,
      endpoint,
    }: {
      body: string;
      messageId: string;
      endpoint: Endpoint;
    }) => {
      const now = new Date();
      const keys = await deps.signingKeys.keysFor(endpoint, now);
      const headers = deliveryHeaders({ messageId, body, keys, timestampSeconds: Math.floor(now.getTime() / 1000) });
      const result = await postWebhook({
        url: endpoint.url,
        headers,
        body,
        policy: deps.settings.policy,
        timeoutMs: deps.settings.timeoutMs,
      });
      if (result.kind !== 'response' || result.status !== 204)
        throw new Error(`sign + post failed: ${JSON.stringify(result)}`);
    };
    const floorWork = ({ body, endpoint }: { body: string; endpoint: Endpoint }) => bare(endpoint.url, body);
    // Warm-up round, not recorded.
    for (let round = -1; round < rounds; round++) {
      const record = round >= 0;
      // Each variant that claims attempts gets pending deliveries of its own.
      const ours = await makeRound();
      const oneByOne = await makeRound();
      const dynamoOnly = await makeRound();
      // The HTTP-only variants are ~20× faster: repeat their bodies so each round of them lasts long enough to time.
      const repeated = Array.from({ length: FAST_REPEAT }, () => ours.bodies).flat();
      const order: (keyof typeof rates)[] = ['ours', 'oneByOne', 'signAndPost', 'floor', 'dynamoOnly'];
      for (let offset = 0; offset < order.length; offset++) {
        const name = order[(Math.max(round, 0) + offset) % order.length] as keyof typeof rates;
        if (name === 'ours') {
          commandLog.reset();
          await runBatched('ours', ours.tasks, record);
          if (record) addCounts(measured.ours, commandLog, ours.tasks.length);
        } else if (name === 'oneByOne') {
          commandLog.reset();
          await runVariant(name, oneByOne.tasks, oneByOneWork, record);
          if (group.open === 0 && group.started < CONCURRENCY) flushes.push(group.stats.flush());
          group = { stats: createStatsBatch(statsStore), started: 0, open: 0 };
          await Promise.all(flushes.splice(0));
          if (record) addCounts(measured.oneByOne, commandLog, oneByOne.tasks.length);
        } else if (name === 'signAndPost') await runVariant(name, repeated, signPostWork, record);
        else if (name === 'dynamoOnly') await runBatched('dynamoOnly', dynamoOnly.tasks, record);
        else await runVariant(name, repeated, floorWork, record);
      }
    }
    agent.destroy();
    documents.destroy();
    sqs.destroy();
    const variant = (name: keyof typeof rates): DeliveryVariant => {
      const latency = summarize(latencies[name]);
      return {
        deliveriesPerSecond: round(median(rates[name])),
        latencyMs: { p50: round(latency.p50), p99: round(latency.p99) },
      };
    };
    return {
      ours: variant('ours'),
      signAndPost: variant('signAndPost'),
      floor: variant('floor'),
      dynamoOnly: variant('dynamoOnly'),
      oneByOne: variant('oneByOne'),
      commands: {
        before: COMMANDS_BEFORE,
        after: perDelivery(measured.ours),
        oneByOne: perDelivery(measured.oneByOne),
      },
      concurrency: CONCURRENCY,
      rounds,
      deliveriesPerRound: perRound,
      bodyBytes,
      notes: [
        `${ENDPOINTS} endpoints × ${messagesPerRound} messages per round, ${CONCURRENCY} deliveries ` +
          `in flight, median of ${rounds} rounds (order rotated each round) after a warm-up round; ` +
          `the sign + post and floor variants post each round's bodies ${FAST_REPEAT} times.`,
        'ours: batches of ten as the delivery consumer runs them — one BatchGetItem for the batch ' +
          '(endpoints, secrets, messages, deliveries), a conditional claim per attempt, sign, post, one ' +
          'BatchWriteItem for the attempt results and delivery states, one stats update per ' +
          'endpoint-hour; the endpoint item is not written on success. One by one: each delivery its own ' +
          'BatchGetItem and three writes, ten in flight. DynamoDB only: ours with the POST answered ' +
          'in-process. dynalite and fauxqs run in a separate process on loopback, as does the receiver.',
        'The receiver (separate process) answers 204 at once on loopback, so the floor is far faster ' +
          'than any real endpoint; the ratio is an upper bound on the share of time our own work takes.',
      ],
    };
  } finally {
    await receiver.stop();
    await emulator.stop();
  }
}

runWorker(main);
