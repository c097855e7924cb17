import { batchGetItems, itemKeyId, type ItemKey, type TableContext } from '../platform/aws/table';
import { ownerOf, type Owned } from '../events/owner';
import type { EndpointRecord, EndpointSecrets } from './endpoint';
import { endpointKey, endpointSecretsKey, toEndpointRecord, toEndpointSecrets } from './endpoints-store';
import { deliveryKey, messageKey, strip, type StoredMessage } from './messages-store';

/**
 * Everything one delivery attempt reads, in one strongly consistent BatchGetItem: the endpoint (is it
 * there, enabled, failing?), its secrets, and the message body. One round trip instead of three.
 *
 * A delivery batch reads once for all its tasks (createBatchedContextReader): the reads its deliveries
 * ask for in the same turn of the event loop — the batch's records start side by side — go out as one
 * BatchGetItem, each endpoint and message once, with each delivery's own item, which lets the batch
 * write the delivery's new state as a whole item (delivery-batch.ts).
 */
export interface DeliveryContext {
  readonly endpoint: EndpointRecord | undefined;
  readonly secrets: EndpointSecrets | undefined;
  readonly message: StoredMessage | undefined;
}

type ContextTask = Owned & { readonly endpointId: string; readonly messageId: string };

export interface DeliveryContextReader {
  read(task: ContextTask): Promise<DeliveryContext>;
}

/** A batch's reader: also hands out the delivery items it read, as stored (keys included), once each. */
export interface BatchedContextReader extends DeliveryContextReader {
  takeDeliveryItem(messageId: string, endpointId: string): Record<string, unknown> | undefined;
}

function contextKeys(task: ContextTask): ItemKey[] {
  const owner = ownerOf(task);
  return [
    endpointKey(owner, task.endpointId),
    endpointSecretsKey(owner, task.endpointId),
    { pk: messageKey(task.messageId), sk: 'MESSAGE' },
  ];
}

function contextOf(task: ContextTask, found: Map<string, Record<string, unknown>>): DeliveryContext {
  const [endpointItem, secretsItem, messageItem] = contextKeys(task).map((key) => found.get(itemKeyId(key)));
  return {
    endpoint: toEndpointRecord(endpointItem),
    secrets: toEndpointSecrets(secretsItem, endpointItem),
    message: messageItem ? strip<StoredMessage>(messageItem) : undefined,
  };
}

export function createDeliveryContextReader(
  documents: TableContext['documents'],
  tableName: string,
): DeliveryContextReader {
  const table = { documents, tableName };
  return { read: async (task) => contextOf(task, await batchGetItems(table, contextKeys(task))) };
}

interface PendingRead {
  readonly task: ContextTask;
  readonly resolve: (context: DeliveryContext) => void;
  readonly reject: (error: unknown) => void;
}

export function createBatchedContextReader(table: TableContext): BatchedContextReader {
  const deliveries = new Map<string, Record<string, unknown>>();
  let pending: PendingRead[] = [];

  async function flush(): Promise<void> {
    const reads = pending;
    pending = [];
    const keys = reads.flatMap(({ task }) => [...contextKeys(task), deliveryKey(task.messageId, task.endpointId)]);
    try {
      const found = await batchGetItems(table, keys);
      for (const { task, resolve } of reads) {
        const delivery = found.get(itemKeyId(deliveryKey(task.messageId, task.endpointId)));
        if (delivery) deliveries.set(itemKeyId(deliveryKey(task.messageId, task.endpointId)), delivery);
        resolve(contextOf(task, found));
      }
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  return {
    read: (task) =>
      new Promise<DeliveryContext>((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ task, resolve, reject });
      }),
    takeDeliveryItem(messageId, endpointId) {
      const id = itemKeyId(deliveryKey(messageId, endpointId));
      const item = deliveries.get(id);
      deliveries.delete(id);
      return item;
    },
  };
}
