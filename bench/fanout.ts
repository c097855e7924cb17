import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDocumentClient } from '../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../shared/platform/aws/sqs-client';
import { createQueueSender } from '../shared/platform/aws/queue';
import { createLocalCipher } from '../shared/platform/crypto/secret-cipher';
import { EVENT_CATALOG, parsePlatformEvent } from '../shared/events/event-catalog';
import { generateSigningSecret } from '../shared/platform/crypto/standard-webhooks';
import { newEndpointRecord } from '../shared/outbound/endpoint';
import { createAdmissionStore } from '../shared/outbound/admission/admission-store';
import { createEndpointsStore, type EndpointsStore } from '../shared/outbound/endpoints-store';
import { fanOut, type FanoutDependencies } from '../shared/outbound/fanout';
import { newEndpointId } from '../shared/events/ids';
import { createMessagesStore, type MessagesStore } from '../shared/outbound/messages-store';
import type { EmulatorInfo } from './lib/emulator-host';
import { REPO_ROOT } from './lib/paths';
import { startService, TSX_ARGS } from './lib/processes';
import { SETTINGS } from './lib/settings';
import { median, round } from './lib/stats';
import { runWorker } from './lib/worker';

/**
 * Benchmark 5, fan-out: the time `fanOut` (shared/webhooks/fanout.ts) takes to turn one event into
 * a stored message, one delivery record and one queued task per matching endpoint, for 1, 100 and
 * 1,000 endpoints, with the real stores on dynalite and the real SQS sender on fauxqs (both in a
 * separate process). Endpoints are written straight through the endpoints store: the API's limit of
 * 50 per organisation is bypassed on purpose, to see how the design scales past it.
 *
 * Phases are timed by wrapping the dependencies (no production code changed). Floor: the least
 * work that gets N tasks queued — list the endpoints (one query) and send the tasks in batches of
 * 10 — without storing the message or the per-endpoint delivery records.
 */

export interface FanoutSize {
  readonly endpoints: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly tasksPerSecond: number;
  readonly phasesMs: {
    readonly putMessage: number;
    readonly listEndpoints: number;
    readonly putDeliveries: number;
    readonly sendTasks: number;
    readonly markComplete: number;
  };
  readonly floorMs: number;
}

export interface FanoutResult {
  readonly sizes: FanoutSize[];
  readonly notes: string[];
}

type Phase = keyof FanoutSize['phasesMs'];

function timed(phases: Record<Phase, { start: number; end: number }>) {
  const mark = async <T>(phase: Phase, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const slot = phases[phase];
    if (slot.start === 0 || start < slot.start) slot.start = start;
    try {
      return await work();
    } finally {
      slot.end = Math.max(slot.end, performance.now());
    }
  };
  return mark;
}

async function main(): Promise<FanoutResult> {
  const emulator = await startService<EmulatorInfo>([...TSX_ARGS, join(REPO_ROOT, 'bench', 'lib', 'emulator-host.ts')]);
  try {
    const env = emulator.info.env;
    const documents = createDocumentClient(env);
    const sqs = createSqsClient(env);
    const table = emulator.info.tables.webhooks;
    const endpoints = createEndpointsStore(documents, table);
    const messages = createMessagesStore(documents, table);
    const queue = createQueueSender(sqs, emulator.info.queues.delivery.url);
    const admission = createAdmissionStore(documents, table);
    const cipher = createLocalCipher('benchmark-local-key-material');

    const sizes = [1, 100, 1_000];
    // Endpoints for each size, in their own organisation, created directly (no 50-per-org API limit).
    for (const size of sizes) {
      const orgId = `org_fanout_${size}`;
      const at = new Date().toISOString();
      const pending: Promise<void>[] = [];
      for (let index = 0; index < size; index++) {
        const endpointId = newEndpointId();
        const endpoint = await newEndpointRecord(
          {
            owner: orgId,
            endpointId,
            url: `https://hooks.example.com/${orgId}/${index}`,
            description: `benchmark endpoint ${index}`,
            eventTypes: index % 2 === 0 ? ['import.*'] : ['import.completed', 'order.allocation_failed'],
            at,
          },
          generateSigningSecret(),
          cipher,
        );
        pending.push(endpoints.create(endpoint).then(() => undefined));
        if (pending.length >= 25) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
    }

    const event = (orgId: string) =>
      parsePlatformEvent({
        id: `evt_${randomUUID()}`,
        type: 'import.completed',
        orgId,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG['import.completed'].example,
      });

    const results: FanoutSize[] = [];
    for (const size of sizes) {
      const orgId = `org_fanout_${size}`;
      const runs = SETTINGS.quick ? (size >= 1_000 ? 2 : 3) : size >= 1_000 ? 5 : size >= 100 ? 9 : 15;
      const durations: number[] = [];
      const floors: number[] = [];
      const phaseRuns: Record<Phase, number[]> = {
        putMessage: [],
        listEndpoints: [],
        putDeliveries: [],
        sendTasks: [],
        markComplete: [],
      };
      for (let run = -1; run < runs; run++) {
        const phases: Record<Phase, { start: number; end: number }> = {
          putMessage: { start: 0, end: 0 },
          listEndpoints: { start: 0, end: 0 },
          putDeliveries: { start: 0, end: 0 },
          sendTasks: { start: 0, end: 0 },
          markComplete: { start: 0, end: 0 },
        };
        const mark = timed(phases);
        const wrappedEndpoints: EndpointsStore = {
          ...endpoints,
          list: (org) => mark('listEndpoints', () => endpoints.list(org)),
        };
        const wrappedMessages: MessagesStore = {
          ...messages,
          putMessage: (message) => mark('putMessage', () => messages.putMessage(message)),
          putDeliveryIfAbsent: (delivery) => mark('putDeliveries', () => messages.putDeliveryIfAbsent(delivery)),
          markFanoutComplete: (id) => mark('markComplete', () => messages.markFanoutComplete(id)),
        };
        // Queueing: SendMessageBatch per ten tasks. The endpoints' admission states (is a circuit open?)
        // are read while the delivery records are written, so they are in the total, not in a phase.
        const wrappedQueue: FanoutDependencies['deliveryQueue'] = {
          sendEach: (entries) => mark('sendTasks', () => queue.sendEach(entries)),
        };
        const deps: FanoutDependencies = {
          endpoints: wrappedEndpoints,
          messages: wrappedMessages,
          deliveryQueue: wrappedQueue,
          admission,
          messageRetentionDays: 30,
          now: () => new Date(),
        };
        const published = event(orgId);
        const started = performance.now();
        const outcome = await fanOut(published, randomUUID(), deps);
        const elapsed = performance.now() - started;
        if (outcome.tasks !== size) throw new Error(`fanOut to ${size} endpoints produced ${outcome.tasks} tasks`);

        const floorStarted = performance.now();
        const listed = await endpoints.list(orgId);
        await queue.sendBatch(
          listed.map((endpoint) =>
            JSON.stringify({
              messageId: 'msg_floor',
              orgId,
              endpointId: endpoint.endpointId,
              attempt: 1,
              trigger: 'scheduled',
              correlationId: 'floor',
            }),
          ),
        );
        const floorElapsed = performance.now() - floorStarted;
        if (run < 0) continue; // warm-up
        durations.push(elapsed);
        floors.push(floorElapsed);
        for (const phase of Object.keys(phases) as Phase[])
          phaseRuns[phase].push(phases[phase].end - phases[phase].start);
      }
      const medianMs = median(durations);
      results.push({
        endpoints: size,
        runs,
        medianMs: round(medianMs),
        tasksPerSecond: round((size / medianMs) * 1000),
        phasesMs: {
          putMessage: round(median(phaseRuns.putMessage)),
          listEndpoints: round(median(phaseRuns.listEndpoints)),
          putDeliveries: round(median(phaseRuns.putDeliveries)),
          sendTasks: round(median(phaseRuns.sendTasks)),
          markComplete: round(median(phaseRuns.markComplete)),
        },
        floorMs: round(median(floors)),
      });
    }
    documents.destroy();
    sqs.destroy();
    return {
      sizes: results,
      notes: [
        'Endpoints created directly with the endpoints store, bypassing the API limit of 50 per organisation ' +
          '(MAX_ENDPOINTS_PER_ORG).',
        'fanOut writes the delivery records all at once (Promise.all) and then sends the tasks 10 per ' +
          'SendMessageBatch, one batch after another.',
        'dynalite and fauxqs run in one separate Node process on loopback; phase times overlap nothing (each phase ' +
          'waits for the previous one).',
      ],
    };
  } finally {
    await emulator.stop();
  }
}

runWorker(main);
