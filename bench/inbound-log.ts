import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createSourcesWebhookHandler } from '../functions/sources-webhook/sources-webhook';
import { sourceSecretContext } from '../shared/inbound/connections/source-secret';
import { createConnectionsStore } from '../shared/inbound/connections/connections-store';
import { createInboundLogStore } from '../shared/inbound/log/inbound-log-store';
import { processLogged, type InboundLogging, type ReceivedEvent } from '../shared/inbound/log/logged-processing';
import { createDocumentClient } from '../shared/platform/aws/dynamodb-client';
import { createLeanQueueSender } from '../shared/platform/aws/lean-queue-sender';
import { lazyObjectStore } from '../shared/platform/aws/object-store';
import { DEFAULT_MAX_WEBHOOK_BODY_BYTES, loadInboundLogConfig } from '../shared/platform/config';
import { betterdataSignatureHeader } from '../shared/platform/crypto/betterdata-signature';
import { createLocalCipher } from '../shared/platform/crypto/secret-cipher';
import { generateSigningSecret, parseSigningSecret } from '../shared/platform/crypto/standard-webhooks';
import { observability } from './lib/cpu-bench';
import type { EmulatorInfo } from './lib/emulator-host';
import {
  countDynamoDbCommands,
  countingObjectStore,
  createCommandCounter,
  LOG_OFF,
  perEvent,
  type CommandCounter,
} from './lib/inbound-log';
import { REPO_ROOT } from './lib/paths';
import { startService, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round } from './lib/stats';
import { stripeHttpEvent } from './lib/stripe-payloads';
import { runWorker } from './lib/worker';

/**
 * Benchmark: what the inbound event log costs where it is written, like for like.
 *
 * - Ingest path (signed sources): the sources receiver logs each event before it queues it. The
 *   deployed handler (`createSourcesWebhookHandler`: real source lookup, AES-GCM secret, lean SQS
 *   sender) against the emulators (dynalite, fauxqs), one event at a time as one Lambda instance
 *   takes them, with the real log (`createInboundLogStore` on the emulator's `inbound` table) and
 *   with the log off (`LOG_OFF`: the path as it was before the log). Rounds alternate which variant
 *   goes first; medians over rounds; the ratio is log on / log off.
 * - Commands per event of every log path, counted on the clients: a consumer's first receipt, an SQS
 *   redelivery of it, another receipt of the same provider id, a first receipt above the 200 KiB
 *   claim-check threshold (S3), and the sources receiver's first and duplicate receipts.
 * The billing consumer's throughput with the log on and off is in the consumers benchmark.
 */

export interface LogPathCost {
  readonly path: string;
  readonly commandsPerEvent: Record<string, number>;
}

export interface InboundLogResult {
  readonly sourcesIngest: {
    readonly logOnMs: number;
    readonly logOffMs: number;
    /** log on / log off, median per-event wall time. */
    readonly ratio: number;
    readonly logOnCommandsPerEvent: Record<string, number>;
    readonly logOffCommandsPerEvent: Record<string, number>;
    readonly eventsPerRound: number;
    readonly rounds: number;
  };
  readonly logPaths: LogPathCost[];
  readonly notes: string[];
}

const SOURCE_ID = 'bench-log-source';
const ORG_ID = 'org_bench_log';

interface SourcesBench {
  readonly handle: (log: 'on' | 'off', event: APIGatewayProxyEventV2) => Promise<unknown>;
  readonly signedEvent: (body: string) => APIGatewayProxyEventV2;
}

async function sourcesBench(emulator: EmulatorInfo, counter: CommandCounter): Promise<SourcesBench> {
  const env = emulator.env;
  const documents = createDocumentClient(env);
  countDynamoDbCommands(documents, counter);
  const connections = createConnectionsStore(documents, emulator.tables.connections);
  const cipher = createLocalCipher('benchmark-local-key-material-for-sources');
  const secret = generateSigningSecret();
  const key = parseSigningSecret(secret);
  const at = new Date().toISOString();
  await connections.putSource({
    sourceId: SOURCE_ID,
    orgId: ORG_ID,
    secrets: [await cipher.encrypt(secret, sourceSecretContext(ORG_ID, SOURCE_ID))],
    createdAt: at,
    updatedAt: at,
  });
  const logConfig = loadInboundLogConfig(env);
  const logOn: InboundLogging = {
    store: createInboundLogStore(documents, logConfig.inboundTable),
    retentionDays: logConfig.retentionDays,
    now: () => new Date(),
  };
  const handler = (inboundLog: InboundLogging) =>
    createSourcesWebhookHandler({
      maxBodyBytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
      now: () => new Date(),
      connections,
      cipher,
      sourceEventRetentionDays: 30,
      inboundLog,
      queue: createLeanQueueSender(emulator.queues.inboundSources.url, { env }),
      observability: observability('info', 'sources-webhook'),
    });
  const handlers = { on: handler(logOn), off: handler(LOG_OFF) };
  return {
    handle: (log, event) => handlers[log](event),
    signedEvent: (body) => {
      const base = stripeHttpEvent(body, '', `req-${randomUUID()}`);
      const { 'stripe-signature': _stripe, ...headers } = base.headers;
      const signature = betterdataSignatureHeader([key], Math.floor(Date.now() / 1000), body);
      return {
        ...base,
        routeKey: 'POST /webhooks/sources/{sourceId}',
        headers: { ...headers, 'x-betterdata-signature': signature },
        pathParameters: { sourceId: SOURCE_ID },
      };
    },
  };
}

const sourceBody = (id: string) =>
  JSON.stringify({ id, type: 'order.created', data: { variantId: '788032119674292922', qty: 2 } });

function assertQueued(answer: unknown, what: string): void {
  const status = (answer as { statusCode?: number }).statusCode;
  if (status !== 200) throw new Error(`${what}: answered ${String(status)}: ${JSON.stringify(answer).slice(0, 300)}`);
}

/** One round of fresh events (each a first receipt) through one variant: mean wall ms per event. */
async function sourcesRound(bench: SourcesBench, log: 'on' | 'off', events: number): Promise<number> {
  const prepared = Array.from({ length: events }, () => bench.signedEvent(sourceBody(`ord_${randomUUID()}`)));
  const started = performance.now();
  for (const event of prepared) assertQueued(await bench.handle(log, event), `sources ingest, log ${log}`);
  return (performance.now() - started) / events;
}

async function measureSourcesIngest(emulator: EmulatorInfo): Promise<InboundLogResult['sourcesIngest']> {
  const counter = createCommandCounter();
  const bench = await sourcesBench(emulator, counter);
  const eventsPerRound = SETTINGS.quick ? 50 : 200;
  const rounds = SETTINGS.quick ? 3 : 9;
  // Warm-up (JIT, sockets, the source read path), not counted.
  for (const log of ['on', 'off'] as const) await sourcesRound(bench, log, 20);
  counter.take();
  const ms = { on: [] as number[], off: [] as number[] };
  const commands = { on: {} as Record<string, number>, off: {} as Record<string, number> };
  for (let index = 0; index < rounds; index++) {
    const order = index % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const log of order) {
      ms[log].push(await sourcesRound(bench, log, eventsPerRound));
      for (const [name, total] of Object.entries(counter.take()))
        commands[log][name] = (commands[log][name] ?? 0) + total;
    }
  }
  const events = eventsPerRound * rounds;
  const logOnMs = median(ms.on);
  const logOffMs = median(ms.off);
  return {
    logOnMs: round(logOnMs),
    logOffMs: round(logOffMs),
    ratio: round(logOnMs / logOffMs),
    logOnCommandsPerEvent: perEvent(commands.on, events),
    logOffCommandsPerEvent: perEvent(commands.off, events),
    eventsPerRound,
    rounds,
  };
}

/** A consumer's received event as the billing consumer builds it from its queued message. */
function receivedEvent(providerEventId: string, receiptId: string, body: Buffer): ReceivedEvent {
  return {
    provider: 'stripe',
    providerEventId,
    type: 'invoice.paid',
    receivedAt: new Date().toISOString(),
    receiptId,
    account: 'cus_bench',
    headers: {},
    body,
    replay: false,
  };
}

const applied = async () => ({ status: 'applied', changed: true, orgId: ORG_ID, effects: {} }) as const;

/** The DynamoDB and S3 commands of each way an event meets the log, per event, on the emulators. */
async function measureLogPaths(emulator: EmulatorInfo): Promise<LogPathCost[]> {
  const counter = createCommandCounter();
  const documents = createDocumentClient(emulator.env);
  countDynamoDbCommands(documents, counter);
  const config = loadInboundLogConfig(emulator.env);
  const bodies = countingObjectStore(lazyObjectStore(config.inboundBodiesBucket, emulator.env), counter);
  const logging: InboundLogging = {
    store: createInboundLogStore(documents, config.inboundTable, bodies),
    retentionDays: config.retentionDays,
    now: () => new Date(),
  };
  const events = SETTINGS.quick ? 5 : 20;
  const small = Buffer.from(JSON.stringify({ id: 'evt', object: 'event', data: { object: { amount: 4200 } } }));
  const large = Buffer.concat([small, Buffer.alloc(300 * 1024, 0x20)]);
  const ids = Array.from({ length: events }, () => ({ id: `evt_${randomUUID()}`, receipt: randomUUID() }));
  const measured = async (path: string, each: (id: { id: string; receipt: string }) => Promise<unknown>) => {
    counter.take();
    for (const id of ids) await each(id);
    return { path, commandsPerEvent: perEvent(counter.take(), events) };
  };
  const duplicate = randomUUID();
  return [
    await measured('consumer, first receipt (small body)', ({ id, receipt }) =>
      processLogged(logging, receivedEvent(id, receipt, small), applied),
    ),
    await measured('consumer, SQS redelivery of that receipt', ({ id, receipt }) =>
      processLogged(logging, receivedEvent(id, receipt, small), applied),
    ),
    await measured('consumer, another receipt of the same provider id', ({ id }) =>
      processLogged(logging, receivedEvent(id, duplicate, small), applied),
    ),
    await measured('consumer, first receipt of a 300 KiB body (claim-check)', () =>
      processLogged(logging, receivedEvent(`evt_${randomUUID()}`, randomUUID(), large), applied),
    ),
  ];
}

async function main(): Promise<InboundLogResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  try {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const sourcesIngest = await measureSourcesIngest(emulator.info);
    const logPaths = await measureLogPaths(emulator.info);
    return {
      sourcesIngest,
      logPaths: [...logPaths, ...(await sourcesLogPaths(emulator.info))],
      notes: [
        'Sources ingest: one event at a time through the deployed handler, wall time per event (the emulators ' +
          'run in another process on loopback, so round trips dominate: compare the ratio, not with AWS).',
        'Log off = the same handler with a log that records nothing and finds nothing (the path before the log).',
      ],
    };
  } finally {
    await emulator.stop();
  }
}

/** The sources receiver's first and duplicate receipts, commands per event of the whole ingest path. */
async function sourcesLogPaths(emulator: EmulatorInfo): Promise<LogPathCost[]> {
  const counter = createCommandCounter();
  const bench = await sourcesBench(emulator, counter);
  const events = SETTINGS.quick ? 5 : 20;
  const bodies = Array.from({ length: events }, () => sourceBody(`ord_${randomUUID()}`));
  counter.take();
  for (const body of bodies) assertQueued(await bench.handle('on', bench.signedEvent(body)), 'sources first receipt');
  const first = perEvent(counter.take(), events);
  for (const body of bodies) assertQueued(await bench.handle('on', bench.signedEvent(body)), 'sources duplicate');
  const again = perEvent(counter.take(), events);
  return [
    { path: 'sources ingest, first receipt (whole path: source read, log, listing)', commandsPerEvent: first },
    { path: 'sources ingest, the same event id again (not queued again)', commandsPerEvent: again },
  ];
}

runWorker(main);
