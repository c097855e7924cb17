import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putItemIfAbsent } from '../../platform/aws/table';
import { decodeCursor, encodeCursor } from '../../platform/aws/pagination';
import type { ObjectStore } from '../../platform/aws/object-store';
import type { InboundEntry, InboundProvider, InboundStatus } from './inbound-event';
import {
  countReceiptUpdate,
  inboundItem,
  inboundKey as key,
  ownerKey,
  saveTryUpdate,
  toEntry,
  type InboundLogWriter,
  type LogOwner,
  type StoredBody,
} from './inbound-log-items';

/**
 * The inbound event log in DynamoDB (table `inbound`), bodies too large for an item in S3.
 *
 * - `INBOUND#<id>` / `EVENT`: the entry; `gsi1pk` = `ORG#<org>` or `UNATTRIBUTED`, `gsi1sk` =
 *   `<receivedAt>#<id>`, so index `byOwner` lists an owner's events newest first by time range.
 * - A body over INLINE_BODY_MAX_BYTES is written to `<bucket>/<id>/<receiptId>` before its item
 *   (claim-check): an item never points at a body that is not there.
 */

/** Leaves room in the 400 KB item for headers, effects and keys. */
export const INLINE_BODY_MAX_BYTES = 200 * 1024;
export { UNATTRIBUTED, type LogOwner } from './inbound-log-items';

export interface LogQuery {
  readonly provider?: InboundProvider;
  readonly types?: readonly string[];
  readonly status?: InboundStatus;
  /** ISO instants, inclusive. */
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface InboundLogStore extends InboundLogWriter {
  /** The raw body of the receipt that was processed. */
  body(id: string): Promise<Buffer | undefined>;
  list(owner: LogOwner, query: LogQuery): Promise<{ items: InboundEntry[]; nextCursor: string | null }>;
}

/** `since`/`until` as bounds of `<receivedAt>#<id>` sort keys. */
function timeRange(query: LogQuery): { from: string; to: string } {
  return { from: query.since ?? '0', to: `${query.until ?? '9'}#~` };
}

function filterOf(query: LogQuery) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.provider) {
    clauses.push('#provider = :provider');
    names['#provider'] = 'provider';
    values[':provider'] = query.provider;
  }
  if (query.status) {
    clauses.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.types?.length) {
    const placeholders = query.types.map((type, index) => {
      values[`:type${index}`] = type;
      return `:type${index}`;
    });
    clauses.push(`#type IN (${placeholders.join(', ')})`);
    names['#type'] = 'type';
  }
  return { clauses, names, values };
}

/** What every store operation works with. */
interface LogContext {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly bodies?: ObjectStore;
}

async function getEntry({ documents, tableName }: LogContext, id: string): Promise<InboundEntry | undefined> {
  const result = await documents.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
  return result.Item ? toEntry(result.Item) : undefined;
}

async function readBody({ documents, tableName, bodies }: LogContext, id: string): Promise<Buffer | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: tableName, Key: key(id), ProjectionExpression: 'body, bodyKey', ConsistentRead: true }),
  );
  const item = result.Item;
  if (!item) return undefined;
  if (typeof item.body === 'string') return Buffer.from(item.body, 'utf8');
  if (!bodies) throw new Error(`The body of inbound event ${id} is in the bucket, which this store cannot read`);
  return bodies.get(String(item.bodyKey));
}

/** Claim-check: a body too large for the item goes to the bucket first, so no item points at a missing body. */
async function storedBody({ bodies }: LogContext, entry: InboundEntry, body: Buffer): Promise<StoredBody> {
  if (!bodies || body.length <= INLINE_BODY_MAX_BYTES) return { body: body.toString('utf8') };
  const bodyKey = `${entry.id}/${entry.receiptId}`;
  await bodies.put(bodyKey, body);
  return { bodyKey };
}

async function createEntry(context: LogContext, entry: InboundEntry, body: Buffer): Promise<'created' | 'exists'> {
  const item = inboundItem(entry, await storedBody(context, entry, body), body.length);
  const created = await putItemIfAbsent(context, item);
  return created ? 'created' : 'exists';
}

async function saveTry({ documents, tableName }: LogContext, entry: InboundEntry): Promise<void> {
  await documents.send(new UpdateCommand(saveTryUpdate(tableName, entry)));
}

async function countReceipt({ documents, tableName }: LogContext, id: string): Promise<void> {
  await documents.send(new UpdateCommand(countReceiptUpdate(tableName, id)));
}

async function listEntries(
  { documents, tableName }: LogContext,
  owner: LogOwner,
  query: LogQuery,
): Promise<{ items: InboundEntry[]; nextCursor: string | null }> {
  const gsi1pk = ownerKey(owner);
  const { from, to } = timeRange(query);
  const filter = filterOf(query);
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'byOwner',
      KeyConditionExpression: 'gsi1pk = :owner AND gsi1sk BETWEEN :from AND :to',
      ...(filter.clauses.length > 0 && { FilterExpression: filter.clauses.join(' AND ') }),
      ...(Object.keys(filter.names).length > 0 && { ExpressionAttributeNames: filter.names }),
      ExpressionAttributeValues: { ':owner': gsi1pk, ':from': from, ':to': to, ...filter.values },
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, gsi1pk, 'gsi1pk'),
    }),
  );
  return {
    items: (result.Items ?? []).map(toEntry),
    nextCursor: encodeCursor(result.LastEvaluatedKey as Record<string, string> | undefined),
  };
}

/**
 * Without `bodies`, every body stays in its item: for writers whose bodies are capped below the item
 * size (signed sources, 350 KiB), so they never load the S3 client.
 */
export function createInboundLogStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  bodies?: ObjectStore,
): InboundLogStore {
  const context: LogContext = { documents, tableName, bodies };
  return {
    get: (id) => getEntry(context, id),
    body: (id) => readBody(context, id),
    create: (entry, body) => createEntry(context, entry, body),
    saveTry: (entry) => saveTry(context, entry),
    countReceipt: (id) => countReceipt(context, id),
    list: (owner, query) => listEntries(context, owner, query),
  };
}
