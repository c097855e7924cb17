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
import { postWebhook } from '../shared/outbound/transport/http-delivery';
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
import { isRead, logCommands } from '../test/support/dynamodb-commands';
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
 * handles a batch of 10 side by side.
 *
 * Side by side, on the same bodies and the same receiver:
 * - sign + post: deliveryHeaders + postWebhook only — no DynamoDB;
 * - floor: a bare node:http keep-alive client posting the body with a content-type;
 * - DynamoDB only: the six store calls of a successful attempt, without signing or posting (as
 *   attempt 2 of the same tasks, so they never collide with ours), to show how much of the gap is
 *   the emulated database.
 */

export interface DeliveryVariant {
  readonly deliveriesPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** DynamoDB commands per successful first attempt, counted on the client during the `ours` variant. */
export interface CommandsPerDelivery {
  readonly reads: number;
  readonly writes: number;
  /** Writes to the endpoint item (`ORG#…` / `ENDPOINT#…`): 0 on the happy path. */
  readonly endpointWrites: number;
}

/** What main did before issue 12 (8b40325): 2 GetItem, 4 writes, 3 stats UpdateItems per success. */
export const COMMANDS_BEFORE: CommandsPerDelivery = { reads: 2, writes: 7, endpointWrites: 1 };

export interface DeliveryResult {
  readonly ours: DeliveryVariant;
  readonly commands: { readonly before: CommandsPerDelivery; readonly after: CommandsPerDelivery };
  readonly signAndPost: DeliveryVariant;
  readonly floor: DeliveryVariant;
  /** The DynamoDB calls of a successful attempt alone (no signing, no HTTP): the emulator's share. */
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
      signAndPost: [] as number[],
      floor: [] as number[],
      dynamoOnly: [] as number[],
    };
    const rates = {
      ours: [] as number[],
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
    const oursWork = async (task: DeliveryTask) => {
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
    const measured = { deliveries: 0, reads: 0, writes: 0, endpointWrites: 0 };
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
    // The same DynamoDB calls deliver() makes for a successful first attempt, without signing or posting.
    const dynamoWork = async (task: DeliveryTask) => {
      const now = new Date();
      const at = now.toISOString();
      const { endpoint, message } = await deps.context.read(task);
      if (!endpoint || !message) throw new Error('DynamoDB-only variant: endpoint or message missing');
      const claim = {
        messageId: task.messageId,
        endpointId: task.endpointId,
        orgId: task.orgId,
        eventType: message.eventType,
        attempt: 2,
        trigger: task.trigger,
        state: 'in_progress' as const,
        at,
        url: endpoint.url,
        status: null,
        statusCode: null,
        errorKind: null,
        errorMessage: null,
        durationMs: null,
        responseExcerpt: null,
        nextAttemptAt: null,
        expiresAt: 0,
      };
      const claimed = await deps.messages.claimAttempt(claim, new Date(now.getTime() - 60_000).toISOString());
      if (!claimed.claimed) throw new Error('DynamoDB-only variant: attempt already claimed');
      await deps.messages.completeAttempt(claim, {
        status: 'succeeded',
        statusCode: 204,
        errorKind: null,
        errorMessage: null,
        durationMs: 1,
        responseExcerpt: '',
        nextAttemptAt: null,
      });
      await deps.messages.updateDelivery(
        task.messageId,
        task.endpointId,
        { status: 'succeeded', attempts: 2, lastAttemptAt: at, nextAttemptAt: null },
        at,
      );
    };

    // Warm-up round, not recorded.
    for (let round = -1; round < rounds; round++) {
      const record = round >= 0;
      const { tasks, bodies } = await makeRound();
      // The HTTP-only variants are ~20× faster: repeat their bodies so each round of them lasts long enough to time.
      const repeated = Array.from({ length: FAST_REPEAT }, () => bodies).flat();
      const order: (keyof typeof rates)[] = ['ours', 'signAndPost', 'floor', 'dynamoOnly'];
      for (let offset = 0; offset < order.length; offset++) {
        const name = order[(Math.max(round, 0) + offset) % order.length] as keyof typeof rates;
        if (name === 'ours') {
          commandLog.reset();
          await runVariant(name, tasks, oursWork, record);
          if (group.open === 0 && group.started < CONCURRENCY) flushes.push(group.stats.flush());
          group = { stats: createStatsBatch(statsStore), started: 0, open: 0 };
          await Promise.all(flushes.splice(0));
          if (record) {
            measured.deliveries += tasks.length;
            measured.reads += commandLog.count(isRead);
            measured.writes += commandLog.count((command) => !isRead(command));
            measured.endpointWrites += commandLog.commands.filter(
              (command) => !isRead(command.name) && String(command.key?.sk ?? '').startsWith('ENDPOINT#'),
            ).length;
          }
        } else if (name === 'signAndPost') await runVariant(name, repeated, signPostWork, record);
        else if (name === 'dynamoOnly') await runVariant(name, tasks, dynamoWork, record);
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
      commands: {
        before: COMMANDS_BEFORE,
        after: {
          reads: round(measured.reads / measured.deliveries),
          writes: round(measured.writes / measured.deliveries),
          endpointWrites: round(measured.endpointWrites / measured.deliveries),
        },
      },
      concurrency: CONCURRENCY,
      rounds,
      deliveriesPerRound: perRound,
      bodyBytes,
      notes: [
        `${ENDPOINTS} endpoints × ${messagesPerRound} messages per round, ${CONCURRENCY} deliveries ` +
          `in flight, median of ${rounds} rounds (order rotated each round) after a warm-up round; ` +
          `the sign + post and floor variants post each round's bodies ${FAST_REPEAT} times.`,
        'ours: one BatchGetItem (endpoint, secrets, message), claim the attempt, sign, post, then ' +
          'the attempt result and the delivery state side by side (3 round trips in sequence); every ' +
          '10 deliveries share one stats batch, written once per endpoint-hour; the endpoint item is ' +
          'not written on success. dynalite runs in a separate process on loopback.',
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
