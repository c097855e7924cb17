import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ownerOf, type Owned } from '../events/owner';
import type { EndpointRecord, EndpointSecrets } from './endpoint';
import { endpointKey, endpointSecretsKey, toEndpointRecord, toEndpointSecrets } from './endpoints-store';
import { messageKey, strip, type StoredMessage } from './messages-store';

/**
 * Everything one delivery attempt reads, in one strongly consistent BatchGetItem: the endpoint (is it
 * there, enabled, failing?), its secrets, and the message body. One round trip instead of three.
 */
export interface DeliveryContext {
  readonly endpoint: EndpointRecord | undefined;
  readonly secrets: EndpointSecrets | undefined;
  readonly message: StoredMessage | undefined;
}

export interface DeliveryContextReader {
  read(task: Owned & { readonly endpointId: string; readonly messageId: string }): Promise<DeliveryContext>;
}

/** BatchGetItem may hand back keys it did not get to under load; they are asked for again, a few times. */
const MAX_ROUNDS = 5;

export function createDeliveryContextReader(
  documents: DynamoDBDocumentClient,
  tableName: string,
): DeliveryContextReader {
  return {
    async read(task) {
      const owner = ownerOf(task);
      const keys = [
        endpointKey(owner, task.endpointId),
        endpointSecretsKey(owner, task.endpointId),
        { pk: messageKey(task.messageId), sk: 'MESSAGE' },
      ];
      const found = new Map<string, Record<string, unknown>>();
      let wanted: Record<string, unknown>[] = keys;
      for (let round = 0; wanted.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error('DynamoDB left keys unprocessed; the task will be retried');
        const result = await documents.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[tableName] ?? [])
          found.set(`${String(item.pk)}|${String(item.sk)}`, item);
        wanted = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
      const [endpointItem, secretsItem, messageItem] = keys.map((key) => found.get(`${key.pk}|${key.sk}`));
      return {
        endpoint: toEndpointRecord(endpointItem),
        secrets: toEndpointSecrets(secretsItem, endpointItem),
        message: messageItem ? strip<StoredMessage>(messageItem) : undefined,
      };
    },
  };
}
