import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts the DynamoDB commands a client sends, by name (`GetItem`, `BatchGetItem`, `UpdateItem`, …),
 * with the key of each write: what the cost tests and the delivery benchmark report.
 */
export interface CommandLog {
  /** Each command, with its key (a BatchWriteItem or BatchGetItem: `keys`, one per item it writes or reads). */
  readonly commands: {
    readonly name: string;
    readonly key?: Record<string, unknown>;
    readonly keys?: Record<string, unknown>[];
  }[];
  reset(): void;
  count(filter?: (name: string) => boolean): number;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
export const isRead = (name: string) => READS.has(name);

export function logCommands(documents: DynamoDBDocumentClient): CommandLog {
  const log: CommandLog = {
    commands: [],
    reset: () => void log.commands.splice(0),
    count: (filter = () => true) => log.commands.filter((command) => filter(command.name)).length,
  };
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        Key?: Record<string, unknown>;
        Item?: Record<string, unknown>;
        RequestItems?: Record<string, unknown>;
      };
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const key = input.Key ?? (input.Item && { pk: input.Item.pk, sk: input.Item.sk });
      const keys =
        name === 'BatchWriteItem'
          ? batchWriteKeys(input.RequestItems ?? {})
          : name === 'BatchGetItem'
            ? batchGetKeys(input.RequestItems ?? {})
            : undefined;
      log.commands.push({ name, ...(key && { key }), ...(keys && { keys }) });
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return log;
}

type WriteRequest = {
  PutRequest?: { Item?: Record<string, unknown> };
  DeleteRequest?: { Key?: Record<string, unknown> };
};

function batchWriteKeys(requestItems: Record<string, unknown>): Record<string, unknown>[] {
  return Object.values(requestItems).flatMap((requests) =>
    (requests as WriteRequest[]).map((request) => {
      const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
      return { pk: item.pk, sk: item.sk };
    }),
  );
}

function batchGetKeys(requestItems: Record<string, unknown>): Record<string, unknown>[] {
  return Object.values(requestItems).flatMap((request) => (request as { Keys?: Record<string, unknown>[] }).Keys ?? []);
}

/** Items a command reads or writes: one for a single-item command, each key of a batch. */
export const itemsOf = (command: CommandLog['commands'][number]) => command.keys?.length ?? 1;
