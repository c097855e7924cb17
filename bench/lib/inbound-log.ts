import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../shared/platform/aws/object-store';
import type { InboundLogging } from '../../shared/inbound/log/logged-processing';

/**
 * What the inbound-log benchmarks share: the log switched off (the path as it was before the log),
 * and counters of the DynamoDB and S3 commands a path sends, so a row can say what one event costs.
 */

/**
 * The log off: records nothing and never finds an earlier receipt, so every event is processed (or
 * queued) as a first receipt, exactly as before the log existed. It sends no command.
 */
export const LOG_OFF: InboundLogging = {
  store: {
    get: async () => undefined,
    body: async () => undefined,
    create: async () => 'created',
    saveTry: async () => undefined,
    countReceipt: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
  },
  retentionDays: 30,
  now: () => new Date(),
};

export interface CommandCounter {
  /** Commands sent since the last `take()`, by name (`PutItemCommand`, `S3.PutObject`, …). */
  take(): Record<string, number>;
  count(name: string): void;
}

export function createCommandCounter(): CommandCounter {
  let counts: Record<string, number> = {};
  return {
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    count(name) {
      counts[name] = (counts[name] ?? 0) + 1;
    },
  };
}

/** Counts every command the client sends (the document client's commands by their DynamoDB names). */
export function countDynamoDbCommands(documents: DynamoDBDocumentClient, counter: CommandCounter): void {
  documents.middlewareStack.add(
    (next, context) => (args) => {
      counter.count(String(context.commandName ?? 'unknown').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
}

/** The bucket store with each put and get counted as the S3 command it sends. */
export function countingObjectStore(store: ObjectStore, counter: CommandCounter): ObjectStore {
  return {
    put: (key, body) => (counter.count('S3.PutObject'), store.put(key, body)),
    get: (key) => (counter.count('S3.GetObject'), store.get(key)),
  };
}

/** `{ PutItem: 30, GetItem: 10 }` over 10 events → `PutItem 3, GetItem 1`. */
export function perEvent(counts: Record<string, number>, events: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, total]) => [name, Math.round((total / events) * 100) / 100]),
  );
}
